"""Notifications close their loop: opening one marks it read and leads on, the
whole line is its one link, and what they quote names people, never @handles.
"""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import NotificationKind
from feed.notifications.models import Notification
from feed.notifications.names import mention_names
from feed.notifications.selectors import notification_page
from feed.wins.models import Win
from feed.wins.services import comment_create, reaction_toggle
from feed.wins.text import mentions_named
from tests.factories import UserFactory, WinFactory

pytestmark = pytest.mark.django_db

LIST_URL = reverse("notifications:list")


@pytest.fixture
def bea(client):
    person = UserFactory(name="Bea Reader", email="bea@example.com")
    client.force_login(person)
    return person


@pytest.fixture
def carl():
    return UserFactory(name="Carl Otero", email="carl.otero@example.com")


@pytest.fixture
def win(bea):
    return WinFactory(author=bea, body="Closed the renewal with @carl.otero and @nobody.here.")


def open_url(notification: Notification) -> str:
    return reverse("notifications:open", args=[notification.pk])


# --------------------------------------------------------------------------
# Opening one marks it read
# --------------------------------------------------------------------------
def test_opening_a_line_marks_it_read_and_leads_to_the_comment(client, bea, carl, win):
    """Following a line's link marks it read, then goes to what it is about."""
    comment = comment_create(win=win, author=carl, body="Well done!")
    line = Notification.objects.get(recipient=bea, kind=NotificationKind.COMMENT)

    response = client.get(open_url(line))

    assert response.status_code == 302
    assert response.url == f"{win.get_absolute_url()}#comment-{comment.pk}"
    line.refresh_from_db()
    assert line.read_at is not None
    # Opening it again is harmless: still read, same place.
    assert client.get(open_url(line)).url == response.url


def test_opening_anothers_line_is_404_and_changes_nothing(client, bea, carl):
    """Someone else's notification, or no such id, answers 404 alike."""
    other_win = WinFactory(author=carl)
    reaction_toggle(win=other_win, user=UserFactory(), kind="clap")
    theirs = Notification.objects.get(recipient=carl)

    assert client.get(open_url(theirs)).status_code == 404
    assert client.get(reverse("notifications:open", args=[2**63])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_opening_a_line_about_a_win_hidden_since_is_404(client, bea, carl):
    """Moderators hid the win after Bea was mentioned on it: the line leads nowhere."""
    other_win = WinFactory(author=carl, body="Launch day")
    comment_create(win=other_win, author=carl, body="Thanks @bea")
    line = Notification.objects.get(recipient=bea)
    Win.objects.filter(pk=other_win.pk).update(is_hidden=True)

    assert client.get(open_url(line)).status_code == 404


def test_opening_needs_sign_in(client, bea, carl, win):
    reaction_toggle(win=win, user=carl, kind="clap")
    line = Notification.objects.get(recipient=bea)
    client.logout()

    response = client.get(open_url(line))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    line.refresh_from_db()
    assert line.read_at is None


def test_the_target_is_never_taken_from_the_request(client, bea, carl, win):
    """`next` and friends are ignored: there is nothing to turn into an open redirect."""
    reaction_toggle(win=win, user=carl, kind="clap")
    line = Notification.objects.get(recipient=bea)

    response = client.get(open_url(line), {"next": "https://evil.example/"})

    assert response.url == win.get_absolute_url()


def test_each_line_is_one_link_that_opens_it(client, bea, carl, win):
    """One link per line, through the opening view; "Mark as read" stays a button."""
    reaction_toggle(win=win, user=carl, kind="clap")
    comment_create(win=win, author=carl, body="Bravo")
    html = client.get(LIST_URL).content.decode()

    items = re.findall(r'<li id="notification-(\d+)".*?</li>', html, re.S)
    bodies = re.findall(r'(<li id="notification-\d+".*?</li>)', html, re.S)
    assert len(items) == 2
    for pk, body in zip(items, bodies, strict=True):
        links = re.findall(r'<a [^>]*href="([^"]+)"', body)
        assert links == [reverse("notifications:open", args=[int(pk)])]
        assert "Mark as read" in body


# --------------------------------------------------------------------------
# Names, never @handles
# --------------------------------------------------------------------------
def test_mentions_named_turns_handles_into_names_and_drops_unknown_ats():
    names = {"carl.otero": "Carl Otero"}

    text = mentions_named("Thanks @Carl.Otero, @ghost and mail@example.com.", names=names)

    assert text == "Thanks Carl Otero, ghost and mail@example.com."


def test_mention_names_costs_one_query_and_none_without_mentions(carl, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert mention_names(["No handles here", ""]) == {}
    with django_assert_num_queries(1):
        assert mention_names(["with @carl.otero", "and @CARL.otero again"]) == {
            "carl.otero": "Carl Otero"
        }


def test_the_list_quotes_names_not_handles(client, bea, carl, win):
    reaction_toggle(win=win, user=carl, kind="clap")

    page = notification_page(user=bea)

    assert page.notifications[0].excerpt == "Closed the renewal with Carl Otero and nobody.here."
    html = client.get(LIST_URL).content.decode()
    assert "@carl.otero" not in html
    assert "Carl Otero and nobody.here." in html


def test_a_notification_email_quotes_names_not_handles(
    bea, carl, django_capture_on_commit_callbacks
):
    """A mention's email (sent at once) quotes the comment with names."""
    win = WinFactory(author=carl, body="Launch day")
    with django_capture_on_commit_callbacks(execute=True):
        comment_create(
            win=win,
            author=carl,
            body="@bea, look at this with @carl.otero and @ghost",
        )

    (message,) = [m for m in mail.outbox if bea.email in m.to]
    html = message.alternatives[0][0]
    for part in (message.body, html):
        assert "@carl.otero" not in part
        assert "@ghost" not in part
        assert "Bea Reader, look at this with Carl Otero and ghost" in part


def test_the_list_makes_one_query_for_names_at_most(
    client, bea, carl, django_assert_max_num_queries
):
    """The names of a whole page of lines cost one query, whatever their number."""
    for n in range(5):
        other = WinFactory(author=bea, body=f"Win {n} with @carl.otero")
        reaction_toggle(win=other, user=carl, kind="clap")
    first = len(notification_page(user=bea).notifications)
    assert first == 5
    with django_assert_max_num_queries(8):
        client.get(LIST_URL)
    Notification.objects.update(read_at=timezone.now())
