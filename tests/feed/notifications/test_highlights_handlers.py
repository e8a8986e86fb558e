"""Notifications hear the highlights' events through `feed.notifications.handlers`,
registered at start-up (`FeedConfig.ready()`): highlights import nothing above them."""

from __future__ import annotations

from feed.highlights import events
from feed.notifications import handlers


def test_every_highlights_event_has_its_notifications_handler():
    assert handlers._ask_the_person_named in events.consent_requested.handlers
    assert handlers._tell_the_asker_of_the_answer in events.consent_answered.handlers
    assert handlers._tell_the_asker_nobody_answered in events.consent_expired.handlers
    assert handlers._tell_who_followed_the_story in events.story_withdrawn.handlers
    assert handlers._give_the_people_named_the_link in events.story_published.handlers
