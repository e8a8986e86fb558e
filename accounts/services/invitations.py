"""Invitations: a link to set one's password, for people IT added.

What an invitation says and who may still get one live here. Recording and
sending it once is the email ledger's job (`feed.notifications.invitations`,
`feed.notifications.delivery`), like every other email.
"""

from __future__ import annotations

from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.urls import reverse

from accounts.models import User
from wins_net.links import absolute_url


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
    return absolute_url(path)


def user_has_joined(*, user: User) -> bool:
    """True once `user` can sign in on their own: they have a password or have signed in."""
    return user.has_usable_password() or user.last_login is not None


def user_invitation_context(*, user: User) -> dict | None:
    """The context of the invitation email (`templates/emails/invitation/`) for
    `user`, with a fresh set-password link; None when there is no one to invite
    any more: the person is inactive or has already joined."""
    if not user.is_active or user_has_joined(user=user):
        return None
    return {
        "set_password_url": user_invitation_url(user=user),
        "valid_days": max(1, settings.PASSWORD_RESET_TIMEOUT // (24 * 60 * 60)),
        "reset_url": absolute_url(reverse("account_reset_password")),
    }
