"""The notifications list under the bell, marking read, and the bell itself.

Notifications are made the way the product makes them (comments, reactions
and credits through `feed.wins.services`), so these tests read what people get.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import NotificationKind
from feed.notifications.models import Notification
from feed.notifications.selectors import NOTIFICATIONS_PAGE_SIZE
from feed.wins.models import Win
from feed.wins.services import comment_create, reaction_toggle
from tests.factories import TeamFactory, UserFactory, WinFactory

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
LIST_URL = reverse("notifications:list")
READ_URL = reverse("notifications:mark_read")


@pytest.fixture
def bea(client):
    """The reader: her wins get reactions and comments; she is signed in."""
    person = UserFactory(name="Bea Reader", email="bea@example.com")
    client.force_login(person)
    return person


@pytest.fixture
def ana():
    return UserFactory(name="Ana García", email="ana@example.com")


@pytest.fixture
def win(bea):
    return WinFactory(author=bea, body="Closed the Bilbao renewal in one call")


def text_of(html: str) -> str:
    """The page's text with tags dropped and spaces collapsed, as a person reads it."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def unread_of(person) -> int:
    return Notification.objects.filter(recipient=person, read_at__isnull=True).count()


# --------------------------------------------------------------------------
# The list
# --------------------------------------------------------------------------
def test_grouped_reactions_read_as_one_line_linking_to_the_win(client, bea, ana, win):
    """Five people react: "Ana García and 4 others reacted to your win", linked to the win."""
    for person in [UserFactory() for _ in range(4)] + [ana]:
        reaction_toggle(win=win, user=person, kind="clap")

    page = client.get(LIST_URL)

    assert page.status_code == 200
    text = text_of(page.content.decode())
    assert "Ana García and 4 others reacted to your win" in text
    assert "Closed the Bilbao renewal in one call" in text  # what it is about
    line = Notification.objects.get(recipient=bea)
    # The line's one link opens it (marking it read) and leads to the win.
    opened = reverse("notifications:open", args=[line.pk])
    assert f'href="{opened}"' in page.content.decode()
    assert client.get(opened).url == win.get_absolute_url()


def test_two_reactions_say_one_other(client, bea, ana, win):
    reaction_toggle(win=win, user=UserFactory(), kind="clap")
    reaction_toggle(win=win, user=ana, kind="love")

    text = text_of(client.get(LIST_URL).content.decode())

    assert "Ana García and 1 other reacted to your win" in text


def test_newest_first_each_kind_says_what_happened(client, bea, ana, win):
    """A reaction, then a comment, a mention elsewhere and a credit: newest on top."""
    reaction_toggle(win=win, user=ana, kind="clap")
    comment = comment_create(win=win, author=ana, body="Brilliant, well done!")
    other_win = WinFactory(author=UserFactory(name="Carl Other"))
    comment_create(win=other_win, author=ana, body="Ask @bea about this")
    Notification.objects.filter(kind=NotificationKind.REACTION).update(
        updated_at=timezone.now() - timedelta(hours=2)
    )
    Notification.objects.filter(kind=NotificationKind.COMMENT).update(
        updated_at=timezone.now() - timedelta(hours=1)
    )

    html = client.get(LIST_URL).content.decode()
    text = text_of(html)

    lines = [
        "Ana García mentioned you",
        "Ana García commented on your win",
        "Ana García reacted to your win",
    ]
    positions = [text.index(line) for line in lines]
    assert positions == sorted(positions)
    # A comment's line leads to the comment, and quotes it.
    line = Notification.objects.get(recipient=bea, kind=NotificationKind.COMMENT)
    opened = reverse("notifications:open", args=[line.pk])
    assert f'href="{opened}"' in html
    assert client.get(opened).url == f"{win.get_absolute_url()}#comment-{comment.pk}"
    assert "“Brilliant, well done!”" in text


def test_unread_lines_are_marked_for_eyes_and_screen_readers(client, bea, ana, win):
    comment_create(win=win, author=ana, body="First")
    comment_create(win=win, author=ana, body="Second")
    Notification.objects.filter(comment__body="First").update(read_at=timezone.now())

    html = client.get(LIST_URL).content.decode()

    assert html.count('class="notification is-unread"') == 1
    assert html.count('class="notification"') == 1
    assert html.count('<span class="visually-hidden">Unread:</span>') == 1
    assert text_of(html).count("Mark as read") == 1  # only the unread line has the button


def test_looking_at_the_list_marks_nothing_read(client, bea, ana, win):
    comment_create(win=win, author=ana, body="Nice")

    client.get(LIST_URL)
    client.get(LIST_URL)

    assert unread_of(bea) == 1


