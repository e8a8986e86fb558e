"""The feed's cards come from a cache: never stale, never someone else's.

Each test has one reader fill the cache and another (or the same) reader look
again after a change, and checks what they see, as a person would.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.services.people_import import PersonRow, people_import
from accounts.services.profiles import user_update_profile
from feed.wins import selectors, services
from feed.wins.models import Credit, Report, Tag, Win
from tests.factories import TeamFactory, UserFactory, WinFactory, moderator_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache(cards_cache):
    """Cards in this test's own memory (see `cards_cache`), empty."""


@pytest.fixture
def team():
    return TeamFactory(name="Customer Care")


@pytest.fixture
def author(team):
    return UserFactory(name="Ana García", email="ana@example.com", team=team)


@pytest.fixture
def win(author):
    return services.win_create(
        author=author, body="We answered every ticket today #support", visibility="everyone"
    )


def reader(name: str, team, **kwargs):
    person = UserFactory(name=name, team=team, **kwargs)
    client = Client()
    client.force_login(person)
    return person, client


def feed(client: Client, url: str = "/") -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def card(html: str, win: Win) -> str:
    match = re.search(rf'<article[^>]*id="win-{win.pk}".*?</article>', html, re.S)
    assert match, f"win {win.pk} is not on the page"
    return match.group(0)


def pressed(html: str, win: Win, kind: str) -> bool:
    button = re.search(rf'<button[^>]*id="react-{win.pk}-{kind}"[^>]*>', html).group(0)
    return 'aria-pressed="true"' in button


def test_a_cached_card_is_the_same_as_a_fresh_one(team, win):
    _luis, client = reader("Luis", team)
    fresh = feed(client)
    again = feed(client)  # from the cache
    strip = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
    assert strip.sub("", card(again, win)) == strip.sub("", card(fresh, win))


def test_each_reader_sees_their_own_reactions_pressed(team, win):
    luis, luis_client = reader("Luis", team)
    _marta, marta_client = reader("Marta", team)
    services.reaction_toggle(win=win, user=luis, kind="love")

    assert pressed(feed(luis_client), win, "love")
    assert not pressed(feed(marta_client), win, "love")
    # And the other way round, with both cards now in the cache.
    assert pressed(feed(luis_client), win, "love")
    assert not pressed(feed(marta_client), win, "love")


def test_a_reaction_or_a_comment_shows_at_once_to_a_reader_who_has_the_card(team, win):
    luis, _ = reader("Luis", team)
    _marta, marta_client = reader("Marta", team)
    feed(marta_client)

    services.reaction_toggle(win=win, user=luis, kind="clap")
    services.comment_create(win=win, author=luis, body="Brilliant work, thank you")

    html = card(feed(marta_client), win)
    assert "Brilliant work, thank you" in html
    assert re.search(rf'id="react-{win.pk}-clap".*?reaction-count[^>]*>1<', html, re.S)
    assert "Luis" in html


def test_an_edit_by_the_author_shows_at_once(team, author, win):
    _marta, marta_client = reader("Marta", team)
    feed(marta_client)

    services.win_update(
        win=win, editor=author, body="We answered every ticket, and the backlog is gone",
        visibility="everyone",
    )  # fmt: skip

    html = card(feed(marta_client), win)
    assert "the backlog is gone" in html
    assert "edited" in html


def test_a_new_name_team_or_tag_name_shows_at_once(team, author, win):
    luis, _ = reader("Luis", team)
    Credit.objects.create(win=win, user=luis)
    tag = Tag.objects.create(name="kudos")
    win.tags.add(tag)
    _marta, marta_client = reader("Marta", team)
    html = card(feed(marta_client), win)
    assert "Luis" in html
    assert "#kudos" in html

    user_update_profile(
        user=author, name="Ana G. Ruiz", job_title="Support lead",
        language="en", time_zone="Europe/Madrid",
    )  # fmt: skip
    luis.name = "Luis Pérez"
    luis.save()
    team.name = "Customer Happiness"
    team.save()
    tag.name = "gratitude"
    tag.is_value = True
    tag.save()

    html = card(feed(marta_client), win)
    assert "Ana G. Ruiz" in html
    assert "Support lead" in html
    assert "Luis Pérez" in html
    assert "Customer Happiness" in html
    assert "tag-chip is-value" in html
    assert "#gratitude" in html


