"""
Which wins comms look at first when they look for public stories.

The curation queue in the admin area and the weekly email of candidates both
rank with `curation_queue`, so the email's "best candidates" are the top of
the queue comms open from it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from feed.highlights.models import Highlight
from feed.wins.models import Credit, Win

# Engagement points: a comment or a credit says more than a reaction.
REACTION_POINTS = 1
COMMENT_POINTS = 2
CREDIT_POINTS = 2
# Recency multiplies them: a win of this week counts four times one of last quarter.
RECENT_DAYS = ((7, 4), (30, 2))


def curation_queue(*, now: datetime | None = None, model: type[Win] = Win) -> QuerySet[Win]:
    """Wins that could become public stories, the most promising first.

    Only wins that may become public (`Win.objects.publishable`: for everyone,
    not hidden): a team-only win never reaches comms. Each win is annotated
    with `credit_total`, `engagement` (points for its reactions, comments and
    credits, plus one so new wins still rank by recency), `score` (engagement
    times the recency weight) and `is_proposed`
    (whether any highlight was ever made from it).

    `model` is `Win` or a proxy of it: the admin's queue ranks `CurationCandidate`
    rows with the same ranking.
    """
    now = now or timezone.now()
    credits = (
        Credit.objects.filter(win=OuterRef("pk"))
        .order_by()
        .values("win")
        .annotate(total=Count("pk"))
        .values("total")
    )
    weight = Case(
        *(
            When(created_at__gte=now - timedelta(days=days), then=Value(factor))
            for days, factor in RECENT_DAYS
        ),
        default=Value(1),
        output_field=IntegerField(),
    )
    return (
        model.objects.publishable()
        .annotate(
            credit_total=Coalesce(Subquery(credits, output_field=IntegerField()), Value(0)),
            is_proposed=Exists(Highlight.objects.filter(win=OuterRef("pk"))),
        )
        .annotate(
            engagement=F("reaction_count") * REACTION_POINTS
            + F("comment_count") * COMMENT_POINTS
            + F("credit_total") * CREDIT_POINTS
            + 1,
        )
        .annotate(score=F("engagement") * weight)
        .order_by("-score", "-created_at", "-id")
    )


def weekly_candidates(
    *, now: datetime | None = None, since: datetime | None = None, limit: int = 10
) -> QuerySet[Win]:
    """The best wins posted from `since` (seven days before `now` by default) to
    `now` that nobody has proposed yet, by people still here."""
    now = now or timezone.now()
    return curation_queue(now=now).filter(
        created_at__gte=since or now - timedelta(days=7),
        created_at__lt=now,
        is_proposed=False,
        author__is_active=True,
    )[:limit]
