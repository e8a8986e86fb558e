"""Search at /search/: full-text on PostgreSQL, a plain fallback on SQLite, and on
both only what the reader may see, with a clear page for any input."""

from __future__ import annotations

from importlib import import_module

import pytest
from django.apps import apps
from django.db import connection
from django.urls import reverse

from feed.wins import search as search_module
from feed.wins import services
from feed.wins.models import Win
from feed.wins.search import (
    SEARCH_MAX_LENGTH,
    SEARCH_MAX_PAGES,
    SEARCH_PAGE_SIZE,
    SearchTerms,
    fold_accents,
    search_wins,
    win_search_vector_update,
)
from tests.conftest import require_postgresql
from tests.factories import TeamFactory, UserFactory, WinFactory, moderator_user

pytestmark = pytest.mark.django_db

URL = reverse("feed:search")


def post(author, body: str, **kwargs) -> Win:
    """A win written the way the app writes it, so its search document is kept."""
    return services.win_create(author=author, body=body, **kwargs)


def found(viewer, text: str) -> list[Win]:
    return list(search_wins(wins=Win.objects.visible_to(viewer), terms=SearchTerms.parse(text)))


@pytest.fixture
def reader():
    return UserFactory(name="Reader Person")


@pytest.fixture
def fallback(monkeypatch):
    """The SQLite fallback, whatever the database: ILIKE on PostgreSQL behaves alike."""
    monkeypatch.setattr(search_module, "uses_full_text", lambda: False)


# --------------------------------------------------------------------------
# Cleaning what was typed
# --------------------------------------------------------------------------
def test_terms_are_trimmed_and_capped():
    terms = SearchTerms.parse("  onboarding \n  wins  " + "x" * 500)
    assert terms.truncated
    assert len(terms.text) <= SEARCH_MAX_LENGTH
    assert terms.text.startswith("onboarding wins ")
    assert not SearchTerms.parse("short").truncated


def test_control_characters_never_reach_the_database():
    assert SearchTerms.parse("a\x00b\x07c").text == "a b c"
    assert not SearchTerms.parse("\x00\x00")
    assert not SearchTerms.parse(None)


def test_accents_fold_like_the_index_does():
    assert fold_accents("Reunión con Ñandú y Gonçalves") == "Reunion con Nandu y Goncalves"


# --------------------------------------------------------------------------
# PostgreSQL: full text in English and Spanish
# --------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("body", "query"),
    [
        ("We shipped the new onboarding checklist", "shipping"),
        ("Shipping the refund flow took a week", "shipped"),
        ("Cerramos el trimestre con tres clientes nuevos", "cliente"),
        ("Un cliente muy contento con el soporte", "clientes"),
        ("Primera reunión con el equipo de Lisboa", "reunion"),
        ("La comunicacion interna mejoró mucho", "comunicación"),
        ("La comunicación interna mejoró mucho", "comunicacion"),
    ],
)
def test_full_text_understands_english_and_spanish(reader, body, query):
    require_postgresql()
    win = post(UserFactory(), body)
    post(UserFactory(), "Something else entirely")
    assert found(reader, query) == [win]


def test_full_text_finds_tags_authors_and_credited_people(reader):
    require_postgresql()
    lucia = UserFactory(name="Lucía Navarro", email="lucia@example.com")
    tagged = post(UserFactory(), "Closed the quarter early", tag_names=["Onboarding"])
    by_lucia = post(lucia, "Fixed the printer queue")
    with_lucia = post(UserFactory(), "Rebuilt the warehouse map", credited=[lucia])
    assert found(reader, "onboarding") == [tagged]
    assert set(found(reader, "lucia")) == {by_lucia, with_lucia}
    # Words from different fields of one win combine.
    assert found(reader, "navarro printer") == [by_lucia]


def test_full_text_ranks_then_orders_by_recency(reader):
    """The text (weight A) outranks a credited name (C); equal ranks: newest first."""
    require_postgresql()
    marta = UserFactory(name="Marta Soler")
    in_text = post(UserFactory(), "Soler helped us: Soler rebuilt the soler pipeline")
    credited = post(UserFactory(), "Rebuilt the pipeline", credited=[marta])
    assert found(reader, "soler") == [in_text, credited]
    older = post(UserFactory(), "Deployed the kiosk app")
    newer = post(UserFactory(), "Deployed the kiosk app")
    assert found(reader, "kiosk") == [newer, older]


