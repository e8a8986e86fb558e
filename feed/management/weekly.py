"""
What `send_digests` and `send_candidates` share: a weekly email, planned and sent now.

Each runs the planner beat runs (`digests_plan`, `candidates_plan`, both through
`feed.notifications.planning.emails_plan`, whose `Skipped` reasons the summary counts) with
`force=True`, so it does not wait for Monday 08:00 in each recipient's time
zone, and hands the recorded rows to `feed.notifications.delivery.emails_send_here`: this
process sends them with the code the workers run. The ledger records each email
once per person and week, so a second run records and sends nothing. A message
the mail server refuses stays recorded and is retried by the workers.
"""

from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from feed.notifications import delivery
from feed.notifications.planning import Skipped


def plural(count: int, one: str, many: str) -> str:
    return one if count == 1 else many


class WeeklyEmailCommand(BaseCommand):
    """A command that plans one kind of weekly email now and sends it in-process.

    Subclasses name what they send and to whom, plan through their service, and
    describe each plan in one line.
    """

    beat_task: str  # the periodic task that calls the same service
    dry_run_help: str
    planning: str  # "Planning …": the first line printed
    one, many = "email", "emails"  # what is sent, for the summary
    others: str  # "no other managers", when nobody was skipped

    def plan(
        self,
        *,
        dry_run: bool,
        skipped: Counter,
        hand_over: Callable[[list[int]], None],
    ) -> Sequence[Any]:
        raise NotImplementedError

    def describe(self, plan: Any) -> str:
        raise NotImplementedError

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help=self.dry_run_help)

    def handle(self, *args, dry_run: bool, **options) -> None:
        started = time.monotonic()
        skipped: Counter = Counter()
        outcomes: Counter = Counter()
        claimer = f"{self.__module__.rsplit('.', 1)[-1]}-{os.getpid()}"
        self.stdout.write(
            f"{self.planning} (dry run: nothing is recorded or sent)" if dry_run else self.planning
        )

        def send_now(ids: list[int]) -> None:
            outcomes.update(delivery.emails_send_here(ids=ids, claimer=claimer))

        plans = self.plan(dry_run=dry_run, skipped=skipped, hand_over=send_now)
        for plan in plans:
            self.stdout.write(f"  {self.describe(plan)}")
        self._summary(plans=plans, skipped=skipped, outcomes=outcomes, dry_run=dry_run,
                      seconds=time.monotonic() - started)  # fmt: skip

    def _summary(
        self, *, plans: Sequence[Any], skipped: Counter, outcomes: Counter, dry_run: bool,
        seconds: float,
    ) -> None:  # fmt: skip
        others = ", ".join(
            f"{skipped[reason]} {reason}"
            for reason in (Skipped.ALREADY, Skipped.NOTHING, Skipped.OFF)
            if skipped[reason]
        )
        what = f"{len(plans)} {plural(len(plans), self.one, self.many)}"
        if dry_run:
            summary = f"Dry run: {what} would be sent"
        else:
            summary = f"Done: {what} recorded, {outcomes['sent']} sent"
        self.stdout.write(
            self.style.SUCCESS(f"{summary}; {others or self.others} ({seconds:.1f} s).")
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
