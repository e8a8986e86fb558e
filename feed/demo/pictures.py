"""
The pictures demo wins are posted with, drawn with Pillow: nothing downloaded.

A win whose idea has a headline gets a card showing it (or a rising bar chart
under it); others get an abstract illustration (confetti, rings, waves). Each
is described in the win's language for screen readers, and stored as the
composer stores uploads: decoded and cleaned by `wins_net.images`, made into a
display image and a thumbnail by `feed.wins.photos`. Deterministic: the same spec
draws the same picture.
"""

from __future__ import annotations

import functools
import math
import random
import unicodedata
from dataclasses import dataclass
from io import BytesIO

from django.core.files.base import ContentFile
from PIL import Image, ImageDraw, ImageFont

from feed.wins.photos import photo_files
from wins_net import images

# Pictures are drawn at this size (3:2, like a photo). Larger would only make
# seeding slower: WebP encoding is most of a picture's cost.
DRAWN_SIZE = (1200, 800)


@dataclass(frozen=True)
class PictureSpec:
    """What to draw; the planner picks it, so the pictures follow the seed."""

    style: str  # "card", "chart", "confetti", "rings" or "waves"
    palette: int
    seed: int
    headline: str = ""
    label: str = ""
    language: str = "en"


# (top, bottom, accent, second accent, ink on the panel), with a name in both languages.
PALETTES: list[tuple[tuple[str, ...], str, str]] = [
    (("#0f766e", "#2dd4bf", "#fde68a", "#f97316", "#134e4a"), "turquesa y ámbar",
     "teal and amber"),
    (("#312e81", "#818cf8", "#f9a8d4", "#fcd34d", "#312e81"), "índigo y rosa", "indigo and pink"),
    (("#9a3412", "#fb923c", "#fed7aa", "#fde047", "#7c2d12"), "naranja y melocotón",
     "orange and peach"),
    (("#065f46", "#34d399", "#d9f99d", "#fef08a", "#064e3b"), "verde esmeralda", "emerald green"),
    (("#1e3a8a", "#38bdf8", "#e0f2fe", "#fb7185", "#1e3a8a"), "azul cielo y coral",
     "sky blue and coral"),
    (("#9d174d", "#f472b6", "#fce7f3", "#fde68a", "#831843"), "frambuesa y crema",
     "raspberry and cream"),
    (("#b45309", "#fcd34d", "#fffbeb", "#0ea5e9", "#78350f"), "miel y azul", "honey and blue"),
]  # fmt: skip

ALT_TEXT = {
    "card": {
        "es": "Tarjeta ilustrada con el texto «{headline}» sobre un degradado {colour}, "
        "rodeada de círculos de colores.",
        "en": "Illustrated card reading “{headline}” on a gradient of {colour}, "
        "surrounded by colourful circles.",
    },
    "chart": {
        "es": "Gráfico de barras que crecen de izquierda a derecha bajo el titular "
        "«{headline}», sobre un fondo {colour}.",
        "en": "Bar chart rising from left to right under the headline “{headline}”, "
        "on a background of {colour}.",
    },
    "confetti": {
        "es": "Ilustración abstracta: confeti de círculos y rombos sobre un degradado {colour}.",
        "en": "Abstract illustration: confetti of circles and diamonds on a gradient of {colour}.",
    },
    "rings": {
        "es": "Ilustración abstracta de anillos concéntricos en tonos {colour}.",
        "en": "Abstract illustration of concentric rings in {colour} tones.",
    },
    "waves": {
        "es": "Ilustración abstracta de ondas superpuestas en tonos {colour}.",
        "en": "Abstract illustration of overlapping waves in {colour} tones.",
    },
}


def alt_text(spec: PictureSpec) -> str:
    """What the picture shows, in the language of the win, for screen readers."""
    _colours, colour_es, colour_en = PALETTES[spec.palette]
    colour = colour_es if spec.language == "es" else colour_en
    return ALT_TEXT[spec.style][spec.language].format(headline=spec.headline, colour=colour)


