"""Reacting to a win: a toggle per kind, as a plain form and through htmx."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from feed.wins.models import Reaction, Win
from feed.wins.selectors import FEED_PAGE_SIZE
from feed.wins.services import reaction_toggle
from tests.factories import TeamFactory, UserFactory, WinFactory

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true", "HX-Current-URL": "http://testserver/?tag=x"}


@pytest.fixture
def viewer(client):
    person = UserFactory(name="Vera Viewer")
    client.force_login(person)
    return person


@pytest.fixture
def win():
    return WinFactory()


def react_url(win: Win) -> str:
    return reverse("feed:react", kwargs={"pk": win.pk})


def button(html: str, win: Win, kind: str) -> str:
    """The opening tag of one reaction button."""
    return re.search(rf'<button[^>]*id="react-{win.pk}-{kind}"[^>]*>', html, re.S).group(0)


def test_a_plain_post_toggles_and_goes_back_to_next(client, viewer, win):
    """Without JavaScript: the reaction is on, the counter moves, the browser goes back."""
    response = client.post(react_url(win), {"kind": "clap", "next": "/?tag=launch#win-1"})

    assert response.status_code == 302
    assert response["Location"] == "/?tag=launch#win-1"
    assert Reaction.objects.filter(win=win, user=viewer, kind="clap").exists()
    win.refresh_from_db()
    assert win.reaction_count == 1

    client.post(react_url(win), {"kind": "clap"})
    assert not Reaction.objects.filter(win=win, user=viewer).exists()
    win.refresh_from_db()
    assert win.reaction_count == 0


@pytest.mark.parametrize("target", ["https://evil.example.com/", "//evil.example.com/", ""])
def test_next_must_stay_on_this_site(client, viewer, win, target):
    """An outside or missing `next` falls back to the win's card on its page."""
    response = client.post(react_url(win), {"kind": "love", "next": target})
    assert response["Location"] == f"{win.get_absolute_url()}#win-{win.pk}"


def test_htmx_gets_the_reactions_bar_with_counts_and_pressed_state(client, viewer, win):
    """With htmx the answer is the reactions partial: pressed, counted, named."""
    reaction_toggle(win=win, user=UserFactory(name="Ana Ruiz"), kind="clap")

    response = client.post(react_url(win), {"kind": "clap"}, headers=HTMX)

    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert "<article" not in html
    assert re.match(rf'<div class="win-reactions"\s+id="reactions-{win.pk}"', html.strip())
    clap = button(html, win, "clap")
    assert 'aria-pressed="true"' in clap
    assert 'aria-pressed="false"' in button(html, win, "love")
    assert "Applause: 2 reactions" in html
    assert "Love: 0 reactions" in html
    assert 'data-announce="You reacted: Applause"' in html
    # The next plain-form fallback points back to the page the person is on.
    assert 'value="/?tag=x#win-' in html


def test_htmx_toggle_off_says_so(client, viewer, win):
    reaction_toggle(win=win, user=viewer, kind="insightful")
    html = client.post(react_url(win), {"kind": "insightful"}, headers=HTMX).content.decode()
    assert 'aria-pressed="false"' in button(html, win, "insightful")
    assert "Reaction removed: Insightful" in html
    assert "Insightful: 0 reactions" in html


def test_each_kind_is_a_button_with_its_name_and_count(client, viewer, win):
    """Four toggles; the accessible name carries the kind and the count."""
    reaction_toggle(win=win, user=viewer, kind="celebrate")
    html = client.get(reverse("feed:home")).content.decode()
    for kind in Reaction.Kind.values:
        assert re.search(rf'name="kind"\s+value="{kind}"', html)
    assert 'aria-pressed="true"' in button(html, win, "celebrate")
    assert "Celebrate: 1 reaction<" in html


def test_an_unknown_kind_is_refused_with_a_message(client, viewer, win):
    response = client.post(react_url(win), {"kind": "angry"}, follow=True)
    assert "That reaction does not exist." in response.content.decode()
    assert not Reaction.objects.exists()

    html = client.post(react_url(win), {"kind": "angry"}, headers=HTMX).content.decode()
    assert "That reaction does not exist." in html


