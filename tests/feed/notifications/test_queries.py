"""The notifications list and the bell cost the same number of queries at any size.

The list: session, user, the bell's unread count, the page of notifications
(actor, win and comment joined in). The bell on any page: one query, once per
request however many templates ask for it.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from accounts.models import NotificationKind
from feed.notifications.models import Notification
from feed.wins.models import Comment, Win
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LIST_BUDGET = 5


def make_notifications(recipient, count: int) -> None:
    """`count` notifications of every kind, by different people, each about its own win."""
    actors = [UserFactory(name=f"Actor {n}") for n in range(5)]
    wins = Win.objects.bulk_create(
        Win(author=recipient, team=recipient.team, body=f"Win {n}") for n in range(count)
    )
    comments = Comment.objects.bulk_create(
        Comment(win=win, author=actors[n % 5], body=f"Comment {n}") for n, win in enumerate(wins)
    )
    kinds = [
        NotificationKind.REACTION,
        NotificationKind.COMMENT,
        NotificationKind.MENTION,
        NotificationKind.CREDIT,
    ]
    now = timezone.now()
    Notification.objects.bulk_create(
        Notification(
            recipient=recipient,
            kind=kinds[n % 4],
            actor=actors[n % 5],
            actor_count=1 + n % 3,
            win=wins[n],
            comment=comments[n]
            if kinds[n % 4] in (NotificationKind.COMMENT, NotificationKind.MENTION)
            else None,
            updated_at=now - timedelta(minutes=n),
            read_at=now if n % 2 else None,
        )
        for n in range(count)
    )


def lines_in(response) -> int:
    return response.content.decode().count('<li id="notification-')


@pytest.mark.parametrize("count", [5, 50])
def test_the_list_costs_the_same_at_any_size(client, count, django_assert_max_num_queries):
    person = UserFactory()
    make_notifications(person, count)
    client.force_login(person)

    with django_assert_max_num_queries(LIST_BUDGET):
        response = client.get(reverse("notifications:list"))

    assert response.status_code == 200
    assert lines_in(response) == count


@pytest.mark.parametrize("count", [5, 50])
def test_show_more_costs_the_same_at_any_size(client, count, django_assert_max_num_queries):
    person = UserFactory()
    make_notifications(person, count + 50)
    client.force_login(person)
    first = client.get(reverse("notifications:list"))
    cursor = first.context["page"].next_cursor

    with django_assert_max_num_queries(LIST_BUDGET):
        response = client.get(
            reverse("notifications:list"), {"cursor": cursor}, headers={"HX-Request": "true"}
        )

    assert lines_in(response) == count


def test_the_bell_is_one_query_once_per_request(django_assert_num_queries):
    """The header asks two things once per request, however often it is drawn:
    the bell's unread count and whether to offer the team digest."""
    person = UserFactory()
    make_notifications(person, 20)
    request = RequestFactory().get("/")
    request.user = person

    with django_assert_num_queries(2):
        first = render_to_string("components/header.html", {"user": person}, request=request)
        render_to_string("components/header.html", {"user": person}, request=request)

    assert "Notifications, 10 unread" in first
