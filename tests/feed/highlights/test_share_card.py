"""The share card: the photo whole, the organisation's brand, the names the page shows.

Pixels are read back from the PNG: what a social network shows is what is tested.
"""

from __future__ import annotations

import io
import logging
import os
import subprocess
import sys
from collections import Counter
from unittest import mock

import pytest
from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.urls import reverse
from PIL import Image

from feed.highlights import consents, share_images
from feed.highlights import services as highlights
from feed.highlights.views.public import public_names
from tests.factories import WinFactory
from wins_net.images import encode

from .conftest import consent_of

RED, BLUE, YELLOW, MAGENTA, GREEN = (
    (230, 0, 0),
    (0, 40, 230),
    (250, 220, 0),
    (230, 0, 230),
    (0, 160, 0),
)
PEOPLE = ["Ana García, Customer Care", "Luis Pérez, Customer Care"]


def near(pixel, colour, tolerance=40) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(pixel[:3], colour, strict=True))


def framed_photo(size: tuple[int, int]) -> Image.Image:
    """Green, with a stripe of its own colour along each edge (a tenth of the side):
    a crop to fill the card would cut off two of them."""
    width, height = size
    photo = Image.new("RGB", size, GREEN)
    band_w, band_h = width // 10, height // 10
    photo.paste(RED, (0, 0, width, band_h))
    photo.paste(BLUE, (0, height - band_h, width, height))
    photo.paste(YELLOW, (0, band_h, band_w, height - band_h))
    photo.paste(MAGENTA, (width - band_w, band_h, width, height - band_h))
    return photo


