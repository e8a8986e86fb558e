"""
`manage.py remind_and_expire_consents [--dry-run]`: consent reminders and expiry, now.

The same `feed.highlights.consents.consents_remind_and_expire` that beat runs every
hour: a request for consent to publish a highlight still unanswered halfway to
its expiry (`CONSENT_EXPIRY_DAYS`) gets one reminder (a notification and an
email), and one past its expiry expires, which means no: the highlight is
declined and comms are told. Safe to repeat: each request is locked and
re-checked, and reminded once. `--dry-run` counts what would be reminded and
expired and writes nothing.
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandParser

from feed.highlights.consents import consents_remind_and_expire
from wins_net.progress import Progress


class Command(BaseCommand):
    help = (
        "Remind once the people who have not answered a request for consent halfway to "
        "its expiry, and expire the requests past it, as beat does every hour. Safe to "
        "run twice. --dry-run only counts them."
    )
    # The periodic task that calls the same service (tests/feed/test_periodic_commands.py).
    beat_task = "feed.consents_remind_and_expire"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Count the requests that would be reminded or expired; change nothing.",
        )

    def handle(self, *args, dry_run: bool, **options) -> None:
        started = time.monotonic()
        self.stdout.write(
            "Reminding and expiring consent requests (dry run: nothing is changed or sent)"
            if dry_run
            else "Reminding and expiring consent requests"
        )
        progress = Progress(self.stderr._out, "requests", total=0)
        sweep = consents_remind_and_expire(dry_run=dry_run, progress=progress)
        seconds = time.monotonic() - started
        if dry_run:
            summary = f"Dry run: {sweep.reminded} would be reminded, {sweep.expired} would expire"
        else:
            summary = f"Done: {sweep.reminded} reminded, {sweep.expired} expired"
        self.stdout.write(self.style.SUCCESS(f"{summary} ({seconds:.1f} s)."))
