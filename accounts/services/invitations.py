"""Invitations: a link to set one's password, for people IT added."""

from __future__ import annotations

from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.urls import reverse

from accounts.models import User
from wins_net.emails import email_render, email_send


def user_invitation_url(*, user: User) -> str:
    """An absolute link where `user` sets a first password.

    It is allauth's password-reset link (same token generator, same view), so it
    stops working once used, and after `PASSWORD_RESET_TIMEOUT`.
    """
    path = reverse(
        "account_reset_password_from_key",
        kwargs={
            "uidb36": user_pk_to_url_str(user),
            "key": default_token_generator.make_token(user),
        },
    )
    return settings.SITE_URL + path


def user_invitation_send(*, user: User) -> bool:
    """Email `user` an invitation to Wins with a link to set their password.

    Sends nothing and returns False to a person who is inactive or can already
    sign in (has a password or has signed in), so a repeated or retried task
    does not write to someone who has already joined. Mail-server errors
    propagate: the calling task retries.
    """
    if not user.is_active or user.has_usable_password() or user.last_login is not None:
        return False
    message = email_render(
        template="invitation",
        to=user,
        context={
            "set_password_url": user_invitation_url(user=user),
            "valid_days": max(1, settings.PASSWORD_RESET_TIMEOUT // (24 * 60 * 60)),
            "reset_url": settings.SITE_URL + reverse("account_reset_password"),
        },
    )
    email_send(message=message)
    return True


# --------------------------------------------------------------------------
# People import
# --------------------------------------------------------------------------
