"""A win's text is rendered when it is saved (`Win.body_html`) and its mentions when it is shown.

What people see does not change: the stored HTML plus the mentions linked at
view time is exactly what rendering the whole text at view time gave.
"""

from __future__ import annotations

import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection
from django.urls import reverse

from accounts.models import User
from feed.wins import services
from feed.wins.models import Win
from feed.wins.text import link_mentions, render_body, render_text
from tests.factories import UserFactory, WinFactory
from tests.feed.wins.test_xss import PAYLOADS

pytestmark = pytest.mark.django_db


class Person:
    def __init__(self, pk: int, display_name: str) -> None:
        self.pk, self.display_name = pk, display_name


PEOPLE = {"ana": Person(1, "Ana <b>O'Brien</b> & co"), "luis.m": Person(2, "Luis")}

TEXTS = [
    "Shipped with @ana and @luis.m. #release",
    "@ana@luis.m (@ana) 'x'@ana a&b@ana &amp;@ana\n\n@unknown #tag@ana",
    "Mail ana@example.com or see https://example.org/@ana?x=1&y=#frag @ana.",
    "line one @ana\nline two @luis.m\r\n\r\nthird paragraph",
    *PAYLOADS,
    *(f"{payload} @ana #release" for payload in PAYLOADS),
]


@pytest.mark.parametrize("text", TEXTS)
def test_stored_html_with_mentions_linked_is_the_whole_rendering(text):
    """Rendering in two steps (on save, then when shown) gives what one step gave."""
    assert link_mentions(render_body(text), people=PEOPLE) == render_text(text, people=PEOPLE)
    assert link_mentions(render_body(text), people={}) == render_text(text)


def test_a_win_stores_its_text_rendered_and_an_edit_renders_it_again():
    author = UserFactory()
    win = services.win_create(author=author, body="First #release with @someone")
    win.refresh_from_db()
    assert win.body_html == render_body("First #release with @someone")
    assert 'class="tag"' in win.body_html
    assert "@someone" in win.body_html  # mentions are linked when shown, not stored

    services.win_update(
        win=win, editor=author, body="Second https://example.org", visibility="everyone"
    )
    win.refresh_from_db()
    assert win.body_html == render_body("Second https://example.org")


def test_the_feed_names_a_mentioned_person_as_they_are_called_now(client):
    """Names are not stored with the text: a renamed person shows with their new name."""
    reader = UserFactory()
    ana = UserFactory(email="ana.lopez@example.com", name="Ana López")
    services.win_create(author=UserFactory(), body="Thanks @ana.lopez for the help")
    User.objects.filter(pk=ana.pk).update(name="Ana López García")
    client.force_login(reader)

    html = client.get(reverse("feed:home")).content.decode()

    profile = reverse("accounts:profile", kwargs={"pk": ana.pk})
    assert (
        f'<a class="mention" href="{profile}" rel="nofollow noopener">@Ana López García</a>' in html
    )


def test_a_win_saved_without_its_html_is_rendered_when_shown(client):
    """Rows written without `body_html` (by hand, before the migration) still show their text."""
    win = WinFactory(body="Written by hand #handmade")
    assert win.body_html == ""
    client.force_login(UserFactory())

    html = client.get(reverse("feed:home")).content.decode()

    assert render_body("Written by hand #handmade") in html


def test_the_migration_fills_the_html_of_existing_wins():
    wins = [WinFactory(body=f"Old win {n} #legacy https://example.org/{n}") for n in range(3)]
    migration = importlib.import_module("feed.migrations.0003_win_body_html")

    # The fill needs only the schema editor's connection (a real one cannot open
    # inside a test's transaction on SQLite).
    migration.fill_body_html(apps, SimpleNamespace(connection=connection))

    for win in wins:
        assert Win.objects.get(pk=win.pk).body_html == render_body(win.body)
