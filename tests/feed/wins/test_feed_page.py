"""The feed at `/`: filters, cursor pages, empty states, and what each card says."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from feed.wins.models import Tag, Win
from feed.wins.selectors import FEED_PAGE_SIZE, decode_cursor, encode_cursor, feed_page
from feed.wins.services import content_hide, report_create
from feed.wins.templatetags.win_cards import credits_line
from tests.factories import (
    CommentFactory,
    ReactionFactory,
    TeamFactory,
    UserFactory,
    WinFactory,
    moderator_user,
)

pytestmark = pytest.mark.django_db

CARD_ID = re.compile(r'<article class="win-card[^"]*"\s+id="win-(\d+)"')


def card_ids(response) -> list[int]:
    """The wins shown, in page order."""
    return [int(pk) for pk in CARD_ID.findall(response.content.decode())]


@pytest.fixture
def team():
    return TeamFactory(name="Customer Care")


@pytest.fixture
def viewer(client, team):
    person = UserFactory(team=team, name="Vera Viewer")
    client.force_login(person)
    return person


def tagged(win: Win, *names: str) -> Win:
    win.tags.add(*[Tag.objects.get_or_create(name=name)[0] for name in names])
    return win


# --------------------------------------------------------------- Access
def test_the_feed_needs_a_signed_in_person(client):
    """Anonymous visitors are sent to the sign-in page."""
    response = client.get(reverse("feed:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_the_feed_shows_visible_wins_newest_first(client, viewer):
    """Only wins the viewer may see, newest first; other teams' team-only wins stay out."""
    now = timezone.now()
    old = WinFactory(created_at=now - timedelta(days=2))
    new = WinFactory(created_at=now - timedelta(hours=1))
    WinFactory(visibility="team", author=UserFactory(team=TeamFactory(name="Sales")))

    response = client.get(reverse("feed:home"))

    assert response.status_code == 200
    assert card_ids(response) == [new.pk, old.pk]


# -------------------------------------------------------------- Filters
def test_my_team_tab_shows_only_the_viewers_team(client, viewer, team):
    """`?scope=team` keeps the wins of the viewer's team, team-only ones included."""
    mine = WinFactory(author=UserFactory(team=team), visibility="team")
    also_mine = WinFactory(author=UserFactory(team=team))
    WinFactory(author=UserFactory(team=TeamFactory(name="Sales")))

    response = client.get(reverse("feed:home"), {"scope": "team"})

    assert set(card_ids(response)) == {mine.pk, also_mine.pk}
    assert re.search(r'href="/\?scope=team"\s+aria-current="page"', response.content.decode())


def test_a_tag_narrows_the_feed_and_shows_a_removable_chip(client, viewer):
    """`?tag=` matches case-insensitively; the chip links to the feed without it."""
    match = tagged(WinFactory(), "Onboarding")
    tagged(WinFactory(), "sales")

    response = client.get(reverse("feed:home"), {"tag": "onboarding", "scope": "team"})
    assert card_ids(response) == []  # the win is not from the viewer's team

    response = client.get(reverse("feed:home"), {"tag": "ONBOARDING"})
    html = response.content.decode()
    assert card_ids(response) == [match.pk]
    assert "#Onboarding" in html
    assert 'class="filter-chip" href="/"' in html
    assert "Remove this filter" in html


def test_a_person_narrows_the_feed(client, viewer):
    """`?author=<id>` shows that person's wins, with their name in the chip."""
    ana = UserFactory(name="Ana Ruiz")
    hers = WinFactory(author=ana)
    WinFactory()

    response = client.get(reverse("feed:home"), {"author": ana.pk})

    assert card_ids(response) == [hers.pk]
    assert "By Ana Ruiz" in response.content.decode()


def test_filters_combine_and_each_chip_removes_only_itself(client, viewer, team):
    """Team, tag and person together; removing the tag keeps the person and the team."""
    ana = UserFactory(name="Ana Ruiz", team=team)
    both = tagged(WinFactory(author=ana), "wins")
    tagged(WinFactory(author=ana), "other")
    tagged(WinFactory(), "wins")

    response = client.get(reverse("feed:home"), {"scope": "team", "tag": "wins", "author": ana.pk})

    html = response.content.decode()
    assert card_ids(response) == [both.pk]
    assert f'href="/?scope=team&amp;author={ana.pk}"' in html  # remove the tag
    assert 'href="/?scope=team&amp;tag=wins"' in html  # remove the person
    assert f'href="/?tag=wins&amp;author={ana.pk}"' in html  # the Everyone tab


