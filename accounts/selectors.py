"""Reads about people and teams."""

from __future__ import annotations

from django.conf import settings
from django.db.models import QuerySet

from accounts.models import User


def email_domain_allowed(email: str) -> bool:
    """True when the address belongs to one of `ALLOWED_SIGNUP_DOMAINS`."""
    _, _, domain = email.strip().lower().rpartition("@")
    return bool(domain) and domain in settings.ALLOWED_SIGNUP_DOMAINS


def user_reports(*, manager: User) -> QuerySet[User]:
    """The people who report directly to `manager`."""
    return User.objects.filter(manager=manager, is_active=True).select_related("team")
