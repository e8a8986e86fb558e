"""Commenting on wins and taking comments back, as plain forms and through htmx."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from feed.wins.models import COMMENT_BODY_MAX_LENGTH, Comment
from feed.wins.services import comment_create
from tests.factories import CommentFactory, TeamFactory, UserFactory, WinFactory

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


@pytest.fixture
def viewer(client):
    person = UserFactory(name="Vera Viewer")
    client.force_login(person)
    return person


@pytest.fixture
def win():
    return WinFactory()


def create_url(win) -> str:
    return reverse("feed:comment_create", kwargs={"pk": win.pk})


def delete_url(comment) -> str:
    return reverse("feed:comment_delete", kwargs={"pk": comment.pk})


# --------------------------------------------------------------- Create
def test_a_plain_comment_goes_to_the_wins_page_at_the_comment(client, viewer, win):
    """Without JavaScript: saved, counted, and the browser lands on the new comment."""
    response = client.post(create_url(win), {"body": "  Well done!  ", "layout": "feed"})

    comment = Comment.objects.get()
    assert (comment.author, comment.win, comment.body) == (viewer, win, "Well done!")
    assert response.status_code == 302
    assert response["Location"] == f"{win.get_absolute_url()}#comment-{comment.pk}"
    win.refresh_from_db()
    assert win.comment_count == 1
    page = client.get(response["Location"]).content.decode()
    assert "Your comment is posted." in page
    assert f'id="comment-{comment.pk}"' in page


def test_htmx_gets_the_comments_block_with_the_new_comment(client, viewer, win):
    """With htmx the answer is the comments partial in the layout it was posted from."""
    CommentFactory(win=win, body="older one")
    CommentFactory(win=win, body="old one")
    CommentFactory(win=win, body="the previous one")

    response = client.post(create_url(win), {"body": "Brilliant", "layout": "feed"}, headers=HTMX)

    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert html.strip().startswith('<section class="win-comments"')
    assert "Brilliant" in html
    assert "the previous one" in html
    assert "older one" not in html  # the feed shows the latest two
    assert "View all 4 comments" in html
    assert 'data-announce="Your comment is posted."' in html
    assert re.search(r"<textarea[^>]*></textarea>", html, re.S)  # the box is empty again


def test_htmx_on_the_wins_page_gets_every_comment(client, viewer, win):
    for body in ("note-uno", "note-dos", "note-tres"):
        CommentFactory(win=win, body=body)
    html = client.post(
        create_url(win), {"body": "note-cuatro", "layout": "page"}, headers=HTMX
    ).content.decode()
    assert all(body in html for body in ("note-uno", "note-dos", "note-tres", "note-cuatro"))
    assert "4 comments" in html
    assert 'id="comments"' in html


def test_mentions_in_a_comment_become_links(client, viewer, win):
    lucia = UserFactory(email="lucia.navarro@example.com", name="Lucía Navarro")
    html = client.post(
        create_url(win), {"body": "Thanks @lucia.navarro!"}, headers=HTMX
    ).content.decode()
    profile = reverse("accounts:profile", kwargs={"pk": lucia.pk})
    assert re.search(rf'<a class="mention" href="{profile}"[^>]*>@Lucía Navarro</a>', html)


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ("", "Write a comment first."),
        ("    ", "Write a comment first."),
        (
            "x" * (COMMENT_BODY_MAX_LENGTH + 1),
            "Keep your comment to 1000 characters (it has 1001).",
        ),
    ],
)
def test_an_empty_or_too_long_comment_comes_back_with_the_error(client, viewer, win, body, error):
    """htmx: the partial again, 200, the error tied to the box; plain: the win's page."""
    response = client.post(create_url(win), {"body": body}, headers=HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert error in html
    assert 'aria-invalid="true"' in html
    assert f'aria-describedby="comment-error-{win.pk}"' in html
    assert f'data-announce="{error}"' in html

    response = client.post(create_url(win), {"body": body})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" in html
    assert error in html
    assert not Comment.objects.exists()


def test_the_text_of_a_refused_comment_is_kept(client, viewer, win):
    long = "é" * (COMMENT_BODY_MAX_LENGTH + 5)
    html = client.post(create_url(win), {"body": long}, headers=HTMX).content.decode()
    assert long in html


@pytest.mark.parametrize("headers", [{}, HTMX])
def test_a_win_the_viewer_cannot_see_is_404(client, viewer, headers):
    other_team = WinFactory(author=UserFactory(team=TeamFactory(name="Sales")), visibility="team")
    response = client.post(create_url(other_team), {"body": "Hi"}, headers=headers)
    assert response.status_code == 404
    assert not Comment.objects.exists()


def test_commenting_needs_post_sign_in_and_csrf(client, win):
    assert client.post(create_url(win), {"body": "Hi"})["Location"].startswith(
        reverse("account_login")
    )
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(UserFactory())
    assert strict.post(create_url(win), {"body": "Hi"}).status_code == 403
    client.force_login(UserFactory())
    assert client.get(create_url(win)).status_code == 405
    assert not Comment.objects.exists()


# --------------------------------------------------------------- Delete
def test_deleting_without_javascript_asks_first(client, viewer, win):
    """GET shows a confirmation page; its POST deletes and goes back to the win."""
    comment = comment_create(win=win, author=viewer, body="Oops, wrong win")

    page = client.get(delete_url(comment))
    assert page.status_code == 200
    assert "Delete your comment?" in page.content.decode()
    assert "Oops, wrong win" in page.content.decode()
    assert Comment.objects.filter(pk=comment.pk).exists()

    response = client.post(delete_url(comment))
    assert response["Location"] == f"{win.get_absolute_url()}#comments"
    assert not Comment.objects.filter(pk=comment.pk).exists()
    win.refresh_from_db()
    assert win.comment_count == 0
    assert "Your comment is deleted." in client.get(response["Location"]).content.decode()


def test_deleting_through_htmx_gets_the_comments_block(client, viewer, win):
    keep = CommentFactory(win=win, body="Keep me")
    comment = comment_create(win=win, author=viewer, body="Delete me")

    response = client.post(delete_url(comment), {"layout": "feed"}, headers=HTMX)

    html = response.content.decode()
    assert response.status_code == 200
    assert "Delete me" not in html
    assert keep.body in html
    assert 'data-announce="Your comment is deleted."' in html
    assert "data-focus" in html


def test_the_delete_link_asks_for_confirmation_with_htmx(client, viewer, win):
    comment = comment_create(win=win, author=viewer, body="Mine")
    html = client.get(reverse("feed:home")).content.decode()
    url = delete_url(comment)
    assert f'href="{url}"' in html
    assert f'data-hx-post="{url}"' in html
    assert 'data-hx-confirm="Delete your comment? This cannot be undone."' in html


def test_only_the_author_may_delete(client, viewer, win):
    """Someone else's comment: 403 and nothing deleted; an invisible one: 404."""
    others = CommentFactory(win=win)
    assert client.get(delete_url(others)).status_code == 403
    assert client.post(delete_url(others)).status_code == 403
    assert client.post(delete_url(others), headers=HTMX).status_code == 403
    assert Comment.objects.filter(pk=others.pk).exists()

    hidden_win = WinFactory(author=UserFactory(team=TeamFactory(name="Sales")), visibility="team")
    invisible = CommentFactory(win=hidden_win, author=viewer)
    assert client.post(delete_url(invisible)).status_code == 404


def test_only_the_author_sees_the_delete_link(client, viewer, win):
    comment = CommentFactory(win=win)
    html = client.get(win.get_absolute_url()).content.decode()
    assert delete_url(comment) not in html
    assert f'href="/comments/{comment.pk}/report/"' in html


# --------------------------------------------------------------- Hidden
def test_a_hidden_comment_shows_only_to_its_author_with_the_reason(client, viewer, win):
    comment = CommentFactory(win=win, author=viewer, body="Too much", is_hidden=True,
                             hidden_reason="Off topic")  # fmt: skip
    html = client.get(win.get_absolute_url()).content.decode()
    assert "Too much" in html
    assert "Off topic" in html

    client.force_login(UserFactory())
    html = client.get(win.get_absolute_url()).content.decode()
    assert "Too much" not in html
    assert f'id="comment-{comment.pk}"' not in html
