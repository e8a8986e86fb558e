"""Background work about people. Each task fetches by id and calls one service."""

from __future__ import annotations

from celery import shared_task

from accounts.models import User
from accounts.services.invitations import user_invitation_send


# A mail server that is down or slow (OSError covers SMTPException and timeouts)
# is retried with growing pauses for about an hour before the task gives up.
@shared_task(
    name="accounts.invitation_send",
    autoretry_for=(OSError,),
    retry_backoff=30,
    retry_backoff_max=15 * 60,
    max_retries=8,
)
def invitation_send(user_id: int) -> None:
    """Email the invitation of a person created by the import.

    A task delivered twice can send a second copy only while the person has
    not joined yet: nothing goes to someone who has set a password, signed in,
    or no longer exists.
    """
    user = User.objects.filter(pk=user_id).first()
    if user is not None:
        user_invitation_send(user=user)
