"""
Who may get the files of the feed: a win's photo and thumbnail, and people's
avatars; and the thumbnails emails show beside a win (`win_thumbnail`).

The rules are registered with `wins_net.media` (which serves every uploaded
file) when `feed.apps.FeedConfig.ready()` imports this module:

- `wins/…`: to signed-in people who can see a win with that photo or thumbnail
  (`Win.objects.visible_to`), so team-only photos stay in the team; and, through
  the signed address of an email (`wins_net.media.media_email_url`), to its
  recipient while the file still belongs to a win that is not hidden and that
  they (still active) may see;
- `pending/…`: a photo kept while the composer came back with an error
  (`feed.wins.pending`), to its owner only;
- `avatars/…`: to signed-in people, while someone has that avatar. Avatars are
  the people's (accounts), shown in the feed; their rule sits here because
  accounts registers nothing at start-up.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from accounts.models import User
from feed.wins.models import PendingUpload, Win
from wins_net.links import absolute_url
from wins_net.media import MediaAccess, media_email_url, media_folder, signed_in

# Thumbnails in emails, in CSS pixels: small beside the text on a phone.
THUMBNAIL_WIDTH = 120


def win_photo_in_email(recipient_id: int, name: str) -> bool:
    """Whether the win photo `name` still belongs to a win that is not hidden and
    that the person `recipient_id` (still active) may see. At most two queries."""
    try:
        recipient = User.objects.get(pk=recipient_id, is_active=True)
    except User.DoesNotExist:
        return False
    shown = Win.objects.visible_to(recipient).filter(
        Q(image=name) | Q(thumbnail=name), is_hidden=False
    )
    return shown.exists()


@media_folder("wins", email=win_photo_in_email)
def win_photo_access(user, name: str) -> MediaAccess | None:
    """PRIVATE to a signed-in person who can see a win with that photo or
    thumbnail; else None. At most one query."""
    if not signed_in(user):
        return None
    shown = Win.objects.visible_to(user).filter(Q(image=name) | Q(thumbnail=name))
    return MediaAccess.PRIVATE if shown.exists() else None


@media_folder("pending")
def pending_upload_access(user, name: str) -> MediaAccess | None:
    """PRIVATE to the signed-in owner of the pending upload with that image or
    preview; else None. At most one query."""
    if not signed_in(user):
        return None
    mine = PendingUpload.objects.filter(Q(image=name) | Q(preview=name), owner_id=user.pk)
    return MediaAccess.PRIVATE if mine.exists() else None


@media_folder("avatars")
def avatar_access(user, name: str) -> MediaAccess | None:
    """PRIVATE to a signed-in person while someone has that avatar. At most one query."""
    if not signed_in(user):
        return None
    return MediaAccess.PRIVATE if User.objects.filter(avatar=name).exists() else None


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
