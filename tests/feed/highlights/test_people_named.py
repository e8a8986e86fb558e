"""The people a highlight names: a waiting request is in their bell and on the
feed; a win's page offers only what makes sense in its state; approving says
what happens next.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import NotificationKind
from feed.highlights.consents import consent_answer
from feed.highlights.models import Consent
from feed.notifications.selectors import notification_page
from tests.feed.highlights.conftest import consent_of

pytestmark = pytest.mark.django_db

HOME = reverse("feed:home")


def consent_url(consent: Consent) -> str:
    return reverse("feed:consent", kwargs={"consent_id": consent.pk})


def withdraw_url(win_id: int) -> str:
    return reverse("feed:highlight_withdraw", kwargs={"win_id": win_id})


def test_a_waiting_request_is_in_the_bell_leading_to_its_page(awaiting, author):
    consent = consent_of(awaiting, author)

    (line,) = notification_page(user=author).notifications

    assert line.kind == NotificationKind.CONSENT
    assert line.is_unread
    assert line.url == consent_url(consent)


def test_the_feed_shows_a_banner_to_answer(client, awaiting, author):
    consent = consent_of(awaiting, author)
    client.force_login(author)

    html = client.get(HOME).content.decode()

    assert 'class="consent-banner"' in html
    assert "The communications team would like to publish your win" in html
    assert f'href="{consent_url(consent)}"' in html
    assert awaiting.title in html


def test_no_banner_once_answered_expired_or_for_others(client, awaiting, author, credited, comms):
    consent_answer(consent=consent_of(awaiting, author), person=author, approve=True)
    client.force_login(author)
    assert "consent-banner" not in client.get(HOME).content.decode()

    past = timezone.now() - timedelta(days=1)
    Consent.objects.filter(person=credited).update(
        asked_at=past - timedelta(days=14), expires_at=past
    )
    client.force_login(credited)
    assert "consent-banner" not in client.get(HOME).content.decode()

    client.force_login(comms)
    assert "consent-banner" not in client.get(HOME).content.decode()


def test_the_banner_costs_one_query(client, awaiting, author, django_assert_max_num_queries):
    """With or without requests waiting, the banner asks once."""
    client.force_login(author)
    client.get(HOME)
    with django_assert_max_num_queries(30) as with_banner:
        client.get(HOME)
    consent_answer(consent=consent_of(awaiting, author), person=author, approve=True)
    with django_assert_max_num_queries(30) as without:
        client.get(HOME)
    assert len(with_banner.captured_queries) == len(without.captured_queries)


def test_the_win_page_offers_an_answer_not_a_withdrawal_while_waiting(client, awaiting, author):
    """Before approving, the win's page leads to the request; "withdraw my consent"
    comes only once there is a consent to withdraw."""
    consent = consent_of(awaiting, author)
    client.force_login(author)

    html = client.get(awaiting.win.get_absolute_url()).content.decode()
    assert consent_url(consent) in html
    assert withdraw_url(awaiting.win_id) not in html

    consent_answer(consent=consent, person=author, approve=True)
    html = client.get(awaiting.win.get_absolute_url()).content.decode()
    assert withdraw_url(awaiting.win_id) in html
    assert consent_url(consent) not in html


def test_approving_says_what_happens_next(client, awaiting, author):
    consent = consent_of(awaiting, author)
    client.force_login(author)

    response = client.post(consent_url(consent), {"answer": "approve"}, follow=True)

    html = response.content.decode()
    assert "Thanks. Comms will publish it once everyone named has agreed" in html
    assert "we will send you the link." in html
