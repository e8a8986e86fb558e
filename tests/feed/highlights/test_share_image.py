"""Share cards draw Spanish titles as written: accents and ñ, in a TrueType font.

`make system-deps` installs fonts-dejavu-core; without it (or another candidate)
the card falls back to Pillow's own font and drops accents, which these tests
skip locally with the reason and fail under CI.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image, ImageFont

from feed.highlights import share_images
from tests.conftest import unavailable

TITLE = "Año de logros: García y Núñez"
SPANISH_LETTERS = "áéíóúüñÁÉÍÓÚÜÑ¿¡"
# A code point in a Private Use Area that no candidate font draws: its glyph is
# the font's "missing" box, what a font without Spanish letters would draw for them.
NOT_IN_ANY_FONT = "\U000f0000"


@pytest.fixture
def font_path() -> str:
    share_images._font_path.cache_clear()
    path = share_images._font_path()
    if path is None:
        unavailable(
            "No TrueType font for share cards "
            "(apt-get install fonts-dejavu-core, or make system-deps)"
        )
    return path


def _glyph(font: ImageFont.FreeTypeFont, text: str) -> bytes:
    mask = font.getmask(text)
    return bytes(mask.size) + bytes(mask)


def test_cards_use_an_installed_truetype_font(font_path):
    """The font chosen is a file on disk that FreeType loads, at every size used."""
    assert Path(font_path).is_file()
    assert font_path in share_images.FONT_CANDIDATES
    for size in (34, 52, 60):
        font = share_images._font(size)
        assert isinstance(font, ImageFont.FreeTypeFont)
        assert font.path == font_path
        assert font.size == size


def test_the_font_has_every_spanish_letter(font_path):
    """No Spanish letter is drawn as the font's "missing glyph" box."""
    font = share_images._font(60)
    missing = _glyph(font, NOT_IN_ANY_FONT)
    for letter in SPANISH_LETTERS:
        assert _glyph(font, letter) != missing, letter
    assert share_images._drawable(TITLE) == TITLE


def test_a_spanish_title_is_drawn_with_its_accents(font_path):
    """The card of "Año … Núñez" is not the card of "Ano … Nunez": the accents
    reach the pixels (the fallback draws both the same)."""
    with_accents = share_images.draw_share_image(title=TITLE, image=None, organisation="Señales")
    without = share_images.draw_share_image(
        title="Ano de logros: Garcia y Nunez", image=None, organisation="Senales"
    )
    card = Image.open(io.BytesIO(with_accents))
    assert card.format == "PNG"
    assert card.size == share_images.SHARE_SIZE
    assert with_accents != without
    assert card.convert("RGB").tobytes() != Image.open(io.BytesIO(without)).convert("RGB").tobytes()