def test_nothing_yet_is_a_friendly_empty_state(client, bea):
    text = text_of(client.get(LIST_URL).content.decode())

    assert "No notifications yet" in text
    assert "Mark all as read" not in text


def test_only_ones_own_notifications_are_listed(client, bea, ana, win):
    someone = UserFactory(name="Someone Else")
    comment_create(win=WinFactory(author=someone), author=ana, body="Not for Bea")

    text = text_of(client.get(LIST_URL).content.decode())

    assert "No notifications yet" in text


def test_the_list_needs_a_signed_in_person(client):
    response = client.get(LIST_URL)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


# --------------------------------------------------------------------------
# Visibility
# --------------------------------------------------------------------------
def test_lines_about_a_hidden_win_are_left_out_of_the_list_and_count(client, bea, ana):
    """Moderators hid a win Bea was mentioned on: its line and its count disappear."""
    elsewhere = WinFactory(author=UserFactory())
    comment_create(win=elsewhere, author=ana, body="Thanks @bea")
    Win.objects.filter(pk=elsewhere.pk).update(is_hidden=True)

    html = client.get(LIST_URL).content.decode()

    assert "No notifications yet" in text_of(html)
    assert "nav-bell-count" not in html


def test_lines_about_a_win_turned_team_only_are_left_out(client, bea, ana):
    """A win Bea was credited on later became team-only for a team she is not in."""
    author = UserFactory(team=TeamFactory(name="Legal"))
    elsewhere = WinFactory(author=author)
    comment_create(win=elsewhere, author=ana, body="Thanks @bea")
    Win.objects.filter(pk=elsewhere.pk).update(visibility=Win.Visibility.TEAM)

    assert "No notifications yet" in text_of(client.get(LIST_URL).content.decode())


# --------------------------------------------------------------------------
# Pages
# --------------------------------------------------------------------------
def _many(recipient, count: int) -> None:
    now = timezone.now()
    win = WinFactory(author=recipient)
    actor = UserFactory(name="Busy Person")
    Notification.objects.bulk_create(
        Notification(
            recipient=recipient,
            kind=NotificationKind.COMMENT,
            actor=actor,
            win=win,
            created_at=now - timedelta(minutes=n),
            updated_at=now - timedelta(minutes=n),
        )
        for n in range(count)
    )


def test_pages_by_cursor_and_show_more_through_htmx(client, bea):
    _many(bea, NOTIFICATIONS_PAGE_SIZE + 5)

    first = client.get(LIST_URL).content.decode()
    assert first.count('class="notification is-unread"') == NOTIFICATIONS_PAGE_SIZE
    more = re.search(r'href="(/notifications/\?cursor=[^"]+)"', first).group(1)

    plain = client.get(more.replace("&amp;", "&"))
    fragment = client.get(more.replace("&amp;", "&"), headers=HTMX)

    assert plain.status_code == 200
    assert plain.content.decode().count('class="notification is-unread"') == 5
    assert "Back to the newest notifications" in plain.content.decode()
    body = fragment.content.decode()
    assert body.count('class="notification is-unread"') == 5
    assert "<html" not in body
    assert 'data-announce="5 more notifications loaded"' in body
    assert "That is every notification you have." in body
    assert "HX-Request" in fragment["Vary"]


def test_a_broken_cursor_shows_the_first_page_with_a_message(client, bea):
    _many(bea, 3)

    response = client.get(LIST_URL, {"cursor": "not-a-cursor"})

    assert response.status_code == 400
    text = text_of(response.content.decode())
    assert "That link to older notifications is broken" in text
    assert text.count("Busy Person commented on your win") == 3


# --------------------------------------------------------------------------
# Marking read
# --------------------------------------------------------------------------
def test_mark_all_read_without_javascript(client, bea, ana, win):
    comment_create(win=win, author=ana, body="One")
    reaction_toggle(win=win, user=ana, kind="clap")

    response = client.post(READ_URL, {"all": "1", "next": LIST_URL})

    assert response.status_code == 302
    assert response["Location"] == LIST_URL
    assert unread_of(bea) == 0
    page = client.get(LIST_URL).content.decode()
    assert "All your notifications are marked as read." in page
    assert "nav-bell-count" not in page
    assert "Mark all as read" not in page


def test_mark_all_read_with_htmx_swaps_the_list_and_the_bell(client, bea, ana, win):
    comment_create(win=win, author=ana, body="One")

    response = client.post(READ_URL, {"all": "1"}, headers=HTMX)

    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="notifications"')
    assert 'data-announce="All your notifications are marked as read."' in body
    assert 'class="notification is-unread"' not in body
    assert 'id="nav-bell"' in body
    assert 'data-hx-swap-oob="true"' in body
    assert "nav-bell-count" not in body
    assert "You are all caught up." in body
    assert unread_of(bea) == 0


