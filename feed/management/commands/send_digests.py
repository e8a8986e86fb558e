"""
`manage.py send_digests [--dry-run]`: this week's manager digests, now.

The same `feed.notifications.digests.digests_plan` that beat runs every 15 minutes, run
without waiting for Monday 08:00 in each manager's time zone: each manager due
a digest about last week gets one `Email` row, and this process sends the rows
itself, batch by batch, through the code the workers run
(`feed.management.weekly`). Safe to repeat: a digest is recorded once per
manager and week. `--dry-run` only prints who would get which week's digest,
with how many wins, and writes nothing.
"""

from __future__ import annotations

from feed.management.weekly import WeeklyEmailCommand, plural
from feed.notifications.digests import digests_plan
from wins_net.progress import Progress


class Command(WeeklyEmailCommand):
    help = (
        "Record and send last week's digest for every manager now, whatever the day. "
        "Safe to run twice. --dry-run only prints who would get what."
    )
    beat_task = "feed.digests_plan"
    dry_run_help = "Print who would get which week's digest, with counts; record and send nothing."
    planning = "Planning this week's manager digests"
    one, many = "digest", "digests"
    others = "no other managers"

    def plan(self, *, dry_run, skipped, hand_over):
        progress = Progress(self.stderr._out, "managers", total=0)
        return digests_plan(
            force=True, dry_run=dry_run, progress=progress, skipped=skipped, hand_over=hand_over
        )

    def describe(self, plan) -> str:
        return (
            f"{plan.email} ({plan.name}, {plan.language}, {plan.time_zone}): "
            f"week {plan.period}, {plan.wins} {plural(plan.wins, 'win', 'wins')} "
            f"by {plan.posters} {plural(plan.posters, 'person', 'people')}"
        )
