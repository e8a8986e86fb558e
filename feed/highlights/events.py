"""
What the highlights announce to the layers above (see `wins_net.events`).

Sent by `feed.highlights.consents` and `feed.highlights.services` inside the
transaction of the change, after saving it; `feed.notifications.handlers`
turns them into lines in the bell and emails. Highlights never know who listens.
"""

from __future__ import annotations

from wins_net.events import Event

# A person named was asked for their consent (`consent`, just created), or
# reminded of a request still waiting (`reminder=True`).
consent_requested = Event("consent_requested")

# A person approved or declined their request (`consent`, saved with its answer).
consent_answered = Event("consent_answered")

# Nobody answered `consent` in time: it was saved as expired.
consent_expired = Event("consent_expired")

# Comms published `highlight` (saved as published): its people named, who all
# approved this version, can be given the public link.
story_published = Event("story_published")

# An open `highlight` was withdrawn because its win stopped being public (not
# when a person named or comms withdraw it themselves): `by` took the win back
# (`by_author`) or a moderator hid or deleted it; `from_status` is where the
# highlight was, so listeners know whether its people had been asked yet.
story_withdrawn = Event("story_withdrawn")
