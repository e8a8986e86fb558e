"""
Invitations to join, sent through the email ledger like every other email.

`import_people` (`accounts.services.people_import`) announces the people it
created (`accounts.events.people_added`) inside its transaction, and
`feed.notifications.handlers` calls `invitations_record`: one `Email` row per person,
kind `invitation`, period `joining`, so the unique rule of the ledger makes a
second invitation impossible, whatever runs twice. The ledger hands the rows to
workers after the commit (or the sweep does, when the broker was down) and sends
each once, through worker restarts (`feed.notifications.delivery`). The message is built when
it is sent, with a fresh set-password link, and skipped for anyone who has
joined in the meantime. What an invitation says is accounts' business
(`accounts.services.invitations`, `templates/emails/invitation/`).
"""

from __future__ import annotations

from collections.abc import Sequence

from accounts.models import User
from accounts.services.invitations import user_invitation_context
from feed.notifications.ledger import emails_record
from feed.notifications.models import Email

# The period of a person's invitation: one per person, ever, from the import.
INVITATION_PERIOD = "joining"


def invitations_record(*, users: Sequence[User]) -> list[int]:
    """Record the invitation of each of `users`; returns the ids of the new rows.

    Call it inside the transaction that created them. Someone already invited
    gets no second row. Sending happens after the commit, once per row.
    """
    return emails_record(recipients=users, kind=Email.Kind.INVITATION, period=INVITATION_PERIOD)


def invitation_email_context(*, email: Email) -> tuple[str, dict] | None:
    """The template and context of an invitation row, or None (the row is then
    skipped) when its person is inactive or has joined since it was recorded."""
    context = user_invitation_context(user=email.recipient)
    return None if context is None else ("invitation", context)
