"""
Uploaded images: checked, decoded and re-encoded before anything is stored.

An upload is untrusted bytes with an untrusted name. `ImageUploadField` (or
`decode_upload` for code outside forms) decides what the bytes are by decoding
them, never by the name or the browser's content type, refuses what is not a
complete JPEG, PNG, WebP or GIF within the limits below, and hands on a clean
Pillow image: upright (EXIF orientation applied), in sRGB, first frame only,
with no metadata at all. `encode` then writes that image in one output format
under a fresh random name, so the uploaded bytes (and their GPS tags, camera
serials or polyglot payloads) are never stored or served.

Avatars use `avatar_file`; wins' photos and thumbnails use `fit_within` and
`square` with `encode`.
"""

from __future__ import annotations

import uuid
import warnings
from io import BytesIO
from typing import IO, Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.utils.functional import lazy
from django.utils.text import Truncator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

from wins_net.uploads import RefusedUpload

# Larger files are stopped while they arrive (wins_net/uploads.py), and come
# here as a `RefusedUpload`; see the setting for the figure.
MAX_UPLOAD_BYTES = settings.MAX_UPLOAD_BYTES
# Phones shoot 12–48 megapixels; 40 MP (about 160 MB decoded as RGBA) fits
# them and stays well below Pillow's own 89 MP decompression-bomb warning.
MAX_PIXELS = 40_000_000
# The formats browsers show natively; anything else (HEIC, TIFF, SVG, PDF) is refused.
ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP", "GIF")
ACCEPT_ATTRIBUTE = "image/jpeg,image/png,image/webp,image/gif"

# WebP: one format for photos and for transparent images alike, about a third
# smaller than JPEG at the same visual quality, and shown by every current
# browser. `encode(..., format="JPEG")` exists for places that need JPEG (some
# email clients and share-card crawlers).
OUTPUT_FORMAT = "WEBP"
OUTPUT_QUALITY = 82
EXTENSIONS = {"WEBP": "webp", "JPEG": "jpg"}
AVATAR_SIZE = 256

# Shrinking by whole factors before the final resampling: much faster on large
# photos, and at 3x the result cannot be told apart from a full LANCZOS pass.
REDUCING_GAP = 3.0

_SRGB = ImageCms.createProfile("sRGB")


