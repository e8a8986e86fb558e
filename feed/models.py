"""
The models of the feed app, for Django to find. Each domain keeps its own:

- `feed.wins.models`: wins, tags, credits, reactions, comments, reports, pending uploads;
- `feed.highlights.models`: highlights, the people they name, consents, events, views;
- `feed.notifications.models`: in-app notifications and the email ledger.

Code imports from the domain's module; this one only gathers them (one Django app,
one set of tables and migrations: see docs/architecture.md).
"""

from feed.highlights.models import (  # noqa: F401
    Consent,
    CurationCandidate,
    Highlight,
    HighlightEvent,
    HighlightPerson,
    HighlightSlug,
    HighlightView,
    consent_scope,
)
from feed.notifications.models import (  # noqa: F401
    Email,
    Notification,
)
from feed.wins.models import (  # noqa: F401
    Comment,
    Credit,
    PendingUpload,
    Reaction,
    Report,
    Tag,
    Win,
    WinQuerySet,
)
