"""
Uploaded files (MEDIA_ROOT), served by the app with the same rules as the pages.

WhiteNoise serves static files only, and `django.conf.urls.static` only in
DEBUG, so without this view every photo, avatar and public highlight image
404s in production. Each file is served only to who may see what it belongs
to, and who that is depends on the folder: each domain registers the rule of
its folders here (`media_folder`), from the module its app's `ready()` imports
(`feed/wins/media.py`: `wins/` and `avatars/`; `feed/highlights/media.py`:
`highlights/`). This module knows no app: it matches names, dispatches to the
folder's rule, signs the addresses of images put in emails, and serves.

- A rule answers `MediaAccess.PUBLIC` (to anyone, publicly cacheable for a
  short time), `PRIVATE` (to this signed-in person) or None.
- A win's photo the app put in an email (the digest's and comms' thumbnails)
  goes to whoever has the address `media_email_url` made (a mail client sends
  no session). It carries a signature of the name, the recipient and the time,
  and works for EMAIL_IMAGE_LINK_DAYS; each request asks the folder's email
  rule again whether the recipient may still see the file, so a win hidden,
  deleted or narrowed to a team since the email was sent stops showing in it too.

Anything else (a folder without a rule, a name that could leave MEDIA_ROOT, a
file no row points to, a missing file) is a 404, the same as "forbidden": a URL
never tells whether a file exists. Names are random and never change content,
so private files are cached by the browser for a year.

The files are read through `default_storage`, so this works for any storage;
with SERVE_MEDIA=false a web server or CDN serves MEDIA_URL instead.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.signing import BadSignature, TimestampSigner
from django.db.models import Model
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseNotModified
from django.urls import URLPattern, re_path
from django.utils.http import content_disposition_header, http_date
from django.views.decorators.http import require_safe
from django.views.static import was_modified_since

# Only images are ever stored (see wins_net.images and feed.wins.photos): the type comes
# from the extension, never from the bytes.
CONTENT_TYPES = {
    "webp": "image/webp",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "gif": "image/gif",
}
# A folder, then a file name of letters, digits, "-" and "_" with one of the
# extensions above: no "..", no absolute path, no backslash, no encoded bytes.
# Only folders with a rule (`media_folder`) are ever served.
NAME_RE = re.compile(
    r"^(?P<folder>[A-Za-z0-9_-]+)/(?:[A-Za-z0-9_-]+/)*[A-Za-z0-9_-]+"
    r"\.(?P<extension>" + "|".join(CONTENT_TYPES) + r")$"
)
# A private file's name never changes content: a new photo gets a new name.
PRIVATE_CACHE_CONTROL = "private, max-age=31536000, immutable"
# A public highlight image may be withdrawn: shared caches keep it only briefly.
PUBLIC_CACHE_CONTROL = "public, max-age=300"


class MediaAccess(enum.Enum):
    """How a file may be served to the person asking."""

    PUBLIC = "public"  # to anyone, without touching the session
    PRIVATE = "private"  # to this signed-in person only
    EMAIL = "email"  # to whoever has the signed address of an email's image


# The query parameter of `media_email_url`, and what signs it (with SECRET_KEY).
# Its value is "<recipient id>.<time>.<signature>": "." is in no part of it, and
# needs no encoding in a URL.
EMAIL_SIGNATURE_PARAM = "s"
_email_signer = TimestampSigner(salt="wins.media.email.recipient", sep=".")
# A mail client keeps an email's image only briefly: each new request checks again.
EMAIL_CACHE_CONTROL = "private, max-age=3600"


# --------------------------------------------------------------------------
# The rules, one per folder
# --------------------------------------------------------------------------
# (user, name) -> how `user` (possibly anonymous, or a lazy `request.user`) may
# get the file `name` of the folder, or None.
AccessRule = Callable[[Any, str], MediaAccess | None]
# (recipient id, name) -> whether the person an email's address was signed for
# may still see the file `name` of the folder.
EmailRule = Callable[[int, str], bool]


@dataclass(frozen=True)
class MediaFolder:
    access: AccessRule
    email: EmailRule | None = None  # None: no file of the folder goes in an email


_folders: dict[str, MediaFolder] = {}


def media_folder(
    folder: str, *, email: EmailRule | None = None
) -> Callable[[AccessRule], AccessRule]:
    """Register the decorated function as the access rule of `folder` (and
    `email` as its rule for addresses in emails); registering again replaces it."""

    def register(access: AccessRule) -> AccessRule:
        _folders[folder] = MediaFolder(access=access, email=email)
        return access

    return register


def media_folders() -> dict[str, MediaFolder]:
    """The folders with a rule, by name (a copy)."""
    return dict(_folders)


def signed_in(user) -> bool:
    """Whether `user` is a signed-in, active person (for rules of private folders)."""
    return bool(user is not None and user.is_authenticated and user.is_active)


def media_access(*, user, name: str) -> MediaAccess | None:
    """How `user` (possibly anonymous, or a lazy `request.user`) may get the stored
    file `name`, or None when they may not, or it is not a name of ours: the
    answer of the rule of its folder, which decides what it reads and when."""
    match = NAME_RE.fullmatch(name)
    folder = _folders.get(match["folder"]) if match else None
    if folder is None:
        return None
    return folder.access(user, name)


# --------------------------------------------------------------------------
# Images in emails
# --------------------------------------------------------------------------
def media_email_url(name: str, *, recipient: Model) -> str:
    """The address (path) of the stored file `name` for an email to `recipient`:
    it works without signing in, since mail clients send no session, only for
    this name, for EMAIL_IMAGE_LINK_DAYS, and only while its folder's email
    rule still lets `recipient` see it (`media_email_access`)."""
    value = f"{recipient.pk}/{name}"
    stamp = _email_signer.sign(value).removeprefix(f"{value}.")
    query = urlencode({EMAIL_SIGNATURE_PARAM: f"{recipient.pk}.{stamp}"})
    return f"{default_storage.url(name)}?{query}"


def _email_recipient_id(name: str, token: str) -> int | None:
    """Whom `token` was signed for with `name`, or None when it was not made
    here, was made for another name, or is older than EMAIL_IMAGE_LINK_DAYS."""
    recipient_id, _dot, stamp = token.partition(".")
    if not (recipient_id.isascii() and recipient_id.isdigit()):
        return None
    try:
        _email_signer.unsign(
            f"{recipient_id}/{name}.{stamp}",
            max_age=timedelta(days=settings.EMAIL_IMAGE_LINK_DAYS),
        )
    except BadSignature:  # SignatureExpired included
        return None
    return int(recipient_id)


def media_email_access(*, name: str, token: str) -> MediaAccess | None:
    """EMAIL when `token` (from `media_email_url`) is a valid signature of `name`,
    whose folder lets files go in emails, and that folder's email rule still
    lets the person it was signed for see the file; else None."""
    match = NAME_RE.fullmatch(name)
    folder = _folders.get(match["folder"]) if match else None
    if folder is None or folder.email is None:
        return None
    recipient_id = _email_recipient_id(name, token)
    if recipient_id is None:
        return None
    return MediaAccess.EMAIL if folder.email(recipient_id, name) else None


# --------------------------------------------------------------------------
# Serving
# --------------------------------------------------------------------------
def _modified_time(name: str) -> datetime | None:
    try:
        return default_storage.get_modified_time(name)
    except (NotImplementedError, OSError):
        return None


@require_safe
def media_file(request: HttpRequest, name: str) -> HttpResponse:
    """The stored file `name` if `media_access` allows it, else 404 (see the module).

    HEAD answers with the headers of GET and no body; If-Modified-Since gets a 304.
    """
    signature = request.GET.get(EMAIL_SIGNATURE_PARAM)
    if signature is not None:
        access = media_email_access(name=name, token=signature)
    else:
        access = media_access(user=request.user, name=name)
    if access is None:
        raise Http404
    try:
        file = default_storage.open(name, "rb")
    except OSError:
        raise Http404 from None
    modified = _modified_time(name)
    mtime = int(modified.timestamp()) if modified else None
    if mtime is not None and not was_modified_since(
        request.headers.get("If-Modified-Since"), mtime
    ):
        file.close()
        response: HttpResponse = HttpResponseNotModified()
    else:
        content_type = CONTENT_TYPES[name.rsplit(".", 1)[1]]
        if request.method == "HEAD":
            size = file.size
            file.close()
            response = HttpResponse(content_type=content_type)
            response.headers["Content-Length"] = str(size)
        else:
            response = FileResponse(file, content_type=content_type)
        response.headers["Content-Disposition"] = content_disposition_header(
            False, name.rsplit("/", 1)[1]
        )
        response.headers["X-Content-Type-Options"] = "nosniff"
    if mtime is not None:
        response.headers["Last-Modified"] = http_date(mtime)
    if access is MediaAccess.PUBLIC:
        response.headers["Cache-Control"] = PUBLIC_CACHE_CONTROL
    elif access is MediaAccess.EMAIL:
        # Webmail shows it from its own origin: no Cross-Origin-Resource-Policy here.
        response.headers["Cache-Control"] = EMAIL_CACHE_CONTROL
    else:
        response.headers["Cache-Control"] = PRIVATE_CACHE_CONTROL
        # Other sites may not even embed a private image (the browser would not
        # send the session cookie to them anyway: this says so explicitly).
        response.headers["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


def media_urlpatterns() -> list[URLPattern]:
    """The URL of `media_file` under MEDIA_URL, or none when SERVE_MEDIA is off
    (a web server or CDN serves the files) or MEDIA_URL is on another host."""
    if not settings.SERVE_MEDIA or urlsplit(settings.MEDIA_URL).netloc:
        return []
    prefix = re.escape(settings.MEDIA_URL.lstrip("/"))
    return [re_path(rf"^{prefix}(?P<name>.+)$", media_file, name="media")]
