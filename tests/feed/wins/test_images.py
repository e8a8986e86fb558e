"""Uploaded images: an upload corpus made with Pillow, through the field and the profile page.

Every accepted image is decoded, made upright, stripped of metadata and
re-encoded under a new name; every refused one gets a clear message and
leaves nothing in MEDIA_ROOT.
"""

from __future__ import annotations

import functools
import io
import re
from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image, ImageCms, ImageFile

from tests.factories import UserFactory
from wins_net import images

RED = (255, 0, 0)
BLUE = (0, 0, 255)
ORIENTATION = 0x0112
GPS_IFD = 0x8825


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def stored_files(root) -> list:
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def saved(image: Image.Image, format: str, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=format, **options)
    return buffer.getvalue()


def close(pixel, colour, tolerance: int = 40) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(pixel[:3], colour, strict=True))


# --------------------------------------------------------------------------
# The corpus
# --------------------------------------------------------------------------
def red_left_blue_right(size=(400, 200)) -> Image.Image:
    image = Image.new("RGB", size, RED)
    image.paste(BLUE, (size[0] // 2, 0, size[0], size[1]))
    return image


def jpeg_with_gps_and_orientation() -> bytes:
    """Stored landscape, red left and blue right; EXIF says "rotate 90° clockwise"
    (orientation 6), so upright it is portrait, red on top and blue below."""
    exif = Image.Exif()
    exif[ORIENTATION] = 6
    gps = exif.get_ifd(GPS_IFD)
    gps.update({1: "N", 2: (40.0, 25.0, 1.0), 3: "W", 4: (3.0, 42.0, 5.0)})
    return saved(red_left_blue_right(), "JPEG", exif=exif, quality=95)


def png_with_alpha() -> bytes:
    image = Image.new("RGBA", (300, 300), (*RED, 255))
    image.paste((0, 0, 0, 0), (0, 0, 300, 60))  # a transparent band along the top
    return saved(image, "PNG")


def webp() -> bytes:
    return saved(Image.new("RGB", (320, 240), BLUE), "WEBP")


def animated_gif() -> bytes:
    frames = [Image.new("RGB", (100, 100), colour) for colour in (RED, BLUE, BLUE)]
    return saved(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=100)


def noisy_jpeg() -> bytes:
    return saved(Image.effect_noise((600, 600), 80).convert("RGB"), "JPEG", quality=90)


def truncated_jpeg() -> bytes:
    data = noisy_jpeg()
    return data[: len(data) // 2]


def pdf_bytes() -> bytes:
    return b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\ntrailer <<>>\n%%EOF\n"


@functools.cache
def one_bit_png(width: int, height: int) -> bytes:
    """A real PNG of any dimensions in a few kilobytes: one bit per pixel, all zeros."""
    return saved(Image.new("1", (width, height)), "PNG")


def bomb_png() -> bytes:
    """20000 × 20000 = 400 megapixels: past twice Pillow's limit, an error when opened."""
    return one_bit_png(20_000, 20_000)


def pillow_warning_png() -> bytes:
    """Between Pillow's limit and twice it: Pillow only warns, the upload is refused."""
    side = int((Image.MAX_IMAGE_PIXELS * 1.2) ** 0.5)
    return one_bit_png(side, side)


def over_own_limit_png() -> bytes:
    """Over the 40 MP limit of this site, below Pillow's."""
    return one_bit_png(8_000, 6_000)


def too_many_bytes() -> bytes:
    data = saved(Image.new("RGB", (10, 10), RED), "PNG")
    return data + b"\0" * (images.MAX_UPLOAD_BYTES + 1 - len(data))


REFUSED: list[tuple[str, Callable[[], bytes], str]] = [
    ("notes.jpg", lambda: b"Just some text, not a photo.\n" * 20, "not_image"),
    ("report.png", pdf_bytes, "not_image"),
    ("holiday.jpg", truncated_jpeg, "damaged"),
    ("bomb.png", bomb_png, "too_many_pixels"),
    ("almost-bomb.png", pillow_warning_png, "too_many_pixels"),
    ("huge.png", over_own_limit_png, "too_many_pixels"),
    ("heavy.png", too_many_bytes, "too_large"),
    ("empty.jpg", lambda: b"", "empty"),
]
REFUSED_IDS = [name for name, _make, _code in REFUSED]


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="image/jpeg")


def clean(name: str, data: bytes, **kwargs):
    return images.ImageUploadField(**kwargs).clean(upload(name, data))


# --------------------------------------------------------------------------
# Accepted
# --------------------------------------------------------------------------
def test_jpeg_is_rotated_upright_and_loses_its_exif():
    """Orientation is applied to the pixels and every EXIF tag, GPS included, is gone."""
    result = images.avatar_file(clean("IMG_0001.jpg", jpeg_with_gps_and_orientation()).image)
    data = result.read()
    stored = Image.open(io.BytesIO(data))
    assert stored.format == "WEBP"
    assert stored.size == (images.AVATAR_SIZE, images.AVATAR_SIZE)
    assert close(stored.getpixel((128, 20)), RED)
    assert close(stored.getpixel((128, 235)), BLUE)
    assert not stored.getexif()
    assert "exif" not in stored.info
    assert b"Exif" not in data
    assert b"EXIF" not in data


def test_stored_name_is_new_and_random():
    """The uploaded name (which could say anything) is never reused."""
    first = images.avatar_file(clean("me.png", png_with_alpha()).image)
    second = images.avatar_file(clean("me.png", png_with_alpha()).image)
    assert re.fullmatch(r"[0-9a-f]{32}\.webp", first.name)
    assert first.name != second.name


def test_png_keeps_its_transparency():
    image = clean("logo.png", png_with_alpha()).image
    assert image.mode == "RGBA"
    stored = Image.open(images.avatar_file(image))
    assert stored.mode == "RGBA"
    assert stored.getpixel((128, 5))[3] == 0
    assert stored.getpixel((128, 200))[3] == 255
    assert close(stored.getpixel((128, 200)), RED)


def test_opaque_images_become_rgb():
    """An alpha channel that no pixel uses is dropped."""
    opaque = saved(Image.new("RGBA", (50, 50), (*BLUE, 255)), "PNG")
    assert clean("opaque.png", opaque).image.mode == "RGB"


def test_webp_is_accepted():
    image = clean("photo.webp", webp()).image
    assert image.size == (320, 240)
    assert close(image.getpixel((10, 10)), BLUE)


def test_animated_gif_keeps_its_first_frame():
    image = clean("party.gif", animated_gif()).image
    assert close(image.getpixel((50, 50)), RED)
    stored = Image.open(images.avatar_file(image))
    assert getattr(stored, "n_frames", 1) == 1
    assert close(stored.getpixel((128, 128)), RED)


def test_content_decides_not_the_name():
    """A real PNG called .jpg is a PNG: it is accepted."""
    assert clean("really-a-png.jpg", png_with_alpha()).image.size == (300, 300)


def test_colour_profile_is_converted_and_dropped():
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    data = saved(Image.new("RGB", (64, 64), RED), "JPEG", icc_profile=icc)
    stored = Image.open(images.avatar_file(clean("profiled.jpg", data).image))
    assert "icc_profile" not in stored.info
    assert close(stored.getpixel((10, 10)), RED)


def test_sixteen_bit_greyscale_is_scaled_not_clipped():
    grey = Image.new("I;16", (20, 20), 32768)
    image = clean("scan.png", saved(grey, "PNG")).image
    assert image.getpixel((5, 5)) == (128, 128, 128)


def test_jpeg_output_flattens_transparency_onto_white():
    image = clean("logo.png", png_with_alpha()).image
    result = images.encode(image, format="JPEG")
    stored = Image.open(result)
    assert result.name.endswith(".jpg")
    assert stored.mode == "RGB"
    assert close(stored.getpixel((10, 10)), (255, 255, 255))


def test_fit_within_keeps_proportions_and_never_enlarges():
    image = Image.new("RGB", (4000, 1000))
    assert images.fit_within(image, 2000).size == (2000, 500)
    assert images.fit_within(image, 5000) is image


def test_field_offers_the_accepted_types_and_states_the_limits():
    field = images.ImageUploadField()
    html = field.widget.render("image", None, attrs=field.widget_attrs(field.widget))
    assert 'accept="image/jpeg,image/png,image/webp,image/gif"' in html
    assert "10.0" in str(field.help_text)
    assert "40 megapixels" in str(field.help_text)


# --------------------------------------------------------------------------
# Refused
# --------------------------------------------------------------------------
@pytest.mark.parametrize(("name", "make", "code"), REFUSED, ids=REFUSED_IDS)
def test_field_refuses_with_a_clear_message(name, make, code):
    """Each bad upload has its own error code, and the message names the file."""
    with pytest.raises(ValidationError) as caught:
        clean(name, make())
    assert caught.value.code == code
    if code != "empty":  # Django's own message for an empty file names no file
        assert name in caught.value.messages[0]


def test_declared_size_is_checked_before_decoding(monkeypatch):
    """An image claiming too many pixels is refused from its header alone."""

    def must_not_decode(self):
        raise AssertionError("decoded an image that should have been refused")

    monkeypatch.setattr(ImageFile.ImageFile, "load", must_not_decode)
    with pytest.raises(ValidationError) as caught:
        clean("huge.png", over_own_limit_png())
    assert caught.value.code == "too_many_pixels"
    assert "8000 × 6000" in caught.value.messages[0]


def test_limits_can_be_set_per_field():
    with pytest.raises(ValidationError) as caught:
        clean("photo.webp", webp(), max_pixels=320 * 240 - 1)
    assert caught.value.code == "too_many_pixels"
    with pytest.raises(ValidationError) as caught:
        clean("photo.webp", webp(), max_bytes=100)
    assert caught.value.code == "too_large"


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "make", "code"), REFUSED, ids=REFUSED_IDS)
def test_profile_page_refuses_and_stores_nothing(client, media_root, name, make, code):
    """Through the real page: status 200, the error next to the field, no file, no change."""
    person = UserFactory(name="Ana Old", avatar="")
    client.force_login(person)
    response = client.post(
        reverse("accounts:profile_edit"),
        {
            "name": "Ana New",
            "job_title": person.job_title,
            "team": person.team_id,
            "language": "en",
            "time_zone": "Europe/Madrid",
            "avatar": upload(name, make()),
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors.as_data()["avatar"]
    assert [error.code for error in errors] == [code]
    assert 'id="id_avatar_error"' in response.text
    assert stored_files(media_root) == []
    person.refresh_from_db()
    assert person.name == "Ana Old"
    assert not person.avatar


@pytest.mark.django_db
def test_profile_page_stores_only_the_re_encoded_avatar(client, media_root):
    person = UserFactory(avatar="")
    client.force_login(person)
    original = jpeg_with_gps_and_orientation()
    response = client.post(
        reverse("accounts:profile_edit"),
        {
            "name": person.name,
            "job_title": "",
            "team": "",
            "language": "en",
            "time_zone": "UTC",
            "avatar": upload("IMG_0001.jpg", original),
        },
    )
    assert response.status_code == 302
    person.refresh_from_db()
    (path,) = stored_files(media_root)
    assert person.avatar.name.endswith(path.name)
    assert "IMG_0001" not in path.name
    data = path.read_bytes()
    assert data != original
    stored = Image.open(path)
    assert (stored.format, stored.size) == ("WEBP", (256, 256))
    assert not stored.getexif()
    assert close(stored.getpixel((128, 20)), RED)