def test_full_text_speaks_web_search_syntax(reader):
    require_postgresql()
    red = post(UserFactory(), "The red report is done")
    blue = post(UserFactory(), "The blue report is done")
    post(UserFactory(), "Report red blue finished")
    assert set(found(reader, "report -blue")) == {red}
    assert set(found(reader, '"blue report"')) == {blue}
    assert {red, blue} <= set(found(reader, "red or blue"))


def test_editing_a_win_updates_what_finds_it(reader):
    require_postgresql()
    win = post(UserFactory(), "Migrated the mailing list")
    services.win_update(win=win, editor=win.author, body="Renamed the wiki", visibility="everyone")
    assert found(reader, "mailing") == []
    assert found(reader, "wiki") == [win]


def test_rebuilding_writes_documents_for_wins_made_elsewhere(reader):
    """Bulk-created wins (demo data) are found once `win_search_vector_update()` runs."""
    require_postgresql()
    win = WinFactory(body="Bulk loaded harbour statistics")
    assert found(reader, "harbour") == []
    win_search_vector_update()
    assert found(reader, "harbour") == [win]


def test_the_search_uses_the_gin_index(reader):
    require_postgresql()
    post(UserFactory(), "Indexed words")
    matches = search_wins(wins=Win.objects.visible_to(reader), terms=SearchTerms.parse("words"))
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = matches.explain()
    assert "feed_win_search_gin" in plan


def test_the_index_migration_is_reversible():
    require_postgresql()

    migration = import_module("feed.migrations.0002_win_search_index")

    def index_exists() -> bool:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_indexes WHERE indexname = %s", [migration.INDEX])
            return cursor.fetchone() is not None

    assert index_exists()
    with connection.schema_editor() as editor:
        migration.drop_index(apps, editor)
    assert not index_exists()
    with connection.schema_editor() as editor:
        migration.create_index(apps, editor)
    assert index_exists()


# --------------------------------------------------------------------------
# The fallback (SQLite)
# --------------------------------------------------------------------------
def test_fallback_needs_every_word_in_text_tags_or_author(reader, fallback):
    ana = UserFactory(name="Ana Ruiz")
    by_ana = WinFactory(author=ana, body="Cut the build time in half")
    tagged = post(UserFactory(), "Quarterly numbers are in", tag_names=["finance"])
    WinFactory(body="Nothing to see")
    assert found(reader, "ana build") == [by_ana]
    assert found(reader, "BUILD") == [by_ana]
    assert found(reader, "#finance") == [tagged]
    assert found(reader, "ana finance") == []


def test_fallback_lists_newest_first_without_duplicates(reader, fallback):
    older = post(UserFactory(), "Launch day", tag_names=["launch", "launchpad"])
    newer = post(UserFactory(), "Another launch")
    assert found(reader, "launch") == [newer, older]


def test_fallback_ignores_punctuation_only_input(reader, fallback):
    WinFactory(body="&|! are symbols")
    assert found(reader, "&|!") == []


