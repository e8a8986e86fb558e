"""
`manage.py sweep_emails [--dry-run]`: hand over the emails that waited, now.

The same `feed.notifications.delivery.emails_sweep` that beat runs every minute
(`EMAIL_SWEEP_SECONDS`): rows a dead worker left `sending` past their lease
are taken back (or failed, when out of attempts), and rows due for longer than
`EMAIL_SWEEP_GRACE_SECONDS` that no worker picked up are handed to the workers
again. Useful after beat was down. Safe to repeat: sending claims each row, so
nothing goes out twice, and a row handed over is not handed over again within
the grace period. `--dry-run` counts what would be done and writes nothing.
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError, CommandParser
from kombu.exceptions import OperationalError

from feed.notifications.delivery import emails_sweep


class Command(BaseCommand):
    help = (
        "Take back emails abandoned by a worker that died and hand the ones that "
        "waited too long to the workers again, as beat does every minute. Safe to "
        "run twice. --dry-run only counts them."
    )
    # The periodic task that calls the same service (tests/feed/test_periodic_commands.py).
    beat_task = "feed.emails_sweep"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Count what would be taken back, failed or handed over; change nothing.",
        )

    def handle(self, *args, dry_run: bool, **options) -> None:
        started = time.monotonic()
        self.stdout.write(
            "Sweeping outgoing emails (dry run: nothing is changed or handed over)"
            if dry_run
            else "Sweeping outgoing emails"
        )
        try:
            result = emails_sweep(dry_run=dry_run)
        except OperationalError as error:
            raise CommandError(
                f"The Celery broker did not answer ({error}). Abandoned emails were taken "
                "back and wait for the next sweep; run this again once the broker is up."
            ) from error
        seconds = time.monotonic() - started
        if dry_run:
            summary = (
                f"Dry run: {result['taken_back']} abandoned would be taken back, "
                f"{result['failed']} would fail for good, {result['queued']} waiting "
                "would be handed to the workers"
            )
        else:
            summary = (
                f"Done: {result['taken_back']} abandoned taken back, {result['failed']} failed "
                f"for good, {result['queued']} waiting handed to the workers"
            )
        self.stdout.write(self.style.SUCCESS(f"{summary} ({seconds:.1f} s)."))
        if result["failed"] and not dry_run:
            self.stdout.write(
                self.style.WARNING(
                    "Failed emails are in the admin under Outgoing emails, with a retry action."
                )
            )
