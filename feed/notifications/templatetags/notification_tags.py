"""
What a notification says, and the bell's unread count, for templates.

The sentence ("Ana and 4 others reacted to your win") is written once, here,
for the list, the emails' subjects and bodies alike: in HTML the name is
bold and everything is escaped; in the text parts (autoescape off) it is plain.
It speaks the active language, which `wins_net.emails.email_render` sets to
the recipient's.
"""

from __future__ import annotations

from django import template
from django.template.context import Context
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext

from accounts.models import NotificationKind, User
from feed.highlights.models import Consent
from feed.notifications.models import Notification
from feed.notifications.selectors import unread_count

register = template.Library()

# Where the count is kept for the rest of the request: the header and the list
# page ask for it, and it costs one query once.
_UNREAD_ATTRIBUTE = "_wins_unread_notifications"
_HAS_REPORTS_ATTRIBUTE = "_wins_has_reports"


def notification_text(notification: Notification) -> tuple[str, dict[str, object]]:
    """The translated sentence of `notification`, with `%(name)s` (and `%(count)s`)
    placeholders, and the values that fill them."""
    actor = notification.actor
    values: dict[str, object] = {
        # Translators: who did something, when their account is gone.
        "name": actor.display_name if actor is not None else gettext("Someone"),
    }
    kind = notification.kind
    if kind == NotificationKind.REACTION:
        others = max(notification.actor_count - 1, 0)
        if others:
            values["count"] = others
            return (
                ngettext(
                    # Translators: "Ana and 1 other reacted to your win".
                    "%(name)s and %(count)s other reacted to your win",
                    "%(name)s and %(count)s others reacted to your win",
                    others,
                ),
                values,
            )
        return gettext("%(name)s reacted to your win"), values
    if kind == NotificationKind.COMMENT:
        return gettext("%(name)s commented on your win"), values
    if kind == NotificationKind.MENTION:
        return gettext("%(name)s mentioned you"), values
    if kind == NotificationKind.CREDIT:
        return gettext("%(name)s credited you on a win"), values
    if kind == NotificationKind.CONSENT:
        return gettext("%(name)s asked for your consent to publish your win"), values
    if kind == NotificationKind.CONSENT_ANSWER:
        return _consent_answer_text(notification, values)
    if kind == NotificationKind.STORY_WITHDRAWN:
        return _story_withdrawn_text(notification, values)
    if kind == NotificationKind.STORY_PUBLISHED:
        title = getattr(notification, "story_title", None)
        if title is None:
            return gettext("A story you approved is now public"), {}
        # Translators: a public story the person approved was published.
        return gettext("“%(title)s” is now public: here is its link"), {"title": title}
    return str(notification.get_kind_display()), {}


def _story_withdrawn_text(
    notification: Notification, values: dict[str, object]
) -> tuple[str, dict[str, object]]:
    """A public story taken down with its win: by its author (the `actor`), or by
    moderators (no actor). The title is set by `notification_selectors.stories_withdrawn`."""
    title = getattr(notification, "story_title", None)
    if title is None:
        return gettext("A public story was taken down with its win"), {}
    values["title"] = title
    if notification.actor is None:
        # Translators: moderators hid or deleted the win a public story told.
        return gettext("“%(title)s” is no longer public: moderators took its win down"), {
            "title": title
        }
    # Translators: the author deleted their win, or kept it for their team.
    return gettext("“%(title)s” is no longer public: %(name)s took the win back"), values


def _consent_answer_text(
    notification: Notification, values: dict[str, object]
) -> tuple[str, dict[str, object]]:
    """What the person asked did with a consent request (set by
    `notification_selectors.consent_answers`; without it, that they answered)."""
    answer = getattr(notification, "answer", None)
    if answer is None:
        return gettext("%(name)s answered your consent request"), values
    values["title"] = notification.answer_title
    if answer == Consent.Answer.APPROVED:
        # Translators: "Ana approved “Our new help centre”", a highlight comms asked about.
        return gettext("%(name)s approved “%(title)s”"), values
    if answer == Consent.Answer.DECLINED:
        return gettext("%(name)s declined “%(title)s”"), values
    # Translators: the request expired: nobody may publish it, as if declined.
    return gettext("%(name)s did not answer in time about “%(title)s”"), values


@register.simple_tag(takes_context=True)
def notification_sentence(context: Context, notification: Notification) -> str:
    """The sentence of `notification`: escaped, with the name bold, where the
    template escapes; plain text inside `{% autoescape off %}`."""
    pattern, values = notification_text(notification)
    if not context.autoescape:
        return pattern % values if values else pattern
    if not values:
        return conditional_escape(pattern)
    values = {
        key: format_html("<strong>{}</strong>", value)
        if key == "name"
        else conditional_escape(value)
        for key, value in values.items()
    }
    return mark_safe(conditional_escape(pattern) % values)  # noqa: S308 - escaped above


@register.simple_tag(takes_context=True)
def unread_notifications(context: Context) -> int:
    """How many unread notifications the signed-in person has; 0 for visitors.

    One query per request, however many templates ask.
    """
    request = context.get("request")
    user = context.get("user") or getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return 0
    count = getattr(request, _UNREAD_ATTRIBUTE, None)
    if count is None:
        count = unread_count(user=user)
        if request is not None:
            setattr(request, _UNREAD_ATTRIBUTE, count)
    return count


@register.simple_tag(takes_context=True)
def has_reports(context: Context) -> bool:
    """Whether the signed-in person has active people reporting to them, so the
    header offers them their team's digest. One query per page (an index probe
    on `manager_id`) per request, however many templates ask; none for
    visitors. Not cached beyond the request: a reporting line changed by an
    import shows at once."""
    request = context.get("request")
    user = context.get("user") or getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    answer = getattr(request, _HAS_REPORTS_ATTRIBUTE, None)
    if answer is None:
        answer = User.objects.filter(manager_id=user.pk, is_active=True).exists()
        if request is not None:
            setattr(request, _HAS_REPORTS_ATTRIBUTE, answer)
    return answer


def forget_unread(request) -> None:
    """Drop the count kept for this request, after marking notifications read."""
    if hasattr(request, _UNREAD_ATTRIBUTE):
        delattr(request, _UNREAD_ATTRIBUTE)