@pytest.mark.parametrize("headers", [{}, HTMX])
def test_a_win_the_viewer_cannot_see_is_404(client, viewer, headers):
    """Another team's team-only win and a hidden win cannot be reacted to, or told apart."""
    other_team = WinFactory(author=UserFactory(team=TeamFactory(name="Sales")), visibility="team")
    hidden = WinFactory(is_hidden=True)
    for win in (other_team, hidden):
        response = client.post(react_url(win), {"kind": "clap"}, headers=headers)
        assert response.status_code == 404
    assert client.post("/wins/424242/react/", {"kind": "clap"}).status_code == 404
    assert not Reaction.objects.exists()


def test_get_is_not_allowed(client, viewer, win):
    assert client.get(react_url(win)).status_code == 405


def test_anonymous_visitors_are_sent_to_sign_in(client, win):
    response = client.post(react_url(win), {"kind": "clap"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert not Reaction.objects.exists()


def test_an_htmx_request_after_the_session_ended_reloads_to_sign_in(client, win):
    """htmx follows redirects itself; HX-Redirect makes the whole page go to sign in."""
    response = client.post(react_url(win), {"kind": "clap"}, headers=HTMX)
    assert response["HX-Redirect"].startswith(reverse("account_login"))
    assert "next=/%3Ftag%3Dx" in response["HX-Redirect"]


def test_csrf_is_enforced(win):
    """A POST without the CSRF token is refused, with or without htmx."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(UserFactory())
    assert client.post(react_url(win), {"kind": "clap"}).status_code == 403
    assert client.post(react_url(win), {"kind": "clap"}, headers=HTMX).status_code == 403
    assert not Reaction.objects.exists()


def test_csrf_token_from_the_page_is_accepted(win):
    """The token htmx sends (data-hx-headers on <body>) is the page's own."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(UserFactory())
    page = client.get(reverse("feed:home")).content.decode()
    token = re.search(r'"X-CSRFToken": "([^"]+)"', page).group(1)

    response = client.post(react_url(win), {"kind": "clap"}, headers={**HTMX, "X-CSRFToken": token})

    assert response.status_code == 200
    assert Reaction.objects.filter(win=win, kind="clap").count() == 1


def test_who_reacted_is_listed(client, viewer, win):
    for name, kind in (("Ana Ruiz", "clap"), ("Luis Gil", "clap"), ("Marta Sanz", "love")):
        reaction_toggle(win=win, user=UserFactory(name=name), kind=kind)
    html = client.get(win.get_absolute_url()).content.decode()
    assert "Ana Ruiz and 2 others" in html
    assert 'title="Applause: Ana Ruiz, Luis Gil"' in html
    assert re.search(r"<strong>Love</strong>\s*<a [^>]+>Marta Sanz</a>", html)


def test_without_javascript_a_reaction_returns_to_the_same_feed_page(client, viewer):
    """The form's `next` is the page the card is on (filters kept), not the next page."""
    for _ in range(FEED_PAGE_SIZE + 1):
        WinFactory(author=UserFactory(team=viewer.team))
    html = client.get(reverse("feed:home"), {"scope": "team"}).content.decode()
    assert "Show more wins" in html
    nexts = set(re.findall(r'name="next"\s+value="([^"#]+)#win-\d+"', html))
    assert nexts == {"/?scope=team"}


def test_each_button_shows_its_kind_in_words(client, win):
    """The word beside the emoji, so the button reads right where no emoji font exists;
    in the reader's language, and as the start of what a screen reader says."""
    client.force_login(UserFactory(language="es"))
    reaction_toggle(win=win, user=UserFactory(), kind="clap")
    html = client.get(reverse("feed:home")).content.decode()
    clap = re.search(rf'<button[^>]*id="react-{win.pk}-clap".*?</button>', html, re.S).group(0)
    assert re.search(r'class="reaction-label"[^>]*>Aplausos<', clap)
    assert "Aplausos: 1 reacción<" in clap