def test_the_people_import_renames_people_on_cards(team, author, win):
    _marta, marta_client = reader("Marta", team)
    feed(marta_client)

    result = people_import(rows=[PersonRow(line=2, email="ana@example.com", name="Ana Importada")])
    assert not result.errors

    assert "Ana Importada" in card(feed(marta_client), win)


def test_a_comment_hidden_by_moderators_leaves_the_cached_card(team, win):
    luis, _ = reader("Luis", team)
    comment = services.comment_create(win=win, author=luis, body="Something rude here")
    _marta, marta_client = reader("Marta", team)
    moderator = moderator_user()
    assert "Something rude here" in card(feed(marta_client), win)

    report = services.report_create(reporter=moderator, reason=Report.Reason.OTHER, comment=comment)
    services.content_hide(report=report, moderator=moderator, reason="Rude")

    assert "Something rude here" not in card(feed(marta_client), win)


def test_the_author_and_commenters_get_their_own_links_not_a_shared_card(team, author, win):
    luis, luis_client = reader("Luis", team)
    comment = services.comment_create(win=win, author=luis, body="Well done!")
    _marta, marta_client = reader("Marta", team)
    author_client = Client()
    author_client.force_login(author)
    delete_comment = reverse("feed:comment_delete", kwargs={"pk": comment.pk})
    edit_win = reverse("feed:win_edit", kwargs={"pk": win.pk})

    for _ in range(2):  # cold, then with Marta's card cached
        marta = card(feed(marta_client), win)
        assert delete_comment not in marta
        assert edit_win not in marta
        assert delete_comment in card(feed(luis_client), win)
        assert edit_win in card(feed(author_client), win)


