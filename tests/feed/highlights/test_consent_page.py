"""The people a highlight names see exactly what was asked, answer for
themselves only, and can withdraw from the win's page at any time."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from feed.highlights import services as highlights
from feed.highlights.consent_selectors import open_highlight_for
from feed.highlights.consents import consent_request, consents_remind_and_expire
from feed.highlights.models import Consent, Highlight
from feed.notifications.emails import message_build
from feed.notifications.models import Email, Notification
from feed.notifications.selectors import notification_page
from tests.factories import UserFactory, comms_user
from tests.feed.highlights.conftest import consent_of

pytestmark = pytest.mark.django_db


def _url(consent: Consent) -> str:
    return reverse("feed:consent", kwargs={"consent_id": consent.pk})


def _withdraw_url(highlight: Highlight) -> str:
    return reverse("feed:highlight_withdraw", kwargs={"win_id": highlight.win_id})


def test_the_page_lives_under_wins(awaiting, author):
    assert _url(consent_of(awaiting, author)).startswith("/wins/consent/")


def test_the_person_sees_the_snapshot_not_the_live_highlight(client, awaiting, author, comms):
    consent = consent_of(awaiting, author)
    Highlight.objects.filter(pk=awaiting.pk).update(title="Edited behind their back")
    client.force_login(author)
    response = client.get(_url(consent))
    assert response.status_code == 200
    html = response.content.decode()
    assert consent.title in html
    assert "Edited behind their back" not in html
    assert "We closed 100 tickets in a day<br>Thanks Luis Pérez!" in html
    assert "Ana García, Customer Care" in html
    assert comms.display_name in html
    assert "The public news feeds" in html
    # The highlight changed since: the page says so.
    assert "can no longer be approved" in html


def test_the_image_and_its_description_are_shown(client, awaiting, author):
    consent = consent_of(awaiting, author)
    Consent.objects.filter(pk=consent.pk).update(
        image="highlights/2026/01/team.jpg", image_alt="The team around a whiteboard"
    )
    client.force_login(author)
    html = client.get(_url(consent)).content.decode()
    assert "highlights/2026/01/team.jpg" in html
    assert 'alt="The team around a whiteboard"' in html


def test_approving_by_everyone_approves_the_highlight(client, awaiting, author, credited):
    for person in (author, credited):
        client.force_login(person)
        consent = consent_of(awaiting, person)
        response = client.post(_url(consent), {"answer": "approve", "message": ""})
        assert response.status_code == 302
        consent.refresh_from_db()
        assert consent.answer == Consent.Answer.APPROVED
        awaiting.refresh_from_db()
        expected = "approved" if person == credited else "awaiting"
        assert awaiting.status == expected
    page = client.get(_url(consent))
    html = page.content.decode()
    assert "You approved this on" in html
    assert 'name="answer"' not in html


def test_declining_keeps_the_message_for_comms(client, awaiting, credited):
    consent = consent_of(awaiting, credited)
    client.force_login(credited)
    response = client.post(
        _url(consent), {"answer": "decline", "message": "Please leave my name out."}, follow=True
    )
    consent.refresh_from_db()
    awaiting.refresh_from_db()
    assert (consent.answer, consent.message) == ("declined", "Please leave my name out.")
    assert awaiting.status == Highlight.Status.DECLINED
    html = response.content.decode()
    assert "You declined this on" in html
    assert "Please leave my name out." in html


def test_a_message_over_the_limit_is_refused_on_the_page(client, awaiting, author):
    consent = consent_of(awaiting, author)
    client.force_login(author)
    response = client.post(_url(consent), {"answer": "approve", "message": "x" * 1001})
    assert response.status_code == 400
    consent.refresh_from_db()
    assert consent.answer == Consent.Answer.PENDING


def test_a_changed_highlight_is_refused_with_a_message(client, awaiting, author):
    consent = consent_of(awaiting, author)
    Highlight.objects.filter(pk=awaiting.pk).update(title="A new title")
    client.force_login(author)
    response = client.post(_url(consent), {"answer": "approve"})
    assert response.status_code == 400
    assert "The highlight changed since you were asked" in response.content.decode()
    consent.refresh_from_db()
    assert consent.answer == Consent.Answer.PENDING


@pytest.mark.parametrize("who", ["employee", "comms", "superuser", "credited"])
def test_nobody_else_may_see_or_answer(client, awaiting, author, credited, who):
    other = {
        "employee": lambda: UserFactory(),
        "comms": lambda: comms_user(),
        "superuser": lambda: UserFactory(is_superuser=True, is_staff=True),
        "credited": lambda: credited,
    }[who]()
    consent = consent_of(awaiting, author)
    client.force_login(other)
    assert client.get(_url(consent)).status_code == 404
    assert client.post(_url(consent), {"answer": "approve"}).status_code == 404
    consent.refresh_from_db()
    assert consent.answer == Consent.Answer.PENDING
    missing = reverse("feed:consent", kwargs={"consent_id": consent.pk + 1000})
    assert client.get(missing).status_code == 404


def test_signing_in_is_required(client, awaiting, author):
    response = client.get(_url(consent_of(awaiting, author)))
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_a_request_past_its_date_is_read_only_before_the_sweep(client, awaiting, author):
    consent = consent_of(awaiting, author)
    now = timezone.now()
    Consent.objects.filter(pk=consent.pk).update(
        asked_at=now - timedelta(days=15), expires_at=now - timedelta(days=1)
    )
    client.force_login(author)
    html = client.get(_url(consent)).content.decode()
    assert "This request expired without an answer" in html
    assert 'name="answer"' not in html
    response = client.post(_url(consent), {"answer": "approve"})
    assert response.status_code == 400
    assert "This request expired." in response.content.decode()


def test_an_expired_request_is_read_only(client, awaiting, author):
    consent = consent_of(awaiting, author)
    consents_remind_and_expire(now=consent.expires_at + timedelta(minutes=1))
    consent.refresh_from_db()
    assert consent.answer in {Consent.Answer.EXPIRED, Consent.Answer.SUPERSEDED}
    client.force_login(author)
    html = client.get(_url(consent)).content.decode()
    assert str(consent.get_answer_display()) in html
    assert 'name="answer"' not in html
    response = client.post(_url(consent), {"answer": "approve"})
    assert response.status_code == 400
    assert "already answered or is no longer needed" in response.content.decode()


def test_a_superseded_request_is_read_only(client, awaiting, author, comms):
    consent = consent_of(awaiting, author)
    highlights.highlight_withdraw(highlight=awaiting, by=comms)
    client.force_login(author)
    html = client.get(_url(consent)).content.decode()
    assert "no longer needed" in html
    assert 'name="answer"' not in html


def test_the_author_withdraws_a_published_story_from_the_win_page(client, published, author):
    client.force_login(author)
    page = client.get(published.win.get_absolute_url()).content.decode()
    assert "This win is proposed as a public story" in page
    assert _withdraw_url(published) in page
    response = client.post(_withdraw_url(published), follow=True)
    published.refresh_from_db()
    assert published.status == Highlight.Status.WITHDRAWN
    assert published.withdrawn_at is not None
    html = response.content.decode()
    assert "The story is no longer public" in html
    assert "This win is proposed as a public story" not in html


def test_the_box_links_to_a_pending_request(client, awaiting, credited):
    client.force_login(credited)
    page = client.get(awaiting.win.get_absolute_url()).content.decode()
    assert _url(consent_of(awaiting, credited)) in page


@pytest.mark.parametrize("who", ["employee", "comms", "superuser"])
def test_others_neither_see_the_box_nor_withdraw(client, published, who):
    other = {
        "employee": lambda: UserFactory(),
        "comms": lambda: comms_user(),
        "superuser": lambda: UserFactory(is_superuser=True, is_staff=True),
    }[who]()
    client.force_login(other)
    page = client.get(published.win.get_absolute_url()).content.decode()
    assert "This win is proposed as a public story" not in page
    assert client.post(_withdraw_url(published)).status_code == 404
    published.refresh_from_db()
    assert published.status == Highlight.Status.PUBLISHED


def test_withdrawing_needs_post(client, published, author):
    client.force_login(author)
    assert client.get(_withdraw_url(published)).status_code == 405


def test_open_highlight_for_costs_two_queries(awaiting, author, credited):
    with CaptureQueriesContext(connection) as queries:
        found = open_highlight_for(win=awaiting.win, user=credited)
    assert len(queries) == 2
    assert found.highlight == awaiting
    assert found.pending == consent_of(awaiting, credited)


def test_the_consent_email_links_to_the_consent_page(draft, comms, author, settings):
    consent_request(highlight=draft, by=comms)
    consent = consent_of(draft, author)
    message = message_build(email=Email.objects.get(recipient=author, kind="consent"))
    assert settings.SITE_URL + _url(consent) in message.body
    assert settings.SITE_URL + _url(consent) in message.alternatives[0].content
    assert "See what will be public and answer" in message.body


def test_the_bell_links_to_the_consent_page(draft, comms, credited):
    consent_request(highlight=draft, by=comms)
    page = notification_page(user=credited)
    [line] = [n for n in page.notifications if n.kind == "consent"]
    assert line.url == _url(consent_of(draft, credited))
    assert Notification.objects.filter(recipient=credited, kind="consent").count() == 1


def test_answering_clears_the_request_from_the_bell(client, awaiting, author, credited):
    """Once the author has answered, their request no longer counts as unread."""
    unread = Notification.objects.filter(read_at__isnull=True, kind="consent")
    assert unread.filter(recipient=author).count() == 1
    client.force_login(author)
    client.post(_url(consent_of(awaiting, author)), {"answer": "approve", "message": ""})

    assert not unread.filter(recipient=author).exists()
    assert unread.filter(recipient=credited).count() == 1  # theirs is still waiting


def test_withdraw_is_offered_only_once_the_person_has_approved(client, awaiting, author):
    """While the request waits for an answer, the page offers Approve and Decline;
    "withdraw my consent" comes only after approving."""
    consent = awaiting.consents.get(person=author)
    withdraw = reverse("feed:consent_withdraw", kwargs={"consent_id": consent.pk})
    client.force_login(author)

    assert withdraw not in client.get(_url(consent)).content.decode()

    client.post(_url(consent), {"answer": "approve", "message": ""})

    assert withdraw in client.get(_url(consent)).content.decode()
