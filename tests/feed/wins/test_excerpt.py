"""Excerpts of what people wrote: one helper for notifications, emails, digests,
the candidates' email, admin lists and the public pages."""

from __future__ import annotations

import pytest
from django.urls import reverse

from feed.wins.text import excerpt
from tests.factories import HighlightFactory, UserFactory, WinFactory


def test_an_excerpt_is_one_line_cut_with_an_ellipsis():
    """Line breaks and runs of spaces become one space; a long text ends in "…"."""
    assert excerpt("Closed\n\nthe   deal ", chars=40) == "Closed the deal"
    assert excerpt("Shipped the whole release today", chars=12) == "Shipped the…"
    assert len(excerpt("x" * 500, chars=280)) == 280


@pytest.mark.django_db
def test_the_admin_links_a_highlight_to_its_win_on_one_line(admin_client, settings):
    """The highlight list quotes its win's text like every other list: on one line."""
    settings.MFA_REQUIRED_FOR_STAFF = False
    win = WinFactory(author=UserFactory(), body="First line\n\nsecond line")
    HighlightFactory(win=win)
    response = admin_client.get(reverse("admin:feed_highlight_changelist"))
    assert response.status_code == 200
    assert "First line second line" in response.text
