"""Notification emails end to end: from a comment or a morning's summary to the outbox.

Celery runs eagerly and mail goes to Django's locmem outbox, so posting a
comment through the app, committing, and reading `mail.outbox` is the whole path
a real message takes: notification, email row, delivery, message. Each message
has a text and an HTML part in the recipient's language, a deterministic
Message-ID, and one-click unsubscribe (RFC 8058) in its headers and in its text.
"""

from __future__ import annotations

import email
import email.policy
import re
import zoneinfo
from datetime import datetime, timedelta
from io import StringIO
from urllib.parse import urlparse

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, ngettext

from accounts.models import Cadence, NotificationKind
from feed.notifications.emails import message_build
from feed.notifications.ledger import message_id_for
from feed.notifications.models import Email, Notification
from feed.notifications.periods import daily_due, previous_day
from feed.notifications.preferences import cadence_for
from feed.notifications.services import preference_set
from feed.notifications.summaries import summaries_plan
from feed.wins.models import Win
from feed.wins.services import comment_create, reaction_toggle
from tests.factories import TeamFactory, UserFactory, WinFactory

pytestmark = pytest.mark.django_db

MADRID = zoneinfo.ZoneInfo("Europe/Madrid")


@pytest.fixture
def team():
    return TeamFactory(name="Customer Care")


@pytest.fixture
def bea(team):
    return UserFactory(
        name="Bea Reader", email="bea@example.com", team=team, time_zone="Europe/Madrid"
    )


@pytest.fixture
def ana(team):
    return UserFactory(name="Ana O'Neill", email="ana@example.com", team=team)


@pytest.fixture
def win(bea):
    return WinFactory(author=bea, body="Closed the Bilbao renewal in one call")


def html_of(message) -> str:
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    return html


def post_comment(client, *, author, win, body: str, capture) -> None:
    client.force_login(author)
    with capture(execute=True):
        response = client.post(
            reverse("feed:comment_create", kwargs={"pk": win.pk}), {"body": body}
        )
    assert response.status_code == 302


# --------------------------------------------------------------------------
# The whole path
# --------------------------------------------------------------------------
def test_a_mention_arrives_by_email_ready_to_unsubscribe_in_one_click(
    client, bea, ana, django_capture_on_commit_callbacks
):
    carl_win = WinFactory(author=UserFactory(name="Carl Other"), body="Rebuilt the on-call rota")

    post_comment(
        client,
        author=ana,
        win=carl_win,
        body="@bea you will like this one",
        capture=django_capture_on_commit_callbacks,
    )

    [message] = [m for m in mail.outbox if m.to == [bea.email]]
    notification = Notification.objects.get(recipient=bea, kind=NotificationKind.MENTION)
    headers = message.extra_headers
    assert headers["Message-ID"] == message_id_for(
        kind="mention", period=f"n{notification.pk}", recipient_id=bea.pk
    )
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe_url = re.fullmatch(r"<(.+)>", headers["List-Unsubscribe"]).group(1)
    assert unsubscribe_url.startswith(f"{settings.SITE_URL}/notifications/unsubscribe/")
    # Both parts: text, and HTML as the alternative.
    assert message.subject == "Ana O'Neill mentioned you"
    assert "Ana O'Neill mentioned you:" in message.body
    # The quote names people where the comment typed their handle.
    assert "“Bea Reader you will like this one”" in message.body
    link = f"{settings.SITE_URL}{carl_win.get_absolute_url()}#comment-{notification.comment_id}"
    assert link in message.body
    assert unsubscribe_url in message.body
    html = html_of(message)
    assert "<strong>Ana O&#x27;Neill</strong> mentioned you" in html
    assert f'href="{link}"' in html
    assert f'href="{unsubscribe_url}"' in html
    assert Email.objects.get(recipient=bea).state == Email.State.SENT

    # The mail provider's one-click POST: no cookies, no CSRF token.
    response = Client(enforce_csrf_checks=True).post(
        urlparse(unsubscribe_url).path, {"List-Unsubscribe": "One-Click"}
    )

    assert response.status_code == 200
    assert cadence_for(user=bea, kind=NotificationKind.MENTION) == Cadence.NEVER


