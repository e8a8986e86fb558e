"""People suggestions for the composer: who matches, how many, and team-only wins."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from accounts.models import User
from feed.wins import services
from feed.wins.models import Win, win_audience
from tests.factories import TeamFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = "/people/autocomplete/"


@pytest.fixture
def care():
    return TeamFactory(name="Customer Care")


@pytest.fixture
def asker(client, care):
    person = UserFactory(email="emma@example.com", name="Emma Employee", team=care)
    client.force_login(person)
    return person


def handles(response) -> list[str]:
    return re.findall(r'data-handle="([^"]+)"', response.text)


def suggest(client, q: str, **params) -> list[str]:
    response = client.get(URL, {"q": q, **params})
    assert response.status_code == 200
    return handles(response)


def test_url_and_name():
    assert reverse("accounts:autocomplete") == URL


def test_sign_in_is_required(client):
    UserFactory(name="Ana López")
    response = client.get(URL, {"q": "ana"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_matches_first_name_last_name_and_email(client, asker, care):
    UserFactory(email="ana.lopez@example.com", name="Ana López", team=care)
    UserFactory(email="l.gil@example.com", name="Luis Gil", team=care)
    UserFactory(email="mariana@example.com", name="Mariana Ruiz", team=care)
    assert suggest(client, "an") == ["ana.lopez"]  # start of a name, not the middle
    assert suggest(client, "ANA L") == ["ana.lopez"]
    assert suggest(client, "lóp") == ["ana.lopez"]  # start of the last name
    assert suggest(client, "gil") == ["l.gil"]
    assert suggest(client, "l.g") == ["l.gil"]  # start of the address
    assert suggest(client, "@ana") == ["ana.lopez"]  # a typed "@" is ignored


def test_each_suggestion_shows_name_team_and_handle(client, asker, care):
    UserFactory(email="ana.lopez@example.com", name="Ana López", team=care)
    html = client.get(URL, {"q": "ana"}).text
    assert 'role="option"' in html
    assert 'aria-selected="false"' in html
    assert 'data-name="Ana López"' in html
    assert "@ana.lopez" in html
    assert "Customer Care" in html
    assert 'class="avatar avatar-sm' in html


def test_at_most_eight_in_name_order(client, asker, care):
    for n in range(12):
        UserFactory(email=f"sam{n:02d}@example.com", name=f"Sam {n:02d}", team=care)
    assert suggest(client, "sam") == [f"sam{n:02d}" for n in range(8)]


def test_short_queries_suggest_nobody(client, asker, care):
    UserFactory(email="ana@example.com", name="Ana", team=care)
    assert suggest(client, "a") == []
    assert suggest(client, "@a") == []
    assert suggest(client, "  ") == []
    assert suggest(client, "") == []


def test_inactive_people_and_the_asker_are_left_out(client, asker, care):
    UserFactory(email="ana.old@example.com", name="Ana Old", team=care, is_active=False)
    UserFactory(email="ana.new@example.com", name="Ana New", team=care)
    assert suggest(client, "ana") == ["ana.new"]
    assert suggest(client, "emma") == []


def test_team_only_suggests_only_teammates(client, asker, care):
    """A team-only win cannot credit anyone outside the team (feed.wins.services refuses it)."""
    UserFactory(email="ana.care@example.com", name="Ana Care", team=care)
    UserFactory(email="ana.sales@example.com", name="Ana Sales", team=TeamFactory(name="Sales"))
    UserFactory(email="ana.none@example.com", name="Ana None", team=None)
    assert suggest(client, "ana") == ["ana.care", "ana.none", "ana.sales"]
    assert suggest(client, "ana", visibility="team") == ["ana.care"]
    assert suggest(client, "ana", visibility="everyone") == ["ana.care", "ana.none", "ana.sales"]


def test_team_only_suggests_nobody_to_someone_without_a_team(client):
    client.force_login(UserFactory(team=None))
    UserFactory(email="ana.none@example.com", name="Ana None", team=None)
    assert suggest(client, "ana", visibility="team") == []


@pytest.mark.parametrize("visibility", ["everyone", "team"])
def test_suggestions_and_the_services_refusal_follow_one_rule(client, asker, care, visibility):
    """Whoever is suggested for a visibility can be credited on a win with it, and
    whoever is not is refused: both ask `win_audience`, so the form never offers
    what the server refuses."""
    UserFactory(email="ana.care@example.com", name="Ana Care", team=care)
    UserFactory(email="ana.sales@example.com", name="Ana Sales", team=TeamFactory(name="Sales"))
    UserFactory(email="ana.none@example.com", name="Ana None", team=None)
    suggested = set(suggest(client, "ana", visibility=visibility))
    audience = win_audience(visibility=visibility, team_id=asker.team_id)
    people = {p.email.split("@")[0]: p for p in User.objects.filter(name__startswith="Ana")}
    assert suggested == {h for h, p in people.items() if User.objects.filter(audience, pk=p.pk)}
    for handle, person in people.items():
        credit = {"author": asker, "body": "Thanks", "visibility": visibility, "credited": [person]}
        if handle in suggested:
            services.win_create(**credit)
        else:
            with pytest.raises(services.ValidationError):
                services.win_create(**credit)
    assert Win.objects.count() == len(suggested)
    assert len(suggested) == (3 if visibility == "everyone" else 1)


def test_only_get(client, asker):
    assert client.post(URL, {"q": "ana"}).status_code == 405


def test_query_count_is_constant(client, asker, care, django_assert_max_num_queries):
    for n in range(8):
        UserFactory(email=f"sam{n}@example.com", name=f"Sam {n}", team=care)
    with django_assert_max_num_queries(4):  # session, user, people with their teams
        assert len(suggest(client, "sam")) == 8
