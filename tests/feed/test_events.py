"""The wiring between layers: every event a lower layer sends, and who handles it.

A lower layer never imports an upper one; it sends events (`wins_net.events`)
that the upper packages handle, registered by `feed.apps.FeedConfig.ready()`.
This test lists that wiring in full, so a handler cannot silently disappear (or
appear): change it here when the wiring changes on purpose.
"""

from __future__ import annotations

from types import ModuleType

from accounts import events as accounts_events
from feed.wins import events as wins_events
from wins_net.events import Event

# Every module that declares events.
EVENT_MODULES: list[ModuleType] = [accounts_events, wins_events]

WIRING = {
    "accounts.events.people_changed": [
        "feed.wins.handlers._cards_of_people_changed",
    ],
    "accounts.events.people_added": [
        "feed.notifications.handlers._invite_the_people_added",
    ],
    "feed.wins.events.reaction_added": [
        "feed.notifications.handlers._tell_the_author_of_a_reaction",
    ],
    "feed.wins.events.comment_posted": [
        "feed.notifications.handlers._tell_the_author_and_the_people_mentioned",
    ],
    "feed.wins.events.people_credited": [
        "feed.notifications.handlers._tell_the_people_credited",
    ],
    "feed.wins.events.win_withdrawn_from_public": [
        "feed.highlights.handlers._withdraw_its_public_stories",
    ],
}


def registered() -> dict[str, list[str]]:
    return {
        f"{module.__name__}.{name}": [f"{h.__module__}.{h.__qualname__}" for h in event.handlers]
        for module in EVENT_MODULES
        for name, event in vars(module).items()
        if isinstance(event, Event)
    }


def test_every_event_has_exactly_the_handlers_listed_here():
    """Each event of `accounts` and the wins feed, and the handlers of the packages
    above that Django's start registered for it, in the order they run."""
    assert registered() == WIRING


def test_each_event_is_named_as_its_variable():
    """An event's name (in logs, in `repr`) is the one code sends it by."""
    for module in EVENT_MODULES:
        for name, event in vars(module).items():
            if isinstance(event, Event):
                assert event.name == name
