"""
Reads of highlights for the public: only what is published, only its public fields.

The public page, the Atom and JSON feeds and the share image all start here, so
a highlight withdrawn, declined or taken down to ask again disappears from all
of them at the moment its status changes.
"""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from feed.models import Highlight, HighlightPerson

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


def highlight_gone(slug: str) -> bool:
    """Whether `slug` names a highlight the public may have seen and no longer may.

    Withdrawn and declined highlights, and any highlight once published and then
    taken down (to ask consent again), answer 410 Gone rather than 404, so
    readers and crawlers know the story was removed on purpose.
    """
    return (
        Highlight.objects.filter(slug=slug)
        .exclude(status=Highlight.Status.PUBLISHED)
        .filter(
            Q(status__in=[Highlight.Status.WITHDRAWN, Highlight.Status.DECLINED])
            | Q(published_at__isnull=False)
        )
        .exists()
    )
