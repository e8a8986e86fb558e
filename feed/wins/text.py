"""
What people type, made safe to show: links made clickable, `#tags` and
`@mentions` linked, line breaks kept, everything else escaped; and cut short
(`excerpt`) wherever a line quotes it.

A mention is `@` followed by the local part of a coworker's email address
(`@lucia.navarro`); the composer's autocomplete inserts it from a name.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

import nh3
from django.urls import reverse
from django.utils.html import escape, urlize
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator

HASHTAG_RE = re.compile(r"(?<![\w&#/])#([^\W_][\w-]{0,49})", re.UNICODE)
MENTION_RE = re.compile(r"(?<![\w@.])@([a-z0-9][a-z0-9._+-]{0,63})", re.IGNORECASE)

# What rendered text may contain once linked; nh3 removes anything else.
ALLOWED_TAGS = {"a", "br", "p"}
ALLOWED_ATTRIBUTES = {"a": {"href", "class", "title"}}


def parse_hashtags(text: str) -> list[str]:
    """Tag names in `text`, in order, without duplicates (case-insensitive)."""
    seen: dict[str, str] = {}
    for match in HASHTAG_RE.finditer(text):
        name = match.group(1).rstrip("-")
        seen.setdefault(name.lower(), name)
    return list(seen.values())


def parse_mentions(text: str) -> list[str]:
    """Mention handles in `text` (lowercased), in order, without duplicates."""
    return list(dict.fromkeys(m.group(1).rstrip(".").lower() for m in MENTION_RE.finditer(text)))


def handle_for(email: str) -> str:
    """The handle people type to mention someone: the local part of their address."""
    return email.split("@", 1)[0].lower()


def excerpt(text: str, *, chars: int) -> str:
    """`text` on one line (each run of spaces and line breaks made one space), cut
    to at most `chars` characters, the last an ellipsis when anything was left out.

    The one way a win's, a comment's or a highlight's text is quoted short: in
    notifications, emails, digests, the candidates' email, admin lists and the
    public pages' descriptions. Plain text: escape it where it is shown.
    """
    return Truncator(" ".join(text.split())).chars(chars)


def mentions_named(text: str, *, names: Mapping[str, str]) -> str:
    """`text` with each `@handle` turned into its person's name (`names` maps
    lowercased handles to display names), and an unknown handle's `@` dropped.

    For plain text quoted outside the feed (notifications, emails, digests):
    there a handle is part of an internal address and reads as noise, and an
    unknown one must not look like a person. Apply it before `excerpt`, so the
    cut is measured on what is shown.
    """
    if "@" not in text:
        return text

    def name(match: re.Match) -> str:
        handle = match.group(1).rstrip(".")
        rest = match.group(1)[len(handle) :]
        return names.get(handle.lower(), handle) + rest

    return MENTION_RE.sub(name, text)


def render_text(text: str, *, people: Mapping[str, object] | None = None) -> SafeString:
    """Escape `text`, then link URLs, `#tags` and known `@mentions`; keep line breaks.

    `people` maps handles to users (anything with `pk` and `display_name`); an
    unknown handle stays plain text, so a mention never reveals who exists.
    The same as `link_mentions(render_body(text), people=people)`.
    """
    return link_mentions(render_body(text), people=people)


def render_body(text: str) -> SafeString:
    """`text` escaped and sanitised, with URLs and `#tags` linked and line breaks kept,
    and `@mentions` left as typed.

    It depends on nothing but `text`, so it can be stored with what it renders
    (`Win.body_html`, written by the services) instead of being worked out at
    every view: escaping, `urlize` and `nh3` are most of a card's Python. Mentions
    name people, whose names change, so they are linked when shown (`link_mentions`).
    """
    html = urlize(escape(text), nofollow=True, autoescape=False)
    html = _link_outside_anchors(html, HASHTAG_RE, _hashtag_link)
    paragraphs = [p.replace("\n", "<br>") for p in re.split(r"\n{2,}", html.strip()) if p]
    return _clean("".join(f"<p>{p}</p>" for p in paragraphs))


def link_mentions(html: str, *, people: Mapping[str, object] | None = None) -> SafeString:
    """`html` made by `render_body`, with the `@mentions` of `people` linked to them.

    `people` maps handles to users, as for `render_text`. Text with no mention
    of them comes back as it is, without another pass of the sanitiser.
    """
    if not people or "@" not in html:
        return mark_safe(html)  # noqa: S308 - made by render_body: escaped and sanitised
    linked = _link_outside_anchors(html, MENTION_RE, lambda m: _mention_link(m, people))
    if linked == html:
        return mark_safe(html)  # noqa: S308 - as above
    # The links hold names: the result goes through the sanitiser again, as a whole.
    return _clean(linked)


def _clean(html: str) -> SafeString:
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        link_rel="nofollow noopener",
        url_schemes={"http", "https", "mailto"},
    )
    return mark_safe(cleaned)  # noqa: S308 - escaped first, then sanitised by nh3


def _link_outside_anchors(html: str, pattern: re.Pattern, link: Callable[[re.Match], str]) -> str:
    # Split on anchors (urlize's, or links made before) so that a `#` or an `@`
    # inside a URL or a link's text is left alone.
    parts = re.split(r"(<a [^>]*>.*?</a>)", html)
    for index, part in enumerate(parts):
        if not part.startswith("<a "):
            parts[index] = pattern.sub(link, part)
    return "".join(parts)


def _hashtag_link(match: re.Match) -> str:
    name = match.group(1).rstrip("-")
    rest = match.group(1)[len(name) :]
    url = reverse("feed:home") + "?" + urlencode({"tag": name.lower()})
    return f'<a class="tag" href="{escape(url)}">#{name}</a>{rest}'


def _mention_link(match: re.Match, people: Mapping[str, object]) -> str:
    handle = match.group(1).rstrip(".")
    rest = match.group(1)[len(handle) :]
    person = people.get(handle.lower())
    if person is None:
        return match.group(0)
    # `feed.wins.selectors.decorate` sets `profile_url` on the people of a page.
    url = getattr(person, "profile_url", None)
    url = url or reverse("accounts:profile", kwargs={"pk": person.pk})
    return f'<a class="mention" href="{url}">@{escape(person.display_name)}</a>{rest}'
