"""
Reads of highlights for the public: only what is published, only its public fields.

The public page, the Atom and JSON feeds, the share image and the story's image
all start here (`PUBLIC`), so a highlight withdrawn, declined or taken down to
ask again disappears from all of them at the moment its status changes. A
story whose win is gone, hidden by moderators or kept for its team is not
public either, whichever way that happened: the services withdraw it then
(`feed.highlights.highlights_withdraw_for_win`), and this holds even where
none ran (a person deleted with their wins).

At the end, what the staff who curate highlights may see of them.
"""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from feed.models import Highlight, HighlightPerson, Win, is_moderator

# The fields the public may see; nothing of the win, its author's account or its team.
PUBLIC_FIELDS = ["pk", "slug", "title", "text", "image", "image_alt", "published_at", "status"]
# What makes a highlight public: published, and its win still there for everyone.
PUBLIC = Q(
    status=Highlight.Status.PUBLISHED,
    win__visibility=Win.Visibility.EVERYONE,
    win__is_hidden=False,
)


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


def highlight_gone(slug: str) -> bool:
    """Whether `slug` names a highlight the public may have seen and no longer may.

    Withdrawn and declined highlights, and any highlight once published and then
    taken down (to ask consent again), answer 410 Gone rather than 404, so
    readers and crawlers know the story was removed on purpose.
    """
    return (
        Highlight.objects.filter(slug=slug)
        .exclude(PUBLIC)
        .filter(
            Q(status__in=[Highlight.Status.WITHDRAWN, Highlight.Status.DECLINED])
            | Q(published_at__isnull=False)
        )
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
