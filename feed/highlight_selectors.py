"""
Reads of highlights for the public: only what is published, only its public fields.

The public page, the Atom and JSON feeds and the share image all start here, so
a highlight withdrawn, declined or taken down to ask again disappears from all
of them at the moment its status changes.
"""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from feed.models import Highlight, HighlightPerson, HighlightSlug

# The fields the public may see; nothing of the win, its author's account or its team.
PUBLIC_FIELDS = ["pk", "slug", "title", "text", "image", "image_alt", "published_at", "status"]


def published_highlights() -> QuerySet[Highlight]:
    """Published highlights, newest first, with the names they show (`people`)."""
    return (
        Highlight.objects.filter(status=Highlight.Status.PUBLISHED)
        .only(*PUBLIC_FIELDS)
        .prefetch_related(
            Prefetch("people", queryset=HighlightPerson.objects.only("highlight", "public_name"))
        )
        .order_by("-published_at", "-id")
    )


def highlight_public(slug: str) -> Highlight | None:
    """The published highlight at `slug`, or None (unknown, or not published)."""
    return published_highlights().filter(slug=slug).first()


def highlight_moved(slug: str) -> str | None:
    """The address (slug) of the published highlight that was public at `slug`
    before a new title moved it, or None."""
    return (
        HighlightSlug.objects.filter(slug=slug, highlight__status=Highlight.Status.PUBLISHED)
        .values_list("highlight__slug", flat=True)
        .first()
    )


def highlight_gone(slug: str) -> bool:
    """Whether `slug` is an address the public may have seen that no longer shows a story.

    Only a highlight that was once published, and is no longer (withdrawn,
    declined or taken down to ask consent again), answers 410 Gone rather than
    404, so readers and crawlers know the story was removed on purpose; so does
    a past address of one. A slug that never went public is a 404 like an
    unknown one, whatever happened to its draft: titles cannot be probed.
    """
    not_published = ~Q(status=Highlight.Status.PUBLISHED)
    return (
        Highlight.objects.filter(not_published, slug=slug, published_at__isnull=False).exists()
        or HighlightSlug.objects.filter(slug=slug)
        .exclude(highlight__status=Highlight.Status.PUBLISHED)
        .exists()
    )
