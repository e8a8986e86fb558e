"""
What happens to people that the layers above `accounts` hear about.

`accounts` imports no feed package (docs/architecture.md): its services send
these events, in the transaction of the change, and the feed's packages register
handlers in their `handlers.py` (see `wins_net.events`).
"""

from __future__ import annotations

from wins_net.events import Event

people_changed = Event("people_changed")
"""What others see of some people changed: name, job title, team or picture.

Payload: `user_ids` (list[int]). Sent by `user_update_profile` and by the people
import (a bulk update: no model signal); the wins feed gives the cards showing
them new revisions (`feed.wins.handlers`).
"""

people_added = Event("people_added")
"""IT added people to the directory (the people import).

Payload: `users` (list[User], saved). A handler that invites them returns how
many invitations it recorded; `people_import` reports the sum as `invited`
(`feed.notifications.handlers` records one per person in the email ledger).
"""