@pytest.mark.parametrize("policy", [email.policy.SMTP, email.policy.default])
def test_the_unsubscribe_header_is_still_a_url_on_the_wire(
    client, bea, ana, win, django_capture_on_commit_callbacks, policy
):
    """A long signed link is not folded into RFC 2047 encoded words, which mail
    clients would not read as a URL."""
    bea.language = "es"
    bea.save(update_fields=["language"])
    post_comment(
        client, author=ana, win=win, body="@bea ¡mira esto!",
        capture=django_capture_on_commit_callbacks,
    )  # fmt: skip
    [message] = [m for m in mail.outbox if m.to == [bea.email]]

    wire = message.message(policy=policy).as_bytes()
    parsed = email.message_from_bytes(wire, policy=email.policy.default)

    assert parsed["List-Unsubscribe"] == message.extra_headers["List-Unsubscribe"]
    assert b"List-Unsubscribe: <http" in wire
    assert max(len(line) for line in wire.split(b"\n")) <= 998


def test_a_comment_waits_for_the_daily_summary(
    client, bea, ana, win, django_capture_on_commit_callbacks
):
    post_comment(
        client, author=ana, win=win, body="Well done!", capture=django_capture_on_commit_callbacks
    )

    assert mail.outbox == []
    assert Notification.objects.filter(recipient=bea, kind=NotificationKind.COMMENT).exists()


def test_a_mention_on_a_team_only_win_never_reaches_outside_the_team(
    client, bea, ana, team, django_capture_on_commit_callbacks
):
    outsider = UserFactory(email="olga@example.com", team=TeamFactory(name="Legal"))
    team_win = WinFactory(author=bea, visibility=Win.Visibility.TEAM, team=team)

    post_comment(
        client,
        author=ana,
        win=team_win,
        body="Should @olga see this?",
        capture=django_capture_on_commit_callbacks,
    )

    assert not Notification.objects.filter(recipient=outsider).exists()
    assert not Email.objects.filter(recipient=outsider).exists()
    assert [m for m in mail.outbox if outsider.email in m.to] == []


def test_an_email_turned_off_before_it_left_is_not_sent(
    client, bea, ana, django_capture_on_commit_callbacks
):
    other_win = WinFactory(author=UserFactory())
    client.force_login(ana)
    with django_capture_on_commit_callbacks() as callbacks:
        comment_create(win=other_win, author=ana, body="Hi @bea")
    preference_set(user=bea, kind=NotificationKind.MENTION, cadence=Cadence.NEVER)

    for callback in callbacks:
        callback()

    assert mail.outbox == []
    assert Email.objects.get(recipient=bea).state == Email.State.SKIPPED


# --------------------------------------------------------------------------
# What each message says
# --------------------------------------------------------------------------
def build(notification: Notification, *, period: str | None = None):
    """The message of `notification`'s email row (recorded already, or now)."""
    email, _created = Email.objects.get_or_create(
        recipient=notification.recipient,
        kind=notification.kind,
        period=period or f"n{notification.pk}",
        defaults={"notification": notification, "message_id": "<test@example.com>"},
    )
    return message_build(email=email)


def test_grouped_reactions_name_the_latest_and_count_the_others(bea, ana, win):
    preference_set(user=bea, kind=NotificationKind.REACTION, cadence=Cadence.IMMEDIATELY)
    for person in (UserFactory(), UserFactory(), ana):
        reaction_toggle(win=win, user=person, kind="clap")

    message = build(Notification.objects.get(recipient=bea), period="test")

    assert message.subject == "Ana O'Neill and 2 others reacted to your win"
    assert "“Closed the Bilbao renewal in one call”" in message.body
    assert f"{settings.SITE_URL}{win.get_absolute_url()}" in message.body