def card(png: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG"
    assert image.size == share_images.SHARE_SIZE
    return image.convert("RGB")


@pytest.mark.parametrize(
    "size", [(300, 600), (900, 300), (400, 400)], ids=["tall", "wide", "square"]
)
def test_the_photo_is_fitted_whole_inside_the_card(size):
    """Tall, wide or square, the photo keeps its proportions and all four edges:
    each edge's stripe is on the card, just inside the photo's box."""
    photo = framed_photo(size)
    drawn = card(
        share_images.draw_share_image(
            title="A hundred customers", image=photo, organisation="Wins", people=PEOPLE
        )
    )
    left, top, right, bottom = share_images.photo_box(size)
    card_w, card_h = share_images.SHARE_SIZE
    assert 0 <= left < right <= card_w
    assert 0 <= top < bottom <= card_h
    assert abs((right - left) / (bottom - top) - size[0] / size[1]) < 0.02
    middle_x, middle_y = (left + right) // 2, (top + bottom) // 2
    assert near(drawn.getpixel((middle_x, top + 2)), RED)
    assert near(drawn.getpixel((middle_x, bottom - 3)), BLUE)
    assert near(drawn.getpixel((left + 2, middle_y)), YELLOW)
    assert near(drawn.getpixel((right - 3, middle_y)), MAGENTA)
    assert near(drawn.getpixel((middle_x, middle_y)), GREEN)


def test_the_card_is_in_the_organisation_colour(settings):
    settings.ORGANISATION_COLOUR = "#7c3aed"
    purple = (124, 58, 237)
    for image in (None, framed_photo((300, 200))):
        drawn = card(share_images.draw_share_image(title="Title", image=image, organisation="Acme"))
        assert drawn.getpixel((4, 4)) == purple
        assert drawn.getpixel((4, share_images.SHARE_SIZE[1] - 4)) == purple


def test_text_stays_readable_on_any_colour():
    """White on dark brand colours, dark on light ones: 4.5:1 or more either way."""
    for colour in ((15, 118, 110), (250, 204, 21), (255, 255, 255), (0, 0, 0), (124, 58, 237)):
        ink = share_images.ink_on(colour)
        assert share_images.contrast(ink, colour) >= 4.5, colour
    assert share_images.ink_on((250, 204, 21)) == share_images.INK_DARK
    assert share_images.ink_on((15, 118, 110)) == share_images.WHITE


def test_a_card_without_a_photo_is_designed_not_flat():
    """No photo: still more than a block of colour. Where no text goes (the right
    third), shapes in several tints; no single colour covers most of the card."""
    drawn = card(
        share_images.draw_share_image(
            title="Short", image=None, organisation="Wins", people=PEOPLE[:1]
        )
    )
    right_third = drawn.crop((800, 0, 1200, 630))
    assert len(set(right_third.get_flattened_data())) >= 4
    most_common = Counter(drawn.get_flattened_data()).most_common(1)[0][1]
    assert most_common < 0.8 * drawn.width * drawn.height


def test_names_and_logo_are_drawn(settings, tmp_path):
    """The names change the bottom of the card; the logo, a PNG from settings, is on it."""
    logo = tmp_path / "logo.png"
    Image.new("RGB", (64, 64), MAGENTA).save(logo)
    settings.ORGANISATION_LOGO = logo
    with_names = card(
        share_images.draw_share_image(title="T", image=None, organisation="Acme", people=PEOPLE)
    )
    without = card(share_images.draw_share_image(title="T", image=None, organisation="Acme"))
    bottom = (0, 500, 700, 630)
    assert with_names.crop(bottom).tobytes() != without.crop(bottom).tobytes()
    header = with_names.crop((0, 0, 400, 150))
    assert any(near(pixel, MAGENTA, 10) for pixel in header.get_flattened_data())


def test_a_missing_logo_leaves_the_name(settings, tmp_path, caplog):
    settings.ORGANISATION_LOGO = tmp_path / "nowhere.png"
    with caplog.at_level(logging.WARNING, logger="feed.highlights.share_images"):
        png = share_images.draw_share_image(title="T", image=None, organisation="Acme")
    card(png)
    assert "ORGANISATION_LOGO" in caplog.text


def test_many_names_end_with_how_many_more():
    font = share_images._font(share_images.NAMES_SIZE, bold=False)
    draw = share_images.ImageDraw.Draw(Image.new("RGB", (1, 1)))
    names = [f"Person Number {n}, Team {n}" for n in range(9)]
    lines = share_images._names_lines(draw, names, font, 500)
    assert len(lines) == share_images.NAMES_MAX_LINES
    assert lines[0].startswith("Person Number 0")
    assert lines[-1].endswith(f"+{9 - sum(line.count('Person') for line in lines)}")


def test_a_colour_that_is_not_rrggbb_stops_the_app():
    env = {**os.environ, "ORGANISATION_COLOUR": "teal", "DJANGO_SETTINGS_MODULE": ""}
    result = subprocess.run(
        [sys.executable, "-c", "import wins_net.settings"],
        env=env,
        capture_output=True,
        text=True,
        cwd=django_settings.BASE_DIR,
        check=False,
    )
    assert result.returncode != 0
    assert "ORGANISATION_COLOUR must be #rrggbb" in result.stderr


@pytest.mark.django_db
def test_the_card_names_whom_the_page_names(client, published, comms):
    """The view draws the names with `public_names`, the page's own source."""
    url = reverse("highlights:share_image", kwargs={"slug": published.slug})
    with mock.patch.object(
        share_images, "draw_share_image", wraps=share_images.draw_share_image
    ) as draw:
        assert client.get(url).status_code == 200
    assert draw.call_args.kwargs["people"] == public_names(published) == PEOPLE


@pytest.mark.django_db
def test_a_new_brand_draws_a_new_card(client, comms, author, settings):
    """The cache key holds what the card draws besides the story: a new colour shows at once."""
    win = WinFactory(author=author, body="A win with a photo", image_status="ready", image_alt="Us")
    content = encode(Image.new("RGB", (300, 500), "orange"))
    win.image.save(content.name, ContentFile(content.read()), save=True)
    draft = highlights.highlight_propose(win=win, by=comms)
    consents.consent_request(highlight=draft, by=comms)
    consents.consent_answer(consent=consent_of(draft, author), person=author, approve=True)
    draft.refresh_from_db()
    story = highlights.highlight_publish(highlight=draft, by=comms)
    url = reverse("highlights:share_image", kwargs={"slug": story.slug})
    before = card(client.get(url).content)
    settings.ORGANISATION_COLOUR = "#7c3aed"
    after = card(client.get(url).content)
    assert before.getpixel((4, 4)) == (15, 118, 110)
    assert after.getpixel((4, 4)) == (124, 58, 237)
