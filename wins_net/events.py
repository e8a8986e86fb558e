"""
How a lower layer lets an upper one know that something happened.

Dependencies point one way (docs/architecture.md): the wins feed never imports
highlights or notifications. Yet a reaction must notify the win's author, and a
win hidden by a moderator must withdraw its public story. So each domain
declares, in its own `events.py`, the events its services announce, and an
upper package registers handlers for them in its `handlers.py`:

    # feed/wins/events.py
    reaction_added = Event("reaction_added")

    # feed/wins/services.py, inside the transaction that adds the reaction
    events.reaction_added.send(reaction=reaction)

    # feed/notifications/handlers.py
    @wins_events.reaction_added.handler
    def _tell_the_author(*, reaction: Reaction) -> None: ...

Handlers run at once, in the sender's transaction, in the order they were
registered, and an exception propagates: a handler that fails rolls the change
back instead of losing what it should have recorded. Work that must wait for
the commit (a task, an email) is what the handler itself defers. Unlike Django
signals, an event has one name, keyword payloads only, and `handlers` says who
listens, so tests can check the wiring.

Every `handlers.py` is imported by `feed.apps.FeedConfig.ready()`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Handler = Callable[..., Any]


class Event:
    """Something that happened in one domain, for handlers in the layers above."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.handlers: list[Handler] = []

    def __repr__(self) -> str:
        return f"<Event {self.name}: {len(self.handlers)} handler(s)>"

    def handler(self, function: Handler) -> Handler:
        """Register `function` (a decorator); registering it twice keeps one."""
        if function not in self.handlers:
            self.handlers.append(function)
        return function

    def send(self, **payload: Any) -> list[Any]:
        """Call every handler with `payload`; returns what each returned, in order."""
        return [handler(**payload) for handler in self.handlers]
