"""
The gate for notifications that come from a URL: one function, which fails the
same way (404) for "no such notification" and "not yours", like every other
`access_*` (docs/architecture.md).
"""

from __future__ import annotations

from django.http import Http404

from accounts.models import User
from feed.notifications.models import Notification
from feed.notifications.selectors import notification_one

# The largest id the database can hold: a bigger one in a URL is simply not found.
MAX_ID = 2**63 - 1


def access_notification(*, user: User, pk: int) -> Notification:
    """`user`'s own notification `pk`, decorated for showing; Http404 when there is
    none, it is someone else's, or it is about a win `user` may no longer see."""
    notification = notification_one(user=user, pk=pk) if 0 < pk <= MAX_ID else None
    if notification is None:
        raise Http404
    return notification