# --------------------------------------------------------------------------
# The page
# --------------------------------------------------------------------------
def test_search_needs_signing_in(client):
    response = client.get(URL, {"q": "anything"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_empty_query_shows_how_to_search(client, reader):
    client.force_login(reader)
    response = client.get(URL)
    assert response.status_code == 200
    assert "What are you looking for?" in response.text
    assert 'role="search"' in response.text


def test_no_results_is_a_friendly_empty_state(client, reader):
    client.force_login(reader)
    response = client.get(URL, {"q": "zeppelin"})
    assert response.status_code == 200
    assert "No wins match “zeppelin”" in response.text


def test_results_link_to_each_win(client, reader):
    win = post(UserFactory(name="Pia Costa"), "Rolled out the new rota #Rota")
    win_search_vector_update()
    client.force_login(reader)
    response = client.get(URL, {"q": "rota"})
    assert response.status_code == 200
    assert win.get_absolute_url() in response.text
    assert "Pia Costa" in response.text


def test_a_long_query_is_cut_with_a_message(client, reader):
    client.force_login(reader)
    response = client.get(URL, {"q": "word " * 200})
    assert response.status_code == 200
    assert "yours was cut there" in response.text


WEIRD = [
    '"',
    '"unbalanced phrase',
    "&|!",
    "a & b | !c <-> d",
    "(((",
    "):*",
    "\x00null\x00",
    "🙂🎉",
    "ñandú Ünïcödé 中文 العربية",
    "'; DROP TABLE feed_win; --",
    "<script>alert(1)</script>",
    "%_\\",
    "-",
    "or",
    "the",
    "x" * 5000,
    "a:* & b:A",
]


@pytest.mark.parametrize("query", WEIRD)
def test_any_input_gets_a_page_never_an_error(client, reader, query):
    post(UserFactory(), "Something to search through, with the usual words")
    client.force_login(reader)
    response = client.get(URL, {"q": query})
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.text


@pytest.mark.parametrize("page", ["0", "-3", "abc", "999999999999", "2.5", ""])
def test_any_page_number_gets_a_page(client, reader, page):
    client.force_login(reader)
    assert client.get(URL, {"q": "win", "page": page}).status_code == 200


def test_search_never_shows_team_only_wins_to_other_teams(client):
    care, sales = TeamFactory(name="Care"), TeamFactory(name="Sales")
    author = UserFactory(team=care)
    secret = post(author, "Confidential roadmap review", visibility="team")
    public = post(author, "Public roadmap review")
    outsider, teammate = UserFactory(team=sales), UserFactory(team=care)
    assert found(outsider, "roadmap") == [public]
    assert set(found(teammate, "roadmap")) == {secret, public}
    client.force_login(outsider)
    response = client.get(URL, {"q": "roadmap"})
    assert "Confidential" not in response.text


def test_hidden_wins_are_found_only_by_their_author_and_moderators(reader):
    author = UserFactory()
    win = post(author, "Quarterly gossip")
    Win.objects.filter(pk=win.pk).update(is_hidden=True, hidden_reason="Off topic")
    assert found(reader, "gossip") == []
    assert found(author, "gossip") == [win]
    assert found(moderator_user(), "gossip") == [win]
    assert found(UserFactory(is_staff=True), "gossip") == []


def test_results_come_in_numbered_pages_with_htmx_more(client, reader):
    author = UserFactory()
    for n in range(SEARCH_PAGE_SIZE + 3):
        post(author, f"Pagination sample number {n}")
    client.force_login(reader)
    first = client.get(URL, {"q": "pagination"})
    assert first.text.count('<article class="win-card') == SEARCH_PAGE_SIZE
    assert "page=2" in first.text
    second = client.get(URL, {"q": "pagination", "page": 2}, headers={"HX-Request": "true"})
    assert second.text.count('<article class="win-card') == 3
    assert "<html" not in second.text  # only the partial
    assert "page=3" not in second.text


def test_search_stops_at_the_page_cap(client, reader, monkeypatch):
    monkeypatch.setattr(search_module, "SEARCH_PAGE_SIZE", 1)
    for n in range(SEARCH_MAX_PAGES + 2):
        post(UserFactory(), f"Capped sample {n}")
    client.force_login(reader)
    response = client.get(URL, {"q": "capped", "page": SEARCH_MAX_PAGES + 5})
    assert response.status_code == 200
    assert "That is as far as search goes" in response.text
    assert f"page={SEARCH_MAX_PAGES + 1}" not in response.text


def test_search_runs_the_same_queries_for_few_or_many_results(
    client, reader, django_assert_max_num_queries
):
    def many(count: int) -> None:
        for n in range(count):
            author = UserFactory()
            win = post(author, f"Budget sample {n} with @{reader.email.split('@')[0]}")
            services.reaction_toggle(win=win, user=reader, kind="clap")
            services.comment_create(win=win, author=reader, body="Nice one")

    client.force_login(reader)
    many(2)
    with django_assert_max_num_queries(12) as few:
        client.get(URL, {"q": "budget"})
    many(SEARCH_PAGE_SIZE)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(URL, {"q": "budget"})


def test_more_results_is_the_shared_button(client, reader):
    """ "More results" is the "show more" every list uses, for the next page of the same words."""
    author = UserFactory()
    for n in range(SEARCH_PAGE_SIZE + 1):
        post(author, f"Rota change number {n}")
    win_search_vector_update()
    client.force_login(reader)
    response = client.get(URL, {"q": "rota"})
    assert 'data-hx-target="closest .feed-more"' in response.text
    assert f"{URL}?q=rota&amp;page=2" in response.text
    more = client.get(URL, {"q": "rota", "page": 2}, headers={"HX-Request": "true"})
    assert more.text.count("Rota change number") == 1
    assert "feed-more" not in more.text
