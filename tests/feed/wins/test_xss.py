"""User text is inert: a corpus of XSS payloads renders as text on every page that shows it.

Payloads go into every field a person controls (win text, comment, name, job
title, team, tag, image description) and each page that shows them is parsed:
no script but our own, no event-handler attribute, no `javascript:` link.
"""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from feed.wins import services
from feed.wins.models import Tag
from tests.factories import TeamFactory, UserFactory

pytestmark = pytest.mark.django_db

PAYLOADS = [
    "<script>alert('xss')</script>",
    "<img src=x onerror=alert(1)>",
    '"><svg onload=alert(1)>',
    '<a href="javascript:alert(1)">click</a>',
    "javascript:alert(1)",
    "<iframe src=//evil.example.org></iframe>",
    "';alert(String.fromCharCode(88,83,83))//",
    "<body onload=alert(1)>",
    '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
    "<details open ontoggle=alert(1)>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "<style>*{display:none}</style>",
    "{{ 7|add:7 }} {% now 'Y' %}",
    'http://example.org/"onmouseover="alert(1)',
]


class _Inspector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script" and not (attributes.get("src") or "").startswith("/static/"):
            self.problems.append(f"inline or foreign script: {attrs}")
        if tag in {"iframe", "svg", "math", "style", "object", "embed"}:
            self.problems.append(f"<{tag}> from user text")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"event handler {name}={value!r} on <{tag}>")
            if name in {"href", "src", "action", "formaction"} and (value or "").strip().lower(
            ).startswith("javascript:"):  # fmt: skip
                self.problems.append(f"javascript: URL in <{tag} {name}>")


def _problems(html: str) -> list[str]:
    inspector = _Inspector()
    inspector.feed(html)
    return inspector.problems


@pytest.fixture
def hostile(settings):
    """A person and a win where every field a person controls carries a payload."""
    team = TeamFactory(name="<img src=x onerror=alert('team')>")
    author = UserFactory(
        email="mallory@example.com",
        name="<script>alert('name')</script>Mallory",
        job_title='"><svg onload=alert(1)>',
        team=team,
    )
    reader = UserFactory(team=team)
    Tag.objects.create(name="<b>bold</b>", is_value=True)
    wins = []
    for payload in PAYLOADS:
        win = services.win_create(
            author=author,
            body=f"Shipped it {payload} #release",
            tag_names=["<b>bold</b>", payload[:40]],
            image_alt=payload,
        )
        services.comment_create(win=win, author=author, body=f"Nice {payload} @mallory")
        wins.append(win)
    return author, reader, wins


def test_payloads_stay_inert_on_every_page(client, hostile):
    author, reader, wins = hostile
    client.force_login(reader)
    pages = [
        reverse("feed:home"),
        reverse("feed:home") + "?tag=release",
        reverse("accounts:profile", kwargs={"pk": author.pk}),
        reverse("feed:search") + "?q=Shipped",
        *(win.get_absolute_url() for win in wins),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert _problems(response.text) == [], url
        assert "alert('xss')</script>" not in response.text, url


def test_payloads_stay_text_in_the_exports(client, hostile):
    author, _reader, _wins = hostile
    client.force_login(author)
    markdown = b"".join(client.get(reverse("accounts:export_markdown")).streaming_content)
    assert b"<script>" not in markdown
    assert b"&lt;script&gt;alert('name')&lt;/script&gt;Mallory" in markdown
    csv = b"".join(client.get(reverse("accounts:export_csv")).streaming_content).decode()
    assert "\n=" not in csv


def test_the_inspector_catches_what_it_looks_for():
    """The check itself can fail: raw payloads are reported."""
    assert _problems("<img src=x onerror=alert(1)>")
    assert _problems("<script>alert(1)</script>")
    assert _problems('<a href="javascript:alert(1)">x</a>')
    assert _problems('<script src="/static/js/feed.js"></script>') == []
