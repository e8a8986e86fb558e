"""
What happens in the wins feed that the layers above it hear about.

The wins feed imports neither notifications nor highlights (docs/architecture.md):
`feed.wins.services` sends these events inside the transaction of the change,
and those packages register handlers in their `handlers.py` (see
`wins_net.events`). A handler that fails rolls the change back.
"""

from __future__ import annotations

from wins_net.events import Event

reaction_added = Event("reaction_added")
"""Someone reacted to a win. Payload: `reaction` (Reaction, new)."""

comment_posted = Event("comment_posted")
"""Someone commented on a win. Payload: `comment` (Comment, saved) and
`mentioned` (list[User]: the people its @mentions name, never its author)."""

people_credited = Event("people_credited")
"""A win was posted or edited. Payload: `win` and `people` (list[User]: the
people credited by this post or edit who were not credited before; may be empty)."""

win_withdrawn_from_public = Event("win_withdrawn_from_public")
"""A win can no longer be public: its author narrowed it to their team or
deleted it, or moderators hid or deleted it. Sent before the delete, so the
win still exists. Payload: `win`, `by` (User: who did it) and `reason` (str,
translated, for the record of whatever was public)."""
