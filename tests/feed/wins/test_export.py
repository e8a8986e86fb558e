"""The "My wins" export at /people/me/wins.md and /people/me/wins.csv: one's own
record, in one's time zone, safe in a spreadsheet, streamed."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest
from django.http import StreamingHttpResponse
from django.urls import reverse

from feed.wins import services
from feed.wins.exports import EXPORT_CHUNK_SIZE, csv_safe
from feed.wins.models import Win
from tests.factories import TeamFactory, UserFactory, WinFactory

pytestmark = pytest.mark.django_db

MD = reverse("accounts:export_markdown")
CSV = reverse("accounts:export_csv")


def body(response) -> str:
    assert isinstance(response, StreamingHttpResponse)
    return b"".join(response.streaming_content).decode("utf-8")


def rows(response) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(body(response).lstrip("\ufeff"))))


@pytest.fixture
def world():
    care, sales = TeamFactory(name="Care"), TeamFactory(name="Sales")
    me = UserFactory(
        name="Maite Me", email="maite.me@example.com", team=care, time_zone="America/Mexico_City"
    )
    mate = UserFactory(name="Mateo Mate", team=care)
    other = UserFactory(name="Otto Other", team=sales)
    mine = services.win_create(author=me, body="Shipped the rota #planning", credited=[mate])
    # 03:30 UTC on 2 March is still 1 March in Mexico City.
    Win.objects.filter(pk=mine.pk).update(created_at=datetime(2026, 3, 2, 3, 30, tzinfo=UTC))
    mine_team = services.win_create(author=me, body="Team-only win of mine", visibility="team")
    credited = services.win_create(author=mate, body="Mateo's win with me", credited=[me])
    services.reaction_toggle(win=credited, user=other, kind="clap")
    services.comment_create(win=credited, author=other, body="Bravo")
    not_mine = services.win_create(author=other, body="Otto's own win")
    return locals()


@pytest.mark.parametrize("address", [MD, CSV])
def test_login_required(client, address):
    assert client.get(address).status_code == 302


def test_csv_holds_my_wins_and_the_wins_i_am_credited_on(client, world):
    client.force_login(world["me"])
    response = client.get(CSV)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="wins-maite-me-')
    assert response["Content-Disposition"].endswith('.csv"')
    table = {row["Text"]: row for row in rows(response)}
    assert set(table) == {
        "Shipped the rota #planning",
        "Team-only win of mine",
        "Mateo's win with me",
    }
    shipped = table["Shipped the rota #planning"]
    assert shipped["Date"] == "2026-03-01 21:30"  # in my time zone
    assert shipped["Role"] == "Posted"
    assert shipped["Tags"] == "#planning"
    assert shipped["Credited"] == "Mateo Mate"
    assert shipped["Link"] == f"http://testserver{world['mine'].get_absolute_url()}"
    theirs = table["Mateo's win with me"]
    assert (theirs["Role"], theirs["Author"]) == ("Credited", "Mateo Mate")
    assert (theirs["Reactions"], theirs["Comments"]) == ("1", "1")
    assert table["Team-only win of mine"]["Visible to"] == "My team only"


def test_csv_starts_with_a_byte_order_mark_for_spreadsheets(client, world):
    client.force_login(world["me"])
    assert body(client.get(CSV)).startswith("\ufeffDate,")


@pytest.mark.parametrize(
    ("value", "safe"),
    [
        ('=HYPERLINK("http://evil")', '\'=HYPERLINK("http://evil")'),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("plain = text", "plain = text"),
        ("", ""),
    ],
)
def test_cells_that_spreadsheets_would_run_are_quoted(value, safe):
    assert csv_safe(value) == safe


def test_csv_never_lets_a_win_run_as_a_formula(client, world):
    me = world["me"]
    services.win_create(author=me, body='=HYPERLINK("http://evil.example","click")')
    sneaky = UserFactory(name="@evil", team=me.team)
    services.win_create(author=sneaky, body="+cmd|' /C calc'!A0", credited=[me])
    client.force_login(me)
    for row in rows(client.get(CSV)):
        for column in ("Text", "Author", "Credited", "Tags"):
            assert not row[column].startswith(("=", "+", "-", "@")), row
    texts = {row["Text"] for row in rows(client.get(CSV))}
    assert '\'=HYPERLINK("http://evil.example","click")' in texts


def test_markdown_is_a_readable_brag_document(client, world):
    client.force_login(world["me"])
    response = client.get(MD)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/markdown; charset=utf-8"
    assert response["Content-Disposition"].endswith('.md"')
    text = body(response)
    assert text.startswith("# Wins of Maite Me\n")
    posted, credited = text.split("## Wins I posted\n", 1)[1].split("## Wins I was credited on\n")
    assert "> Shipped the rota #planning" in posted
    assert "### March 1, 2026" in posted
    assert "Tags: #planning" in posted
    assert "With: Mateo Mate" in posted
    assert "Team only" in posted
    assert "> Mateo's win with me" in credited
    assert "by Mateo Mate" in credited
    assert "1 reaction · 1 comment" in credited
    assert f"(http://testserver{world['credited'].get_absolute_url()})" in credited


def test_markdown_keeps_win_text_inside_its_quote(client, world):
    """A win starting with "# " cannot become a heading of the document."""
    services.win_create(author=world["me"], body="# Not a heading\n\nSecond paragraph")
    client.force_login(world["me"])
    text = body(client.get(MD))
    assert "> # Not a heading\n>\n> Second paragraph" in text
    assert "\n# Not a heading" not in text


def test_markdown_speaks_my_language(client, world):
    me = world["me"]
    me.language = "es"
    me.save(update_fields=["language"])
    client.force_login(me)
    text = body(client.get(MD))
    assert text.startswith("# ")
    assert "1 de marzo de 2026" in text


def test_only_my_own_data(client, world):
    client.force_login(world["other"])
    csv_texts = {row["Text"] for row in rows(client.get(CSV))}
    assert csv_texts == {"Otto's own win"}
    markdown = body(client.get(MD))
    assert "Otto's own win" in markdown
    assert "Shipped the rota" not in markdown
    assert "Mateo's win with me" not in markdown


def test_an_empty_history_still_makes_a_document(client):
    client.force_login(UserFactory(name="Nuevo"))
    text = body(client.get(MD))
    assert "No wins posted yet." in text
    assert "Not credited on any win yet." in text
    assert len(rows(client.get(CSV))) == 0


def test_a_long_history_streams_in_chunks(client, django_assert_max_num_queries):
    """Rows come from a chunked iterator: queries grow with chunks, not with wins."""
    me = UserFactory()
    Win.objects.bulk_create(
        [Win(author=me, body=f"Win {n}", team=me.team) for n in range(EXPORT_CHUNK_SIZE + 5)]
    )
    client.force_login(me)
    response = client.get(CSV)
    with django_assert_max_num_queries(12):
        table = rows(response)
    assert len(table) == EXPORT_CHUNK_SIZE + 5


def test_hidden_win_of_mine_is_still_mine(client, world):
    Win.objects.filter(pk=world["mine"].pk).update(is_hidden=True, hidden_reason="Oops")
    client.force_login(world["me"])
    assert "Shipped the rota #planning" in {row["Text"] for row in rows(client.get(CSV))}


def test_wins_factory_made_for_others_never_leak(client, world):
    WinFactory(author=world["other"], body="Team secret of Sales", visibility="team")
    client.force_login(world["me"])
    assert "Team secret of Sales" not in body(client.get(MD))
