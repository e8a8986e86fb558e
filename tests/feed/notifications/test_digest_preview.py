"""A manager previews their digest in the browser: this week so far, or last week.

The page and the "as the email" document read the same `digest_build` as the
email, so what the page shows is what Monday's message will hold, and never
more than the manager may see in the feed.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Cadence, EmailPreference, User
from feed.notifications.digests import this_week
from feed.notifications.emails import message_build
from feed.notifications.models import Email
from feed.notifications.periods import previous_week
from feed.notifications.services import preference_set
from tests.factories import TeamFactory, UserFactory
from tests.feed.notifications.digest_helpers import manager_with_team, text_of, win_at

pytestmark = pytest.mark.django_db

URL = reverse("notifications:digest_preview")
EMAIL_URL = reverse("notifications:digest_preview_email")


@pytest.fixture
def marta(client):
    """Marta, signed in, manages Ana and Luis; Ana posted just now."""
    manager, (ana, luis) = manager_with_team(name="Marta Manager", reports=2)
    User.objects.filter(pk=ana.pk).update(name="Ana Arias")
    User.objects.filter(pk=luis.pk).update(name="Luis Luna")
    win_at(ana, timezone.now(), "Ana closed the Bilbao renewal", reactions=3)
    client.force_login(manager)
    return manager


def last_week_moment(person: User):
    return this_week(time_zone=person.time_zone).start - timedelta(hours=20)


def test_a_manager_sees_this_weeks_wins_of_their_reports(client, marta):
    response = client.get(URL)
    assert response.status_code == 200
    text = text_of(response.content.decode())
    assert "Your weekly digest" in text
    assert "Ana Arias" in text
    assert "Ana closed the Bilbao renewal" in text
    assert "1 of 2" in text  # people who shared
    # Counted, never named: the digest celebrates what happened.
    assert "1 person on your team did not share a win this week" in text
    assert "Luis Luna" not in text
    assert "this is what Monday’s email holds so far" in text


def test_last_week_is_one_click_away(client, marta):
    ana = User.objects.get(name="Ana Arias")
    win_at(ana, last_week_moment(ana), "Ana, last week: trained two colleagues")

    this = text_of(client.get(URL).content.decode())
    last = text_of(client.get(URL, {"week": "last"}).content.decode())

    assert "trained two colleagues" not in this
    assert "trained two colleagues" in last
    assert "Ana closed the Bilbao renewal" not in last


def test_someone_without_reports_gets_a_friendly_page(client):
    client.force_login(UserFactory(name="Emma Employee"))
    response = client.get(URL)
    assert response.status_code == 200
    text = text_of(response.content.decode())
    assert "The digest is for managers" in text
    assert "Nobody reports to you in Wins" in text
    assert client.get(EMAIL_URL).status_code == 302


def test_another_managers_people_never_show(client, marta):
    other, (stranger,) = manager_with_team(
        name="Olga Other", reports=1, team=TeamFactory(name="Sales")
    )
    win_at(stranger, timezone.now(), "Sales secret pipeline win")
    assert "Sales secret pipeline win" not in client.get(URL).content.decode()
    assert "Sales secret pipeline win" not in client.get(EMAIL_URL).content.decode()

    client.force_login(other)
    assert "Sales secret pipeline win" in client.get(URL).content.decode()
    assert "Ana closed the Bilbao renewal" not in client.get(URL).content.decode()


def test_team_only_wins_of_another_team_stay_there(client, marta):
    engineer = UserFactory(name="Eli Engineer", team=TeamFactory(name="Engineering"), manager=marta)
    win_at(engineer, timezone.now(), "Engineering only: the new roadmap", team_only=True)
    win_at(engineer, timezone.now(), "Eli for everyone")
    content = client.get(URL).content.decode()
    assert "the new roadmap" not in content
    assert "Eli for everyone" in content


def test_it_speaks_the_managers_language(client, marta):
    User.objects.filter(pk=marta.pk).update(language="es")
    content = client.get(URL).content.decode()
    assert '<html lang="es">' in content
    assert "Reacciones" in content  # the totals, in Spanish


def test_the_email_itself_is_a_document_with_a_policy_of_its_own(client, marta):
    """Inline styles in that one response, scripts nowhere; the page keeps the site's policy."""
    response = client.get(EMAIL_URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Ana closed the Bilbao renewal" in html
    assert 'style="' in html
    policy = response["Content-Security-Policy"]
    assert "style-src 'unsafe-inline'" in policy
    assert "script-src" not in policy
    assert "default-src 'none'" in policy
    assert "sandbox" in policy
    page_policy = client.get(URL)["Content-Security-Policy"]
    assert "unsafe-inline" not in page_policy
    assert 'style="' not in client.get(URL).content.decode()


def test_a_broken_week_says_so_instead_of_failing(client, marta):
    for week in ("2026-W99", "next tuesday", "9999-W01x"):
        response = client.get(URL, {"week": week})
        assert response.status_code == 400
        assert "is not a week" in text_of(response.content.decode())
        assert "Ana closed the Bilbao renewal" in response.content.decode()


def test_a_named_week_shows_that_week(client, marta):
    ana = User.objects.get(name="Ana Arias")
    moment = last_week_moment(ana) - timedelta(days=7)
    win_at(ana, moment, "Two weeks ago: a tidy backlog")
    year, week, _day = timezone.localtime(moment).isocalendar()
    response = client.get(URL, {"week": f"{year}-W{week:02d}"})
    assert response.status_code == 200
    assert "Two weeks ago: a tidy backlog" in response.content.decode()


def test_signing_in_is_required(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_a_manager_who_turned_it_off_is_told_how_to_turn_it_on(client, marta):
    preference_set(user=marta, kind=EmailPreference.DIGEST, cadence=Cadence.NEVER)
    text = text_of(client.get(URL).content.decode())
    assert "You turned the weekly digest off" in text
    assert "Ana closed the Bilbao renewal" in text


def test_the_page_and_the_email_show_the_same_people_wins_and_counts(client, marta):
    """Last week's page holds what last week's email holds, in the same order: the
    totals, and each person with their wins, credits and counts."""
    ana, luis = User.objects.get(name="Ana Arias"), User.objects.get(name="Luis Luna")
    UserFactory(name="Pau Paz", team=ana.team, manager=marta)  # quiet all week
    moment = last_week_moment(ana)
    win_at(ana, moment, "Ana and Luis shipped it", reactions=2, photo=True, credited=(luis,))
    win_at(luis, moment - timedelta(hours=3), "Luis fixed the printer", comments=1)
    win_at(ana, moment - timedelta(hours=5), "Ana trained two colleagues", reactions=4)
    period = previous_week(time_zone=marta.time_zone)
    email = Email.objects.create(
        recipient=marta, kind=Email.Kind.DIGEST, period=period.key, message_id="<d@test>"
    )
    (html, _mimetype), *_ = message_build(email=email).alternatives

    page = text_of(client.get(URL, {"week": "last"}).content.decode())
    sent = text_of(html)

    def people(text: str) -> str:
        return text[text.index("By person") : text.index("did not share a win this week")]

    # The same numbers, each under its label on the page and above it in the email.
    assert "Wins 3 People who shared 2 of 3 Reactions 6 Comments 1" in page
    assert "3 Wins 2 of 3 People who shared 6 Reactions 1 Comments" in sent
    assert people(page) == people(sent)
    shown = people(page)
    order = [
        "Ana Arias",
        "2 wins",
        "Ana trained two colleagues",
        "4 reactions",
        "Ana and Luis shipped it",
        "With Luis Luna",
        "Luis Luna",
        "Luis fixed the printer",
        "1 comment",
    ]
    positions = [shown.index(part) for part in order]
    assert positions == sorted(positions)
