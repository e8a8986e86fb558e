"""
Ids from requests become objects only here, for a given viewer.

Each function fails the same way (404) for "does not exist" and "you may not
see it", so an id in a URL never tells whether something exists. Nouns of the
packages above keep their gates in their own `access.py` (a consent request:
`feed.highlights.access`).

The role checks (`is_comms`, `is_moderator`, `comms_people`) are defined in
`feed.wins.roles`, beneath the models that need them, and imported from here by
everything else: one module holds who may do what.
"""

from __future__ import annotations

from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.models import User
from feed.wins.models import Comment, Win
from feed.wins.roles import COMMS_GROUP, MODERATION_PERMISSION, comms_people, is_comms, is_moderator

__all__ = [
    "COMMS_GROUP",
    "MODERATION_PERMISSION",
    "access_comment",
    "access_person",
    "access_win",
    "access_win_as_author",
    "comms_people",
    "is_comms",
    "is_moderator",
]


def access_person(*, user: User, pk: int) -> User:
    """A person whose page `user` may open, with their team and manager, or
    Http404: anyone still here; people who left are not found, as if they never
    were. Only for a signed-in, active `user`."""
    if not (user.is_authenticated and user.is_active):
        raise Http404
    people = User.objects.filter(is_active=True).select_related("team", "manager")
    return get_object_or_404(people, pk=pk)


def access_win(*, user: User, pk: int) -> Win:
    """A win `user` may see, or Http404."""
    return get_object_or_404(Win.objects.visible_to(user), pk=pk)


def access_win_as_author(*, user: User, pk: int) -> Win:
    """A win `user` wrote, or Http404: others' wins cannot even be addressed for editing."""
    return get_object_or_404(Win.objects.visible_to(user).filter(author=user), pk=pk)


def access_comment(*, user: User, pk: int) -> Comment:
    """A comment on a win `user` may see, or Http404. Hidden comments only for their author."""
    comments = Comment.objects.filter(win__in=Win.objects.visible_to(user)).filter(
        Q(is_hidden=False) | Q(author_id=user.pk)
    )
    return get_object_or_404(comments.select_related("win", "author"), pk=pk)
