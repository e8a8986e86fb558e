"""Background work about wins' photos, and the photos kept for the composer.

Each task fetches by id and calls one service.
"""

from __future__ import annotations

import logging

from celery import shared_task

from feed.wins.pending import pending_uploads_sweep as pending_uploads_sweep_service
from feed.wins.services import WIN_IMAGE_PROCESS_TASK, win_image_fail
from feed.wins.services import win_image_process as win_image_process_service
from feed.wins.services import win_images_sweep as win_images_sweep_service

logger = logging.getLogger(__name__)

# Storage that is briefly unavailable (a full disk, a network volume that
# blinks) is retried with growing pauses for about ten minutes; then the photo
# is marked as failed, so the card stops showing "processing" forever.
IMAGE_MAX_RETRIES = 5


@shared_task(name=WIN_IMAGE_PROCESS_TASK, bind=True, max_retries=IMAGE_MAX_RETRIES)
def win_image_process(self, win_id: int) -> None:
    """Make the display image and thumbnail of a win posted with a large photo.

    Safe to run twice or late: the service does nothing unless the win still
    waits for the source it was posted with (see `feed.wins.photos`).
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
    hopeless ones (see `feed.wins.services.win_images_sweep`). Safe to run at any time."""
    sweep = win_images_sweep_service()
    if sweep.requeued or sweep.given_up:
        logger.warning(
            "Stuck photos: queued again for wins %s; given up for wins %s",
            sweep.requeued,
            sweep.given_up,
        )


@shared_task(name="feed.pending_uploads_sweep")
def pending_uploads_sweep() -> None:
    """Periodic (beat): delete the photos kept for composers that were not sent
    again in time (see `feed.wins.pending`). Safe to run at any time."""
    deleted = pending_uploads_sweep_service()
    if deleted:
        logger.info("Deleted %s kept photos", deleted)