def _rgb(value: str) -> tuple[int, int, int]:
    value = value.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def _gradient(size: tuple[int, int], top: str, bottom: str, *, radial: bool) -> Image.Image:
    mask = Image.radial_gradient("L") if radial else Image.linear_gradient("L")
    mask = mask.resize(size, Image.Resampling.BICUBIC)
    return Image.composite(Image.new("RGB", size, bottom), Image.new("RGB", size, top), mask)


# A bold system font when there is one (Debian and Ubuntu ship DejaVu), else the
# one bundled with Pillow; nothing is downloaded.
SYSTEM_FONTS = ("DejaVuSans-Bold.ttf", "LiberationSans-Bold.ttf", "Arial Bold.ttf")
# A code point no font draws: what a missing glyph looks like in a given font.
NO_GLYPH = "\U0010fffd"


@functools.cache
def _system_font() -> str | None:
    for name in SYSTEM_FONTS:
        try:
            ImageFont.truetype(name, 12)
        except OSError:
            continue
        return name
    return None


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    name = _system_font()
    return ImageFont.truetype(name, size) if name else ImageFont.load_default(size=size)


@functools.cache
def _can_draw(char: str) -> bool:
    font = _font(24)

    def drawn(text: str) -> bytes:
        canvas = Image.new("L", (48, 48))
        ImageDraw.Draw(canvas).text((4, 4), text, font=font, fill=255)
        return canvas.tobytes()

    return char.isspace() or drawn(char) != drawn(NO_GLYPH)


def _drawable(text: str) -> str:
    """`text` with characters the font cannot draw replaced by their plain forms
    (Pillow's bundled font has no "ó"), so no picture shows an empty box."""
    shown = []
    for char in text:
        if _can_draw(char):
            shown.append(char)
        else:
            plain = unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode()
            shown.append(plain or {"→": "->"}.get(char, ""))
    return "".join(shown)


def _wrap(
    draw: ImageDraw.ImageDraw,
    text: str,
    width: int,
    *,
    start: int,
    max_lines: int,
    max_height: int | None = None,
) -> tuple[list[str], int]:
    """Lines of `text` fitting `width` (and `max_height`, at 1.2 lines), at the
    largest size from `start` giving `max_lines`."""
    size = start
    text = _drawable(text)
    while True:
        font = _font(size)
        lines: list[str] = []
        for word in text.split():
            candidate = f"{lines[-1]} {word}" if lines else word
            if lines and draw.textlength(candidate, font=font) <= width:
                lines[-1] = candidate
            else:
                lines.append(word)
        fits = len(lines) <= max_lines and all(
            draw.textlength(line, font=font) <= width for line in lines
        )
        if max_height is not None:
            fits = fits and len(lines) * int(size * 1.2) <= max_height
        if fits or size <= 28:
            return lines, size
        size -= 6


