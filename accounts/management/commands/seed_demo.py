"""
`manage.py seed_demo`: a demo organisation a newcomer can click through.

Idempotent: run it as often as you like. The demo logins share a published
password, so they are created only in DEBUG, or when `--force` says so.
"""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.demo import DEMO_PASSWORD, seed_people
from wins_net.progress import Progress


class Command(BaseCommand):
    help = "Create the demo organisation: teams, people, reporting lines and demo logins."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--users",
            type=int,
            default=0,
            metavar="N",
            help="Also create N generated people (for benchmarks).",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Create the demo logins even when DEBUG is off. Never on a real deployment.",
        )

    def handle(self, *args, users: int, force: bool, **options) -> None:
        if users < 0:
            raise CommandError("--users must be 0 or more.")
        if not (settings.DEBUG or force):
            raise CommandError(
                "Refusing to create demo logins with a published password while DEBUG is off. "
                "Set DEBUG=true for a development machine, or pass --force if you really mean it."
            )

        self.stdout.write("Seeding the demo organisation")
        progress = Progress(self.stdout._out, "people", total=0)
        summary = seed_people(extra_users=users, with_logins=True, progress=progress)
        self.stdout.write(
            self.style.SUCCESS(
                f"Done: {summary.created} people created, {summary.existing} already there, "
                f"{summary.teams} teams created."
            )
        )
        self.stdout.write(f"Demo logins (password {DEMO_PASSWORD}): {', '.join(summary.logins)}")
