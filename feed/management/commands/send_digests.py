"""
`manage.py send_digests [--dry-run]`: this week's manager digests, now.

The same `feed.digests.digests_plan` that beat runs every 15 minutes,
run without waiting for Monday 08:00 in each manager's time zone: each manager
due a digest about last week gets one `Email` row, and this process sends the
rows itself, batch by batch, through `feed.delivery.emails_send`, the code the
workers run. Safe to repeat: a digest is recorded once per manager and week, so
a second run records and sends nothing (and beat planning the same week later
finds the rows there). A message the mail server refuses stays recorded and is
retried by the workers, with backoff, like any other. `--dry-run` only prints who would
get which week's digest, with how many wins, and writes nothing.
"""

from __future__ import annotations

import os
import time
from collections import Counter

from django.core.management.base import BaseCommand, CommandParser

from feed import delivery
from feed.digests import Skipped, digests_plan
from wins_net.progress import Progress


class Command(BaseCommand):
    help = (
        "Record and send last week's digest for every manager now, whatever the day. "
        "Safe to run twice. --dry-run only prints who would get what."
    )
    # The periodic task that calls the same service (tests/feed/test_periodic_commands.py).
    beat_task = "feed.digests_plan"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Print who would get which week's digest, with counts; record and send nothing.",
        )

    def handle(self, *args, dry_run: bool, **options) -> None:
        started = time.monotonic()
        skipped: Counter = Counter()
        progress = Progress(self.stderr._out, "managers", total=0)
        self.stdout.write(
            "Planning this week's manager digests (dry run: nothing is recorded or sent)"
            if dry_run
            else "Planning this week's manager digests"
        )
        outcomes: Counter = Counter()
        claimer = f"send_digests-{os.getpid()}"

        def send_now(ids: list[int]) -> None:
            outcomes.update(delivery.emails_send_here(ids=ids, claimer=claimer))

        plans = digests_plan(
            force=True, dry_run=dry_run, progress=progress, skipped=skipped, hand_over=send_now
        )
        for plan in plans:
            self.stdout.write(
                f"  {plan.email} ({plan.name}, {plan.language}, {plan.time_zone}): "
                f"week {plan.period}, {plan.wins} win{'s' if plan.wins != 1 else ''} "
                f"by {plan.posters} {'people' if plan.posters != 1 else 'person'}"
            )
        others = ", ".join(
            f"{skipped[reason]} {reason}"
            for reason in (Skipped.ALREADY, Skipped.NOTHING, Skipped.OFF)
            if skipped[reason]
        )
        seconds = time.monotonic() - started
        if dry_run:
            summary = f"Dry run: {len(plans)} digest{'s' if len(plans) != 1 else ''} would be sent"
        else:
            summary = (
                f"Done: {len(plans)} digest{'s' if len(plans) != 1 else ''} recorded, "
                f"{outcomes['sent']} sent"
            )
        self.stdout.write(
            self.style.SUCCESS(f"{summary}; {others or 'no other managers'} ({seconds:.1f} s).")
        )
        waiting = outcomes["retry"] + outcomes["failed"]
        if waiting:
            self.stdout.write(
                self.style.WARNING(
                    f"{waiting} could not be sent now ({outcomes['retry']} will be retried by the "
                    f"workers, {outcomes['failed']} failed for good). Their errors are in the "
                    "admin under Outgoing emails."
                )
            )
