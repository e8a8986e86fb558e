"""
What people type, made safe to show: links made clickable, `#tags` and
`@mentions` linked, line breaks kept, everything else escaped.

A mention is `@` followed by the local part of a coworker's email address
(`@lucia.navarro`); the composer's autocomplete inserts it from a name.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import nh3
from django.urls import reverse
from django.utils.html import escape, urlize
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe

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


def render_text(text: str, *, people: Mapping[str, object] | None = None) -> SafeString:
    """Escape `text`, then link URLs, `#tags` and known `@mentions`; keep line breaks.

    `people` maps handles to users (anything with `pk` and `display_name`); an
    unknown handle stays plain text, so a mention never reveals who exists.
    """
    people = people or {}
    html = urlize(escape(text), nofollow=True, autoescape=False)
    html = _link_outside_anchors(html, people)
    paragraphs = [p.replace("\n", "<br>") for p in re.split(r"\n{2,}", html.strip()) if p]
    html = "".join(f"<p>{p}</p>" for p in paragraphs)
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        link_rel="nofollow noopener",
        url_schemes={"http", "https", "mailto"},
    )
    return mark_safe(cleaned)  # noqa: S308 - escaped above, then sanitised by nh3


def _link_outside_anchors(html: str, people: Mapping[str, object]) -> str:
    # Split on anchors made by urlize so tags inside URLs are left alone.
    parts = re.split(r"(<a [^>]*>.*?</a>)", html)
    for index, part in enumerate(parts):
        if part.startswith("<a "):
            continue
        part = HASHTAG_RE.sub(_hashtag_link, part)
        parts[index] = MENTION_RE.sub(lambda m: _mention_link(m, people), part)
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
    url = reverse("accounts:profile", kwargs={"pk": person.pk})
    return f'<a class="mention" href="{url}">@{escape(person.display_name)}</a>{rest}'
