"""
A win's photo: from a validated upload to the files that are stored and shown.

The upload is validated in the request, always: `wins_net.images.ImageUploadField`
reads the header (format, declared pixels) and decodes every pixel, so a file
that is not a complete image within the limits is refused with a message
before anything is written. Decoding cannot move to a worker without storing
the raw upload first, and the raw upload is never stored: its bytes may carry
GPS tags, camera serials or a polyglot payload.

What is left once the pixels are decoded is shrinking them and encoding WebP.
Measured on the development machine (2 cores, Pillow 13; medians of 5), for a
12-megapixel phone photo (4032 × 3024 JPEG, 0.9 MB): decoding and cleaning
80–110 ms, then the 1600 px display image and the 480 px thumbnail (made from
the display image) 275–290 ms. For a 39-megapixel source (7200 × 5400):
decoding 360 ms, display image and thumbnail 610 ms, but a full-size JPEG of
the clean pixels only 170 ms.

So there are two paths, chosen by the source's pixel count:

- Up to `INLINE_MAX_PIXELS` (every 12 MP phone photo): the display image and
  the thumbnail are made in the request, about 0.3 s on top of the decoding,
  and the win is posted with its photo ready (`image_status = "ready"`).
- Above it (up to the 40 MP upload limit): the request stores the *cleaned*
  source, re-encoded at full size as a quality-95 JPEG (PNG when it has
  transparency) under a fresh random name. Those bytes are pixels Pillow wrote,
  with no metadata; encoding them costs 50–170 ms, much less than shrinking and
  WebP. The win is posted with `image_status = "processing"` and `image`
  pointing at that source; after the commit, the `feed.wins.tasks.win_image_process`
  task makes the display image and the thumbnail, switches the status to
  `ready` and deletes the source. If the source cannot be processed the status
  becomes `failed` and the source is deleted.

While a win's `image_status` is `processing`, its `image` is that cleaned
source, not something to show: templates show a placeholder instead, and a
thumbnail does not exist yet. Only `ready` wins have a display image and a
thumbnail.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from io import BytesIO

from django.core.files.base import ContentFile
from PIL import Image

from wins_net.images import encode, fit_within

# The longest side of the image shown on a win's page and in the lightbox: sharp
# on a 2x laptop screen at the width of the page, about 150–450 KB as WebP.
DISPLAY_MAX_SIDE = 1600
# The longest side of the image in feed cards: a card is at most ~640 CSS px
# wide, so the display image serves large screens through `srcset`.
THUMBNAIL_MAX_SIDE = 480
# Above this many source pixels the shrinking and encoding happen in a worker.
# 4032 × 3024 (12.2 MP) is what most phones shoot; 13 MP keeps them all inline.
INLINE_MAX_PIXELS = 13_000_000
# The full-size source handed to the worker: high enough that the second lossy
# step cannot be seen once the image is shrunk, with chroma kept at full size.
SOURCE_JPEG_QUALITY = 95


@dataclass(frozen=True)
class PreparedPhoto:
    """What to store for one upload: `display` and `thumbnail`, or a `source` for the worker."""

    display: ContentFile | None = None
    thumbnail: ContentFile | None = None
    source: ContentFile | None = None

    @property
    def needs_processing(self) -> bool:
        return self.source is not None


def photo_prepare(image: Image.Image) -> PreparedPhoto:
    """The files for a clean image from `wins_net.images.decode_upload`, by the rule above."""
    if image.width * image.height <= INLINE_MAX_PIXELS:
        display, thumbnail = photo_files(image)
        return PreparedPhoto(display=display, thumbnail=thumbnail)
    return PreparedPhoto(source=source_file(image))


def photo_files(image: Image.Image) -> tuple[ContentFile, ContentFile]:
    """The display image and the thumbnail, as WebP under new random names."""
    display = fit_within(image, DISPLAY_MAX_SIDE)
    thumbnail = fit_within(display, THUMBNAIL_MAX_SIDE)
    return encode(display), encode(thumbnail)


def source_file(image: Image.Image) -> ContentFile:
    """The clean image at full size, for the worker: JPEG, or PNG to keep transparency."""
    buffer = BytesIO()
    if image.mode == "RGBA":
        image.save(buffer, format="PNG", compress_level=1)
        extension = "png"
    else:
        image.save(buffer, format="JPEG", quality=SOURCE_JPEG_QUALITY, subsampling=0)
        extension = "jpg"
    return ContentFile(buffer.getvalue(), name=f"{uuid.uuid4().hex}-source.{extension}")
