"""
A highlight's public address: a readable slug from its title, never given twice.

`unique_slug` makes one; `move_to_title` is the rule for when a published
story's address follows a new title (the old one is kept to redirect).
"""

from __future__ import annotations

import re

from django.utils.text import slugify

from feed.highlights.models import Highlight, HighlightSlug

# Slugs are readable (from the title) and short enough for a shared link.
SLUG_BASE_LENGTH = 80
# Public URLs beside /highlights/<slug>/ (feed/highlights/urls.py) that a slug must not shadow.
RESERVED_SLUGS = {"feed"}


def _slug_base(title: str) -> str:
    return slugify(title)[:SLUG_BASE_LENGTH].strip("-") or "highlight"


def unique_slug(title: str, *, highlight_id: int | None = None) -> str:
    """A slug from `title` that no other highlight has now or had before (a past
    address keeps leading to its own story), and no public URL beside it has.
    The current and past slugs of `highlight_id` itself count as free: a story
    given its old title back gets its old address back."""
    base = _slug_base(title)
    live = Highlight.objects.filter(slug__startswith=base)
    past = HighlightSlug.objects.filter(slug__startswith=base)
    if highlight_id is not None:
        live = live.exclude(pk=highlight_id)
        past = past.exclude(highlight_id=highlight_id)
    slugs = (
        set(live.values_list("slug", flat=True))
        | set(past.values_list("slug", flat=True))
        | RESERVED_SLUGS
    )
    slug, n = base, 1
    while slug in slugs:
        n += 1
        slug = f"{base}-{n}"
    return slug


def slug_fits(slug: str, title: str) -> bool:
    """Whether `slug` is an address `unique_slug` could have made from `title`."""
    base = _slug_base(title)
    return slug == base or re.fullmatch(rf"{re.escape(base)}-\d+", slug) is not None


def move_to_title(highlight: Highlight) -> str:
    """At publication, give `highlight` the address of its title; returns the
    address it leaves, or "" when it keeps its own.

    The rule: the address follows the title the public reads, and changes only
    when a new title becomes public. Until its first publication a highlight's
    slug follows every edit of its title (`feed.highlights.services.highlight_update`),
    as nobody outside has seen it. Once published, an edit leaves the address alone: the story is
    down, waiting for consent again, and its link answers 410; a title not yet
    consented to never appears in a public address. When the story is published
    again with a title whose slug differs from its address (not just in case or
    punctuation), it moves to a new slug from that title, and the old one is
    kept (`HighlightSlug`) to answer 301 to the new. Past addresses are never
    given to another story, and a story retitled back takes its own back.
    """
    if slug_fits(highlight.slug, highlight.title):
        return ""
    old = highlight.slug
    highlight.slug = unique_slug(highlight.title, highlight_id=highlight.pk)
    highlight.past_slugs.filter(slug=highlight.slug).delete()
    if highlight.published_at is None:  # the old one was never public
        return ""
    HighlightSlug.objects.create(highlight=highlight, slug=old)
    return old