def render_picture(spec: PictureSpec) -> Image.Image:
    """Draw the picture a demo win is posted with: pleasant, simple, deterministic."""
    rng = random.Random(spec.seed)
    colours = [_rgb(c) for c in PALETTES[spec.palette][0]]
    top, _bottom, accent, accent2, ink = colours
    width, height = DRAWN_SIZE
    base = _gradient(DRAWN_SIZE, PALETTES[spec.palette][0][0], PALETTES[spec.palette][0][1],
                     radial=spec.style == "rings").convert("RGBA")  # fmt: skip
    shapes = Image.new("RGBA", DRAWN_SIZE, (0, 0, 0, 0))
    draw = ImageDraw.Draw(shapes)

    if spec.style in {"card", "chart", "confetti"}:
        for _ in range(26 if spec.style == "confetti" else 12):
            r = rng.randint(18, 140)
            x, y = rng.randrange(width), rng.randrange(height)
            colour = (*rng.choice([accent, accent2, (255, 255, 255)]), rng.randint(70, 170))
            if rng.random() < 0.35:
                draw.polygon([(x, y - r), (x + r, y), (x, y + r), (x - r, y)], fill=colour)
            else:
                draw.ellipse((x - r, y - r, x + r, y + r), fill=colour)
    elif spec.style == "rings":
        cx, cy = rng.randrange(width // 3, 2 * width // 3), rng.randrange(height // 3, height)
        for index, radius in enumerate(range(1300, 60, -70)):
            colour = (*(accent if index % 2 else accent2), 60 + (index * 9) % 120)
            draw.ellipse((cx - radius, cy - radius, cx + radius, cy + radius), outline=colour,
                         width=rng.randint(10, 34))  # fmt: skip
    else:  # waves
        for index in range(9):
            amplitude = rng.randint(30, 110)
            phase, wavelength = rng.random() * math.tau, rng.randint(500, 1100)
            base_y = 120 + index * (height - 160) // 9
            points = [
                (x, base_y + amplitude * math.sin(phase + x * math.tau / wavelength))
                for x in range(-20, width + 40, 20)
            ]
            colour = (*(accent if index % 3 else accent2), rng.randint(90, 190))
            draw.line(points, fill=colour, width=rng.randint(14, 40), joint="curve")

    picture = Image.alpha_composite(base, shapes)
    if spec.style in {"card", "chart"}:
        picture = _panel(picture, spec, rng, ink=ink, accent=accent2, second=top)
    return picture.convert("RGB")


def _panel(
    picture: Image.Image,
    spec: PictureSpec,
    rng: random.Random,
    *,
    ink: tuple[int, int, int],
    accent: tuple[int, int, int],
    second: tuple[int, int, int],
) -> Image.Image:
    width, height = picture.size
    layer = Image.new("RGBA", picture.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    # A soft shadow, then the card.
    box = (140, 150, width - 140, height - 150)
    draw.rounded_rectangle((box[0] + 12, box[1] + 18, box[2] + 12, box[3] + 18), radius=48,
                           fill=(0, 0, 0, 60))  # fmt: skip
    draw.rounded_rectangle(box, radius=48, fill=(255, 255, 255, 240))
    draw.rounded_rectangle((box[0] + 70, box[1] + 70, box[0] + 190, box[1] + 84), radius=7,
                           fill=(*accent, 255))  # fmt: skip
    if spec.label:
        draw.text((box[0] + 70, box[1] + 105), spec.label, font=_font(40), fill=(*second, 255))
    text_width = box[2] - box[0] - 140
    if spec.style == "chart":
        bars = 6
        gap, bar_width = 24, (text_width - 5 * 24) // bars
        floor = box[3] - 70
        value = rng.uniform(0.2, 0.35)
        for index in range(bars):
            value = min(1.0, value + rng.uniform(0.08, 0.18))
            x = box[0] + 70 + index * (bar_width + gap)
            colour = accent if index == bars - 1 else second
            draw.rounded_rectangle((x, floor - int(value * 260), x + bar_width, floor), radius=14,
                                   fill=(*colour, 235 if index == bars - 1 else 150))  # fmt: skip
        lines, size = _wrap(draw, spec.headline, text_width, start=80, max_lines=1)
        y = box[1] + 170
    else:
        # Below the label, above the card's bottom margin: DejaVu's bold (`make
        # system-deps`) is taller than the bundled font, and three lines at 104 px spilled out.
        top, bottom = box[1] + 175, box[3] - 55
        lines, size = _wrap(draw, spec.headline, text_width, start=104, max_lines=3,
                            max_height=bottom - top)  # fmt: skip
        y = top + (bottom - top - len(lines) * int(size * 1.2)) // 2
    font = _font(size)
    for line in lines:
        # The bundled font has no bold: a thin outline stands in for it.
        outline = 0 if _system_font() else 1
        draw.text((box[0] + 70, y), line, font=font, fill=(*ink, 255), stroke_width=outline,
                  stroke_fill=(*ink, 255))  # fmt: skip
        y += int(size * 1.2)
    return Image.alpha_composite(picture, layer)


def picture_files(spec: PictureSpec) -> tuple[ContentFile, ContentFile]:
    """The display image and thumbnail for `spec`, cleaned and encoded as uploads are."""
    drawn = BytesIO()
    render_picture(spec).save(drawn, format="PNG", compress_level=1)
    drawn.name = "demo.png"
    return photo_files(images.decode_upload(drawn))
