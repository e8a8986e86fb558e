"""
What notifications do when something happens in the layers below.

Each handler is registered on an event a lower domain declares (`wins_net.events`
describes the mechanism) and runs in the sender's transaction: a line in the
bell and an email recorded in the email ledger are written with the change that
caused them, or not at all. Imported by `feed.apps.FeedConfig.ready()`.
"""

from __future__ import annotations

from accounts.models import User
from feed.highlights import events as highlights_events
from feed.highlights.models import Consent, Highlight
from feed.notifications.services import (
    notifications_consent_answered,
    notify_consent,
    notify_consent_answer,
    notify_story_withdrawn,
)


# --------------------------------------------------------------------------
# Highlights: consent requests, answers, expiry, stories withdrawn with their win
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
