"""
Ids from requests become highlight objects only here, for a given viewer.

As in `feed.wins.access` (wins, comments, people), each function fails the same
way (404) for "does not exist" and "you may not see it".
"""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.models import User
from feed.highlights.models import Consent, Highlight
from feed.wins.access import is_comms


def access_consent(*, user: User, pk: int) -> Consent:
    """A consent request addressed to `user`, or Http404. Nobody else may open one,
    comms and superusers included: nobody answers on someone else's behalf."""
    consents = Consent.objects.filter(person_id=user.pk).select_related(
        "highlight", "highlight__win", "asked_by"
    )
    return get_object_or_404(consents, pk=pk)


def access_workspace(*, user: User) -> None:
    """Let communications staff into the comms workspace; Http404 for everyone
    else, as if it did not exist."""
    if not is_comms(user):
        raise Http404


def access_highlight_for_comms(*, user: User, pk: int) -> Highlight:
    """Any highlight, in any state, for communications staff; Http404 for
    everyone else and for a missing one alike."""
    access_workspace(user=user)
    queryset = Highlight.objects.select_related("win__author__team", "created_by")
    return get_object_or_404(queryset, pk=pk)
