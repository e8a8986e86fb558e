"""
Share cards for published highlights: the 1200×630 PNG that social networks show.

Drawn with Pillow from public fields only (title, image, the public names the
page shows) and the organisation's brand from settings (name, colour, logo), so
a card can never say more than the public page. The photo is fitted, never
cropped: it is what the people in it approved, and a crop could cut one of them
out. Cards are cached by slug and `updated_at` and by what else they draw: an
edit or a new brand draws a new one, and the view refuses to serve any card of
a highlight that is no longer published.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import unicodedata
from collections.abc import Sequence
from functools import cache as memoize
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from PIL import (
    Image,
    ImageColor,
    ImageDraw,
    ImageFilter,
    ImageFont,
    ImageOps,
    UnidentifiedImageError,
)

from feed.highlights.models import Highlight

logger = logging.getLogger(__name__)

Colour = tuple[int, int, int]

# The size Open Graph and Twitter's summary_large_image recommend.
SHARE_SIZE = (1200, 630)
# A day: the key changes with every edit, so stale cards are never served.
SHARE_CACHE_SECONDS = 24 * 60 * 60
TITLE_MAX_LINES = 5
NAMES_MAX_LINES = 2
MARGIN = 64
# The photo's panel on the right, and the room around the photo inside it.
PHOTO_PANEL_WIDTH = 560
PHOTO_PADDING = 32
PHOTO_RADIUS = 18
# Title sizes tried largest first: the first at which the whole title fits wins.
TITLE_SIZES_WITH_PHOTO = (56, 50, 44, 38)
TITLE_SIZES_WITHOUT_PHOTO = (72, 64, 56, 48, 42)
BRAND_SIZE = 30
NAMES_SIZE = 26
LOGO_BOX = (200, 48)  # the logo is fitted into this, on a white tile
WHITE = (255, 255, 255)
INK_DARK = (22, 32, 42)  # --text in static/css/wins.css
# Fonts with every Spanish letter, where Debian/Ubuntu (fonts-dejavu-core,
# fonts-liberation) put them; `make system-deps` installs fonts-dejavu-core.
# Pillow's built-in font lacks accented letters, so without one of these the
# card drops accents ("página" → "pagina").
FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
    "/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf",
)
# The regular weight of each, for the names; the bold one stands in without it.
REGULAR_FONTS = {
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf": (
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
    ),
    "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf": (
        "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf"
    ),
    "/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf": (
        "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf"
    ),
}

# Bump when the drawing changes, so cached cards of the old design are not served.
SHARE_DESIGN = 3


# --------------------------------------------------------------------------
# Fonts and colours
# --------------------------------------------------------------------------
def _loads(path: str) -> bool:
    try:
        ImageFont.truetype(path, size=12)
    except OSError:
        return False
    return True


@memoize
def _font_path() -> str | None:
    """The first of `FONT_CANDIDATES` that FreeType can load, or None (once per process)."""
    for path in FONT_CANDIDATES:
        if _loads(path):
            return path
    logger.warning(
        "No TrueType font found (%s): share cards are drawn without accents. "
        "Install fonts-dejavu-core (make system-deps).",
        ", ".join(FONT_CANDIDATES) or "no candidates",
    )
    return None


@memoize
def _regular_font_path(bold: str) -> str:
    regular = REGULAR_FONTS.get(bold, "")
    return regular if regular and _loads(regular) else bold


def _font(size: int, *, bold: bool = True) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    path = _font_path()
    if path is None:
        return ImageFont.load_default(size=size)
    return ImageFont.truetype(path if bold else _regular_font_path(path), size=size)


def _drawable(text: str) -> str:
    """`text` as the chosen font can draw it: accents dropped for Pillow's own font."""
    if _font_path():
        return text
    return unicodedata.normalize("NFKD", text).encode("latin-1", "ignore").decode("latin-1")


