"""
What notifications and the email ledger do when something happens below them:
in the wins feed (`feed.wins.events`) and in `accounts` (`accounts.events`).

Registered when `feed.apps.FeedConfig.ready()` imports this module; each runs in
the sender's transaction (`wins_net.events`), so a notification or a ledger row
is written with its cause or not at all.
"""

from __future__ import annotations

from accounts import events as accounts_events
from accounts.models import User
from feed.notifications.invitations import invitations_record
from feed.notifications.services import notify_comment, notify_credits, notify_reaction
from feed.wins import events as wins_events
from feed.wins.models import Comment, Reaction, Win


@wins_events.reaction_added.handler
def _tell_the_author_of_a_reaction(*, reaction: Reaction) -> None:
    notify_reaction(reaction=reaction)


@wins_events.comment_posted.handler
def _tell_the_author_and_the_people_mentioned(*, comment: Comment, mentioned: list[User]) -> None:
    notify_comment(comment=comment, mentioned=mentioned)


@wins_events.people_credited.handler
def _tell_the_people_credited(*, win: Win, people: list[User]) -> None:
    notify_credits(win=win, people=people)


@accounts_events.people_added.handler
def _invite_the_people_added(*, users: list[User]) -> int:
    """Record an invitation per person in the email ledger; returns how many were recorded."""
    return len(invitations_record(users=users))
