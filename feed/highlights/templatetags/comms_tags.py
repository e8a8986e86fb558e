"""Who is comms, for the admin's templates.

The admin index is rendered by the admin site, whose context this project does
not extend (that would take a custom `AdminSite`); the filter asks the one rule,
`feed.wins.access.is_comms`, so the index links the comms dashboard for exactly
the people the dashboard lets in.
"""

from __future__ import annotations

from django import template

from accounts.models import User
from feed.wins.access import is_comms as _is_comms

register = template.Library()


@register.filter
def is_comms(user: User | None) -> bool:
    """`{% if user|is_comms %}`: a member of the Communications group, or a superuser."""
    return _is_comms(user)
