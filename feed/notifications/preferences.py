"""
Reading a person's email preferences: the one place that knows what a missing row means.

`EmailPreference` holds only the choices people made; a kind they never chose
follows its default (`feed.notifications.kinds`), so a better default later
reaches everyone who never chose. Everything that asks "does this person want
this email, how often, whose wins" asks `preferences_of`: the builders when a
row is sent, the planners for each person they look at, the preferences
form, unsubscribing. One query per person, or none when their rows were
prefetched (`PREFETCH`, as the planners do for a chunk of people).
"""

from __future__ import annotations

from dataclasses import dataclass

from accounts.models import Cadence, EmailPreference, User
from feed.notifications.kinds import KINDS, NOTIFICATION_EMAILS, Family, default_cadence

# For `prefetch_related` on a queryset of people whose preferences are read next.
PREFETCH = "email_preferences"


@dataclass(frozen=True)
class Preferences:
    """A person's choices, by preference kind, read once."""

    rows: dict[str, EmailPreference]

    def chosen(self, kind: str) -> str | None:
        """The cadence the person chose for `kind`, or None when they never chose."""
        row = self.rows.get(kind)
        return row.cadence if row is not None else None

    def cadence(self, kind: str) -> str:
        """How often the person wants `kind`: their choice, or the default."""
        return self.chosen(kind) or default_cadence(kind)

    def kinds_at(self, cadence: str) -> list[str]:
        """The notification kinds the person wants at `cadence`."""
        return [kind.value for kind in NOTIFICATION_EMAILS if self.cadence(kind.value) == cadence]

    def wants(self, email_kind: str) -> bool:
        """Whether an email of `email_kind` is wanted at all: a notification sent
        at once, a summary of at least one kind, a weekly email not turned off."""
        kind = KINDS[email_kind]
        if kind.family == Family.NOTIFICATION:
            return self.cadence(kind.value) == Cadence.IMMEDIATELY
        if kind.family == Family.SUMMARY:
            return bool(self.kinds_at(kind.cadence))
        if kind.family == Family.WEEKLY:
            return self.cadence(kind.value) != Cadence.NEVER
        return True

    @property
    def digest_scope(self) -> str:
        """Whose wins the manager digest gathers: their choice, or direct reports."""
        row = self.rows.get(EmailPreference.DIGEST)
        return row.scope if row is not None else EmailPreference.DigestScope.DIRECT


def preferences_of(user: User) -> Preferences:
    """`user`'s preferences: one query, or none when prefetched (`PREFETCH`)."""
    return Preferences({row.kind: row for row in user.email_preferences.all()})


def cadence_for(*, user: User, kind: str) -> str:
    """How often `user` wants `kind` by email: their choice, or the default."""
    return preferences_of(user).cadence(kind)
