"""
`manage.py sweep_pending_uploads [--dry-run]`: delete the old photos kept for composers.

The same `feed.wins.pending.pending_uploads_sweep` that beat runs every hour: a
photo kept while the composer came back with an error, whose win was not posted
within `PENDING_UPLOAD_MAX_AGE_HOURS`, is deleted with its files. Safe to
repeat. `--dry-run` counts them and deletes nothing.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandParser

from feed.wins.pending import SWEEP_BATCH, pending_uploads_sweep


class Command(BaseCommand):
    help = (
        "Delete the photos kept for composers that came back with an error and were "
        "not sent again in time, with their files, as beat does every hour. Safe to "
        "run twice. --dry-run only counts them."
    )
    # The periodic task that calls the same service (tests/feed/test_periodic_commands.py).
    beat_task = "feed.pending_uploads_sweep"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="Count the old photos; delete nothing."
        )

    def handle(self, *args, dry_run: bool, **options) -> None:
        if dry_run:
            count = pending_uploads_sweep(dry_run=True)
            self.stdout.write(self.style.SUCCESS(f"Dry run: {count} kept photos would be deleted."))
            return
        total = 0
        while True:  # batch by batch, until none is left
            deleted = pending_uploads_sweep()
            total += deleted
            if deleted < SWEEP_BATCH:
                break
        self.stdout.write(self.style.SUCCESS(f"Done: {total} kept photos deleted."))
