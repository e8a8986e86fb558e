"""
Reads of highlights for the public: only what is published, only its public fields.

The public page, the Atom and JSON feeds, the share image and the story's image
all start here (`PUBLIC`), so a highlight withdrawn, declined or taken down to
ask again disappears from all of them at the moment its status changes. A
story whose win is gone, hidden by moderators or kept for its team is not
public either, whichever way that happened: the services withdraw it then
(`feed.highlights.services.highlights_withdraw_for_win`), and this holds even where
none ran (a person deleted with their wins).

At the end, what the staff who curate highlights may see of them.
"""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from feed.highlights.models import Highlight, HighlightPerson, HighlightSlug
from feed.wins.access import is_moderator
from feed.wins.models import Win

# The fields the public may see; nothing of the win, its author's account or its team.
PUBLIC_FIELDS = ["pk", "slug", "title", "text", "image", "image_alt", "published_at", "status"]
# What makes a highlight public: published, and its win still there and publishable.
PUBLIC = Q(status=Highlight.Status.PUBLISHED, win__in=Win.objects.publishable())


def win_publishable(*, win: Win) -> bool:
    """Whether `win` may become, or stay, a public story now: it still exists and
    `Win.objects.publishable` has it (for everyone, not hidden). Read from the
    database, so a change made since `win` was loaded counts. One query."""
    return Win.objects.publishable().filter(pk=win.pk).exists()


def published_highlights() -> QuerySet[Highlight]:
    """Published highlights, newest first, with the names they show (`people`)."""
    return (
        Highlight.objects.filter(PUBLIC)
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
    """The address (slug) of the public highlight that was public at `slug`
    before a new title moved it, or None."""
    return (
        HighlightSlug.objects.filter(slug=slug, highlight__in=Highlight.objects.filter(PUBLIC))
        .values_list("highlight__slug", flat=True)
        .first()
    )


def highlight_gone(slug: str) -> bool:
    """Whether `slug` is an address the public may have seen that no longer shows a story.

    Only a highlight that was once published, and is no longer public (withdrawn,
    declined, taken down to ask consent again, or its win gone), answers 410 Gone
    rather than 404, so readers and crawlers know the story was removed on
    purpose; so does a past address of one. A slug that never went public is a
    404 like an unknown one, whatever happened to its draft: titles cannot be
    probed.
    """
    return (
        Highlight.objects.filter(slug=slug, published_at__isnull=False).exclude(PUBLIC).exists()
        or HighlightSlug.objects.filter(slug=slug)
        .exclude(highlight__in=Highlight.objects.filter(PUBLIC))
        .exists()
    )


def highlights_for_staff(
    *, user, queryset: QuerySet[Highlight] | None = None
) -> QuerySet[Highlight]:
    """The highlights (of `queryset`, or all) that `user` may see in the admin
    area, with their images. A story copies its win's text and image, so the
    stories of a win hidden by moderators are for moderators only, as the win is."""
    queryset = Highlight.objects.all() if queryset is None else queryset
    if is_moderator(user):
        return queryset
    return queryset.exclude(win__is_hidden=True)
