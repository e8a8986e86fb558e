"""The feed and a win's page cost the same number of queries at any size.

Every relation a card shows is loaded by `feed.wins.selectors.wins_with_details`;
rendering cards with FETCH_RAISE proves no template reaches past it.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import caches
from django.core.exceptions import FieldFetchBlocked
from django.db import connection, models
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from feed.wins.cards import feed_cards
from feed.wins.models import Comment, Credit, Reaction, Tag, Win
from feed.wins.selectors import decorate, feed_page, wins_with_details
from tests.factories import TeamFactory, UserFactory

pytestmark = pytest.mark.django_db

# Session, user, the bell's unread count, the wins, then one query per relation a card
# shows (tags, credits, reactions, comments, mentions in comments): 9, the whole of a
# win's page. The feed adds the composer's organisation values (2), and one query per
# filter it names (the tag, the person). The same at 5 and at 50 wins.
# The feed's cards and composer come from a cache (`feed.wins.cards`): it first reads the
# page's wins bare (with whether the reader commented on each), the reader's reactions
# (1), and the organisation's values and the reader's team for the composer's key (2,
# instead of the composer's own 2), then the details of the cards it does not have, as
# above: 14 with nothing cached, 7 with everything. Every signed-in page's header asks
# whether the reader has reports (the team digest's link: 1), and the feed's first
# page whether consent requests wait for the reader (the banner: 1): 16 and 9.
FEED_BUDGET = 16
FEED_CACHED_BUDGET = 9
# A win's page adds one: whether a public story of it names the viewer
# (`feed.highlights.consent_selectors.open_highlight_for`; a second only when one does),
# and the header's question about reports.
WIN_PAGE_BUDGET = 11


@pytest.fixture
def people():
    team = TeamFactory(name="Customer Care")
    return [
        UserFactory(team=team, name=f"Person {n}", email=f"person.{n}@example.com")
        for n in range(6)
    ]


def make_wins(count: int, people) -> list[Win]:
    """`count` wins, each with reactions, comments (with a mention), credits, tags and a photo."""
    tags = [Tag.objects.get_or_create(name=name)[0] for name in ("launch", "Teamwork")]
    now = timezone.now()
    wins = Win.objects.bulk_create(
        Win(
            author=people[n % 3],
            team=people[n % 3].team,
            body=f"Win {n} with @person.4 #launch",
            visibility="team" if n % 4 == 0 else "everyone",
            created_at=now - timedelta(minutes=n),
            edited_at=now if n % 5 == 0 else None,
            image=f"wins/2026/01/{n}.webp",
            thumbnail=f"wins/2026/01/{n}-thumb.webp",
            image_width=1200,
            image_height=800,
            image_status="ready",
            reaction_count=3,
            comment_count=3,
        )
        for n in range(count)
    )
    Win.tags.through.objects.bulk_create(
        Win.tags.through(win=win, tag=tag) for win in wins for tag in tags
    )
    Credit.objects.bulk_create(Credit(win=win, user=people[p]) for win in wins for p in (4, 5))
    Reaction.objects.bulk_create(
        Reaction(win=win, user=people[p], kind=kind)
        for win in wins
        for p, kind in ((0, "clap"), (1, "love"), (2, "clap"))
    )
    comments = Comment.objects.bulk_create(
        Comment(win=win, author=people[p], body=f"Nice, @person.{p + 1}")
        for win in wins
        for p in (1, 2, 3)
    )
    Comment.mentions.through.objects.bulk_create(
        Comment.mentions.through(comment=comment, user=people[5]) for comment in comments
    )
    return wins


@pytest.fixture(autouse=True)
def _no_cards_cached(cards_cache):
    """Cards in this test's own memory (see `cards_cache`), empty."""


def count_queries(client, url: str) -> int:
    """Queries of one request for `url`, with no card cached."""
    caches["cards"].clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("size", [5, 50])
