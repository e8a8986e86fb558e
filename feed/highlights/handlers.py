"""
What highlights do when something happens in the wins feed (`feed.wins.events`).

Registered when `feed.apps.FeedConfig.ready()` imports this module; runs in the
sender's transaction (`wins_net.events`), so a public story is withdrawn with the
change that takes its win out of public, or neither happens.
"""

from __future__ import annotations

from accounts.models import User
from feed.highlights.services import highlights_withdraw_for_win
from feed.wins import events as wins_events
from feed.wins.models import Win


@wins_events.win_withdrawn_from_public.handler
def _withdraw_its_public_stories(*, win: Win, by: User, reason: str) -> int:
    """A public story never outlives its win, nor shows one moderators took down."""
    return highlights_withdraw_for_win(win=win, by=by, reason=reason)