def test_the_forms_of_a_cached_card_carry_the_readers_own_token(team, win):
    _marta, marta_client = reader("Marta", team)
    feed(marta_client)
    luis = UserFactory(name="Luis", team=team)
    client = Client(enforce_csrf_checks=True)
    client.force_login(luis)

    html = card(feed(client, "/?tag=support"), win)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    back = re.search(r'name="next"\s+value="([^"]+)"', html).group(1)
    assert back == f"/?tag=support#win-{win.pk}"

    response = client.post(
        reverse("feed:react", kwargs={"pk": win.pk}),
        {"kind": "clap", "next": back, "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302
    assert win.reactions.filter(user=luis, kind="clap").exists()


def test_times_are_worked_out_for_each_request(team, author, monkeypatch):
    """A card kept in the cache says "2 days ago" today and "4 days ago" two days later."""
    posted = timezone.now() - timedelta(days=2)
    win = WinFactory(author=author, created_at=posted)
    _marta, marta_client = reader("Marta", team)
    assert "2\xa0days ago" in card(feed(marta_client), win)

    later = posted + timedelta(days=4, minutes=1)
    monkeypatch.setattr(timezone, "now", lambda: later)

    assert "4\xa0days ago" in card(feed(marta_client), win)


def test_readers_in_other_languages_get_their_own_cards(team, win):
    _marta, marta_client = reader("Marta", team, language="es")
    _luis, luis_client = reader("Luis", team, language="en")
    for _ in range(2):
        assert "Añade un comentario" in card(feed(marta_client), win)
        assert "Add a comment" in card(feed(luis_client), win)


def test_team_only_wins_stay_with_the_team(author):
    secret = services.win_create(author=author, body="Team secret", visibility="team")
    _insider, insider_client = reader("Insider", author.team)
    _outsider, outsider_client = reader("Outsider", TeamFactory(name="Finance"))
    assert "Team secret" in feed(insider_client)
    assert "Team secret" not in feed(outsider_client)
    assert f'id="win-{secret.pk}"' not in feed(outsider_client)


def test_the_compose_box_is_each_readers_own_and_follows_changes(team):
    marta, marta_client = reader("Marta Soler", team)
    _luis, luis_client = reader("Luis Pérez", TeamFactory(name="Finance"))
    for _ in range(2):
        assert "What went well today, Marta?" in feed(marta_client)
        assert "My team only (Customer Care)" in feed(marta_client)
        assert "What went well today, Luis?" in feed(luis_client)

    marta.name = "Martina Soler"
    marta.save()
    team.name = "Customer Happiness"
    team.save()
    Tag.objects.create(name="Courage", is_value=True)

    html = feed(marta_client)
    assert "What went well today, Martina?" in html
    assert "My team only (Customer Happiness)" in html
    assert "#Courage" in html


def test_a_win_posted_from_a_cached_compose_box_is_accepted(team):
    _marta, marta_client = reader("Marta", team)
    feed(marta_client)  # the compose box is now in the cache
    luis = UserFactory(name="Luis", team=team)
    client = Client(enforce_csrf_checks=True)
    client.force_login(luis)
    html = feed(client)
    form = re.search(r'<form class="compose.*?</form>', html, re.S).group(0)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)

    response = client.post(
        reverse("feed:win_new"),
        {"body": "Shipped the new onboarding", "visibility": "everyone",
         "csrfmiddlewaretoken": token},
    )  # fmt: skip
    assert response.status_code == 302
    assert Win.objects.filter(author=luis, body="Shipped the new onboarding").exists()


def test_a_deleted_tag_leaves_the_cached_card(team, win):
    kudos = Tag.objects.create(name="kudos")
    win.tags.add(kudos)
    _marta, marta_client = reader("Marta", team)
    assert "#kudos" in card(feed(marta_client), win)

    kudos.delete()

    assert "#kudos" not in card(feed(marta_client), win)


# --------------------------------------------------------------------------
# A page is read in two steps (its wins bare, then the cards' details): a change
# in between never puts on the page a win the reader may no longer see.
# --------------------------------------------------------------------------
def change_between_the_queries(monkeypatch, change) -> None:
    """Run `change()` after the feed has listed its wins and before it loads their cards."""
    listed = selectors.feed_page

    def feed_page_then_change(**kwargs):
        page = listed(**kwargs)
        change()
        return page

    monkeypatch.setattr(selectors, "feed_page", feed_page_then_change)


def test_a_win_hidden_between_the_feeds_two_queries_is_not_shown(monkeypatch, team, win):
    """Listed while visible, hidden by a moderator before its card is loaded: no card,
    and the rest of the page is there."""
    other = services.win_create(author=win.author, body="Another good day", visibility="everyone")
    _marta, marta_client = reader("Marta", team)
    moderator = moderator_user()

    def hide() -> None:
        report = services.report_create(reporter=moderator, reason=Report.Reason.OTHER, win=win)
        services.content_hide(report=report, moderator=moderator, reason="Off topic")

    change_between_the_queries(monkeypatch, hide)
    html = feed(marta_client)

    assert f'id="win-{win.pk}"' not in html
    assert "We answered every ticket today" not in html
    assert "Another good day" in card(html, other)


def test_a_win_narrowed_to_its_team_between_the_queries_is_not_shown_outside_it(
    monkeypatch, author, win
):
    """The author makes the win team-only, and says more, while a reader of another
    team loads the feed: the reader sees neither the win nor its new text."""
    _luis, luis_client = reader("Luis", TeamFactory(name="Finance"))

    def narrow() -> None:
        services.win_update(
            win=win, editor=author, body="Team only: the refund numbers", visibility="team"
        )

    change_between_the_queries(monkeypatch, narrow)
    html = feed(luis_client)

    assert f'id="win-{win.pk}"' not in html
    assert "refund numbers" not in html


def test_a_card_rendered_after_a_change_is_not_cached_for_the_revision_before_it(
    monkeypatch, team, author, win
):
    """A teammate's page is built while the author narrows the win and adds to it. A
    reader of another team whose page listed the win just before that change must not
    get the teammate's new card from the cache."""
    luis, luis_client = reader("Luis", TeamFactory(name="Finance"))
    _marta, marta_client = reader("Marta", team)
    listed_for_luis = selectors.feed_page(viewer=luis, details=False)

    def narrow() -> None:
        services.win_update(
            win=win, editor=author, body="Team only: the refund numbers", visibility="team"
        )

    change_between_the_queries(monkeypatch, narrow)
    assert "refund numbers" in card(feed(marta_client), win)  # she may see it

    monkeypatch.setattr(selectors, "feed_page", lambda **kwargs: listed_for_luis)
    html = feed(luis_client)

    assert "refund numbers" not in html
    assert f'id="win-{win.pk}"' not in html
