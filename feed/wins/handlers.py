"""
What the wins feed does when something happens in `accounts` (`accounts.events`).

Registered when `feed.apps.FeedConfig.ready()` imports this module; runs in the
sender's transaction (`wins_net.events`).
"""

from __future__ import annotations

from django.db.models import Q

from accounts import events as accounts_events
from feed.wins.revisions import revision_raise_for_people


@accounts_events.people_changed.handler
def _cards_of_people_changed(*, user_ids: list[int]) -> None:
    """The cards showing these people show their new name, title, team or picture."""
    revision_raise_for_people(people=Q(pk__in=user_ids))
