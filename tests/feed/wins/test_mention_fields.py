"""The markup static/js/mentions.js works from: which texts suggest people, and under which rule.

The suggestions themselves come from /people/autocomplete/ (tests/accounts/test_autocomplete.py);
the typing, in a real browser, is tests/browser/test_mentions.py.
"""

from __future__ import annotations

import re

import pytest

from tests.factories import TeamFactory, UserFactory, WinFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def reader(client):
    person = UserFactory(team=TeamFactory(name="Customer Care"))
    client.force_login(person)
    return person


def textareas(html: str) -> dict[str, str]:
    """Each textarea's opening tag, by its id."""
    return {
        re.search(r'id="([^"]+)"', tag).group(1): tag
        for tag in re.findall(r"<textarea\b[^>]*>", html)
    }


def test_the_script_comes_once_with_the_endpoint_and_translated_strings(client, reader):
    html = client.get("/").text
    scripts = re.findall(r'<script src="[^"]*js/mentions\.js"[^>]*>', html)
    assert len(scripts) == 1
    (tag,) = scripts
    assert 'data-url="/people/autocomplete/"' in tag
    assert 'data-msg-label="Suggested people"' in tag
    assert "data-msg-results=" in tag
    assert " defer" in tag


def test_the_script_is_in_spanish_for_spanish_readers(client, reader):
    reader.language = "es"
    reader.save(update_fields=["language"])
    html = client.get("/").text
    tag = re.search(r'<script src="[^"]*js/mentions\.js"[^>]*>', html).group(0)
    assert "Suggested people" not in tag


def test_nobody_signed_in_gets_no_script(client):
    assert "mentions.js" not in client.get("/accounts/login/").text


def test_the_win_text_suggests_people_by_the_chosen_visibility(client, reader):
    """No fixed rule on the text: the script reads the form's visibility radios."""
    body = textareas(client.get("/wins/new/").text)["compose_body"]
    assert "data-mentions" in body
    assert "data-mentions-visibility" not in body


def test_comments_suggest_as_the_win_is_visible(client, reader):
    """A comment on a team-only win suggests the team only, as the credit field does."""
    everyone = WinFactory(author=reader, visibility="everyone")
    team_only = WinFactory(author=reader, visibility="team")
    fields = textareas(client.get("/").text)
    assert 'data-mentions-visibility="everyone"' in fields[f"comment-body-{everyone.pk}"]
    assert 'data-mentions-visibility="team"' in fields[f"comment-body-{team_only.pk}"]
    page = textareas(client.get(f"/wins/{team_only.pk}/").text)
    assert 'data-mentions-visibility="team"' in page[f"comment-body-{team_only.pk}"]