def test_the_feed_runs_a_constant_number_of_queries(
    client, people, size, django_assert_max_num_queries
):
    make_wins(size, people)
    client.force_login(people[0])
    with django_assert_max_num_queries(FEED_BUDGET):
        response = client.get(reverse("feed:home"))
    assert response.content.decode().count('class="win-card') == min(size, 20)


@pytest.mark.parametrize("size", [5, 50])
def test_the_feed_with_its_cards_cached_runs_fewer_queries(
    client, people, size, django_assert_max_num_queries
):
    make_wins(size, people)
    reader = UserFactory(team=people[0].team)  # wrote none of the wins, commented on none
    client.force_login(reader)
    first = client.get(reverse("feed:home")).content.decode()
    with django_assert_max_num_queries(FEED_CACHED_BUDGET):
        response = client.get(reverse("feed:home"))
    again = response.content.decode()
    assert again.count('class="win-card') == first.count('class="win-card') == min(size, 20)
    assert "Person 5" in again


def test_the_feed_costs_the_same_at_5_and_50_wins_with_filters(client, people):
    """Not only under budget: exactly the same, filters and a later page included."""
    client.force_login(people[0])
    make_wins(5, people)
    small = [
        count_queries(client, url)
        for url in ("/", "/?scope=team", "/?tag=launch", f"/?author={people[1].pk}")
    ]
    make_wins(45, people)
    large = [
        count_queries(client, url)
        for url in ("/", "/?scope=team", "/?tag=launch", f"/?author={people[1].pk}")
    ]
    assert small == large


@pytest.mark.parametrize("size", [5, 50])
def test_a_wins_page_runs_a_constant_number_of_queries(
    client, people, size, django_assert_max_num_queries
):
    """However many comments and reactions a win has."""
    win = make_wins(1, people)[0]
    extra = [UserFactory(team=people[0].team) for _ in range(size)]
    Reaction.objects.bulk_create(Reaction(win=win, user=p, kind="celebrate") for p in extra)
    Comment.objects.bulk_create(Comment(win=win, author=p, body="Well done") for p in extra)
    client.force_login(people[0])
    with django_assert_max_num_queries(WIN_PAGE_BUDGET):
        response = client.get(win.get_absolute_url())
    assert response.content.decode().count('class="comment"') == size + 3


@pytest.mark.parametrize("full", [False, True])
def test_cards_read_nothing_the_selector_did_not_load(people, full):
    """With FETCH_RAISE, any lazy load in the card template raises FieldFetchBlocked."""
    make_wins(6, people)
    viewer = people[0]
    request = RequestFactory().get("/")
    request.user = viewer
    request.htmx = False

    wins = decorate(
        list(
            wins_with_details(
                Win.objects.visible_to(viewer), viewer=viewer, fetch_mode=models.FETCH_RAISE
            )
        ),
        viewer=viewer,
    )
    with CaptureQueriesContext(connection) as queries:
        html = "".join(
            render_to_string(
                "components/win_card.html", {"win": win, "full": full}, request=request
            )
            for win in wins
        )

    assert html.count('class="win-card') == 6
    assert "Person 5" in html  # credited and mentioned people, loaded with the wins
    assert len(queries) == 0


def test_the_feeds_cards_read_nothing_the_selector_did_not_load(people, rf):
    """The feed's path (`feed.wins.cards`): missing cards are loaded under FETCH_RAISE."""
    make_wins(6, people)
    request = rf.get("/")
    request.user = people[0]
    wins = feed_page(viewer=people[0], details=False).wins
    cards = feed_cards(request, wins, fetch_mode=models.FETCH_RAISE)
    assert len(cards) == 6
    assert all("Person 5" in card for card in cards)


def test_fetch_raise_does_catch_a_relation_left_out(people):
    """The guard above is real: a relation the selector does not load raises."""
    make_wins(2, people)
    comment = (
        wins_with_details(
            Win.objects.visible_to(people[0]), viewer=people[0], fetch_mode=models.FETCH_RAISE
        )
        .first()
        .comments.all()[0]
    )
    with pytest.raises(FieldFetchBlocked):
        _ = comment.author.team
