"""The public side of highlights: page, story, Atom, JSON and share card, without login."""

from __future__ import annotations

import io
import json

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from PIL import Image

from feed.highlights import services as highlights
from feed.highlights import share_images
from feed.highlights.consents import consent_answer, consent_request
from feed.highlights.dashboard import highlight_view_record
from feed.highlights.models import HighlightView
from feed.wins.models import Credit
from tests.factories import CommentFactory, WinFactory
from wins_net.images import encode

from .conftest import consent_of

pytestmark = pytest.mark.django_db

SECRET_BODY = "Zebra-quartz internal sentence about the Q3 renegotiation."
SECRET_COMMENT = "Walrus-umbra comment only the team should read."
SECRET_TEAM_WIN = "Heron-basalt team-only detail."
PUBLIC_TEXT = "Our support team answered a hundred customers in a single day.\nWell done!"


def detail_url(highlight):
    return reverse("highlights:detail", kwargs={"slug": highlight.slug})


def share_url(highlight):
    return reverse("highlights:share_image", kwargs={"slug": highlight.slug})


def publish(highlight, *, by, people):
    consent_request(highlight=highlight, by=by)
    for person in people:
        consent_answer(consent=consent_of(highlight, person), person=person, approve=True)
    highlight.refresh_from_db()
    return highlights.highlight_publish(highlight=highlight, by=by)


def public_responses(client, highlight) -> dict[str, bytes]:
    return {
        "list": client.get(reverse("highlights:list")),
        "detail": client.get(detail_url(highlight)),
        "atom": client.get(reverse("highlights:feed")),
        "json": client.get(reverse("highlights:latest_json")),
        "share": client.get(share_url(highlight)),
    }


def test_anonymous_reads_the_list_and_the_story(client, published):
    """No login and no session: the list and the story answer 200 to anyone."""
    response = client.get(reverse("highlights:list"))
    assert response.status_code == 200
    assert published.title in response.text
    assert "sessionid" not in response.cookies
    detail = client.get(detail_url(published))
    assert detail.status_code == 200
    assert "Ana García" in detail.text
    assert "Luis Pérez" in detail.text


def test_empty_list_is_friendly(client, db):
    response = client.get(reverse("highlights:list"))
    assert response.status_code == 200
    assert "No stories yet" in response.text


def test_list_is_newest_first_and_paginated(client, comms, author):
    made = []
    for n in range(13):
        win = WinFactory(author=author, body=f"Win number {n} of the quarter")
        made.append(
            publish(highlights.highlight_propose(win=win, by=comms), by=comms, people=[author])
        )
    first = client.get(reverse("highlights:list"))
    assert list(first.context["page"].object_list) == made[::-1][:12]
    second = client.get(reverse("highlights:list"), {"page": 2})
    assert list(second.context["page"].object_list) == [made[0]]
    assert client.get(reverse("highlights:list"), {"page": "x"}).status_code == 200


def test_open_graph_and_twitter_card(client, published, settings):
    text = client.get(detail_url(published)).text
    site = settings.SITE_URL
    assert '<meta property="og:type" content="article">' in text
    assert f'<meta property="og:title" content="{published.title}">' in text
    assert '<meta property="og:description"' in text
    assert f'<meta property="og:url" content="{site}{detail_url(published)}">' in text
    assert f'<meta property="og:image" content="{site}{share_url(published)}">' in text
    assert '<meta name="twitter:card" content="summary_large_image">' in text


@pytest.mark.parametrize("state", ["draft", "awaiting", "approved"])
def test_unpublished_highlights_are_404_and_absent(request, client, state):
    highlight = request.getfixturevalue(state)
    assert client.get(detail_url(highlight)).status_code == 404
    assert client.get(share_url(highlight)).status_code == 404
    for name, response in public_responses(client, highlight).items():
        if name in {"list", "atom", "json"}:
            assert highlight.slug not in response.content.decode(), name


def test_withdrawn_is_410_and_leaves_every_feed(client, published, comms):
    assert client.get(share_url(published)).status_code == 200
    highlights.highlight_withdraw(highlight=published, by=comms)
    detail = client.get(detail_url(published))
    assert detail.status_code == 410
    assert "This story is no longer published" in detail.text
    assert client.get(share_url(published)).status_code == 410
    for name in ("list", "atom", "json"):
        body = public_responses(client, published)[name].content.decode()
        assert published.slug not in body, name


