"""What is made for a signed-in person stays out of shared caches (wins_net/middleware.py).

Their pages say `Cache-Control: private` and `Vary: Cookie`; responses that
chose their caching on purpose keep it; public pages read by visitors are not
marked private, and set no cookie.
"""

from __future__ import annotations

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from feed.highlights import services as highlights
from feed.highlights.consents import consent_answer, consent_request
from feed.wins.services import comment_create, win_create
from tests.factories import UserFactory, comms_user
from wins_net.middleware import PrivateResponsesMiddleware, caching_chosen

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(db):
    manager = UserFactory(name="Marta Manager", email="marta@example.com")
    UserFactory(name="Ana García", email="ana@example.com", manager=manager)
    return manager


@pytest.fixture
def win(manager):
    win = win_create(author=manager.reports.get(), body="We closed 100 tickets #support")
    comment_create(win=win, author=manager, body="Well done @ana")
    return win


@pytest.fixture
def story(win):
    comms = comms_user(email="comms.person@example.com")
    highlight = highlights.highlight_propose(win=win, by=comms)
    consent_request(highlight=highlight, by=comms)
    consent_answer(
        consent=highlight.consents.get(person=win.author), person=win.author, approve=True
    )
    highlight.refresh_from_db()
    return highlights.highlight_publish(highlight=highlight, by=comms)


def signed_in_pages(win, manager) -> dict[str, tuple[str, dict]]:
    """Pages of a signed-in person: a URL and its query (and headers) each."""
    return {
        "feed": (reverse("feed:home"), {}),
        "feed, htmx page": (reverse("feed:home"), {"HTTP_HX_REQUEST": "true"}),
        "a win": (win.get_absolute_url(), {}),
        "search": (reverse("feed:search"), {"q": "tickets"}),
        "a person's page": (win.author.get_absolute_url(), {}),
        "own profile": (reverse("accounts:profile_edit"), {}),
        "people autocomplete": (reverse("accounts:autocomplete"), {"q": "an"}),
        "notifications": (reverse("notifications:list"), {}),
        "email preferences": (reverse("notifications:preferences"), {}),
        "digest preview": (reverse("notifications:digest_preview"), {}),
        "allauth's email page": (reverse("account_email"), {}),
        "a page that is not there": ("/no-such-page/", {}),
    }


def _get(client, url: str, extra: dict):
    headers = {k: v for k, v in extra.items() if k.startswith("HTTP_")}
    params = {k: v for k, v in extra.items() if not k.startswith("HTTP_")}
    return client.get(url, params, **headers)


def _directives(response) -> set[str]:
    return {d.strip().split("=")[0] for d in response.get("Cache-Control", "").split(",")}


def _vary(response) -> set[str]:
    return {v.strip().lower() for v in response.get("Vary", "").split(",")}


@pytest.mark.parametrize(
    "page",
    [
        "feed",
        "feed, htmx page",
        "a win",
        "search",
        "a person's page",
        "own profile",
        "people autocomplete",
        "notifications",
        "email preferences",
        "digest preview",
        "allauth's email page",
        "a page that is not there",
    ],
)
def test_signed_in_pages_are_private_and_vary_on_the_cookie(client, manager, win, page):
    client.force_login(manager)
    url, extra = signed_in_pages(win, manager)[page]

    response = _get(client, url, extra)

    assert response.status_code in (200, 404)
    assert "private" in _directives(response)
    assert "public" not in _directives(response)
    assert "cookie" in _vary(response)


def test_a_redirect_after_a_post_is_private_too(client, manager):
    client.force_login(manager)

    response = client.post(
        reverse("feed:win_new"), {"body": "Shipped it", "visibility": "everyone"}
    )

    assert response.status_code == 302
    assert "private" in _directives(response)


def test_responses_that_chose_their_caching_keep_it(client, manager, win, story):
    """The export stays `no-store`, the public JSON, share card and story image stay
    public and cacheable even when a signed-in person fetches them."""
    client.force_login(manager)

    export = client.get(reverse("accounts:export_csv"))
    json = client.get(reverse("highlights:latest_json"))
    share = client.get(reverse("highlights:share_image", kwargs={"slug": story.slug}))
    health = client.get(reverse("healthz"))

    assert export["Cache-Control"] == "private, no-store"
    for response in (json, share):
        assert response.status_code == 200
        assert "public" in _directives(response)
        assert "private" not in _directives(response)
    assert _directives(health) >= {"no-cache", "no-store"}  # never_cache's own


def test_public_pages_are_not_private_for_visitors(client, story):
    """The highlight pages, their feed, JSON and share card, read without signing
    in: nothing marks them private, and no cookie is set."""
    for url in (
        reverse("highlights:list"),
        reverse("highlights:detail", kwargs={"slug": story.slug}),
        reverse("highlights:feed"),
        reverse("highlights:latest_json"),
        reverse("highlights:share_image", kwargs={"slug": story.slug}),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "private" not in _directives(response), url
        assert not response.cookies, url


def test_a_public_page_read_while_signed_in_is_private(client, manager, story):
    """It is rendered in the reader's saved language, which no header tells a cache."""
    manager.language = "es"
    manager.save(update_fields=["language"])
    client.force_login(manager)

    response = client.get(reverse("highlights:detail", kwargs={"slug": story.slug}))

    assert response["Content-Language"] == "es"
    assert "private" in _directives(response)


@pytest.mark.parametrize(
    ("value", "chosen"),
    [
        ("", False),
        ("max-age=60", False),
        ("public, max-age=300", True),
        ("Private", True),
        ("no-cache", True),
        ("max-age=0, no-store", True),
        ("s-maxage=60", False),
    ],
)
def test_what_counts_as_caching_chosen(value, chosen):
    assert caching_chosen(value) is chosen


def test_the_middleware_keeps_what_a_view_chose(manager):
    """A view's own `max-age` is kept, now private; a view's `public` is left whole."""
    request = RequestFactory().get("/")
    request.user = manager

    def view_with(value: str):
        def view(request):
            response = HttpResponse("hello")
            response["Cache-Control"] = value
            return response

        return view

    kept = PrivateResponsesMiddleware(view_with("max-age=60"))(request)
    public = PrivateResponsesMiddleware(view_with("public, max-age=300"))(request)

    assert set(kept["Cache-Control"].replace(" ", "").split(",")) == {"max-age=60", "private"}
    assert public["Cache-Control"] == "public, max-age=300"
    assert not public.has_header("Vary")
