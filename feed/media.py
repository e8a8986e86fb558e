"""
Uploaded files (MEDIA_ROOT), served by the app with the same rules as the pages.

WhiteNoise serves static files only, and `django.conf.urls.static` only in
DEBUG, so without this view every photo, avatar and public highlight image
404s in production. Each file is served only to who may see what it belongs to:

- `highlights/…`: to anyone while a published highlight shows it (publicly
  cacheable for a short time, as it may be withdrawn), to communications staff
  for curating, and to a person asked for consent while that highlight is open;
- `wins/…`: to signed-in people who can see a win with that photo or thumbnail
  (`Win.objects.visible_to`), so team-only photos stay in the team;
- `avatars/…`: to signed-in people, while someone has that avatar;
- a win's photo the app put in an email (the digest's and comms' thumbnails):
  to whoever has the address `media_email_url` made (a mail client sends no
  session). It carries a signature of the name, the recipient and the time,
  and works for EMAIL_IMAGE_LINK_DAYS; each request checks again that the
  file still belongs to a win that is not hidden and that the recipient may
  still see, so a win hidden, deleted or narrowed to a team since the email
  was sent stops showing in it too.

Anything else (another folder, a name that could leave MEDIA_ROOT, a file no
row points to, a missing file) is a 404, the same as "forbidden": a URL never
tells whether a file exists. Names are random and never change content, so
private files are cached by the browser for a year.

The files are read through `default_storage`, so this works for any storage;
with SERVE_MEDIA=false a web server or CDN serves MEDIA_URL instead.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.signing import BadSignature, TimestampSigner
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseNotModified
from django.urls import URLPattern, re_path
from django.utils.http import content_disposition_header, http_date
from django.views.decorators.http import require_safe
from django.views.static import was_modified_since

from accounts.models import User
from feed.highlights.models import Consent, Highlight
from feed.highlights.selectors import PUBLIC, highlights_for_staff
from feed.wins.access import is_comms
from feed.wins.models import Win
from wins_net.links import absolute_url

# Only images are ever stored (see wins_net.images and feed.wins.photos): the type comes
# from the extension, never from the bytes.
CONTENT_TYPES = {
    "webp": "image/webp",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "gif": "image/gif",
}
# Folders, then a file name of letters, digits, "-" and "_" with one of the
# extensions above: no "..", no absolute path, no backslash, no encoded bytes.
NAME_RE = re.compile(
    r"^(?P<folder>wins|avatars|highlights)/(?:[A-Za-z0-9_-]+/)*[A-Za-z0-9_-]+"
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
# Thumbnails in emails, in CSS pixels: small beside the text on a phone.
THUMBNAIL_WIDTH = 120


def media_email_url(name: str, *, recipient: User) -> str:
    """The address (path) of the stored win photo `name` for an email to
    `recipient`: it works without signing in, since mail clients send no
    session, only for this name, for EMAIL_IMAGE_LINK_DAYS, and only while
    `media_email_access` still finds it on a win `recipient` may see."""
    value = f"{recipient.pk}/{name}"
    stamp = _email_signer.sign(value).removeprefix(f"{value}.")
    query = urlencode({EMAIL_SIGNATURE_PARAM: f"{recipient.pk}.{stamp}"})
    return f"{default_storage.url(name)}?{query}"


@dataclass(frozen=True)
class Thumbnail:
    """A win's picture as an email shows it, sized for the `<img>` attributes."""

    url: str  # absolute
    width: int
    height: int
    alt: str  # the author's description; templates add a fallback in the reader's language


def win_thumbnail(win: Win, *, recipient: User) -> Thumbnail | None:
    """The thumbnail an email to `recipient` shows beside `win` (the digest's and
    comms' weekly candidates), or None while it has no image ready. Its address is
    signed for `recipient` (`media_email_url`): it stops working once the win is
    no longer shown to them. Needs the image fields loaded."""
    if not win.thumbnail or win.image_status != Win.ImageStatus.READY:
        return None
    if win.image_width and win.image_height:
        height = max(1, round(THUMBNAIL_WIDTH * win.image_height / win.image_width))
    else:
        height = THUMBNAIL_WIDTH * 2 // 3
    return Thumbnail(
        url=absolute_url(media_email_url(win.thumbnail.name, recipient=recipient)),
        width=THUMBNAIL_WIDTH,
        height=height,
        alt=win.image_alt,
    )


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
    """EMAIL when `token` (from `media_email_url`) is a valid signature of the
    win photo `name`, and that file still belongs to a win that is not hidden
    and that the person it was signed for (still active) may see
    (`Win.objects.visible_to`); else None. At most two queries."""
    match = NAME_RE.fullmatch(name)
    if match is None or match["folder"] != "wins":
        return None
    recipient_id = _email_recipient_id(name, token)
    if recipient_id is None:
        return None
    try:
        recipient = User.objects.get(pk=recipient_id, is_active=True)
    except User.DoesNotExist:
        return None
    shown = Win.objects.visible_to(recipient).filter(
        Q(image=name) | Q(thumbnail=name), is_hidden=False
    )
    return MediaAccess.EMAIL if shown.exists() else None


def _signed_in(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def media_access(*, user, name: str) -> MediaAccess | None:
    """How `user` (possibly anonymous, or a lazy `request.user`) may get the stored
    file `name`, or None when they may not, or it is not a name of ours.

    A published highlight's image is decided before `user` is looked at, so a
    public request reads no session. Each answer costs at most one query,
    except a highlight image that is not public (up to three, for curators and
    the people asked for consent).
    """
    match = NAME_RE.fullmatch(name)
    if match is None:
        return None
    folder = match["folder"]
    if folder == "highlights":
        if Highlight.objects.filter(PUBLIC, image=name).exists():
            return MediaAccess.PUBLIC
        if not _signed_in(user):
            return None
        if is_comms(user) and highlights_for_staff(user=user).filter(image=name).exists():
            return MediaAccess.PRIVATE
        asked = Consent.objects.filter(
            person_id=user.pk, image=name, highlight__status__in=Highlight.OPEN_STATUSES
        )
        return MediaAccess.PRIVATE if asked.exists() else None
    if not _signed_in(user):
        return None
    if folder == "wins":
        shown = Win.objects.visible_to(user).filter(Q(image=name) | Q(thumbnail=name))
        return MediaAccess.PRIVATE if shown.exists() else None
    return MediaAccess.PRIVATE if User.objects.filter(avatar=name).exists() else None


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
