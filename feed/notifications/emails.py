"""
What each kind of email says: one builder per kind, turning a row into a message.

A builder returns the template and context of the message, or None when it is
no longer wanted (the person turned that kind off, the win is gone or no longer
visible to them, there is nothing left to say); the row is then skipped, not
sent. `message_build` adds what every email carries: the row's deterministic
Message-ID and one-click unsubscribe (RFC 8058), with a visible link too; a
one-off email (an invitation) has nothing to unsubscribe from.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.mail import EmailMultiAlternatives
from django.urls import reverse

from accounts.models import NotificationKind
from feed.highlights.models import CONSENT_MESSAGE_MAX_LENGTH
from feed.notifications.candidates import candidates_email_context
from feed.notifications.digests import digest_email_context
from feed.notifications.invitations import invitation_email_context
from feed.notifications.kinds import KINDS, NOTIFICATION_EMAILS, SUMMARIES, Family
from feed.notifications.models import Email, Notification
from feed.notifications.preferences import preferences_of
from feed.notifications.selectors import (
    STORY_KINDS,
    consent_answers,
    consent_link,
    decorate,
    stories_withdrawn,
)
from feed.notifications.services import unsubscribe_token
from feed.notifications.summaries import summary_email_context
from feed.wins.access import is_comms
from feed.wins.models import Win
from wins_net.emails import email_render
from wins_net.links import absolute_url

Built = tuple[str, dict] | None
type Builder = Callable[..., Built]  # called with `email=`
# What a single notification's email quotes of the comment or win.
QUOTE_CHARS = 300


def message_build(*, email: Email) -> EmailMultiAlternatives | None:
    """The message for `email`, rendered in its recipient's language, or None."""
    built = BUILDERS[email.kind](email=email)
    if built is None:
        return None
    template, context = built
    # Sent once for a reason of the person's own, like a password reset: nothing
    # to subscribe to, so no unsubscribe link or header.
    if KINDS[email.kind].family == Family.ONE_OFF:
        headers = {"Message-ID": email.message_id, "Auto-Submitted": "auto-generated"}
        context = {**context, "email": email}
        return email_render(template=template, to=email.recipient, context=context, headers=headers)
    unsubscribe_url = absolute_url(
        reverse(
            "notifications:unsubscribe",
            kwargs={"token": unsubscribe_token(user=email.recipient, email_kind=email.kind)},
        )
    )
    context = {
        **context,
        "email": email,
        "unsubscribe_url": unsubscribe_url,
        "preferences_url": absolute_url(reverse("notifications:preferences")),
    }
    headers = {
        "Message-ID": email.message_id,
        "List-Unsubscribe": f"<{unsubscribe_url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "Auto-Submitted": "auto-generated",
    }
    return email_render(template=template, to=email.recipient, context=context, headers=headers)


def notification_email_context(*, email: Email) -> Built:
    """One notification sent at once: someone reacted, commented, mentioned or
    credited; comms asked for consent; the person asked answered comms (left
    unsent when the recipient is no longer comms staff: it leads to the admin
    area); a public story was taken down with its win."""
    notification = (
        Notification.objects.filter(pk=email.notification_id)
        .select_related("actor", "win", "win__author", "comment")
        .first()
    )
    if notification is None:
        return None
    recipient = email.recipient
    if not preferences_of(recipient).wants(notification.kind):
        return None
    if notification.kind in STORY_KINDS:
        return _story_withdrawn(notification, recipient=recipient)
    if notification.win is None:
        return None
    if not Win.objects.visible_to(recipient).filter(pk=notification.win_id).exists():
        return None
    decorate(notification, excerpt_chars=QUOTE_CHARS)
    if notification.kind == NotificationKind.CONSENT:
        consent_link(notification, recipient=recipient)
    elif notification.kind == NotificationKind.CONSENT_ANSWER:
        if not is_comms(recipient):
            return None
        # The whole message: it is what comms need to read before anything else.
        consent_answers([notification], excerpt_chars=CONSENT_MESSAGE_MAX_LENGTH)
    return "notification", {
        "notification": notification,
        "win": notification.win,
        "win_url": absolute_url(notification.win.get_absolute_url()),
        # The win, the comment in it or the consent page; and what the message quotes.
        "link": absolute_url(notification.url),
        "quote": notification.excerpt,
    }


def _story_withdrawn(notification: Notification, *, recipient) -> Built:
    """A public story published or taken down with its win: it names no win,
    which may be gone."""
    decorate(notification)
    stories_withdrawn([notification], recipient=recipient)
    if not hasattr(notification, "story_title"):
        return None
    # The link to share: only while the story is still public.
    if notification.kind == NotificationKind.STORY_PUBLISHED and not notification.url.startswith(
        "/highlights/"
    ):
        return None
    return "notification", {
        "notification": notification,
        "link": absolute_url(notification.url) if notification.url else "",
        "quote": "",
    }


# Every kind's builder: one per family, and the weekly and one-off emails their own.
BUILDERS: dict[str, Builder] = {
    **{kind.value: notification_email_context for kind in NOTIFICATION_EMAILS},
    **{kind.value: summary_email_context for kind in SUMMARIES},
    Email.Kind.DIGEST: digest_email_context,
    Email.Kind.CANDIDATES: candidates_email_context,
    Email.Kind.INVITATION: invitation_email_context,
}