@pytest.mark.parametrize(
    ("kind", "subject"),
    [
        (NotificationKind.COMMENT, "Ana O'Neill commented on your win"),
        (NotificationKind.MENTION, "Ana O'Neill mentioned you"),
        (NotificationKind.CREDIT, "Ana O'Neill credited you on a win"),
    ],
)
def test_each_kind_has_its_subject(bea, ana, win, kind, subject):
    preference_set(user=bea, kind=kind, cadence=Cadence.IMMEDIATELY)
    notification = Notification.objects.create(recipient=bea, kind=kind, actor=ana, win=win)

    message = build(notification)

    assert message.subject == subject
    assert message.body.startswith("Hello Bea,")


def test_the_text_part_is_plain_and_the_html_part_is_escaped_and_image_free(bea, win):
    preference_set(user=bea, kind=NotificationKind.COMMENT, cadence=Cadence.IMMEDIATELY)
    rude = UserFactory(name="<b>Bold</b> & Co")
    comment = comment_create(win=win, author=rude, body='Say "hi" <script>x</script>')

    message = build(Notification.objects.get(comment=comment))

    assert message.subject == "<b>Bold</b> & Co commented on your win"
    assert '“Say "hi" <script>x</script>”' in message.body
    html = html_of(message)
    assert "<script>" not in html
    assert "&lt;b&gt;Bold&lt;/b&gt; &amp; Co" in html
    assert "<img" not in html  # readable with images off; no tracking pixel
    assert "<style" not in html  # inline CSS only
    assert "<link" not in html
    assert "Stop these emails" in html
    assert reverse("notifications:preferences") in html
    assert reverse("notifications:preferences") in message.body


def test_a_long_comment_is_cut_short(bea, ana, win):
    preference_set(user=bea, kind=NotificationKind.COMMENT, cadence=Cadence.IMMEDIATELY)
    comment = comment_create(win=win, author=ana, body="word " * 150)

    message = build(Notification.objects.get(comment=comment))

    quote = re.search(r"“(.*?)”", message.body, re.S).group(1)
    assert len(quote) <= 300
    assert quote.endswith("…")


def test_a_hidden_comment_is_not_quoted(bea, ana, win):
    preference_set(user=bea, kind=NotificationKind.COMMENT, cadence=Cadence.IMMEDIATELY)
    comment = comment_create(win=win, author=ana, body="Something moderators hid")
    type(comment).objects.filter(pk=comment.pk).update(is_hidden=True)

    message = build(Notification.objects.get(comment=comment))

    assert "Something moderators hid" not in message.body
    assert "Something moderators hid" not in html_of(message)


def test_in_spanish_for_a_spanish_speaker(bea, ana, win):
    """The recipient's language, whoever triggered the message."""
    bea.language = "es"
    bea.save(update_fields=["language"])
    notification = Notification.objects.create(
        recipient=bea, kind=NotificationKind.MENTION, actor=ana, win=win
    )

    message = build(notification)

    with translation.override("es"):
        expected = gettext("%(name)s mentioned you") % {"name": "Ana O'Neill"}
    assert message.subject == expected
    assert message.body.startswith("Hola, Bea:")
    html = html_of(message)
    assert '<html lang="es">' in html
    assert "Hola, Bea:" in html


# --------------------------------------------------------------------------
# Summaries
# --------------------------------------------------------------------------
def test_the_daily_summary_gathers_reactions_and_comments_the_next_morning(
    bea, ana, win, django_capture_on_commit_callbacks
):
    carl = UserFactory(name="Carl Other")
    comment_create(win=win, author=carl, body="Congratulations!")
    reaction_toggle(win=win, user=ana, kind="clap")
    yesterday = datetime(2026, 3, 10, 12, 0, tzinfo=MADRID)
    Notification.objects.filter(recipient=bea).update(created_at=yesterday, updated_at=yesterday)
    morning = datetime(2026, 3, 11, 8, 0, tzinfo=MADRID)

    with django_capture_on_commit_callbacks(execute=True):
        assert summaries_plan(now=morning) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert summaries_plan(now=morning) == 0  # planned again: nothing new

    [message] = mail.outbox
    assert message.to == [bea.email]
    assert message.subject == "Your daily summary: 2 new notifications"
    assert message.extra_headers["Message-ID"] == message_id_for(
        kind="daily", period="2026-03-10", recipient_id=bea.pk
    )
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    body = message.body
    assert "Ana O'Neill reacted to your win" in body
    assert "Carl Other commented on your win" in body
    assert body.index("Ana O'Neill reacted") < body.index("Carl Other commented")  # newest first
    assert "“Congratulations!”" in body
    assert f"{settings.SITE_URL}{win.get_absolute_url()}" in body
    assert f"{settings.SITE_URL}{reverse('notifications:list')}" in body
    assert "Stop daily summaries:" in body
    html = html_of(message)
    assert "<strong>Carl Other</strong> commented on your win" in html
    assert "<img" not in html


