"""The kinds of email are declared once (`feed.notifications.kinds`); the rest follows."""

from __future__ import annotations

from accounts.models import Cadence, NotificationKind
from feed.notifications.emails import BUILDERS
from feed.notifications.kinds import EMAIL_KINDS, NOTIFICATION_EMAILS, Family, stands_for
from feed.notifications.models import Email


def test_every_notification_kind_is_an_email_kind_with_a_default():
    assert [kind.value for kind in NOTIFICATION_EMAILS] == NotificationKind.values
    assert all(kind.default in Cadence.values for kind in NOTIFICATION_EMAILS)


def test_the_ledger_choices_are_the_table():
    assert Email.Kind.choices == [(kind.value, kind.label) for kind in EMAIL_KINDS]
    assert Email.Kind.DIGEST == "digest"
    assert Email.Kind.DAILY_SUMMARY.label == "Daily summary"


def test_every_kind_has_a_builder():
    assert set(BUILDERS) == set(Email.Kind.values)


def test_what_an_unsubscribe_may_turn_off():
    assert stands_for(Email.Kind.MENTION) == (NotificationKind.MENTION,)
    assert stands_for(Email.Kind.DIGEST) == ("digest",)
    assert stands_for(Email.Kind.WEEKLY_SUMMARY) == tuple(NotificationKind.values)
    assert stands_for(Email.Kind.INVITATION) == ()


def test_weekly_emails_and_summaries_say_how_often_they_go_out():
    for kind in EMAIL_KINDS:
        if kind.family in (Family.SUMMARY, Family.WEEKLY):
            assert kind.cadence in (Cadence.DAILY, Cadence.WEEKLY)
