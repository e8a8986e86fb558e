"""The email preferences form: how often each kind of email arrives."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Cadence, EmailPreference, NotificationKind, User
from feed.notifications import cadence_for

DIGEST_FIELD = "digest"
DIGEST_SCOPE_FIELD = "digest_scope"

# What each kind's choice is about, under its label.
KIND_HELP = {
    NotificationKind.REACTION: _("When someone reacts to one of your wins."),
    NotificationKind.COMMENT: _("When someone comments on one of your wins."),
    NotificationKind.MENTION: _("When someone @mentions you in a comment."),
    NotificationKind.CREDIT: _("When a coworker credits you on their win."),
    NotificationKind.CONSENT: _("When the communications team asks to publish one of your wins."),
}


@dataclass(frozen=True)
class Change:
    """One preference to save, for `feed.notifications.preference_set`."""

    kind: str
    cadence: str
    scope: str | None = None


class PreferencesForm(forms.Form):
    """A choice of cadence per kind of notification, with the current value
    (or the default) selected; managers also choose their weekly digest."""

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        for kind in NotificationKind:
            self.fields[kind.value] = forms.ChoiceField(
                label=kind.label,
                choices=Cadence.choices,
                initial=cadence_for(user=user, kind=kind.value),
                help_text=KIND_HELP.get(kind, ""),
            )
        self.has_digest = user.reports.filter(is_active=True).exists()
        if self.has_digest:
            digest = EmailPreference.objects.filter(user=user, kind=EmailPreference.DIGEST).first()
            self.fields[DIGEST_FIELD] = forms.ChoiceField(
                label=_("Weekly digest of your team's wins"),
                choices=[(Cadence.WEEKLY, _("Every Monday")), (Cadence.NEVER, Cadence.NEVER.label)],
                initial=digest.cadence if digest else Cadence.WEEKLY,
                help_text=_("Last week's wins of the people who report to you."),
            )
            self.fields[DIGEST_SCOPE_FIELD] = forms.ChoiceField(
                label=_("Whose wins the digest gathers"),
                choices=EmailPreference.DigestScope.choices,
                initial=digest.scope if digest else EmailPreference.DigestScope.DIRECT,
                widget=forms.RadioSelect,
            )

    def kind_fields(self) -> list[forms.BoundField]:
        return [self[kind.value] for kind in NotificationKind]

    def changes(self) -> list[Change]:
        """The preferences that differ from what is saved (or the default).

        A kind left at its default gets no row, so a better default later reaches
        everyone who never chose.
        """
        changed = set(self.changed_data)
        data = self.cleaned_data
        result = [Change(kind=k, cadence=data[k]) for k in NotificationKind.values if k in changed]
        if self.has_digest and changed & {DIGEST_FIELD, DIGEST_SCOPE_FIELD}:
            result.append(
                Change(
                    kind=EmailPreference.DIGEST,
                    cadence=data[DIGEST_FIELD],
                    scope=data[DIGEST_SCOPE_FIELD],
                )
            )
        return result