def test_the_summary_subject_is_in_spanish_for_a_spanish_speaker(
    bea, ana, win, django_capture_on_commit_callbacks
):
    bea.language = "es"
    bea.save(update_fields=["language"])
    reaction_toggle(win=win, user=ana, kind="clap")
    yesterday = datetime(2026, 3, 10, 12, 0, tzinfo=MADRID)
    Notification.objects.filter(recipient=bea).update(created_at=yesterday, updated_at=yesterday)

    with django_capture_on_commit_callbacks(execute=True):
        summaries_plan(now=datetime(2026, 3, 11, 9, 0, tzinfo=MADRID))

    [message] = mail.outbox
    with translation.override("es"):
        expected = ngettext(
            "Your daily summary: %(counter)s new notification",
            "Your daily summary: %(counter)s new notifications",
            1,
        ) % {"counter": 1}
    assert message.subject == expected
    assert '<html lang="es">' in html_of(message)
    assert message.body.startswith("Hola, Bea:")


def daily_due_zone() -> str:
    """A time zone where yesterday's summary is due right now (08:00 or later there)."""
    for name in ("Europe/Madrid", "Pacific/Kiritimati"):
        if daily_due(time_zone=name):
            return name
    raise AssertionError("no zone is due")  # between them, one always is


def plan_summaries(*args: str) -> str:
    out = StringIO()
    call_command("plan_summaries", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.fixture
def told_yesterday(bea, ana, win) -> str:
    """Bea, in a time zone whose morning has come, was told of a reaction yesterday."""
    bea.time_zone = daily_due_zone()
    bea.save(update_fields=["time_zone"])
    reaction_toggle(win=win, user=ana, kind="clap")
    yesterday = previous_day(time_zone=bea.time_zone).start + timedelta(hours=12)
    Notification.objects.filter(recipient=bea).update(created_at=yesterday, updated_at=yesterday)
    return previous_day(time_zone=bea.time_zone).key


def test_plan_summaries_records_and_sends_the_summaries_due_once(
    bea, told_yesterday, django_capture_on_commit_callbacks
):
    """`manage.py plan_summaries`: beat's planning by hand; a second run records nothing."""
    with django_capture_on_commit_callbacks(execute=True):
        first = plan_summaries()
    with django_capture_on_commit_callbacks(execute=True):
        second = plan_summaries()

    assert "Done: 1 summary recorded and handed to the workers" in first
    assert "Done: 0 summaries recorded" in second
    rows = Email.objects.filter(recipient=bea)
    assert list(rows.values_list("kind", "period", "state")) == [
        (Email.Kind.DAILY_SUMMARY, told_yesterday, Email.State.SENT)
    ]
    [message] = mail.outbox
    assert message.subject == "Your daily summary: 1 new notification"


def test_plan_summaries_dry_run_counts_and_records_nothing(
    told_yesterday, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        output = plan_summaries("--dry-run")

    assert "Dry run: 1 summary would be recorded" in output
    assert not Email.objects.exists()
    assert mail.outbox == []


def test_no_summary_before_eight_in_the_morning(bea, ana, win, django_capture_on_commit_callbacks):
    reaction_toggle(win=win, user=ana, kind="clap")
    yesterday = datetime(2026, 3, 10, 12, 0, tzinfo=MADRID)
    Notification.objects.filter(recipient=bea).update(created_at=yesterday, updated_at=yesterday)

    with django_capture_on_commit_callbacks(execute=True):
        assert summaries_plan(now=datetime(2026, 3, 11, 7, 59, tzinfo=MADRID)) == 0

    assert mail.outbox == []