def test_declined_before_publication_is_404(client, awaiting, credited):
    """Never public, so a 404 like any unknown address: a 410 would tell that a
    story with that title was prepared."""
    consent_answer(
        consent=consent_of(awaiting, credited), person=credited, approve=False, message="No"
    )
    assert client.get(detail_url(awaiting)).status_code == 404
    assert client.get(share_url(awaiting)).status_code == 404


def test_unknown_slug_is_404(client, db):
    assert client.get("/highlights/no-such-story/").status_code == 404
    assert client.get("/highlights/no-such-story/share.png").status_code == 404


def test_atom_feed_lists_public_fields(client, published, settings):
    response = client.get(reverse("highlights:feed"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    body = response.content.decode()
    assert published.title in body
    assert f"{settings.SITE_URL}{detail_url(published)}" in body
    assert "<name>Ana García, Customer Care; Luis Pérez, Customer Care</name>" in body


def test_json_lists_latest(client, published, settings):
    response = client.get(reverse("highlights:latest_json"))
    assert response.status_code == 200
    [item] = response.json()["highlights"]
    assert item["title"] == published.title
    assert item["url"] == f"{settings.SITE_URL}{detail_url(published)}"
    assert item["people"] == ["Ana García, Customer Care", "Luis Pérez, Customer Care"]
    assert set(item) == {"title", "url", "text", "image_url", "image_alt", "published_at", "people"}


def test_cors_only_for_configured_origins(client, published, settings):
    settings.HIGHLIGHTS_CORS_ORIGINS = ["https://www.example.org"]
    url = reverse("highlights:latest_json")
    allowed = client.get(url, headers={"Origin": "https://www.example.org"})
    assert allowed["Access-Control-Allow-Origin"] == "https://www.example.org"
    assert "Origin" in allowed["Vary"]
    other = client.get(url, headers={"Origin": "https://evil.example.net"})
    assert "Access-Control-Allow-Origin" not in other
    assert "Origin" in other["Vary"]
    assert "Access-Control-Allow-Origin" not in client.get(url)


def test_share_image_is_a_1200x630_png(client, comms, author):
    win = WinFactory(author=author, body="A win with a photo", image_status="ready", image_alt="Us")
    content = encode(Image.new("RGB", (300, 500), "orange"))
    win.image.save(content.name, ContentFile(content.read()), save=True)
    highlight = publish(highlights.highlight_propose(win=win, by=comms), by=comms, people=[author])
    response = client.get(share_url(highlight))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert "public" in response["Cache-Control"]
    card = Image.open(io.BytesIO(response.content))
    assert card.size == (1200, 630)
    assert card.getpixel((1100, 300))[:3] != card.getpixel((20, 300))[:3]  # the photo is drawn
    assert client.get(share_url(highlight)).content == response.content  # cached


def test_nothing_internal_leaks(client, comms, author, credited):
    """Every public response, for a story made from a win full of internal
    things, carries none of them: win body, comments, team-only wins, emails."""
    win = WinFactory(author=author, body=f"We did it.\n{SECRET_BODY} Thanks @luis!")
    Credit.objects.create(win=win, user=credited)
    CommentFactory(win=win, author=credited, body=SECRET_COMMENT)
    WinFactory(author=author, body=SECRET_TEAM_WIN, visibility="team")
    draft = highlights.highlight_propose(win=win, by=comms)
    highlights.highlight_update(
        highlight=draft, by=comms, title="A hundred customers", text=PUBLIC_TEXT,
        image_choice="none", image_alt="",
    )  # fmt: skip
    highlight = publish(draft, by=comms, people=[author, credited])
    markers = [SECRET_BODY, SECRET_COMMENT, SECRET_TEAM_WIN, "@example.com", author.email]
    for name, response in public_responses(client, highlight).items():
        assert response.status_code == 200, name
        body = response.content.decode("latin-1")
        if name == "json":
            body += json.dumps(response.json(), ensure_ascii=False)
        else:
            body += response.content.decode("utf-8", errors="replace")
        for marker in markers:
            assert marker not in body, (name, marker)
            assert marker.split()[0] not in body, (name, marker)
        assert "A hundred customers" in body or name == "share"


def test_taken_down_to_ask_again_is_410(client, published, comms):
    """An edit after publication takes the story down; its shared link answers 410."""
    highlights.highlight_update(
        highlight=published, by=comms, title=published.title, text="A new text.",
        image_choice="none", image_alt="",
    )  # fmt: skip
    published.refresh_from_db()
    assert published.status == "awaiting"
    assert client.get(detail_url(published)).status_code == 410


def test_share_card_draws_without_system_fonts(monkeypatch):
    """With no TrueType font installed, Pillow's own font draws the card, accents dropped."""

    monkeypatch.setattr(share_images, "FONT_CANDIDATES", ())
    share_images._font_path.cache_clear()
    try:
        png = share_images.draw_share_image(
            title="La página de estado " * 20, image=None, organisation="Señales"
        )
    finally:
        share_images._font_path.cache_clear()
    assert Image.open(io.BytesIO(png)).size == (1200, 630)


# --------------------------------------------------------------------------
# Public views: counted per day, without cookies or anything about the reader
# --------------------------------------------------------------------------
BROWSER = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) AppleWebKit/605.1.15 Version/17.0 Safari"


def views_of(highlight) -> int:

    return sum(HighlightView.objects.filter(highlight=highlight).values_list("count", flat=True))


def test_a_read_is_counted_without_a_cookie_of_its_own(client, published):
    """Each GET by a browser adds one to today's row; counting sets nothing on the
    reader, and the row holds no more than the highlight, the day and the count."""

    for expected in (1, 2, 3):
        response = client.get(detail_url(published), headers={"User-Agent": BROWSER})
        assert response.status_code == 200
        assert set(response.cookies) <= {"csrftoken"}  # see the test below
        assert views_of(published) == expected
    assert HighlightView.objects.filter(highlight=published).count() == 1
    fields = {f.name for f in HighlightView._meta.get_fields()}
    assert fields == {"id", "highlight", "day", "count"}


def test_the_public_pages_set_no_cookie(client, published):
    for url in (detail_url(published), reverse("highlights:list")):
        response = client.get(url, headers={"User-Agent": BROWSER})
        assert response.status_code == 200
        assert not response.cookies


@pytest.mark.parametrize(
    "headers",
    [
        {"User-Agent": BROWSER, "Sec-Purpose": "prefetch"},
        {"User-Agent": BROWSER, "Sec-Purpose": "prefetch;prerender"},
        {"User-Agent": BROWSER, "Purpose": "prefetch"},
        {"User-Agent": "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"},
        {"User-Agent": "facebookexternalhit/1.1"},
        {"User-Agent": "curl/8.5.0"},
        {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) HeadlessChrome/131.0 Safari/537.36"},
        {},
    ],
    ids=[
        "sec-purpose",
        "prerender",
        "purpose",
        "googlebot",
        "facebook",
        "curl",
        "headless",
        "none",
    ],
)
def test_prefetches_and_robots_are_not_counted(client, published, headers):
    assert client.get(detail_url(published), headers=headers).status_code == 200
    assert views_of(published) == 0


def test_head_is_not_counted(client, published):
    assert client.head(detail_url(published), headers={"User-Agent": BROWSER}).status_code == 200
    assert views_of(published) == 0


def test_withdrawn_is_gone_and_not_counted(client, published, comms):
    highlights.highlight_withdraw(highlight=published, by=comms)
    response = client.get(detail_url(published), headers={"User-Agent": BROWSER})
    assert response.status_code == 410
    assert views_of(published) == 0


def test_counting_keeps_the_page_small(client, published, django_assert_max_num_queries):
    """The story, its names, the other stories (none here) and one UPDATE once
    the day's row exists."""
    client.get(detail_url(published), headers={"User-Agent": BROWSER})
    with django_assert_max_num_queries(4):
        client.get(detail_url(published), headers={"User-Agent": BROWSER})
    assert views_of(published) == 2


def test_the_first_read_of_a_day_after_a_concurrent_one(published):
    """A row created between the UPDATE and the INSERT is incremented, not duplicated."""

    HighlightView.objects.create(highlight=published, day="2026-05-01", count=4)
    highlight_view_record(highlight_id=published.pk, day=__import__("datetime").date(2026, 5, 1))
    assert HighlightView.objects.get(highlight=published, day="2026-05-01").count == 5
