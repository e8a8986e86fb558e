"""Comms are told what became of their consent requests: approved, declined, or no answer.

`feed.highlights.consents.consent_answer` and the expiry sweep call
`feed.notifications.services.notify_consent_answer` in their own transaction: the comms
person who asked gets a line in the bell, leading to the highlight in the admin
area, and an email at their chosen cadence (at once by default), with the
person's message.
"""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import Cadence, NotificationKind
from feed.highlights import services as highlights
from feed.highlights.consents import consent_answer, consent_request, consents_remind_and_expire
from feed.notifications import services as notifications
from feed.notifications.emails import message_build
from feed.notifications.models import Email, Notification
from feed.notifications.periods import previous_day
from feed.notifications.services import notifications_muted, preference_set
from feed.wins.access import COMMS_GROUP
from tests.factories import UserFactory, WinFactory
from tests.feed.highlights.conftest import consent_of, lines_lead_to

pytestmark = pytest.mark.django_db

TITLE = "We closed 100 tickets in a day"
LIST = reverse("notifications:list")


def text_of(markup: str) -> str:
    """What a person reads: tags dropped, entities decoded, spaces collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split())


def bell_of(client, person) -> str:
    client.force_login(person)
    response = client.get(LIST)
    assert response.status_code == 200
    return text_of(response.content.decode())


def answer(highlight, person, *, approve: bool, message: str = "", capture):
    """`person` answers their request, with the emails it makes due sent by the worker."""
    with capture(execute=True):
        return consent_answer(
            consent=consent_of(highlight, person), person=person, approve=approve, message=message
        )


def admin_url(highlight) -> str:
    return reverse("admin:feed_highlight_change", args=[highlight.pk])


def answers_to(person) -> list[Notification]:
    return list(Notification.objects.filter(recipient=person, kind=NotificationKind.CONSENT_ANSWER))


def mail_to(person) -> list:
    return [message for message in mail.outbox if message.to == [person.email]]


def test_an_approval_tells_the_asker_in_the_bell_and_by_email(
    client, awaiting, comms, author, django_capture_on_commit_callbacks
):
    """A bell line "Ana García approved “…”" with the message, leading to the admin
    page of the highlight; the same by email, at once."""
    mail.outbox.clear()
    consent = answer(
        awaiting, author, approve=True, message="Happy to see it out there!",
        capture=django_capture_on_commit_callbacks,
    )  # fmt: skip

    (line,) = answers_to(comms)
    assert (line.actor, line.highlight, line.win) == (author, awaiting, awaiting.win)
    assert line.created_at == consent.answered_at
    client.force_login(comms)
    page = client.get(LIST).content.decode()
    assert f"Ana García approved “{TITLE}”" in text_of(page)
    assert "“Happy to see it out there!”" in text_of(page)
    assert admin_url(awaiting) in lines_lead_to(client, page)

    (message,) = mail_to(comms)
    assert message.subject == f"Ana García approved “{TITLE}”"
    assert "Happy to see it out there!" in message.body
    assert settings.SITE_URL + admin_url(awaiting) in message.body
    assert "Happy to see it out there!" in message.alternatives[0][0]
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    email = Email.objects.get(recipient=comms, kind=Email.Kind.CONSENT_ANSWER)
    assert (email.period, email.state) == (f"a{consent.pk}", Email.State.SENT)


def test_a_decline_tells_the_asker_with_the_message(
    client, awaiting, comms, credited, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    answer(
        awaiting, credited, approve=False, message="I'd rather not be named.",
        capture=django_capture_on_commit_callbacks,
    )  # fmt: skip

    text = bell_of(client, comms)
    assert f"Luis Pérez declined “{TITLE}”" in text
    assert "“I'd rather not be named.”" in text
    (message,) = mail_to(comms)
    assert message.subject == f"Luis Pérez declined “{TITLE}”"
    assert "I'd rather not be named." in message.body  # the text part is not HTML-escaped
    assert "I&#x27;d rather not be named." in message.alternatives[0][0]


def test_each_answer_is_its_own_line_and_email(
    client, awaiting, comms, author, credited, django_capture_on_commit_callbacks
):
    """Both approve: two lines, two emails; the second approval approves the highlight."""
    mail.outbox.clear()
    answer(awaiting, author, approve=True, capture=django_capture_on_commit_callbacks)
    answer(awaiting, credited, approve=True, capture=django_capture_on_commit_callbacks)

    text = bell_of(client, comms)
    assert f"Ana García approved “{TITLE}”" in text
    assert f"Luis Pérez approved “{TITLE}”" in text
    assert len(mail_to(comms)) == 2
    assert len(answers_to(comms)) == 2


def test_an_approval_still_reads_as_one_after_an_edit_asks_again(
    client, awaiting, comms, author, django_capture_on_commit_callbacks
):
    """The line says what the person answered then, whatever happened since."""
    answer(awaiting, author, approve=True, capture=django_capture_on_commit_callbacks)
    highlights.highlight_update(
        highlight=awaiting, by=comms, title="A new title", text=awaiting.text,
        image_choice=highlights.ImageChoice.NONE, image_alt="",
    )  # fmt: skip

    assert f"Ana García approved “{TITLE}”" in bell_of(client, comms)


def test_a_request_nobody_answered_in_time_tells_the_asker(
    client, awaiting, comms, author, django_capture_on_commit_callbacks
):
    """Expired means no: the highlight is declined, and comms hear that nobody answered."""
    mail.outbox.clear()
    later = timezone.now() + timedelta(days=settings.CONSENT_EXPIRY_DAYS, hours=1)
    with django_capture_on_commit_callbacks(execute=True):
        sweep = consents_remind_and_expire(now=later)
    assert sweep.expired == 1  # the first expiry declines the highlight: the rest are closed

    (line,) = answers_to(comms)
    expired = awaiting.consents.get(answer="expired")
    assert line.actor == expired.person
    text = bell_of(client, comms)
    assert f"{expired.person.display_name} did not answer in time about “{TITLE}”" in text
    (message,) = mail_to(comms)
    assert message.subject == (
        f"{expired.person.display_name} did not answer in time about “{TITLE}”"
    )
    assert settings.SITE_URL + admin_url(awaiting) in message.body

    # The sweep again: nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        consents_remind_and_expire(now=later)
    assert len(answers_to(comms)) == 1
    assert len(mail_to(comms)) == 1


def test_the_email_follows_the_askers_preference(
    awaiting, comms, author, django_capture_on_commit_callbacks
):
    """Never by email: the bell still says it."""
    preference_set(user=comms, kind=NotificationKind.CONSENT_ANSWER, cadence=Cadence.NEVER)
    mail.outbox.clear()
    answer(awaiting, author, approve=True, capture=django_capture_on_commit_callbacks)

    assert len(answers_to(comms)) == 1
    assert not Email.objects.filter(recipient=comms, kind=Email.Kind.CONSENT_ANSWER).exists()
    assert mail_to(comms) == []


def test_answers_can_wait_for_the_daily_summary(awaiting, comms, author):

    preference_set(user=comms, kind=NotificationKind.CONSENT_ANSWER, cadence=Cadence.DAILY)
    consent_answer(
        consent=consent_of(awaiting, author), person=author, approve=False, message="Not now"
    )
    assert not Email.objects.filter(kind=Email.Kind.CONSENT_ANSWER).exists()

    tomorrow = timezone.now() + timedelta(days=1)
    period = previous_day(time_zone=comms.time_zone, now=tomorrow)
    email = Email.objects.create(recipient=comms, kind=Email.Kind.DAILY_SUMMARY, period=period.key)
    message = message_build(email=email)
    assert f"Ana García declined “{TITLE}”" in message.body
    assert "Not now" in message.body
    assert settings.SITE_URL + admin_url(awaiting) in message.body


def test_the_email_speaks_the_askers_language(
    awaiting, comms, author, django_capture_on_commit_callbacks
):
    comms.language = "es"
    comms.save(update_fields=["language"])
    mail.outbox.clear()
    answer(awaiting, author, approve=True, capture=django_capture_on_commit_callbacks)

    (message,) = mail_to(comms)
    assert '<html lang="es">' in message.alternatives[0][0]
    assert "Hola, " in message.body


def test_nobody_is_told_when_the_asker_left_comms(
    client, awaiting, comms, author, django_capture_on_commit_callbacks
):
    comms.groups.remove(Group.objects.get(name=COMMS_GROUP))
    mail.outbox.clear()
    answer(awaiting, author, approve=True, capture=django_capture_on_commit_callbacks)

    assert answers_to(comms) == []
    assert mail_to(comms) == []


def test_nobody_is_told_when_the_asker_left_the_organisation(
    awaiting, comms, author, django_capture_on_commit_callbacks
):
    comms.is_active = False
    comms.save(update_fields=["is_active"])
    answer(awaiting, author, approve=False, capture=django_capture_on_commit_callbacks)

    assert answers_to(comms) == []
    assert not Email.objects.filter(kind=Email.Kind.CONSENT_ANSWER).exists()


def test_an_email_recorded_before_the_asker_left_comms_is_not_sent(awaiting, comms, author):
    """It leads to the admin area, where they no longer go."""

    consent_answer(consent=consent_of(awaiting, author), person=author, approve=True)
    email = Email.objects.get(recipient=comms, kind=Email.Kind.CONSENT_ANSWER)
    assert message_build(email=email) is not None
    comms.groups.remove(Group.objects.get(name=COMMS_GROUP))
    comms.is_staff = False
    comms.save(update_fields=["is_staff"])
    assert message_build(email=email) is None


def test_comms_answering_their_own_request_are_not_told(comms):
    win = WinFactory(author=comms, body="Our own story")
    highlight = highlights.highlight_propose(win=win, by=comms)
    consent_request(highlight=highlight, by=comms)
    consent_answer(consent=consent_of(highlight, comms), person=comms, approve=True)

    assert answers_to(comms) == []


def test_muted_history_tells_nobody(awaiting, comms, author):
    """The demo data answers requests while muted: no line, no email."""
    with notifications_muted():
        consent_answer(consent=consent_of(awaiting, author), person=author, approve=True)
        consents_remind_and_expire(
            now=timezone.now() + timedelta(days=settings.CONSENT_EXPIRY_DAYS, hours=1)
        )
    assert answers_to(comms) == []
    assert not Email.objects.filter(kind=Email.Kind.CONSENT_ANSWER).exists()


def test_the_line_is_written_with_the_answer_or_not_at_all(awaiting, comms, author, monkeypatch):
    """Same transaction: when telling comms fails, the answer is not recorded either."""

    def broken(*args, **kwargs):
        raise RuntimeError("mail table unavailable")

    monkeypatch.setattr(notifications, "email_record", broken)
    consent = consent_of(awaiting, author)
    with pytest.raises(RuntimeError):
        consent_answer(consent=consent, person=author, approve=True)
    consent.refresh_from_db()
    assert consent.answer == "pending"
    assert answers_to(comms) == []


def test_only_comms_see_the_choice_for_answers(client, comms):
    url = reverse("notifications:preferences")
    label = str(NotificationKind.CONSENT_ANSWER.label)
    client.force_login(UserFactory(name="Nora Nocomms"))
    assert label not in client.get(url).content.decode()

    client.force_login(comms)
    page = client.get(url).content.decode()
    assert label in page
    select = re.search(r'<select name="consent_answer".*?</select>', page, re.S).group(0)
    assert re.search(r'<option value="immediately"[^>]*selected', select)
