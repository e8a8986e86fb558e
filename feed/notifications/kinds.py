"""
Every kind of email Wins sends, declared once.

A row of `EMAIL_KINDS` says what one kind of email is: its value in the ledger
(`Email.kind`) and its label in the admin, its family, and what the
preferences page says about it. Everything else is derived from the table:
`Email.Kind` (the ledger's choices), the defaults behind a missing
`EmailPreference` row and what a person wants (`feed.notifications.preferences`),
what an unsubscribe link turns off (`stands_for`), when a planner sends it
(`cadence`, `feed.notifications.planning`) and which builder writes it (by
family, `feed.notifications.emails.BUILDERS`).

The families:

- NOTIFICATION: one notification (`accounts.models.NotificationKind`), sent
  at once to people who chose "immediately" for its kind; the other cadences
  put it in a summary, or nowhere.
- SUMMARY: the notifications of a day or a week, of the kinds its recipient
  wants at that cadence.
- WEEKLY: an email of its own (the manager digest, comms' candidates), weekly
  unless turned off; its preference is stored under its own value.
- ONE_OFF: sent once for a reason of the person's own (an invitation):
  nothing to subscribe to, so no unsubscribe link.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.models import Cadence, EmailPreference, NotificationKind

type Label = str | Promise


class Family(StrEnum):
    NOTIFICATION = "notification"
    SUMMARY = "summary"
    WEEKLY = "weekly"
    ONE_OFF = "one-off"


@dataclass(frozen=True)
class EmailKind:
    name: str  # the member of `Email.Kind`
    value: str  # in `Email.kind`, and in `EmailPreference.kind` when it has a preference
    label: Label  # in the admin's list of outgoing emails
    family: Family
    # How often it goes out (daily or weekly): for a summary, also the cadence
    # at which its recipient wants the kinds it gathers.
    cadence: str | None = None
    # The cadence of a person who never chose (kinds with a preference).
    default: str | None = None
    # The preferences page: the choice's label, what it is about, and whether
    # only communications staff see it.
    choice: Label = ""
    help_text: Label = ""
    comms_only: bool = False
    # A weekly email is weekly or never: the error for any other cadence.
    weekly_or_never: Label = ""

    @property
    def has_preference(self) -> bool:
        return self.family in (Family.NOTIFICATION, Family.WEEKLY)


def _notification(
    kind: NotificationKind, label: Label, *, default: str, help_text: Label, comms_only=False
) -> EmailKind:
    return EmailKind(
        name=kind.name,
        value=kind.value,
        label=label,
        family=Family.NOTIFICATION,
        default=default,
        choice=kind.label,
        help_text=help_text,
        comms_only=comms_only,
    )


# In the order of `Email.Kind` (the ledger's choices, kept as the migrations know them).
EMAIL_KINDS: tuple[EmailKind, ...] = (
    # Reactions and comments can wait for the summary; mentions, credits and
    # consent ask for something, or are rare: at once.
    _notification(
        NotificationKind.REACTION,
        _("Reaction"),
        default=Cadence.DAILY,
        help_text=_("When someone reacts to one of your wins."),
    ),
    _notification(
        NotificationKind.COMMENT,
        _("Comment"),
        default=Cadence.DAILY,
        help_text=_("When someone comments on one of your wins."),
    ),
    _notification(
        NotificationKind.MENTION,
        _("Mention"),
        default=Cadence.IMMEDIATELY,
        help_text=_("When someone @mentions you in a comment."),
    ),
    _notification(
        NotificationKind.CREDIT,
        _("Credit"),
        default=Cadence.IMMEDIATELY,
        help_text=_("When a coworker credits you on their win."),
    ),
    _notification(
        NotificationKind.CONSENT,
        _("Consent request"),
        default=Cadence.IMMEDIATELY,
        help_text=_("When the communications team asks to publish one of your wins."),
    ),
    # Comms only: an answer (or its absence) is what lets them publish or move on.
    _notification(
        NotificationKind.CONSENT_ANSWER,
        _("Answer to a consent request"),
        default=Cadence.IMMEDIATELY,
        help_text=_(
            "When someone approves or declines a highlight you asked them about, or does not "
            "answer in time."
        ),
        comms_only=True,
    ),
    # Something of theirs stopped being public: they hear at once.
    _notification(
        NotificationKind.STORY_WITHDRAWN,
        _("Public story taken down"),
        default=Cadence.IMMEDIATELY,
        help_text=_(
            "When a public story about your work, or one you worked on, is taken down because its "
            "win was deleted or hidden."
        ),
    ),
    # What they approved is out: the link to see and share it, once.
    _notification(
        NotificationKind.STORY_PUBLISHED,
        _("Public story published"),
        default=Cadence.IMMEDIATELY,
        help_text=_("When a public story you approved is published, with its link."),
    ),
    EmailKind(
        name="CANDIDATES",
        value=EmailPreference.CANDIDATES,
        label=_("Highlight candidates"),
        family=Family.WEEKLY,
        cadence=Cadence.WEEKLY,
        default=Cadence.WEEKLY,
        choice=_("Weekly email of highlight candidates"),
        help_text=_("Last week's best wins that nobody has proposed as a highlight yet."),
        comms_only=True,
        weekly_or_never=_("The email of highlight candidates is weekly or never."),
    ),
    EmailKind(
        name="DAILY_SUMMARY",
        value="daily",
        label=_("Daily summary"),
        family=Family.SUMMARY,
        cadence=Cadence.DAILY,
    ),
    EmailKind(
        name="WEEKLY_SUMMARY",
        value="weekly",
        label=_("Weekly summary"),
        family=Family.SUMMARY,
        cadence=Cadence.WEEKLY,
    ),
    EmailKind(
        name="DIGEST",
        value=EmailPreference.DIGEST,
        label=_("Manager digest"),
        family=Family.WEEKLY,
        cadence=Cadence.WEEKLY,
        default=Cadence.WEEKLY,
        choice=_("Weekly digest of your team's wins"),
        help_text=_("Last week's wins of the people who report to you."),
        weekly_or_never=_("The digest is weekly or never."),
    ),
    # To a person IT added (`import_people`): choose a password and join.
    EmailKind(
        name="INVITATION",
        value="invitation",
        label=_("Invitation to join"),
        family=Family.ONE_OFF,
    ),
)

KINDS: dict[str, EmailKind] = {kind.value: kind for kind in EMAIL_KINDS}


def of_family(family: Family) -> tuple[EmailKind, ...]:
    return tuple(kind for kind in EMAIL_KINDS if kind.family == family)


NOTIFICATION_EMAILS = of_family(Family.NOTIFICATION)
SUMMARIES = of_family(Family.SUMMARY)
# The ledger's choices, for `Email.Kind`.
KIND_MEMBERS = [(kind.name, (kind.value, kind.label)) for kind in EMAIL_KINDS]


def is_summary(email_kind: str) -> bool:
    return KINDS[email_kind].family == Family.SUMMARY


def default_cadence(kind: str) -> str:
    """The cadence of a person who never chose one for `kind` (a kind with a preference)."""
    default = KINDS[kind].default
    if default is None:
        raise KeyError(kind)
    return default


def preference_label(kind: str) -> str:
    """What a preference is called on the preferences and unsubscribe pages."""
    return str(KINDS[kind].choice)


def stands_for(email_kind: str) -> tuple[str, ...]:
    """The preferences an email of `email_kind` may stand for: its own, or, for a
    summary, every notification kind (those its recipient wants at its cadence)."""
    kind = KINDS[email_kind]
    if kind.family == Family.SUMMARY:
        return tuple(kind.value for kind in NOTIFICATION_EMAILS)
    if kind.has_preference:
        return (kind.value,)
    return ()
