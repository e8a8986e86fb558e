"""
`manage.py plan_summaries [--dry-run]`: record the email summaries due now.

The same `feed.notifications.summaries.summaries_plan` that beat runs every 15 minutes:
each person who gets their notifications in a daily summary is due
yesterday's from 08:00 their time, and a weekly one last week's from Monday
08:00; one `Email` row is recorded for each summary due and not recorded yet,
with something in it, and handed to the workers. Useful after beat was down.
Safe to repeat: a summary is recorded once per person and period, so a second
run records nothing. `--dry-run` counts the summaries that would be recorded
and writes nothing.
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandParser

from feed.notifications.summaries import summaries_plan
from wins_net.progress import Progress


class Command(BaseCommand):
    help = (
        "Record the daily and weekly email summaries that are due now and hand them to "
        "the workers, as beat does every 15 minutes. Safe to run twice. --dry-run only "
        "counts them."
    )
    # The periodic task that calls the same service (tests/feed/test_periodic_commands.py).
    beat_task = "feed.summaries_plan"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Count the summaries that would be recorded; record and send nothing.",
        )

    def handle(self, *args, dry_run: bool, **options) -> None:
        started = time.monotonic()
        self.stdout.write(
            "Planning the summaries due now (dry run: nothing is recorded or sent)"
            if dry_run
            else "Planning the summaries due now"
        )
        progress = Progress(self.stderr._out, "people", total=0)
        recorded = summaries_plan(dry_run=dry_run, progress=progress)
        seconds = time.monotonic() - started
        noun = "summary" if recorded == 1 else "summaries"
        if dry_run:
            summary = f"Dry run: {recorded} {noun} would be recorded"
        else:
            summary = f"Done: {recorded} {noun} recorded and handed to the workers"
        self.stdout.write(self.style.SUCCESS(f"{summary} ({seconds:.1f} s)."))
