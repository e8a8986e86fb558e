"""
Quoted text that names people: what a notification, an email or a digest quotes
of a win or a comment shows names where its author typed `@handles`.

A handle is the local part of a coworker's internal address: it reads as noise
to the person told, and in an email it leaves the building. One query finds
the names of every handle in a batch of texts, and none is made when no text
has an `@`.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q

from accounts.models import User
from feed.wins.text import excerpt, handle_for, mentions_named, parse_mentions


def mention_names(texts: Iterable[str]) -> dict[str, str]:
    """The display name of each person whose handle is `@mentioned` in `texts`,
    by lowercased handle. One query, none without a mention."""
    handles = set()
    for text in texts:
        if text and "@" in text:
            handles.update(parse_mentions(text))
    if not handles:
        return {}
    matches = Q()
    for handle in handles:
        matches |= Q(email__istartswith=f"{handle}@")
    names: dict[str, str] = {}
    for person in User.objects.filter(matches).only("email", "name").order_by("pk"):
        handle = handle_for(person.email)
        if handle in handles:
            names.setdefault(handle, person.display_name)
    return names


def named_excerpt(text: str, *, chars: int, names: dict[str, str]) -> str:
    """`text` quoted short (`excerpt`) with its handles turned into names
    (`mentions_named`, with `names` from `mention_names`)."""
    return excerpt(mentions_named(text, names=names), chars=chars)
