"""
Small pieces of a win card that need Python: relative times, the credits line,
the reaction icons and avatars; and the reaction buttons, which are markup a
template could hold but cost a fifth of a page of cards to render that way.

Both speak the reader's language; times are shown in the reader's time zone
(the middleware activates it), so "2 hours ago" and the full date agree.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from django import template
from django.contrib.humanize.templatetags.humanize import NaturalTimeFormatter, naturaltime
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.dateformat import format as date_format
from django.utils.formats import get_format
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.timesince import timesince
from django.utils.translation import ngettext

from accounts.models import User
from feed.wins.models import COMMENT_BODY_MAX_LENGTH, Win
from wins_net.templatetags.time_tags import iso_datetime

register = template.Library()

# Beyond a week, a date says more than "3 weeks ago".
RELATIVE_FOR = timedelta(days=7)

# The picture of each reaction kind (Reaction.Kind); its name is said by the caller.
REACTION_ICONS = {"clap": "👏", "celebrate": "🎉", "insightful": "💡", "love": "❤️"}
DEFAULT_REACTION_ICON = "⭐"


@register.filter
def since(value: datetime | None) -> str:
    """ "just now", "5 minutes ago", "3 days ago"; a short date when older than a week.

    One unit only ("3 days ago", not "3 days, 4 hours ago"): a feed is skimmed.
    Uses humanize's phrases, so Spanish comes with Django's own translation.
    """
    if value is None:
        return ""
    now = timezone.now()
    delta = now - value
    if delta < timedelta(days=1):
        return naturaltime(value)
    if delta < RELATIVE_FOR:
        phrase = timesince(value, now, time_strings=NaturalTimeFormatter.past_substrings, depth=1)
        return NaturalTimeFormatter.time_strings["past-day"] % {"delta": phrase}
    local = timezone.localtime(value)
    if local.year == timezone.localtime(now).year:
        return date_format(local, get_format("MONTH_DAY_FORMAT"))
    return date_format(local, get_format("DATE_FORMAT"))


# What `{% time_element %}` leaves in a card rendered for the cache (`feed.wins.cards`)
# in place of "5 minutes ago", which does not keep: the moment, to say it again
# for each reader (`feed.wins.cards`).
SINCE_HOLE = "<!--card:since:{}-->"


@register.simple_tag(takes_context=True)
def time_element(context, value: datetime) -> SafeString:
    """`<time>` with the machine-readable moment, the full date as its title and `since`.

    What `{{ v|iso_datetime }}`, `{{ v|date:'DATETIME_FORMAT' }}` and `{{ v|since }}` give,
    with the reader's local time worked out once: a page shows dozens of these.
    In a card rendered for the cache (`card_holes`), the relative text of a moment
    less than a week old is a hole; older ones show a date, which keeps.
    """
    local = timezone.localtime(value)
    relative = since(value)
    if context.get("card_holes") and timezone.now() - value < RELATIVE_FOR:
        relative = mark_safe(SINCE_HOLE.format(value.isoformat()))  # noqa: S308 - an ISO date
    return format_html(
        '<time datetime="{}" title="{}">{}</time>',
        iso_datetime(local),
        formats.date_format(local, "DATETIME_FORMAT"),
        relative,
    )


@register.simple_tag
def credits_line(people: Sequence[User]) -> SafeString:
    """ "with Ana", "with Ana and Luis", "with Ana, Luis and Marta", each name linked."""
    if not people:
        return SafeString("")
    links = [
        format_html(
            '<a href="{}">{}</a>',
            # `decorate` sets `profile_url`, so a page of cards reverses no URL here.
            getattr(person, "profile_url", None)
            or reverse("accounts:profile", kwargs={"pk": person.pk}),
            person.display_name,
        )
        for person in people
    ]
    others = mark_safe(", ".join(links[:-1]))  # noqa: S308 - each part is format_html's
    phrase = ngettext(
        # Translators: people credited on a win. "others" is a comma-separated list of
        # names, "last" the last name: "with Ana, Luis and Marta" / "con Ana, Luis y Marta".
        "with %(last)s",
        "with %(others)s and %(last)s",
        len(links),
    )
    return mark_safe(conditional_escape(phrase) % {"others": others, "last": links[-1]})  # noqa: S308


@register.simple_tag
def avatar(person: User, size: str = "md") -> SafeString:
    """A person's avatar, or their initial. `size` is sm (28px), md (40px) or lg (96px).

    A tag rather than an include: a page of cards shows dozens of avatars, and an
    include costs more than all the rest of one. `components/avatar.html` uses it.
    """
    size = size or "md"
    if person.avatar:
        url = person.avatar.url
        return format_html('<img class="avatar avatar-{}" src="{}" alt="">', size, url)
    return format_html(
        '<span class="avatar avatar-{} avatar-initials" aria-hidden="true">{}</span>',
        size,
        person.display_name[:1].upper(),
    )


# One button of the reactions bar; the count is left out when there is none. The
# kind's word is shown beside its emoji, so the button reads right where no emoji
# font exists; screen readers hear the whole ("Applause: 3 reactions"), which
# starts with the word they would see.
REACTION_BUTTON = (
    '<button type="submit" class="reaction" id="react-{pk}-{kind}" name="kind" value="{kind}"'
    ' aria-pressed="{pressed}" title="{title}">'
    '<span class="reaction-icon" aria-hidden="true">{icon}</span>'
    '<span class="reaction-label" aria-hidden="true">{label}</span>'
    '<span class="visually-hidden">{spoken}</span>{count}</button>'
)
REACTION_COUNT = '<span class="reaction-count" aria-hidden="true">{}</span>'


@register.simple_tag
def reaction_buttons(win: Win) -> SafeString:
    """The buttons of a win's reactions bar, one per kind, from `win.reaction_summary`
    (made by `feed.wins.selectors.decorate`): pressed when the reader reacted so, the
    names of who did as the tooltip, the kind's word shown beside its emoji, and the
    kind and its count said to screen readers.

    Python rather than a loop in the card: four buttons of eight values each, in
    twenty cards, were a fifth of the page's template work.
    """
    return format_html_join(
        "",
        REACTION_BUTTON,
        (
            {
                "pk": win.pk,
                "kind": reaction["kind"],
                "pressed": "true" if reaction["mine"] else "false",
                "title": reaction["title"],
                "icon": reaction_icon(reaction["kind"]),
                "label": reaction["label"],
                "spoken": reaction["spoken"],
                "count": format_html(REACTION_COUNT, reaction["count"])
                if reaction["count"]
                else "",
            }
            for reaction in win.reaction_summary
        ),
    )


@register.filter
def reaction_icon(kind: str) -> str:
    """The emoji of a reaction kind: a dictionary look-up, not an include per button."""
    return REACTION_ICONS.get(kind, DEFAULT_REACTION_ICON)


@register.simple_tag
def comment_max_length() -> int:
    """The longest comment the service accepts, for the textarea's `maxlength`."""
    return COMMENT_BODY_MAX_LENGTH
