"""
`manage.py send_candidates [--dry-run]`: comms' weekly email of highlight candidates, now.

The same `feed.notifications.candidates.candidates_plan` that beat runs every 15 minutes, run
without waiting for Monday 08:00 in each comms person's time zone: each comms
person due last week's candidates gets one `Email` row, and this process sends
the rows itself through the code the workers run (`feed.management.weekly`).
Safe to repeat: the email is recorded once per person and week. `--dry-run`
only prints who would get which week's candidates, with how many, and writes
nothing.
"""

from __future__ import annotations

from feed.management.weekly import WeeklyEmailCommand, plural
from feed.notifications.candidates import candidates_plan


class Command(WeeklyEmailCommand):
    help = (
        "Record and send last week's email of highlight candidates to every comms person "
        "now, whatever the day. Safe to run twice. --dry-run only prints who would get what."
    )
    beat_task = "feed.candidates_plan"
    dry_run_help = "Print who would get which week's candidates; record and send nothing."
    planning = "Planning comms' email of highlight candidates"
    others = "no other comms people"

    def plan(self, *, dry_run, skipped, hand_over):
        return candidates_plan(force=True, dry_run=dry_run, skipped=skipped, hand_over=hand_over)

    def describe(self, plan) -> str:
        return (
            f"{plan.email} ({plan.language}, {plan.time_zone}): week {plan.period}, "
            f"{plan.candidates} {plural(plan.candidates, 'candidate', 'candidates')}"
        )