def _luminance(colour: Colour) -> float:
    """WCAG 2 relative luminance."""

    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in colour)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: Colour, b: Colour) -> float:
    """WCAG 2 contrast ratio of two colours, from 1 to 21."""
    light, dark = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def ink_on(background: Colour) -> Colour:
    """White or dark text, whichever contrasts more with `background`."""
    return WHITE if contrast(WHITE, background) >= contrast(INK_DARK, background) else INK_DARK


def _mix(a: Colour, b: Colour, amount: float) -> Colour:
    """`a` moved `amount` (0 to 1) of the way to `b`."""
    return tuple(round(x + (y - x) * amount) for x, y in zip(a, b, strict=True))  # type: ignore[return-value]


def brand_colour() -> Colour:
    return ImageColor.getrgb(settings.ORGANISATION_COLOUR)[:3]  # type: ignore[return-value]


# --------------------------------------------------------------------------
# The logo
# --------------------------------------------------------------------------
def _logo_stamp(path: Path) -> int:
    """The logo file's modification time (ns), or 0 when it cannot be read."""
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return 0


@memoize
def _logo(path: str, stamp: int) -> Image.Image | None:
    """The logo at `path` fitted into `LOGO_BOX`, RGBA; None, logged, when it
    cannot be drawn. Once per file version and process."""
    try:
        with Image.open(path) as file:
            logo = ImageOps.contain(file.convert("RGBA"), LOGO_BOX, method=Image.Resampling.LANCZOS)
    except (OSError, UnidentifiedImageError, Image.DecompressionBombError):
        logger.warning(
            "ORGANISATION_LOGO %s cannot be drawn (a PNG is needed): cards show no logo", path
        )
        return None
    return logo


def organisation_logo() -> Image.Image | None:
    path = Path(settings.ORGANISATION_LOGO)
    return _logo(str(path), _logo_stamp(path))


# --------------------------------------------------------------------------
# The card of a highlight, cached
# --------------------------------------------------------------------------
def share_cache_key(highlight: Highlight, *, people: Sequence[str] = ()) -> str:
    """The cache key of the card: the highlight's version, plus everything else it draws."""
    stamp = int(highlight.updated_at.timestamp() * 1_000_000)
    logo = Path(settings.ORGANISATION_LOGO)
    drawn = [
        highlight.image.name or "",
        list(people),
        settings.ORGANISATION_NAME,
        settings.ORGANISATION_COLOUR,
        str(logo),
        _logo_stamp(logo),
    ]
    digest = hashlib.sha256(json.dumps(drawn, ensure_ascii=False).encode()).hexdigest()[:16]
    return f"highlight-share:v{SHARE_DESIGN}:{highlight.slug}:{stamp}:{digest}"


def share_image_png(highlight: Highlight, *, people: Sequence[str] = ()) -> bytes:
    """The card of `highlight` naming `people` (their public names, as the page
    shows them), as PNG bytes; drawn once per version and cached."""
    key = share_cache_key(highlight, people=people)
    png = cache.get(key)
    if png is None:
        png = draw_share_image(
            title=highlight.title,
            image=_open_image(highlight),
            organisation=settings.ORGANISATION_NAME,
            people=people,
        )
        cache.set(key, png, SHARE_CACHE_SECONDS)
    return png


def share_image_draft_png(highlight: Highlight, *, title: str, people: Sequence[str]) -> bytes:
    """The card `highlight` would have with `title` and `people`, drawn for comms'
    preview and never cached: the cache is keyed by version, not by draft text."""
    return draw_share_image(
        title=title,
        image=_open_image(highlight),
        organisation=settings.ORGANISATION_NAME,
        people=people,
    )


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


# --------------------------------------------------------------------------
# Drawing
# --------------------------------------------------------------------------
def _wrap(
    draw: ImageDraw.ImageDraw, text: str, font, width: int, max_lines: int = TITLE_MAX_LINES
) -> list[str]:
    """Greedy word wrap by pixel width; words too long for a line are cut, and
    past `max_lines` the last line ends with an ellipsis."""
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
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        last, ellipsis = lines[-1], "…" if _font_path() else "..."
        while last and draw.textlength(f"{last}{ellipsis}", font=font) > width:
            last = last[:-1]
        lines[-1] = f"{last.rstrip()}{ellipsis}"
    return lines


