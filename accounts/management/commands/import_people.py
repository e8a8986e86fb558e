"""
`manage.py import_people FILE.csv`: people, teams and reporting lines from IT.

Every line is checked before anything is written, and one rejected line means
nothing is written. Importing the same file again reports everyone unchanged.
The file format is in docs/import_people.md; the rules in accounts/services/people_import.py.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.services.people_csv import (
    PEOPLE_COLUMNS,
    PeopleFileError,
    PersonRow,
    people_csv_read,
)
from accounts.services.people_import import ImportResult, PersonPlan, people_import
from wins_net.progress import Progress

STAGE_LABELS = {"check": "lines checked", "write": "rows written"}
# Files shorter than this finish at once; a progress line would only be noise.
PROGRESS_FROM_ROWS = 1000


class Command(BaseCommand):
    help = (
        "Create or update people, teams and reporting lines from a UTF-8 CSV file "
        f"with the columns {','.join(PEOPLE_COLUMNS)}. New people are invited by email."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="The CSV file (see docs/import_people.md).")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check the file and list what would change; write and send nothing.",
        )

    def handle(self, *args, file: str, dry_run: bool, verbosity: int, **options) -> None:
        path = Path(file)
        rows = self._read(path)
        mode = " (dry run: nothing will be written)" if dry_run else ""
        self.stdout.write(f"Importing {len(rows)} people from {path}{mode}")

        progress: dict[str, Progress] = {}

        def report(stage: str, done: int, total: int) -> None:
            if stage not in progress:
                progress[stage] = Progress(self.stdout._out, STAGE_LABELS[stage], total)
            progress[stage](done, total)

        result = people_import(
            rows=rows, dry_run=dry_run, progress=report if len(rows) >= PROGRESS_FROM_ROWS else None
        )

        for error in result.errors:
            who = f" ({error.email})" if error.email else ""
            self.stderr.write(f"Line {error.line}{who}: {error.message}")
        if result.errors:
            raise CommandError(
                f"{result.rejected} of {len(rows)} lines rejected; nothing was written. "
                "Fix the lines above and run again."
            )
        if dry_run or verbosity >= 2:
            for person in result.people:
                if person.action != "unchanged":
                    self.stdout.write(_describe(person))
        self.stdout.write(self.style.SUCCESS(_summary(result, dry_run=dry_run)))

    def _read(self, path: Path) -> list[PersonRow]:
        """The rows of the file, or a CommandError that says what to fix."""
        try:
            # utf-8-sig: spreadsheets often start UTF-8 files with a byte-order mark.
            with path.open(encoding="utf-8-sig", newline="") as csv_file:
                return people_csv_read(lines=csv_file)
        except FileNotFoundError as error:
            raise CommandError(f"{path}: no such file. Check the path and run again.") from error
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror or error}.") from error
        except UnicodeDecodeError as error:
            raise CommandError(
                f"{path} is not UTF-8 text (byte {error.start} cannot be read). "
                "Save it as “CSV UTF-8” and run again."
            ) from error
        except PeopleFileError as error:
            raise CommandError(f"{path}: {error} Fix the file and run again.") from error


def _describe(person: PersonPlan) -> str:
    if person.action == "create":
        details = [f"name “{person.name}”"]
        if person.team:
            details.append(f"team {person.team}")
        if person.manager_email:
            details.append(f"manager {person.manager_email}")
        return f"  line {person.line}: create {person.email} ({', '.join(details)})"
    changes = "; ".join(
        f"{change.field} “{change.old or '-'}” → “{change.new or '-'}”" for change in person.changes
    )
    return f"  line {person.line}: update {person.email}: {changes}"


def _summary(result: ImportResult, *, dry_run: bool) -> str:
    if dry_run:
        return (
            f"Dry run, nothing written: {result.created} to create, {result.updated} to update, "
            f"{result.unchanged} unchanged, {result.rejected} rejected; "
            f"{result.teams_created} new teams. Run again without --dry-run to apply."
        )
    return (
        f"Done: {result.created} created, {result.updated} updated, "
        f"{result.unchanged} unchanged, {result.rejected} rejected; "
        f"{result.teams_created} new teams; {result.invited} invitations recorded, "
        "which the worker sends."
    )
