"""Background work about highlights. Each task fetches by id and calls one service."""

from __future__ import annotations

from celery import shared_task

from feed.highlights.consents import consents_remind_and_expire as sweep


@shared_task(name="feed.consents_remind_and_expire")
def consents_remind_and_expire() -> dict[str, int]:
    """Periodic (beat, hourly): remind once, then expire, unanswered consent
    requests (see `feed.highlights.consents.consents_remind_and_expire`). Idempotent."""
    result = sweep()
    return {"reminded": result.reminded, "expired": result.expired}
