"""
Public page views for the demo's published stories, so the comms dashboard
(`feed.highlights.dashboard`) has a funnel to show right after `seed_demo`.

Written as the daily counters the public pages keep (`HighlightView`), never
through the pages themselves: many reads the first days, then a long tail.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from django.utils import timezone

from feed.highlights.dashboard import org_zone
from feed.highlights.models import Highlight, HighlightView


def demo_views_seed(*, days: int = 42, now: datetime | None = None) -> int:
    """Plausible daily views for every highlight that is or was published,
    from its publication to today (at most `days` days). Deterministic per
    highlight and day, so running it again writes the same numbers; returns
    how many day rows were written."""
    today = (now or timezone.now()).astimezone(org_zone()).date()
    rows = []
    published = Highlight.objects.filter(published_at__isnull=False).only("pk", "published_at")
    for highlight in published:
        first = max(highlight.published_at.astimezone(org_zone()).date(), today - timedelta(days))
        for offset in range((today - first).days + 1):
            day = first + timedelta(offset)
            rng = random.Random(f"{highlight.pk}-{day}")
            # Many reads the first days, then a long tail.
            count = rng.randint(0, 12) + max(0, 40 - 8 * offset) * rng.randint(1, 3)
            rows.append(HighlightView(highlight=highlight, day=day, count=count))
    HighlightView.objects.bulk_create(
        rows, update_conflicts=True, unique_fields=["highlight", "day"], update_fields=["count"]
    )
    return len(rows)
