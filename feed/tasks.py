"""Background work about wins. Each task fetches by id and calls one service."""

from __future__ import annotations

import logging

from celery import shared_task
from django.db import transaction

from accounts.models import User
from feed import delivery
from feed.invitations import invitations_record
from feed.services import win_image_fail
from feed.services import win_image_process as win_image_process_service
from feed.services import win_images_sweep as win_images_sweep_service

logger = logging.getLogger(__name__)

# Storage that is briefly unavailable (a full disk, a network volume that
# blinks) is retried with growing pauses for about ten minutes; then the photo
# is marked as failed, so the card stops showing "processing" forever.
IMAGE_MAX_RETRIES = 5


@shared_task(name="feed.win_image_process", bind=True, max_retries=IMAGE_MAX_RETRIES)
def win_image_process(self, win_id: int) -> None:
    """Make the display image and thumbnail of a win posted with a large photo.

    Safe to run twice or late: the service does nothing unless the win still
    waits for the source it was posted with (see `feed.photos`).
    """
    try:
        win_image_process_service(win_id=win_id)
    except OSError as error:
        if self.request.retries >= self.max_retries:
            win_image_fail(win_id=win_id)
            return
        raise self.retry(exc=error, countdown=20 * 2**self.request.retries) from error


@shared_task(name="feed.win_images_sweep")
def win_images_sweep() -> None:
    """Periodic (beat): queue again the photos whose task was lost, give up on the
    hopeless ones (see `feed.services.win_images_sweep`). Safe to run at any time."""
    sweep = win_images_sweep_service()
    if sweep.requeued or sweep.given_up:
        logger.warning(
            "Stuck photos: queued again for wins %s; given up for wins %s",
            sweep.requeued,
            sweep.given_up,
        )


# A batch sends up to `delivery.BATCH_SIZE` messages, each bounded by the
# mail server's timeout, so it gets more time than the default limits.
@shared_task(name="feed.emails_send", bind=True, soft_time_limit=600, time_limit=660)
def emails_send(self, ids: list[int]) -> dict[str, int]:
    """Send the due emails among `ids`. Errors are recorded in each row and
    retried by `delivery` itself, so the task never retries as a whole."""
    return delivery.emails_send(ids=ids, claimer=self.request.id or "inline")


@shared_task(name="feed.emails_sweep")
def emails_sweep() -> dict[str, int]:
    """Hand over emails that waited too long and take back abandoned ones."""
    return delivery.emails_sweep()


@shared_task(name="feed.summaries_plan")
def summaries_plan() -> int:
    """Record the daily and weekly summaries that are due (beat, every 15 minutes)."""
    from feed.summaries import summaries_plan as plan

    return plan()


# Planning thousands of managers takes longer than the default limit allows. Each
# chunk commits on its own, so a run cut short keeps its rows and the next run
# (15 minutes later) plans the rest.
@shared_task(name="feed.digests_plan", soft_time_limit=600, time_limit=660)
def digests_plan() -> int:
    """Record the manager digests that are due (beat, every 15 minutes); returns how many."""
    from feed.digests import digests_plan as plan

    return len(plan())


@shared_task(name="feed.candidates_plan")
def candidates_plan() -> int:
    """Record comms' weekly emails of highlight candidates that are due (beat,
    every 15 minutes); returns how many."""
    from feed.candidates import candidates_plan as plan

    return len(plan())


@shared_task(name="feed.consents_remind_and_expire")
def consents_remind_and_expire() -> dict[str, int]:
    """Periodic (beat, hourly): remind once, then expire, unanswered consent
    requests (see `feed.highlights.consents_remind_and_expire`). Idempotent."""
    from feed.highlights import consents_remind_and_expire as sweep

    result = sweep()
    return {"reminded": result.reminded, "expired": result.expired}


# Before invitations went through the ledger, the people import queued one
# `accounts.invitation_send` task per person. A message of that name still
# waiting in the broker when this release starts is recorded in the ledger
# instead of being dropped as unknown: one invitation, as for any import.
@shared_task(name="accounts.invitation_send")
def invitation_send(user_id: int) -> None:
    """Record the invitation of a person imported before the ledger sent them."""
    with transaction.atomic():
        user = User.objects.filter(pk=user_id, is_active=True).first()
        if user is not None:
            invitations_record(users=[user])