def test_mark_one_read_leaves_the_others(client, bea, ana, win):
    first = comment_create(win=win, author=ana, body="One")
    comment_create(win=win, author=ana, body="Two")
    notification = Notification.objects.get(comment=first)

    response = client.post(READ_URL, {"id": str(notification.pk), "next": LIST_URL})

    assert response.status_code == 302
    assert response["Location"] == f"{LIST_URL}#notification-{notification.pk}"
    notification.refresh_from_db()
    assert notification.read_at is not None
    assert unread_of(bea) == 1


def test_mark_one_read_with_htmx_swaps_the_line_the_toolbar_and_the_bell(client, bea, ana, win):
    comment = comment_create(win=win, author=ana, body="One")
    comment_create(win=win, author=ana, body="Two")
    notification = Notification.objects.get(comment=comment)

    response = client.post(READ_URL, {"id": str(notification.pk)}, headers=HTMX)

    body = response.content.decode()
    assert response.status_code == 200
    assert f'<li id="notification-{notification.pk}"' in body
    assert 'class="notification"' in body  # read now
    assert 'data-announce="Marked as read."' in body
    assert 'id="notifications-toolbar"' in body
    assert "1 unread" in text_of(body)
    assert re.search(r'<span class="nav-bell-count" aria-hidden="true">\s*1\s*</span>', body)
    assert "Notifications, 1 unread" in body


def test_another_persons_notification_cannot_be_marked(client, bea, ana):
    """An id of someone else's line changes nothing; htmx gets 404, a form goes back."""
    someone = UserFactory()
    comment_create(win=WinFactory(author=someone), author=ana, body="Theirs")
    theirs = Notification.objects.get(recipient=someone)

    plain = client.post(READ_URL, {"id": str(theirs.pk)})
    htmx = client.post(READ_URL, {"id": str(theirs.pk)}, headers=HTMX)
    everything = client.post(READ_URL, {"all": "1"})

    assert plain.status_code == 302
    assert htmx.status_code == 404
    assert everything.status_code == 302
    theirs.refresh_from_db()
    assert theirs.read_at is None


@pytest.mark.parametrize("value", ["abc", "-1", "99999999999999999999999", "", "١"])
def test_odd_ids_are_ignored(client, bea, ana, win, value):
    comment_create(win=win, author=ana, body="One")

    response = client.post(READ_URL, {"id": value})

    assert response.status_code == 302
    assert unread_of(bea) == 1


def test_marking_read_is_a_post_and_needs_a_signed_in_person(client, bea):
    assert client.get(READ_URL).status_code == 405
    client.logout()
    response = client.post(READ_URL, {"all": "1"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_next_may_not_leave_the_site(client, bea):
    response = client.post(READ_URL, {"all": "1", "next": "https://evil.example/"})

    assert response["Location"] == LIST_URL


# --------------------------------------------------------------------------
# The bell
# --------------------------------------------------------------------------
def test_the_bell_says_how_many_are_unread(client, bea, ana, win):
    comment_create(win=win, author=ana, body="One")
    comment_create(win=win, author=ana, body="Two")
    reaction_toggle(win=win, user=ana, kind="clap")

    html = client.get(reverse("feed:home")).content.decode()

    bell = re.search(r'<a id="nav-bell".*?</a>', html, re.S).group(0)
    assert f'href="{LIST_URL}"' in bell
    assert '<span class="visually-hidden">Notifications, 3 unread</span>' in bell
    assert re.search(r'<span class="nav-bell-count" aria-hidden="true">\s*3\s*</span>', bell)


def test_the_bell_without_unread_says_notifications_only(client, bea):
    html = client.get(reverse("feed:home")).content.decode()

    bell = re.search(r'<a id="nav-bell".*?</a>', html, re.S).group(0)
    assert '<span class="visually-hidden">Notifications</span>' in bell
    assert "nav-bell-count" not in bell


def test_the_bell_counts_99_plus(client, bea):
    _many(bea, 120)

    html = client.get(reverse("feed:home")).content.decode()

    assert re.search(r'<span class="nav-bell-count" aria-hidden="true">\s*99\+\s*</span>', html)
    assert "Notifications, 120 unread" in html


def test_signed_out_visitors_have_no_bell(client):
    html = client.get(reverse("account_login")).content.decode()

    assert 'id="nav-bell"' not in html


def test_the_bell_is_the_current_page_on_the_list(client, bea):
    html = client.get(LIST_URL).content.decode()

    bell = re.search(r'<a id="nav-bell".*?>', html, re.S).group(0)
    assert 'aria-current="page"' in bell
