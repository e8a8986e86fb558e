"""A public story worth sharing: context, share links, more stories, the
organisation's site, a "Subscribe" footer, and 404/410 pages in the same look."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from feed.highlights import consents
from feed.highlights import services as highlights
from tests.factories import WinFactory

from .conftest import consent_of

pytestmark = pytest.mark.django_db

BROWSER = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) AppleWebKit/605.1.15 Version/17.0 Safari"


def detail_url(highlight) -> str:
    return reverse("highlights:detail", kwargs={"slug": highlight.slug})


def story_of(*, author, comms, body: str):
    """A published story of a new win of `author`, with their consent."""
    draft = highlights.highlight_propose(win=WinFactory(author=author, body=body), by=comms)
    consents.consent_request(highlight=draft, by=comms)
    consents.consent_answer(consent=consent_of(draft, author), person=author, approve=True)
    draft.refresh_from_db()
    return highlights.highlight_publish(highlight=draft, by=comms)


def hrefs(html: str, css_class: str) -> list[str]:
    """The unescaped `href` of every link whose class list has `css_class`."""
    links = re.findall(r"<a\b[^>]*>", html)
    return [
        unescape(re.search(r'href="([^"]*)"', link).group(1))
        for link in links
        if re.search(rf'class="[^"]*\b{re.escape(css_class)}\b', link)
    ]


def test_the_story_says_who_which_team_and_when(client, published):
    html = client.get(detail_url(published)).text
    assert re.search(
        r'<p class="story-people">\s*<span class="visually-hidden">People in this story:</span>'
        r"\s*Ana García, Customer Care · Luis Pérez, Customer Care\s*</p>",
        html,
    )
    date = published.published_at.astimezone().date().isoformat()
    assert re.search(rf'Published on\s*<time datetime="{date}T', html)
    assert "A small win at Wins" in html
    assert "We closed 100 tickets in a day" in html


def test_share_links_point_at_the_story(client, published, settings):
    """Copy link, LinkedIn, X and email, each carrying the story's canonical address."""
    url = f"{settings.SITE_URL}{detail_url(published)}"
    response = client.get(detail_url(published))
    html = response.text
    assert hrefs(html, "share-copy") == [url]
    assert hrefs(html, "share-linkedin") == [
        "https://www.linkedin.com/sharing/share-offsite/?url="
        + url.replace(":", "%3A").replace("/", "%2F")
    ]
    [x] = hrefs(html, "share-x")
    assert x.startswith("https://x.com/intent/tweet?text=")
    assert f"url={url.replace(':', '%3A').replace('/', '%2F')}" in x
    [email] = hrefs(html, "share-email")
    assert email.startswith("mailto:?subject=We%20closed%20100%20tickets")
    assert "+" not in email
    assert email.endswith(f"&body={url.replace(':', '%3A').replace('/', '%2F')}")
    assert [link.label for link in response.context["share_links"]] == [
        "Share on LinkedIn",
        "Share on X",
        "Send by email",
    ]


def test_no_third_party_script_or_cookie(client, published):
    """Sharing is links only: every script is our own file, and nothing sets a cookie."""
    response = client.get(detail_url(published), headers={"User-Agent": BROWSER})
    scripts = re.findall(r"<script\b[^>]*>", response.text)
    assert scripts == ['<script src="/static/js/share.js" defer>']
    assert "<iframe" not in response.text
    assert not response.cookies


def test_more_stories_are_the_latest_others(client, comms, author, published):
    others = [
        story_of(author=author, comms=comms, body=f"Another win, number {n}") for n in range(4)
    ]
    response = client.get(detail_url(published))
    assert response.context["more_stories"] == others[::-1][:3]
    html = response.text
    assert 'id="more-title">More stories</h2>' in html
    for story in others[1:]:
        assert f'href="{detail_url(story)}"' in html
    assert f'href="{detail_url(others[0])}"' not in html
    latest = others[-1]
    assert latest not in client.get(detail_url(latest)).context["more_stories"]


