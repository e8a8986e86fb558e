"""A person's page at /people/<id>/: who they are, their counts, their wins and the
wins they were credited on, only as far as the reader may see, in constant queries."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.urls import reverse

from feed.wins import services
from feed.wins.access import access_person
from feed.wins.models import Win
from feed.wins.selectors import FEED_PAGE_SIZE, person_counts
from tests.factories import TeamFactory, UserFactory

pytestmark = pytest.mark.django_db


def url(person, **params) -> str:
    base = reverse("accounts:profile", kwargs={"pk": person.pk})
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return f"{base}?{query}" if query else base


@pytest.fixture
def world():
    care, sales = TeamFactory(name="Care"), TeamFactory(name="Sales")
    boss = UserFactory(name="Bea Boss", team=care)
    person = UserFactory(name="Pau Person", job_title="Nurse", team=care, manager=boss)
    teammate = UserFactory(name="Tom Teammate", team=care)
    outsider = UserFactory(name="Olga Outsider", team=sales)
    public = services.win_create(author=person, body="Public win of Pau")
    team_only = services.win_create(author=person, body="Team win of Pau", visibility="team")
    hidden = services.win_create(author=person, body="Hidden win of Pau")
    Win.objects.filter(pk=hidden.pk).update(is_hidden=True, hidden_reason="Off topic")
    credited = services.win_create(author=teammate, body="Shared win", credited=[person])
    credited_team = services.win_create(
        author=teammate, body="Shared team win", credited=[person], visibility="team"
    )
    for reactor in (teammate, outsider):
        services.reaction_toggle(win=public, user=reactor, kind="clap")
    services.reaction_toggle(win=team_only, user=teammate, kind="love")
    return locals()


def test_login_required(client, world):
    response = client.get(url(world["person"]))
    assert response.status_code == 302


def test_header_shows_who_they_are(client, world):
    client.force_login(world["outsider"])
    response = client.get(url(world["person"]))
    assert response.status_code == 200
    html = response.text
    assert "Pau Person" in html
    assert "Nurse" in html
    assert "Care" in html
    assert world["boss"].get_absolute_url() in html
    assert "Bea Boss" in html


def test_counts_are_what_the_viewer_may_see(world):
    person = world["person"]
    teammate = person_counts(viewer=world["teammate"], person=person)
    assert (teammate.posted, teammate.credited, teammate.reactions_received) == (2, 2, 3)
    outsider = person_counts(viewer=world["outsider"], person=person)
    assert (outsider.posted, outsider.credited, outsider.reactions_received) == (1, 1, 2)
    own = person_counts(viewer=person, person=person)
    assert (own.posted, own.credited, own.reactions_received) == (3, 2, 3)


def test_their_wins_section_shows_only_visible_wins(client, world):
    client.force_login(world["outsider"])
    html = client.get(url(world["person"])).text
    assert "Public win of Pau" in html
    assert "Team win of Pau" not in html
    assert "Hidden win of Pau" not in html
    assert "Shared win" not in html  # that is the other tab


def test_teammates_see_team_only_wins(client, world):
    client.force_login(world["teammate"])
    html = client.get(url(world["person"])).text
    assert "Team win of Pau" in html
    assert "Hidden win of Pau" not in html


def test_the_author_sees_their_hidden_win_and_why(client, world):
    client.force_login(world["person"])
    html = client.get(url(world["person"])).text
    assert "Hidden win of Pau" in html
    assert "Off topic" in html


def test_credited_section(client, world):
    client.force_login(world["outsider"])
    html = client.get(url(world["person"], show="credited")).text
    assert "Shared win" in html
    assert "Shared team win" not in html
    assert "Public win of Pau" not in html
    client.force_login(world["teammate"])
    assert "Shared team win" in client.get(url(world["person"], show="credited")).text


def test_export_links_only_on_ones_own_page(client, world):
    client.force_login(world["person"])
    html = client.get(url(world["person"])).text
    assert reverse("accounts:export_markdown") in html
    assert reverse("accounts:export_csv") in html
    client.force_login(world["teammate"])
    assert reverse("accounts:export_csv") not in client.get(url(world["person"])).text


def test_empty_sections_say_so(client):
    person = UserFactory(name="New Person")
    client.force_login(UserFactory())
    assert "No wins here yet" in client.get(url(person)).text
    assert "Not credited on any win yet" in client.get(url(person, show="credited")).text


def test_deactivated_people_have_no_page(client, world):
    world["person"].is_active = False
    world["person"].save(update_fields=["is_active"])
    client.force_login(world["teammate"])
    assert client.get(url(world["person"])).status_code == 404


def make_wins(author, count: int, *, credit=None) -> None:
    for n in range(count):
        win = services.win_create(
            author=author, body=f"Win number {n} #tag{n % 3}", credited=[credit] if credit else []
        )
        services.comment_create(win=win, author=author, body="A comment")


def test_show_more_pages_by_cursor(client):
    person, viewer = UserFactory(), UserFactory()
    make_wins(person, FEED_PAGE_SIZE + 2)
    client.force_login(viewer)
    first = client.get(url(person))
    assert first.text.count("Win number") == FEED_PAGE_SIZE
    assert "cursor=" in first.text
    next_url = first.context["page"].next_cursor
    more = client.get(url(person, cursor=next_url), headers={"HX-Request": "true"})
    assert more.status_code == 200
    assert more.text.count("Win number") == 2
    assert "<html" not in more.text
    assert "Show more" not in more.text
    # Without JavaScript, the same link is a whole page.
    page2 = client.get(url(person, cursor=next_url))
    assert "<html" in page2.text
    assert "Back to the newest" in page2.text


def test_a_broken_cursor_shows_the_newest_wins(client):
    person = UserFactory()
    make_wins(person, 2)
    client.force_login(person)
    response = client.get(url(person, cursor="not-a-cursor"))
    assert response.status_code == 400
    assert response.text.count("Win number") == 2


@pytest.mark.parametrize("credited", [False, True])
def test_queries_stay_the_same_at_5_and_50_wins(client, credited, django_assert_max_num_queries):
    person, viewer = UserFactory(), UserFactory()
    author = UserFactory()

    def add(count: int) -> None:
        if credited:
            make_wins(author, count, credit=person)
        else:
            make_wins(person, count)

    params = {"show": "credited"} if credited else {}
    client.force_login(viewer)
    add(5)
    with django_assert_max_num_queries(15) as five:
        assert client.get(url(person, **params)).status_code == 200
    add(45)
    with django_assert_max_num_queries(len(five.captured_queries)):
        assert client.get(url(person, **params)).status_code == 200


def test_a_person_who_left_looks_like_nobody(client, world):
    """The page of someone who left answers exactly as an id nobody has: the
    404 does not tell that they were ever here (`feed.wins.access.access_person`)."""
    world["person"].is_active = False
    world["person"].save(update_fields=["is_active"])
    client.force_login(world["teammate"])
    left = client.get(url(world["person"]))
    missing = client.get(reverse("accounts:profile", kwargs={"pk": world["person"].pk + 1000}))
    assert left.status_code == missing.status_code == 404


def test_people_are_found_only_for_active_signed_in_readers(world):
    """`access_person` gives a person only to someone signed in and still here."""
    assert access_person(user=world["teammate"], pk=world["person"].pk) == world["person"]
    with pytest.raises(Http404):
        access_person(user=AnonymousUser(), pk=world["person"].pk)
    world["teammate"].is_active = False
    with pytest.raises(Http404):
        access_person(user=world["teammate"], pk=world["person"].pk)


def test_show_more_is_the_shared_button(client):
    """ "Show more" on a person's page is the one every list uses: a link that htmx
    turns into the next items in place, keeping "show credited" across pages."""
    person, viewer = UserFactory(), UserFactory()
    make_wins(UserFactory(), FEED_PAGE_SIZE + 1, credit=person)
    client.force_login(viewer)
    response = client.get(url(person, show="credited"))
    assert 'class="feed-more"' in response.text
    assert 'data-hx-target="closest .feed-more"' in response.text
    assert "?show=credited&amp;cursor=" in response.text
