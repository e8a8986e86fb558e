"""The email preferences form: how often each kind of email arrives."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Cadence, EmailPreference, NotificationKind, User
from feed.notifications.services import cadence_for
from feed.wins.access import is_comms

DIGEST_FIELD = "digest"
DIGEST_SCOPE_FIELD = "digest_scope"
CANDIDATES_FIELD = "candidates"
# Kinds only communications staff are told about: only they see the choice.
COMMS_KINDS = (NotificationKind.CONSENT_ANSWER,)

# What each kind's choice is about, under its label.
KIND_HELP = {
    NotificationKind.REACTION: _("When someone reacts to one of your wins."),
    NotificationKind.COMMENT: _("When someone comments on one of your wins."),
    NotificationKind.MENTION: _("When someone @mentions you in a comment."),
    NotificationKind.CREDIT: _("When a coworker credits you on their win."),
    NotificationKind.CONSENT: _("When the communications team asks to publish one of your wins."),
    NotificationKind.STORY_WITHDRAWN: _(
        "When a public story about your work, or one you worked on, is taken down because its "
        "win was deleted or hidden."
    ),
    NotificationKind.CONSENT_ANSWER: _(
        "When someone approves or declines a highlight you asked them about, or does not "
        "answer in time."
    ),
}


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
        self.kinds = [k for k in NotificationKind if self.is_comms or k not in COMMS_KINDS]
        for kind in self.kinds:
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
        if self.is_comms:
            self.fields[CANDIDATES_FIELD] = forms.ChoiceField(
                label=_("Weekly email of highlight candidates"),
                choices=[(Cadence.WEEKLY, _("Every Monday")), (Cadence.NEVER, Cadence.NEVER.label)],
                initial=cadence_for(user=user, kind=EmailPreference.CANDIDATES),
                help_text=_("Last week's best wins that nobody has proposed as a highlight yet."),
            )

    def kind_fields(self) -> list[forms.BoundField]:
        """The kinds everyone chooses; comms' own are in `comms_fields`."""
        return [self[kind.value] for kind in self.kinds if kind not in COMMS_KINDS]

    def comms_fields(self) -> list[forms.BoundField]:
        if not self.is_comms:
            return []
        return [*(self[kind.value] for kind in COMMS_KINDS), self[CANDIDATES_FIELD]]

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
                    kind=EmailPreference.DIGEST,
                    cadence=data[DIGEST_FIELD],
                    scope=data[DIGEST_SCOPE_FIELD],
                )
            )
        if self.is_comms and CANDIDATES_FIELD in changed:
            result.append(Change(kind=EmailPreference.CANDIDATES, cadence=data[CANDIDATES_FIELD]))
        return result
