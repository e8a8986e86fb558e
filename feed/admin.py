"""
The admin area of every domain, for Django's autodiscovery (it imports `feed.admin`).

Each package registers its own models: moderation and tags in `feed.wins.admin`,
outgoing mail and notifications in `feed.notifications.admin`, highlights in
`feed.highlights.admin` and the curation queue (with "Propose as highlight" on
the wins' list) in `feed.highlights.admin_curation`. Actions and forms call the
same services as the app.
"""

from feed.highlights import admin as highlights_admin  # noqa: F401
from feed.highlights import admin_curation  # noqa: F401
from feed.notifications import admin as notifications_admin  # noqa: F401
from feed.wins import admin as wins_admin  # noqa: F401
