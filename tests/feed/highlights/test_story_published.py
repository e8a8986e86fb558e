"""Once a story is published, each person who approved it gets its public link:
a line in the bell and an email, exactly once."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

from accounts.models import NotificationKind
from feed.highlights import services as highlights
from feed.notifications.models import Email, Notification
from feed.notifications.selectors import notification_page
from feed.notifications.services import notify_story_published

pytestmark = pytest.mark.django_db


def public_url(highlight) -> str:
    return reverse("highlights:detail", kwargs={"slug": highlight.slug})


def test_each_person_who_approved_gets_the_link_in_the_bell(
    approved, comms, author, credited, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        published = highlights.highlight_publish(highlight=approved, by=comms)

    for person in (author, credited):
        (line,) = [
            n
            for n in notification_page(user=person).notifications
            if n.kind == NotificationKind.STORY_PUBLISHED
        ]
        assert line.url == public_url(published)
        assert line.story_title == published.title
    # Comms published it: nothing to tell them.
    assert not Notification.objects.filter(recipient=comms, kind=NotificationKind.STORY_PUBLISHED)


def test_the_email_carries_the_public_address(
    approved, comms, author, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        published = highlights.highlight_publish(highlight=approved, by=comms)

    (message,) = [m for m in mail.outbox if m.to == [author.email]]
    address = f"{settings.SITE_URL}{public_url(published)}"
    assert "is now public" in message.subject
    assert address in message.body
    assert address in message.alternatives[0][0]


def test_told_exactly_once(approved, comms, author, credited):
    """Announced again (a retry, a second publication), nobody hears twice."""
    published = highlights.highlight_publish(highlight=approved, by=comms)

    assert notify_story_published(highlight=published) == []
    assert (
        Notification.objects.filter(kind=NotificationKind.STORY_PUBLISHED, recipient=author).count()
        == 1
    )
    assert (
        Email.objects.filter(recipient=author, kind=NotificationKind.STORY_PUBLISHED).count() == 1
    )


def test_once_withdrawn_the_line_leads_to_the_consent_page_not_a_dead_link(approved, comms, author):
    published = highlights.highlight_publish(highlight=approved, by=comms)
    highlights.highlight_withdraw(highlight=published, by=author)

    (line,) = [
        n
        for n in notification_page(user=author).notifications
        if n.kind == NotificationKind.STORY_PUBLISHED
    ]
    assert line.url.startswith("/wins/consent/")
