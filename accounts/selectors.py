"""Reads about people and teams."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.conf import settings
from django.db.models import QuerySet

from accounts.models import User


def email_domain_allowed(email: str) -> bool:
    """True when the address belongs to one of `ALLOWED_SIGNUP_DOMAINS`."""
    _, _, domain = email.strip().lower().rpartition("@")
    return bool(domain) and domain in settings.ALLOWED_SIGNUP_DOMAINS


def email_owned_by_another(*, email: str, user: User) -> bool:
    """True when `email` is someone else's: their login address, or an address
    they verified. Unverified addresses prove nothing and own nothing."""
    others_login = User.objects.filter(email__iexact=email.strip()).exclude(pk=user.pk)
    others_verified = EmailAddress.objects.filter(
        email__iexact=email.strip(), verified=True
    ).exclude(user=user)
    return others_login.exists() or others_verified.exists()


def user_reports(*, manager: User) -> QuerySet[User]:
    """The people who report directly to `manager`."""
    return User.objects.filter(manager=manager, is_active=True).select_related("team")