def _names_lines(draw: ImageDraw.ImageDraw, names: Sequence[str], font, width: int) -> list[str]:
    """`names` joined by " · " in at most `NAMES_MAX_LINES` lines, a name split
    only when it fills a line alone; "+N" ends the last line for those left out."""
    lines: list[list[str]] = []  # the names (or parts of one) on each line
    for n, name in enumerate(names):
        if lines and draw.textlength(" · ".join([*lines[-1], name]), font=font) <= width:
            lines[-1].append(name)
        elif len(lines) < NAMES_MAX_LINES:
            room = NAMES_MAX_LINES - len(lines)
            lines += [[part] for part in _wrap(draw, name, font, width, max_lines=room)]
        else:
            left_out = len(names) - n
            last = lines[-1]
            while len(last) > 1 and (
                draw.textlength(" · ".join([*last, f"+{left_out}"]), font=font) > width
            ):
                last.pop()
                left_out += 1
            last.append(f"+{left_out}")
            break
    return [" · ".join(line) for line in lines]


def _title_lines(
    draw: ImageDraw.ImageDraw, title: str, *, sizes: Sequence[int], width: int, height: int
) -> tuple[ImageFont.FreeTypeFont | ImageFont.ImageFont, list[str]]:
    """The largest of `sizes` at which the whole title fits `width` × `height`,
    and its lines; else the smallest, cut with an ellipsis."""
    for size in sizes:
        font = _font(size)
        fitting = min(TITLE_MAX_LINES, height // _line_height(font))
        lines = _wrap(draw, title, font, width, max_lines=fitting + 1)
        if len(lines) <= fitting:
            return font, lines
    font = _font(sizes[-1])
    fitting = max(1, min(TITLE_MAX_LINES, height // _line_height(font)))
    return font, _wrap(draw, title, font, width, max_lines=fitting)


def _line_height(font) -> int:
    return int(font.size * 1.2)


def photo_box(photo_size: tuple[int, int]) -> tuple[int, int, int, int]:
    """Where the photo goes on the card (left, top, right, bottom): as large as
    fits the panel on the right, whole, with its proportions, centred."""
    width, height = SHARE_SIZE
    room_w = PHOTO_PANEL_WIDTH - 2 * PHOTO_PADDING
    room_h = height - 2 * PHOTO_PADDING
    scale = min(room_w / photo_size[0], room_h / photo_size[1])
    w, h = max(1, round(photo_size[0] * scale)), max(1, round(photo_size[1] * scale))
    left = width - PHOTO_PANEL_WIDTH + (PHOTO_PANEL_WIDTH - w) // 2
    top = (height - h) // 2
    return left, top, left + w, top + h


def _draw_photo(card: Image.Image, photo: Image.Image, brand: Colour) -> None:
    """The photo whole in the right panel, over a blurred, toned copy of itself
    that fills the room a fitted photo leaves."""
    width, height = SHARE_SIZE
    panel = ImageOps.fit(photo, (PHOTO_PANEL_WIDTH, height), method=Image.Resampling.BILINEAR)
    panel = panel.resize((PHOTO_PANEL_WIDTH // 8, height // 8)).filter(ImageFilter.GaussianBlur(3))
    panel = panel.resize((PHOTO_PANEL_WIDTH, height), Image.Resampling.BILINEAR)
    panel = Image.blend(panel, Image.new("RGB", panel.size, _mix(brand, (0, 0, 0), 0.35)), 0.55)
    card.paste(panel, (width - PHOTO_PANEL_WIDTH, 0))

    left, top, right, bottom = photo_box(photo.size)
    fitted = photo.resize((right - left, bottom - top), Image.Resampling.LANCZOS)
    mask = Image.new("L", fitted.size, 0)
    ImageDraw.Draw(mask).rounded_rectangle(
        (0, 0, fitted.width - 1, fitted.height - 1), radius=PHOTO_RADIUS, fill=255
    )
    card.paste(fitted, (left, top), mask)


def _draw_motif(card: Image.Image, brand: Colour, ink: Colour) -> None:
    """What a card without a photo shows on its right: rings and a large tick
    (the app's mark), in tints of the brand colour."""
    draw = ImageDraw.Draw(card)
    width, height = SHARE_SIZE
    cx, cy = width - 150, height - 120
    for radius, amount in ((470, 0.06), (360, 0.1), (250, 0.14)):
        draw.ellipse(
            (cx - radius, cy - radius, cx + radius, cy + radius), fill=_mix(brand, ink, amount)
        )
    tick = [(cx - 120, cy - 10), (cx - 45, cy + 65), (cx + 110, cy - 105)]
    draw.line(tick, fill=_mix(brand, ink, 0.3), width=44, joint="curve")
    for x, y in (tick[0], tick[-1]):
        draw.ellipse((x - 22, y - 22, x + 22, y + 22), fill=_mix(brand, ink, 0.3))


def _draw_brand(
    draw: ImageDraw.ImageDraw, card: Image.Image, organisation: str, ink: Colour
) -> int:
    """The logo on a white tile and the organisation's name, top left; returns their bottom."""
    top = MARGIN - 8
    x = MARGIN
    logo = organisation_logo()
    row = LOGO_BOX[1] + 16
    if logo is not None:
        pad = 8
        tile = (x, top, x + logo.width + 2 * pad, top + row)
        draw.rounded_rectangle(tile, radius=12, fill=WHITE)
        card.paste(logo, (x + pad, top + (row - logo.height) // 2), logo)
        x = tile[2] + 20
    draw.text(
        (x, top + row // 2),
        _drawable(organisation),
        font=_font(BRAND_SIZE),
        fill=ink,
        anchor="lm",
    )
    return top + row


def draw_share_image(
    *,
    title: str,
    image: Image.Image | None,
    organisation: str,
    people: Sequence[str] = (),
    colour: Colour | None = None,
) -> bytes:
    """A 1200×630 PNG on the organisation's colour (`colour`, by default
    ORGANISATION_COLOUR): its logo and name, the title, the names of `people`
    and, when there is one, the photo whole on the right; without one, a motif."""
    width, height = SHARE_SIZE
    brand = colour or brand_colour()
    ink = ink_on(brand)
    card = Image.new("RGB", SHARE_SIZE, brand)
    if image is not None:
        _draw_photo(card, image, brand)
        text_right = width - PHOTO_PANEL_WIDTH - 48
        sizes = TITLE_SIZES_WITH_PHOTO
    else:
        _draw_motif(card, brand, ink)
        text_right = width - 300
        sizes = TITLE_SIZES_WITHOUT_PHOTO
    draw = ImageDraw.Draw(card)
    text_width = text_right - MARGIN
    header_bottom = _draw_brand(draw, card, organisation, ink)

    names_font = _font(NAMES_SIZE, bold=False)
    names = _names_lines(draw, [_drawable(name) for name in people], names_font, text_width)
    names_line = _line_height(names_font)
    names_top = height - MARGIN + 8 - names_line * len(names)
    for n, line in enumerate(names):
        draw.text((MARGIN, names_top + n * names_line), line, font=names_font, fill=ink)

    rule_top = names_top - 28 if names else height - MARGIN
    draw.rectangle((MARGIN, rule_top, MARGIN + 72, rule_top + 6), fill=ink)

    space_top, space_bottom = header_bottom + 32, rule_top - 32
    title_font, lines = _title_lines(
        draw, _drawable(title), sizes=sizes, width=text_width, height=space_bottom - space_top
    )
    line_height = _line_height(title_font)
    top = space_top + max(0, (space_bottom - space_top - line_height * len(lines)) // 2)
    for n, line in enumerate(lines):
        draw.text((MARGIN, top + n * line_height), line, font=title_font, fill=ink)

    output = io.BytesIO()
    card.save(output, format="PNG", optimize=True)
    return output.getvalue()
