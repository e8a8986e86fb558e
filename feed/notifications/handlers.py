"""
What notifications and the email ledger do when something happens in the layers
below them: the wins feed (`feed.wins.events`), highlights
(`feed.highlights.events`) and `accounts` (`accounts.events`).

Registered when `feed.apps.FeedConfig.ready()` imports this module; each runs in
the sender's transaction (`wins_net.events`), so a line in the bell or a row in
the email ledger is written with its cause or not at all.
"""

from __future__ import annotations

from accounts import events as accounts_events
from accounts.models import User
from feed.highlights import events as highlights_events
from feed.highlights.models import Consent, Highlight
from feed.notifications.invitations import invitations_record
from feed.notifications.services import (
    notifications_consent_answered,
    notify_comment,
    notify_consent,
    notify_consent_answer,
    notify_credits,
    notify_reaction,
    notify_story_published,
    notify_story_withdrawn,
)
from feed.wins import events as wins_events
from feed.wins.models import Comment, Reaction, Win


# --------------------------------------------------------------------------
# People: an invitation for each person added
# --------------------------------------------------------------------------
@accounts_events.people_added.handler
def _invite_the_people_added(*, users: list[User]) -> int:
    """Record an invitation per person in the email ledger; returns how many were recorded."""
    return len(invitations_record(users=users))


# --------------------------------------------------------------------------
# Wins: reactions, comments and credits
# --------------------------------------------------------------------------
@wins_events.reaction_added.handler
def _tell_the_author_of_a_reaction(*, reaction: Reaction) -> None:
    notify_reaction(reaction=reaction)


@wins_events.comment_posted.handler
def _tell_the_author_and_the_people_mentioned(*, comment: Comment, mentioned: list[User]) -> None:
    notify_comment(comment=comment, mentioned=mentioned)


@wins_events.people_credited.handler
def _tell_the_people_credited(*, win: Win, people: list[User]) -> None:
    notify_credits(win=win, people=people)


# --------------------------------------------------------------------------
# Highlights: consent requests, answers, expiry, publication, stories withdrawn
# --------------------------------------------------------------------------
@highlights_events.consent_requested.handler
def _ask_the_person_named(*, consent: Consent, reminder: bool) -> None:
    """The person asked hears of the request (or its reminder) in the bell and by email."""
    notify_consent(consent=consent, reminder=reminder)


@highlights_events.consent_answered.handler
def _tell_the_asker_of_the_answer(*, consent: Consent) -> None:
    """The request leaves the person's unread lines; comms hear the answer."""
    notifications_consent_answered(consent=consent)
    notify_consent_answer(consent=consent)


@highlights_events.consent_expired.handler
def _tell_the_asker_nobody_answered(*, consent: Consent) -> None:
    notify_consent_answer(consent=consent)


@highlights_events.story_published.handler
def _give_the_people_named_the_link(*, highlight: Highlight) -> None:
    """Each person who approved hears it is out, with the public link, once."""
    notify_story_published(highlight=highlight)


@highlights_events.story_withdrawn.handler
def _tell_who_followed_the_story(
    *, highlight: Highlight, by: User, by_author: bool, from_status: str
) -> None:
    """The people it named, once asked (not for a draft), and comms hear of it."""
    notify_story_withdrawn(
        highlight=highlight,
        by=by,
        by_author=by_author,
        asked=from_status != Highlight.Status.DRAFT,
    )
