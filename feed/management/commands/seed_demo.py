"""
`manage.py seed_demo`: a demo organisation a newcomer can click through.

Everything it makes comes from the `feed.demo` package, in this order:
people, teams and logins (`people`); eight weeks of wins, with their
reactions, comments, tags and pictures (`wins`); the demo logins'
notifications (`notifications`); stories in every state of publication
(`highlights`) and their public page views (`page_views`). `--users N
--wins M` makes it big enough for benchmarks.

Idempotent: run it as often as you like. The demo logins share a published
password, so they are created only in DEBUG, or when `--force` says so. In
DEBUG it also records last week's manager digests (`send_digests` does the
same), so the demo manager's email is in the mail output right after `make run`.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from feed.demo.highlights import seed_highlights
from feed.demo.notifications import seed_notifications
from feed.demo.page_views import demo_views_seed
from feed.demo.people import DEMO_PASSWORD, seed_people
from feed.demo.wins import DEFAULT_WINS, seed_wins
from feed.notifications.digests import digests_plan
from wins_net.progress import Progress


class Command(BaseCommand):
    help = (
        "Create the demo organisation: teams, people, reporting lines, demo logins, "
        "and wins with reactions, comments, tags and pictures."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--users",
            type=int,
            default=0,
            metavar="N",
            help="Also create N generated people (for benchmarks).",
        )
        parser.add_argument(
            "--wins",
            type=int,
            default=DEFAULT_WINS,
            metavar="M",
            help=(
                f"Make sure the demo people have M wins (default {DEFAULT_WINS}); only the "
                "missing ones are created. Large numbers are for benchmarks."
            ),
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Create the demo logins even when DEBUG is off. Never on a real deployment.",
        )

    def handle(self, *args, users: int, wins: int, force: bool, **options) -> None:
        if users < 0:
            raise CommandError("--users must be 0 or more.")
        if wins < 0:
            raise CommandError("--wins must be 0 or more.")
        if not (settings.DEBUG or force):
            raise CommandError(
                "Refusing to create demo logins with a published password while DEBUG is off. "
                "Set DEBUG=true for a development machine, or pass --force if you really mean it."
            )

        self.stdout.write("Seeding the demo organisation")
        progress = Progress(self.stdout._out, "people", total=0)
        summary = seed_people(extra_users=users, with_logins=True, progress=progress)

        self.stdout.write("Seeding the demo wins")
        progress = Progress(self.stdout._out, "wins", total=0)
        started = time.monotonic()
        posted = seed_wins(count=wins, progress=progress)
        seconds = time.monotonic() - started
        notified = seed_notifications()
        highlighted = seed_highlights()
        if highlighted:
            states = ", ".join(f"{count} {state}" for state, count in highlighted.items())
            self.stdout.write(f"Demo highlights: {states}.")
        # Public page views for the comms dashboard, day by day since each was published.
        demo_views_seed()

        self.stdout.write(
            self.style.SUCCESS(
                f"Done: {summary.created} people created, {summary.existing} already there, "
                f"{summary.teams} teams created; "
                f"{posted.created} wins created ({posted.existing} already there, "
                f"{posted.team_only} team-only, {posted.edited} edited), "
                f"{posted.reactions} reactions, {posted.comments} comments, "
                f"{posted.credits} credits, {posted.images} images "
                f"(wins seeded in {seconds:.1f} s); {notified} notifications for the demo logins."
            )
        )
        self.stdout.write(f"Demo logins (password {DEMO_PASSWORD}): {', '.join(summary.logins)}")
        if settings.DEBUG:
            # Last week's manager digests now, not at beat's next run: the worker of
            # `make run` writes them to the development mail output (var/mail/) as it
            # starts. Once per manager and week, so running the seed again adds none.
            digests = digests_plan(force=True)
            self.stdout.write(
                f"Manager digests of last week: {len(digests)} recorded, sent by the worker."
            )
