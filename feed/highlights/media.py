"""
Who may get a highlight's image (`highlights/…`), registered with `wins_net.media`
when `feed.apps.FeedConfig.ready()` imports this module.

To anyone while a published highlight shows it (publicly cacheable for a short
time, as it may be withdrawn), to communications staff for curating, and to a
person asked for consent while that highlight is open.
"""

from __future__ import annotations

from feed.highlights.models import Consent, Highlight
from feed.highlights.selectors import PUBLIC, highlights_for_staff
from feed.wins.access import is_comms
from wins_net.media import MediaAccess, media_folder, signed_in


@media_folder("highlights")
def highlight_image_access(user, name: str) -> MediaAccess | None:
    """PUBLIC while a published highlight shows `name`, decided before `user` is
    looked at, so a public request reads no session (one query); else PRIVATE to
    comms who may see a highlight with it, or to a person asked for consent on an
    open highlight with it (up to three queries); else None."""
    if Highlight.objects.filter(PUBLIC, image=name).exists():
        return MediaAccess.PUBLIC
    if not signed_in(user):
        return None
    if is_comms(user) and highlights_for_staff(user=user).filter(image=name).exists():
        return MediaAccess.PRIVATE
    asked = Consent.objects.filter(
        person_id=user.pk, image=name, highlight__status__in=Highlight.OPEN_STATUSES
    )
    return MediaAccess.PRIVATE if asked.exists() else None
