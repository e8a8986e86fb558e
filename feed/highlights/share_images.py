"""
Share cards for published highlights: the 1200×630 PNG that social networks show.

Drawn with Pillow from public fields only (title, image, the organisation's
name), so a card can never say more than the public page. Cards are cached by
slug and `updated_at`: an edit draws a new one, and the view refuses to serve
any card of a highlight that is no longer published.
"""

from __future__ import annotations

import io
import logging
import unicodedata
from functools import cache as memoize

from django.conf import settings
from django.core.cache import cache
from PIL import Image, ImageDraw, ImageFont, ImageOps, UnidentifiedImageError

from feed.highlights.models import Highlight

logger = logging.getLogger(__name__)

# The size Open Graph and Twitter's summary_large_image recommend.
SHARE_SIZE = (1200, 630)
# A day: the key changes with every edit, so stale cards are never served.
SHARE_CACHE_SECONDS = 24 * 60 * 60
TITLE_MAX_LINES = 5
MARGIN = 64
BRAND = (15, 118, 110)  # --accent in static/css/wins.css
BRAND_DARK = (11, 92, 86)
WHITE = (255, 255, 255)
# Fonts with every Spanish letter, where Debian/Ubuntu (fonts-dejavu-core,
# fonts-liberation) put them; `make system-deps` installs fonts-dejavu-core.
# Pillow's built-in font lacks accented letters, so without one of these the
# card drops accents ("página" → "pagina").
FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
    "/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf",
)


@memoize
def _font_path() -> str | None:
    """The first of `FONT_CANDIDATES` that FreeType can load, or None (once per process)."""
    for path in FONT_CANDIDATES:
        try:
            ImageFont.truetype(path, size=12)
        except OSError:
            continue
        return path
    logger.warning(
        "No TrueType font found (%s): share cards are drawn without accents. "
        "Install fonts-dejavu-core (make system-deps).",
        ", ".join(FONT_CANDIDATES) or "no candidates",
    )
    return None


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    path = _font_path()
    return ImageFont.truetype(path, size=size) if path else ImageFont.load_default(size=size)


def _drawable(text: str) -> str:
    """`text` as the chosen font can draw it: accents dropped for Pillow's own font."""
    if _font_path():
        return text
    return unicodedata.normalize("NFKD", text).encode("latin-1", "ignore").decode("latin-1")


# Bump when the drawing changes, so cached cards of the old design are not served.
SHARE_DESIGN = 2


def share_cache_key(highlight: Highlight) -> str:
    stamp = int(highlight.updated_at.timestamp() * 1_000_000)
    return f"highlight-share:v{SHARE_DESIGN}:{highlight.slug}:{stamp}"


def share_image_png(highlight: Highlight) -> bytes:
    """The card of `highlight` as PNG bytes, drawn once per version and cached."""
    key = share_cache_key(highlight)
    png = cache.get(key)
    if png is None:
        png = draw_share_image(
            title=highlight.title,
            image=_open_image(highlight),
            organisation=settings.ORGANISATION_NAME,
        )
        cache.set(key, png, SHARE_CACHE_SECONDS)
    return png


def _open_image(highlight: Highlight) -> Image.Image | None:
    if not highlight.image:
        return None
    try:
        with highlight.image.open("rb") as file:
            image = Image.open(file)
            image.load()
    except (OSError, UnidentifiedImageError, Image.DecompressionBombError):
        logger.warning("Share card of highlight %s drawn without its image", highlight.pk)
        return None
    return ImageOps.exif_transpose(image).convert("RGB")


def _wrap(draw: ImageDraw.ImageDraw, text: str, font, width: int) -> list[str]:
    """Greedy word wrap by pixel width; words too long for a line are cut."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        while draw.textlength(word, font=font) > width:
            cut = len(word)
            while cut > 1 and draw.textlength(word[:cut], font=font) > width:
                cut -= 1
            if line:
                lines.append(line)
                line = ""
            lines.append(word[:cut])
            word = word[cut:]
        candidate = f"{line} {word}".strip()
        if draw.textlength(candidate, font=font) <= width:
            line = candidate
        else:
            lines.append(line)
            line = word
    if line:
        lines.append(line)
    if len(lines) > TITLE_MAX_LINES:
        lines = lines[:TITLE_MAX_LINES]
        last, ellipsis = lines[-1], "…" if _font_path() else "..."
        while last and draw.textlength(f"{last}{ellipsis}", font=font) > width:
            last = last[:-1]
        lines[-1] = f"{last.rstrip()}{ellipsis}"
    return lines


def draw_share_image(*, title: str, image: Image.Image | None, organisation: str) -> bytes:
    """A 1200×630 PNG: the title on the brand colour, the image on the right if any."""
    width, height = SHARE_SIZE
    card = Image.new("RGB", SHARE_SIZE, BRAND)
    draw = ImageDraw.Draw(card)
    text_right = width - MARGIN
    if image is not None:
        photo_width = width * 5 // 12
        photo = ImageOps.fit(image, (photo_width, height), method=Image.Resampling.LANCZOS)
        card.paste(photo, (width - photo_width, 0))
        text_right = width - photo_width - MARGIN
    draw.rectangle((0, height - 96, width, height), fill=BRAND_DARK)

    title_font = _font(60 if image is None else 52)
    line_height = int(title_font.size * 1.2)
    lines = _wrap(draw, _drawable(title), title_font, text_right - MARGIN)
    top = max(MARGIN, (height - 96 - line_height * len(lines)) // 2)
    for n, line in enumerate(lines):
        draw.text((MARGIN, top + n * line_height), line, font=title_font, fill=WHITE)

    brand_font = _font(34)
    draw.text(
        (MARGIN, height - 48), _drawable(organisation), font=brand_font, fill=WHITE, anchor="lm"
    )

    output = io.BytesIO()
    card.save(output, format="PNG", optimize=True)
    return output.getvalue()
