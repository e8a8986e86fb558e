"""
`manage.py sweep_win_images [--dry-run]`: rescue the photos stuck in processing, now.

The same `feed.wins.services.win_images_sweep` that beat runs every ten minutes: a
win's photo still `processing` after `WIN_IMAGE_STUCK_MINUTES` (its task was
lost) is queued again, and one still waiting after a day is marked as failed
(the win stays posted, without it). Safe to repeat: processing and failing
re-check the photo's status under a lock, so a photo is processed once.
`--dry-run` lists the wins that would be queued again or given up on and
changes nothing.
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError, CommandParser
from kombu.exceptions import OperationalError

from feed.wins.services import win_images_sweep

# Win ids listed in the output, at most: a long outage can leave hundreds.
IDS_SHOWN = 20


def _ids(ids: list[int]) -> str:
    shown = ", ".join(str(pk) for pk in ids[:IDS_SHOWN])
    return f"{shown} and {len(ids) - IDS_SHOWN} more" if len(ids) > IDS_SHOWN else shown


class Command(BaseCommand):
    help = (
        "Queue again the wins' photos whose processing task was lost and give up on "
        "those stuck for a day, as beat does every ten minutes. Safe to run twice. "
        "--dry-run only lists them."
    )
    # The periodic task that calls the same service (tests/feed/test_periodic_commands.py).
    beat_task = "feed.win_images_sweep"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="List the wins whose photo would be queued again or given up on; change nothing.",
        )

    def handle(self, *args, dry_run: bool, **options) -> None:
        started = time.monotonic()
        self.stdout.write(
            "Looking for stuck photos (dry run: nothing is queued or marked)"
            if dry_run
            else "Looking for stuck photos"
        )
        try:
            sweep = win_images_sweep(dry_run=dry_run)
        except OperationalError as error:
            raise CommandError(
                f"The Celery broker did not answer ({error}). The photos stay as they "
                "were; run this again once the broker is up."
            ) from error
        would = " would be" if dry_run else ""
        if sweep.requeued:
            self.stdout.write(f"  queued again{would}: wins {_ids(sweep.requeued)}")
        if sweep.given_up:
            self.stdout.write(f"  given up on{would}: wins {_ids(sweep.given_up)}")
        seconds = time.monotonic() - started
        requeued = f"{len(sweep.requeued)} photo{'s' if len(sweep.requeued) != 1 else ''}"
        if dry_run:
            summary = (
                f"Dry run: {requeued} would be queued again, "
                f"{len(sweep.given_up)} would be given up on"
            )
        else:
            summary = f"Done: {requeued} queued again, {len(sweep.given_up)} given up on"
        self.stdout.write(self.style.SUCCESS(f"{summary} ({seconds:.1f} s)."))