@pytest.mark.parametrize("tag", ["nope", "x" * 300, "%00", "<script>"])
def test_an_unknown_tag_says_so(client, viewer, tag):
    """A tag nobody used gives an empty feed that names it, never an error."""
    WinFactory()
    response = client.get(reverse("feed:home"), {"tag": tag})
    assert response.status_code == 200
    assert card_ids(response) == []
    assert "tag yet" in response.content.decode()
    assert "<script>" not in response.content.decode().split("<main", 1)[1].split("</main>")[0]


@pytest.mark.parametrize("author", ["999999", "abc", "-1", "99999999999999999999999", "²"])
def test_an_unknown_person_says_so(client, viewer, author):
    """A person id that matches nobody active gives an empty feed that says so."""
    WinFactory()
    response = client.get(reverse("feed:home"), {"author": author})
    assert response.status_code == 200
    assert card_ids(response) == []
    assert "We could not find that person" in response.content.decode()


def test_a_person_who_left_is_unknown(client, viewer):
    gone = UserFactory(is_active=False)
    WinFactory(author=gone)
    response = client.get(reverse("feed:home"), {"author": gone.pk})
    assert "We could not find that person" in response.content.decode()


# ----------------------------------------------------------- Pagination
def test_cursor_pages_have_no_overlap_or_gap_across_equal_timestamps(client, viewer):
    """Wins posted in the same microsecond are split between pages by id, none lost."""
    moment = timezone.now() - timedelta(hours=1)
    wins = [WinFactory(created_at=moment) for _ in range(FEED_PAGE_SIZE + 5)]
    wins += [WinFactory(created_at=moment - timedelta(seconds=s)) for s in range(1, 20)]
    expected = [w.pk for w in sorted(wins, key=lambda w: (w.created_at, w.pk), reverse=True)]

    seen: list[int] = []
    url = reverse("feed:home")
    for _ in range(10):
        response = client.get(url, headers={"HX-Request": "true"} if seen else {})
        seen += card_ids(response)
        more = re.search(r'data-hx-get="([^"]+)"', response.content.decode())
        if not more:
            break
        url = more.group(1).replace("&amp;", "&")

    assert seen == expected


def test_show_more_is_a_plain_link_and_an_htmx_request(client, viewer):
    """Without JavaScript "Show more" is a link to `?cursor=`; with htmx the same URL."""
    for _ in range(FEED_PAGE_SIZE + 1):
        WinFactory()
    page = feed_page(viewer=viewer)

    html = client.get(reverse("feed:home")).content.decode()

    url = f"/?cursor={page.next_cursor}"
    assert f'href="{url}"' in html
    assert f'data-hx-get="{url}"' in html
    assert "Show more wins" in html


