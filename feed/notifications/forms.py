"""The email preferences form: how often each kind of email arrives."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Cadence, EmailPreference, User
from feed.notifications.kinds import KINDS, NOTIFICATION_EMAILS, EmailKind
from feed.notifications.preferences import Preferences, preferences_of
from feed.wins.access import is_comms

DIGEST = KINDS[EmailPreference.DIGEST]
CANDIDATES = KINDS[EmailPreference.CANDIDATES]
DIGEST_FIELD = DIGEST.value
DIGEST_SCOPE_FIELD = "digest_scope"
CANDIDATES_FIELD = CANDIDATES.value
# A weekly email of one's own: on Monday, or never.
WEEKLY_OR_NEVER = [(Cadence.WEEKLY, _("Every Monday")), (Cadence.NEVER, Cadence.NEVER.label)]


@dataclass(frozen=True)
class Change:
    """One preference to save, for `feed.notifications.services.preference_set`."""

    kind: str
    cadence: str
    scope: str | None = None


class PreferencesForm(forms.Form):
    """A choice of cadence per kind of notification, with the current value
    (or the default) selected; managers also choose their weekly digest, and
    communications staff the answers to their requests and the weekly email of
    highlight candidates (nobody else sees those)."""

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.is_comms = is_comms(user)
        preferences = preferences_of(user)
        self.kinds = [k for k in NOTIFICATION_EMAILS if self.is_comms or not k.comms_only]
        for kind in self.kinds:
            self.fields[kind.value] = forms.ChoiceField(
                label=kind.choice,
                choices=Cadence.choices,
                initial=preferences.cadence(kind.value),
                help_text=kind.help_text,
            )
        self.has_digest = user.reports.filter(is_active=True).exists()
        if self.has_digest:
            self.fields[DIGEST_FIELD] = self._weekly_field(DIGEST, preferences)
            self.fields[DIGEST_SCOPE_FIELD] = forms.ChoiceField(
                label=_("Whose wins the digest gathers"),
                choices=EmailPreference.DigestScope.choices,
                initial=preferences.digest_scope,
                widget=forms.RadioSelect,
            )
        if self.is_comms:
            self.fields[CANDIDATES_FIELD] = self._weekly_field(CANDIDATES, preferences)

    @staticmethod
    def _weekly_field(kind: EmailKind, preferences: Preferences) -> forms.ChoiceField:
        return forms.ChoiceField(
            label=kind.choice,
            choices=WEEKLY_OR_NEVER,
            initial=preferences.cadence(kind.value),
            help_text=kind.help_text,
        )

    def kind_fields(self) -> list[forms.BoundField]:
        """The kinds everyone chooses; comms' own are in `comms_fields`."""
        return [self[kind.value] for kind in self.kinds if not kind.comms_only]

    def comms_fields(self) -> list[forms.BoundField]:
        if not self.is_comms:
            return []
        comms_kinds = (self[kind.value] for kind in self.kinds if kind.comms_only)
        return [*comms_kinds, self[CANDIDATES_FIELD]]

    def changes(self) -> list[Change]:
        """The preferences that differ from what is saved (or the default).

        A kind left at its default gets no row, so a better default later reaches
        everyone who never chose.
        """
        changed = set(self.changed_data)
        data = self.cleaned_data
        kinds = [kind.value for kind in self.kinds]
        result = [Change(kind=k, cadence=data[k]) for k in kinds if k in changed]
        if self.has_digest and changed & {DIGEST_FIELD, DIGEST_SCOPE_FIELD}:
            result.append(
                Change(
                    kind=DIGEST.value,
                    cadence=data[DIGEST_FIELD],
                    scope=data[DIGEST_SCOPE_FIELD],
                )
            )
        if self.is_comms and CANDIDATES_FIELD in changed:
            result.append(Change(kind=CANDIDATES.value, cadence=data[CANDIDATES_FIELD]))
        return result
