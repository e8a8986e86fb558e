"""
`manage.py send_candidates [--dry-run]`: comms' weekly email of highlight candidates, now.

The same `feed.candidates.candidates_plan` that beat runs every 15 minutes,
run without waiting for Monday 08:00 in each comms person's time zone: each
comms person due last week's candidates gets one `Email` row, and this process
sends the rows itself through `feed.delivery.emails_send_here`, the code the
workers run. Safe to repeat: the email is recorded once per person and week,
so a second run records and sends nothing (and beat planning the same week
later finds the rows there). A message the mail server refuses stays recorded
and is retried by the workers. `--dry-run` only prints who would get which
week's candidates, with how many, and writes nothing.
"""

from __future__ import annotations

import os
import time
from collections import Counter

from django.core.management.base import BaseCommand, CommandParser

from feed.candidates import candidates_plan
from feed.delivery import emails_send_here
from feed.digests import Skipped


class Command(BaseCommand):
    help = (
        "Record and send last week's email of highlight candidates to every comms person "
        "now, whatever the day. Safe to run twice. --dry-run only prints who would get what."
    )
    # The periodic task that calls the same service (tests/feed/test_periodic_commands.py).
    beat_task = "feed.candidates_plan"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Print who would get which week's candidates; record and send nothing.",
        )

    def handle(self, *args, dry_run: bool, **options) -> None:
        started = time.monotonic()
        skipped: Counter = Counter()
        outcomes: Counter = Counter()
        claimer = f"send_candidates-{os.getpid()}"
        self.stdout.write(
            "Planning comms' email of highlight candidates (dry run: nothing is recorded or sent)"
            if dry_run
            else "Planning comms' email of highlight candidates"
        )

        def send_now(ids: list[int]) -> None:
            outcomes.update(emails_send_here(ids=ids, claimer=claimer))

        plans = candidates_plan(force=True, dry_run=dry_run, skipped=skipped, hand_over=send_now)
        for plan in plans:
            self.stdout.write(
                f"  {plan.email} ({plan.language}, {plan.time_zone}): week {plan.period}, "
                f"{plan.candidates} candidate{'s' if plan.candidates != 1 else ''}"
            )
        others = ", ".join(
            f"{skipped[reason]} {reason}"
            for reason in (Skipped.ALREADY, Skipped.NOTHING, Skipped.OFF)
            if skipped[reason]
        )
        seconds = time.monotonic() - started
        emails = f"email{'s' if len(plans) != 1 else ''}"
        if dry_run:
            summary = f"Dry run: {len(plans)} {emails} would be sent"
        else:
            summary = f"Done: {len(plans)} {emails} recorded, {outcomes['sent']} sent"
        self.stdout.write(
            self.style.SUCCESS(f"{summary}; {others or 'no other comms people'} ({seconds:.1f} s).")
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