def test_htmx_gets_only_the_next_cards_and_button(client, viewer):
    """The fragment is the `feed-page` partial: cards and the next button, no page around."""
    for _ in range(FEED_PAGE_SIZE * 2 + 1):
        WinFactory()
    first = feed_page(viewer=viewer)

    response = client.get(
        reverse("feed:home"), {"cursor": first.next_cursor}, headers={"HX-Request": "true"}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert "<h1" not in html
    assert len(card_ids(response)) == FEED_PAGE_SIZE
    assert "Show more wins" in html
    assert "20 more wins loaded" in html
    assert "HX-Request" in response["Vary"]


def test_the_second_page_without_javascript_is_a_whole_page(client, viewer):
    for _ in range(FEED_PAGE_SIZE + 3):
        WinFactory()
    first = feed_page(viewer=viewer)

    response = client.get(reverse("feed:home"), {"cursor": first.next_cursor})

    html = response.content.decode()
    assert "<html" in html
    assert len(card_ids(response)) == 3
    assert "Back to the newest wins" in html
    assert "You have reached the first win" in html


@pytest.mark.parametrize(
    "cursor",
    [
        "not-a-cursor",
        "!!!",
        # Well-formed base64, but a naive time / an id beyond bigint / no separator.
        "MjAyNi0wMS0wMVQwMDowMDowMHwx",
        "MjAyNi0wMS0wMVQwMDowMDowMCswMDowMHw5OTk5OTk5OTk5OTk5OTk5OTk5OTk5",
        "aGVsbG8",
    ],
)
def test_a_broken_cursor_shows_the_first_page_with_a_message(client, viewer, cursor):
    """A cursor not made by the feed: status 400, a friendly message and the newest wins."""
    win = WinFactory()
    response = client.get(reverse("feed:home"), {"cursor": cursor})
    assert response.status_code == 400
    assert "here are the newest wins" in response.content.decode()
    assert card_ids(response) == [win.pk]


def test_a_broken_cursor_through_htmx_gets_a_message_it_can_swap(client, viewer):
    WinFactory()
    response = client.get(
        reverse("feed:home"), {"cursor": "nonsense"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert "here are the newest wins" in response.content.decode()


# --------------------------------------------------------- Empty states
def test_an_empty_feed_invites_to_post_the_first_win(client, viewer):
    html = client.get(reverse("feed:home")).content.decode()
    assert "No wins here yet" in html
    assert "Share the first win" in html
    assert 'href="/wins/new/"' in html


def test_a_filtered_empty_feed_says_nothing_matches(client, viewer):
    tagged(WinFactory(author=UserFactory(team=TeamFactory(name="Sales"))), "launch")
    html = client.get(reverse("feed:home"), {"tag": "launch", "scope": "team"}).content.decode()
    assert "No wins match" in html
    assert "Show all wins" in html


def test_my_team_without_a_team_says_so(client):
    loner = UserFactory(team=None)
    client.force_login(loner)
    WinFactory()
    html = client.get(reverse("feed:home"), {"scope": "team"}).content.decode()
    assert "You are not in a team yet" in html


# --------------------------------------------------------------- Cards
def test_a_card_shows_author_time_credits_tags_and_badges(client, viewer, team):
    """Author (linked), role, local time, "edited", team-only badge, credits, tag chips."""
    author = UserFactory(name="Ana Ruiz", job_title="Designer", team=team)
    win = WinFactory(
        author=author,
        visibility="team",
        body="Shipped it #launch",
        edited_at=timezone.now(),
    )
    tagged(win, "launch", "Teamwork")
    for name in ("Luis Gil", "Marta Sanz"):
        win.credits.create(user=UserFactory(name=name))

    html = client.get(reverse("feed:home")).content.decode()

    assert f'href="{reverse("accounts:profile", kwargs={"pk": author.pk})}">Ana Ruiz</a>' in html
    assert "Designer" in html
    assert "Customer Care" in html
    assert re.search(r'<time datetime="\d{4}-\d\d-\d\dT[^"]+"\s+title="[^"]+">', html)
    assert ">edited<" in html
    assert "Only your team" in html
    assert re.search(r"with <a [^>]+>Luis Gil</a> and <a [^>]+>Marta Sanz</a>", html)
    assert 'href="/?tag=teamwork">#Teamwork</a>' in html
    assert f'href="{win.get_absolute_url()}#comments"' not in html  # no comments yet


def test_credits_of_three_people_are_a_proper_list():

    people = [UserFactory(name=n) for n in ("Ana", "Luis", "Marta")]
    text = re.sub(r"<[^>]+>", "", credits_line(people))
    assert text == "with Ana, Luis and Marta"
    assert re.sub(r"<[^>]+>", "", credits_line(people[:1])) == "with Ana"


def test_the_time_is_in_the_readers_time_zone(client, viewer):
    """The full date in `title` is the viewer's local time."""
    viewer.time_zone = "America/Mexico_City"
    viewer.save()
    WinFactory(created_at=timezone.now() - timedelta(days=30))
    html = client.get(reverse("feed:home")).content.decode()
    datetime_attr = re.search(r'<time datetime="([^"]+)"', html).group(1)
    assert datetime_attr.endswith("-06:00")


def test_a_card_shows_its_image_with_size_and_description(client, viewer):
    """Width and height avoid layout shift; lists offer the thumbnail through srcset."""
    WinFactory(
        image="wins/2026/01/photo.webp",
        thumbnail="wins/2026/01/thumb.webp",
        image_width=1200,
        image_height=800,
        image_alt="The team around a cake",
        image_status="ready",
    )
    html = client.get(reverse("feed:home")).content.decode()
    assert 'width="1200" height="800"' in html
    assert 'alt="The team around a cake"' in html
    assert "/media/wins/2026/01/thumb.webp 480w, /media/wins/2026/01/photo.webp 1200w" in html
    assert 'loading="lazy"' in html


def test_a_photo_no_larger_than_a_thumbnail_offers_no_srcset(client, viewer):
    """A 400 px photo's thumbnail is as wide as it: no `srcset` of two equal widths."""
    WinFactory(
        image="wins/2026/01/small.webp",
        thumbnail="wins/2026/01/small-thumb.webp",
        image_width=400,
        image_height=300,
        image_status="ready",
    )
    html = client.get(reverse("feed:home")).content.decode()
    assert '<img src="/media/wins/2026/01/small.webp"' in html
    assert 'width="400" height="300"' in html
    assert "srcset=" not in html


def test_machine_readable_times_have_at_most_milliseconds(client, viewer):
    """HTML allows three digits of a second in `datetime`; the database keeps six."""
    viewer.time_zone = "Europe/Madrid"
    viewer.save()
    WinFactory(created_at=datetime(2026, 3, 4, 10, 20, 30, 123456, tzinfo=UTC))
    WinFactory(created_at=datetime(2026, 3, 5, 10, 20, 30, tzinfo=UTC))
    html = client.get(reverse("feed:home")).content.decode()
    assert re.findall(r'<time datetime="([^"]+)"', html) == [
        "2026-03-05T11:20:30+01:00",
        "2026-03-04T11:20:30.123+01:00",
    ]


def test_a_photo_being_processed_shows_a_placeholder(client, viewer):
    WinFactory(image_status="processing")
    html = client.get(reverse("feed:home")).content.decode()
    assert "The photo is being prepared" in html
    assert "<img src=" not in html.split('class="feed-page"', 1)[1]


def test_the_latest_two_comments_show_with_a_link_to_the_rest(client, viewer):
    win = WinFactory()
    now = timezone.now()
    bodies = ["comment-alpha", "comment-bravo", "comment-charlie", "comment-delta"]
    for minutes, body in enumerate(bodies):
        CommentFactory(win=win, body=body, created_at=now + timedelta(minutes=minutes))

    html = client.get(reverse("feed:home")).content.decode()

    assert "comment-alpha" not in html
    assert "comment-bravo" not in html
    assert html.index("comment-charlie") < html.index("comment-delta")
    assert f'href="{win.get_absolute_url()}#comments">View all 4 comments' in html


def test_the_author_sees_why_their_win_is_hidden_and_moderators_see_a_marker(client, viewer):
    win = WinFactory(author=viewer)
    content_hide(
        report=report_create(reporter=UserFactory(), reason="other", win=win),
        moderator=moderator_user(),
        reason="Shares a customer's name",
    )
    html = client.get(reverse("feed:home")).content.decode()
    assert "Hidden by moderators:" in html
    assert "Shares a customer&#x27;s name" in html

    client.force_login(moderator_user())
    html = client.get(reverse("feed:home")).content.decode()
    assert card_ids_from(html) == [win.pk]
    assert ">Hidden<" in html
    assert "Shares a customer" not in html

    for other in (UserFactory(), UserFactory(is_staff=True)):  # staff who do not moderate
        client.force_login(other)
        assert card_ids_from(client.get(reverse("feed:home")).content.decode()) == []


def card_ids_from(html: str) -> list[int]:
    return [int(pk) for pk in CARD_ID.findall(html)]


def test_the_author_gets_edit_and_delete_others_get_report(client, viewer):
    """The actions menu: edit and delete for the author, report for everyone else.

    Links whose views do not exist yet are left out rather than breaking the card.
    """
    own = WinFactory(author=viewer)
    other = WinFactory()
    html = client.get(reverse("feed:home")).content.decode()
    own_card = html.split(f'id="win-{own.pk}"', 1)[1].split("</article>", 1)[0]
    other_card = html.split(f'id="win-{other.pk}"', 1)[1].split("</article>", 1)[0]

    assert ">Report<" not in own_card
    assert f'href="/wins/{other.pk}/report/">Report<' in other_card
    for name, label in (("feed:win_edit", "Edit"), ("feed:win_delete", "Delete")):
        try:
            url = reverse(name, kwargs={"pk": own.pk})
        except NoReverseMatch:
            assert f">{label}<" not in own_card
        else:
            assert f'href="{url}">{label}<' in own_card
            assert url not in other_card


def test_reacted_people_are_listed_by_kind(client, viewer):
    win = WinFactory()
    ReactionFactory(win=win, user=UserFactory(name="Ana Ruiz"), kind="clap")
    ReactionFactory(win=win, user=UserFactory(name="Luis Gil"), kind="love")
    win.reaction_count = 2
    win.save()
    html = client.get(reverse("feed:home")).content.decode()
    assert "Ana Ruiz and 1 other" in html
    assert 'title="Applause: Ana Ruiz"' in html


# ------------------------------------------------------------ Win page
def test_a_wins_page_shows_every_comment_and_the_form(client, viewer):
    win = WinFactory(body="A very specific win")
    for body in ("note-uno", "note-dos", "note-tres"):
        CommentFactory(win=win, body=body)

    response = client.get(win.get_absolute_url())

    html = response.content.decode()
    assert response.status_code == 200
    assert "A very specific win" in html
    assert all(body in html for body in ("note-uno", "note-dos", "note-tres"))
    assert "3 comments" in html
    assert re.search(r'name="layout"\s+value="page"', html)


def test_a_wins_page_is_404_when_missing_or_not_visible(client, viewer):
    other_team = WinFactory(author=UserFactory(team=TeamFactory(name="Sales")), visibility="team")
    assert client.get(other_team.get_absolute_url()).status_code == 404
    assert client.get(reverse("feed:win_detail", kwargs={"pk": 987654})).status_code == 404
    assert client.get("/wins/99999999999999999999999/").status_code == 404


def test_a_wins_page_needs_a_signed_in_person(client):
    win = WinFactory()
    response = client.get(win.get_absolute_url())
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_encode_cursor_round_trips():

    win = WinFactory()
    assert decode_cursor(encode_cursor(win)) == (win.created_at, win.pk)
