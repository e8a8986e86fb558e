"""
A photo kept while the composer comes back with an error: the pending upload.

When posting or editing a win fails on a form error (no text, a credit
refused, a missing description), the photo attached to it is not dropped: its
clean pixels (`wins_net.images.decode_upload`, never the uploaded bytes) are
stored as a `PendingUpload` of the person, under the private `pending/` folder
of MEDIA (served to its owner only, `feed.wins.media`), and the form carries a
signed token naming it (`pending_upload_token`). Sent again with that token,
the form turns it into the win's photo through the usual pipeline
(`feed.wins.photos`: in the request, or by the worker for a large photo), and
the row and its files go in the same transaction as the win.

Nobody can attach someone else's upload: the token is signed for its owner
(salted, with a maximum age), and the row is looked up for the person posting
as well. `pending_uploads_sweep` (beat, and `manage.py sweep_pending_uploads`)
deletes the rows older than `settings.PENDING_UPLOAD_MAX_AGE_HOURS` with
their files.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image

from accounts.models import User
from feed.wins.models import PendingUpload
from feed.wins.photos import THUMBNAIL_MAX_SIDE, source_file
from wins_net.files import files_delete, files_removed_on_error
from wins_net.images import decode_upload, encode, fit_within

# What signs the composer's token for a pending upload (with SECRET_KEY).
SIGNING_SALT = "feed.wins.pending_upload"
# Rows deleted per sweep, at most: a backlog goes over a few runs.
SWEEP_BATCH = 500


def _max_age() -> timedelta:
    return timedelta(hours=settings.PENDING_UPLOAD_MAX_AGE_HOURS)


def _refused() -> ValidationError:
    return ValidationError(
        _(
            "The photo kept from your last try is no longer available (it was removed, "
            "is too old, or is not yours). Attach it again."
        ),
        code="pending_photo",
    )


@transaction.atomic
def pending_upload_create(*, owner: User, image: Image.Image) -> PendingUpload:
    """Keep the clean image `image` (from `decode_upload`) for `owner`: the image
    at full size and a small preview, under new random names. No file stays
    behind when the row cannot be saved."""
    upload = PendingUpload(owner=owner)
    with files_removed_on_error() as stored:
        for field, content in (
            (upload.image, source_file(image)),
            (upload.preview, encode(fit_within(image, THUMBNAIL_MAX_SIDE))),
        ):
            field.save(content.name, content, save=False)
            stored.append((field.storage, field.name))
        upload.save()
    return upload


def pending_upload_token(upload: PendingUpload) -> str:
    """The signed token of `upload` the composer carries: valid only for its owner,
    for `PENDING_UPLOAD_MAX_AGE_HOURS`."""
    return signing.dumps({"id": upload.pk, "owner": upload.owner_id}, salt=SIGNING_SALT)


def pending_upload_for(*, owner: User, token: str) -> PendingUpload:
    """The pending upload `token` names, if it was signed here for `owner`, is not
    too old, and still exists as theirs. Raises ValidationError (code
    `pending_photo`) otherwise, the same message whatever the reason."""
    try:
        data = signing.loads(token, salt=SIGNING_SALT, max_age=_max_age())
    except signing.BadSignature:  # SignatureExpired included
        raise _refused() from None
    if not isinstance(data, dict) or data.get("owner") != owner.pk:
        raise _refused()
    upload = PendingUpload.objects.filter(pk=data.get("id"), owner=owner).first()
    if upload is None:
        raise _refused()
    return upload


def pending_upload_image(upload: PendingUpload) -> Image.Image:
    """The kept image, decoded again as a clean Pillow image. Raises ValidationError
    (code `pending_photo`) when its file is gone or unreadable."""
    try:
        with upload.image.open("rb") as file:
            return decode_upload(file)
    except (ValidationError, OSError):
        raise _refused() from None


def pending_upload_delete(*, upload: PendingUpload) -> None:
    """Delete `upload` (removed by its owner, or replaced by a new photo); its files
    go after the commit. Deleting it twice does nothing more."""
    names = [f.name for f in (upload.image, upload.preview) if f]
    storage = upload.image.storage
    with transaction.atomic():
        PendingUpload.objects.filter(pk=upload.pk).delete()
        transaction.on_commit(partial(files_delete, storage, names), robust=True)


def pending_upload_use(*, upload: PendingUpload) -> None:
    """Delete `upload` now that its photo is a win's, in the caller's transaction.

    Two posts of the same form cannot both take it: the second waits for the
    first's delete and finds nothing, and raises ValidationError (code
    `pending_photo`), which rolls its win back.
    """
    names = [f.name for f in (upload.image, upload.preview) if f]
    storage = upload.image.storage
    deleted, _details = PendingUpload.objects.filter(pk=upload.pk).delete()
    if not deleted:
        raise _refused()
    transaction.on_commit(partial(files_delete, storage, names), robust=True)


def pending_uploads_sweep(*, now: datetime | None = None, dry_run: bool = False) -> int:
    """Delete the pending uploads older than `PENDING_UPLOAD_MAX_AGE_HOURS`, with
    their files (after the commit); at most `SWEEP_BATCH` per run, the oldest
    first. Returns how many were (or, with `dry_run`, would be) deleted. Safe to
    repeat and to run while people post: a row taken by a post meanwhile is
    simply not there to delete."""
    cutoff = (now or timezone.now()) - _max_age()
    old = PendingUpload.objects.filter(created_at__lt=cutoff).order_by("created_at", "pk")
    if dry_run:
        return min(old.count(), SWEEP_BATCH)
    with transaction.atomic():
        rows = list(old.select_for_update(skip_locked=True)[:SWEEP_BATCH])
        if not rows:
            return 0
        names = [f.name for row in rows for f in (row.image, row.preview) if f]
        storage = PendingUpload._meta.get_field("image").storage
        PendingUpload.objects.filter(pk__in=[row.pk for row in rows]).delete()
        transaction.on_commit(partial(files_delete, storage, names), robust=True)
    return len(rows)