def _limits_help_text() -> str:
    return gettext(
        "A JPEG, PNG, WebP or GIF image, up to %(size)s and %(megapixels)s megapixels."
    ) % {"size": filesizeformat(MAX_UPLOAD_BYTES), "megapixels": MAX_PIXELS // 1_000_000}


limits_help_text = lazy(_limits_help_text, str)


def _shown_name(file: Any) -> str:
    return Truncator(getattr(file, "name", "") or gettext("The file")).chars(60)


def decode_upload(file: IO[bytes], *, max_pixels: int = MAX_PIXELS) -> Image.Image:
    """Decode `file` fully and return a clean image, or raise ValidationError.

    The declared size is checked from the header before any pixel is decoded,
    so a small file that claims huge dimensions costs nothing. The returned
    image is a new one: RGB, or RGBA when the source has transparency; upright;
    converted to sRGB; the first frame of an animation; no metadata.
    Error codes: `not_image`, `damaged`, `too_many_pixels`.
    """
    name = _shown_name(file)
    file.seek(0)
    # The explicit size check below is what enforces `max_pixels`; Pillow's own
    # bomb warning, made an error here, is a second line of defence (warning
    # filters are process-wide, so another thread could briefly reset it).
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(file, formats=ACCEPTED_FORMATS) as source:
                width, height = source.size
                if width * height > max_pixels:
                    raise _too_many_pixels(name, width, height, max_pixels)
                source.seek(0)  # the first frame of an animated GIF or WebP
                source.load()
                return _clean(source)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
            raise _too_many_pixels(name, 0, 0, max_pixels) from error
        except UnidentifiedImageError as error:
            raise ValidationError(
                _(
                    "“%(name)s” is not an image this site can read. "
                    "Upload a JPEG, PNG, WebP or GIF image."
                ),
                code="not_image",
                params={"name": name},
            ) from error
        except (OSError, SyntaxError, ValueError, EOFError, IndexError) as error:
            # Pillow's decoders report a cut-off or corrupt stream in these ways.
            raise ValidationError(
                _(
                    "“%(name)s” is damaged or incomplete, perhaps cut off during "
                    "the upload. Try again, or export the image again."
                ),
                code="damaged",
                params={"name": name},
            ) from error


def _too_many_pixels(name: str, width: int, height: int, max_pixels: int) -> ValidationError:
    params = {"name": name, "megapixels": max_pixels // 1_000_000}
    if width and height:
        return ValidationError(
            _(
                "“%(name)s” is %(width)s × %(height)s pixels; images can have at most "
                "%(megapixels)s megapixels. Make it smaller and try again."
            ),
            code="too_many_pixels",
            params={**params, "width": width, "height": height},
        )
    return ValidationError(
        _(
            "“%(name)s” has too many pixels; images can have at most %(megapixels)s "
            "megapixels. Make it smaller and try again."
        ),
        code="too_many_pixels",
        params=params,
    )


def _clean(source: Image.Image) -> Image.Image:
    """Upright, sRGB, RGB or RGBA, and a fresh image that carries no metadata."""
    try:
        image = ImageOps.exif_transpose(source)
    except (OSError, ValueError, SyntaxError, TypeError):
        image = source  # unreadable EXIF: keep the pixels as stored
    has_alpha = image.mode in {"RGBA", "LA", "PA", "RGBa", "La"} or "transparency" in image.info
    mode = "RGBA" if has_alpha else "RGB"
    if image.mode in {"I", "I;16", "I;16B", "I;16L", "F"}:
        # 16-bit and float greyscale: scale to 8 bits instead of clipping to white.
        image = image.convert("I").point(lambda value: value * (1 / 256)).convert("L")
    image = _to_srgb(image, mode)
    if mode == "RGBA" and image.getchannel("A").getextrema() == (255, 255):
        image = image.convert("RGB")  # declared transparency that no pixel uses
    clean = Image.new(image.mode, image.size)
    clean.paste(image)
    return clean


def _to_srgb(image: Image.Image, mode: str) -> Image.Image:
    """Convert to `mode`, through the embedded colour profile when there is one.

    Wide-gamut photos (Display P3 from phones) would look dull once their
    profile is dropped, so the pixels are converted rather than the profile kept.
    """
    icc = image.info.get("icc_profile")
    if icc and (image.mode == mode or image.mode == "CMYK"):
        try:
            profile = ImageCms.ImageCmsProfile(BytesIO(icc))
            return ImageCms.profileToProfile(image, profile, _SRGB, outputMode=mode)
        except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
            pass  # a broken or unusual profile: convert without it
    return image.convert(mode)


def square(image: Image.Image, size: int) -> Image.Image:
    """The centred square of `image`, resized to `size` × `size`."""
    width, height = image.size
    side = min(width, height)
    left, top = (width - side) // 2, (height - side) // 2
    return image.resize(
        (size, size),
        Image.Resampling.LANCZOS,
        box=(left, top, left + side, top + side),
        reducing_gap=REDUCING_GAP,
    )


def fit_within(image: Image.Image, max_side: int) -> Image.Image:
    """`image` shrunk, keeping its proportions, so no side exceeds `max_side`."""
    if max(image.size) <= max_side:
        return image
    scale = max_side / max(image.size)
    size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
    return image.resize(size, Image.Resampling.LANCZOS, reducing_gap=REDUCING_GAP)


def encode(
    image: Image.Image, *, format: str = OUTPUT_FORMAT, quality: int = OUTPUT_QUALITY
) -> ContentFile:
    """`image` re-encoded as WebP (or JPEG) in a file with a new random name.

    JPEG has no transparency, so an RGBA image is flattened onto white first.
    """
    if format not in EXTENSIONS:
        raise ValueError(f"Unsupported output format {format!r}")
    if format == "JPEG" and image.mode == "RGBA":
        background = Image.new("RGB", image.size, (255, 255, 255))
        background.paste(image, mask=image.getchannel("A"))
        image = background
    options: dict[str, Any] = {"quality": quality}
    if format == "WEBP":
        options["method"] = 4  # the default speed/size trade-off; 6 is much slower
    else:
        options.update(optimize=True, progressive=True)
    buffer = BytesIO()
    image.save(buffer, format=format, **options)
    return ContentFile(buffer.getvalue(), name=f"{uuid.uuid4().hex}.{EXTENSIONS[format]}")


def avatar_file(image: Image.Image) -> ContentFile:
    """A square avatar of `AVATAR_SIZE` pixels, ready to store."""
    return encode(square(image, AVATAR_SIZE))


class ImageUploadField(forms.FileField):
    """A file field that accepts only a decodable image within the limits.

    The cleaned value is the uploaded file with an `image` attribute holding
    the clean Pillow image from `decode_upload`; store an `encode`d version of
    that, never the upload itself. A file stopped for its size as it arrived
    comes as a `wins_net.uploads.RefusedUpload`, refused here as `too_large`.
    """

    widget = forms.FileInput
    default_error_messages = {
        "too_large": _(
            "“%(name)s” is %(size)s; images can be at most %(limit)s. "
            "Make it smaller and try again."
        ),
        "refused": _(
            "“%(name)s” is larger than %(limit)s, the most an image can be. "
            "Make it smaller and try again."
        ),
    }

    def __init__(
        self, *, max_bytes: int = MAX_UPLOAD_BYTES, max_pixels: int = MAX_PIXELS, **kwargs: Any
    ) -> None:
        self.max_bytes = max_bytes
        self.max_pixels = max_pixels
        kwargs.setdefault("help_text", limits_help_text())
        super().__init__(**kwargs)

    def to_python(self, data: Any) -> Any:
        if isinstance(data, RefusedUpload):
            # Stopped as it arrived: only its name is known, and that it passed the limit.
            raise ValidationError(
                self.error_messages["refused"],
                code="too_large",
                params={"name": _shown_name(data), "limit": filesizeformat(data.limit)},
            )
        upload = super().to_python(data)  # refuses a missing name and an empty file
        if upload is None:
            return None
        if upload.size > self.max_bytes:
            raise ValidationError(
                self.error_messages["too_large"],
                code="too_large",
                params={
                    "name": _shown_name(upload),
                    "size": filesizeformat(upload.size),
                    "limit": filesizeformat(self.max_bytes),
                },
            )
        upload.image = decode_upload(upload, max_pixels=self.max_pixels)
        upload.seek(0)
        return upload

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        if isinstance(widget, forms.FileInput) and "accept" not in widget.attrs:
            attrs.setdefault("accept", ACCEPT_ATTRIBUTE)
        return attrs