def test_a_story_alone_has_no_more_stories(client, published):
    response = client.get(detail_url(published))
    assert response.context["more_stories"] == []
    assert "More stories" not in response.text


def test_the_organisation_site_is_linked_when_set(client, published, settings):
    settings.ORGANISATION_URL = "https://www.example.org/"
    for url in (detail_url(published), reverse("highlights:list")):
        html = client.get(url).text
        assert hrefs(html, "public-site-link") == ["https://www.example.org/"]
        assert "Wins website" in html
    settings.ORGANISATION_URL = ""
    assert hrefs(client.get(detail_url(published)).text, "public-site-link") == []


def test_the_footer_offers_subscribe_with_a_readable_label(client, published):
    html = client.get(detail_url(published)).text
    footer = html[html.index('<footer class="public-footer">') :]
    assert re.search(
        r'<a href="/highlights/feed/"\s+type="application/atom\+xml"\s+'
        r'aria-describedby="subscribe-hint">\s*<img[^>]*alt=""[^>]*>\s*Subscribe\s*</a>',
        footer,
    )
    assert '<span id="subscribe-hint">New stories in your feed reader (Atom feed)</span>' in footer


def test_an_unknown_story_is_a_404_in_the_public_look(client, published):
    """Not the app's page: the public header and footer, the latest stories, no cookie."""
    response = client.get("/highlights/no-such-story/", headers={"User-Agent": BROWSER})
    assert response.status_code == 404
    assert [t.name for t in response.templates][:2] == [
        "highlights/not_found.html",
        "highlights/base_public.html",
    ]
    html = response.text
    assert "We can’t find that story" in html
    assert '<header class="public-header">' in html
    assert "Subscribe" in html
    assert f'href="{detail_url(published)}"' in html
    assert '<meta name="robots" content="noindex">' in html
    assert not response.cookies


def test_a_story_taken_down_is_a_410_in_the_public_look(client, published, comms, author):
    other = story_of(author=author, comms=comms, body="Still public")
    highlights.highlight_withdraw(highlight=published, by=comms)
    response = client.get(detail_url(published), headers={"User-Agent": BROWSER})
    assert response.status_code == 410
    html = response.text
    assert "This story is no longer published" in html
    assert '<header class="public-header">' in html
    assert 'id="latest-title">Latest stories</h2>' in html
    assert f'href="{detail_url(other)}"' in html
    assert not response.cookies


def queries_of(client, highlight) -> int:
    """How many queries one read of the story page makes."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(detail_url(highlight), headers={"User-Agent": BROWSER})
    assert response.status_code == 200
    return len(queries)


def test_the_page_keeps_one_query_budget(client, comms, author, published):
    """The story, its names, the other stories and their names, and one UPDATE of
    the day's count: five, with one other story as with many."""
    client.get(detail_url(published), headers={"User-Agent": BROWSER})  # the day's row
    story_of(author=author, comms=comms, body="One other win")
    assert queries_of(client, published) == 5
    for number in range(5):
        story_of(author=author, comms=comms, body=f"More wins {number}")
    assert queries_of(client, published) == 5


@pytest.mark.parametrize(
    ("url", "status"),
    [("detail", 200), ("unknown", 404), ("gone", 410)],
)
def test_the_public_pages_are_in_spanish(client, comms, author, published, url, status):
    """Every new word of the story, 404 and 410 pages, in Spanish (tú)."""
    other = story_of(author=author, comms=comms, body="Otra victoria")
    if url == "gone":
        highlights.highlight_withdraw(highlight=published, by=comms)
    path = {
        "detail": detail_url(other),
        "unknown": "/highlights/no-such-story/",
        "gone": detail_url(published),
    }[url]
    response = client.get(path, headers={"Accept-Language": "es"})
    assert response.status_code == status
    html = response.text
    assert "Suscríbete" in html
    for english in ("Subscribe", "New stories in your feed reader", "Share this story",
                    "More stories", "Latest stories", "We can’t find that story",
                    "Copy link", "Published on", "Send by email"):  # fmt: skip
        assert english not in html, english
