"""The people import (`manage.py import_people`), in three steps so
each can be tested and reused on its own:

1. `people_csv_read` (`accounts.services.people_csv`) turns CSV text into
   `PersonRow`s, or raises `PeopleFileError` when the file as a whole is
   unusable (no header, missing columns).
2. `people_import_plan` checks every row against the file and the database and
   says what would change, with every rejected line and why.
3. `people_import` applies a plan that has no rejected line, all or nothing, and
   announces the people it created (`accounts.events.people_added`: the email
   ledger records an invitation for each) and the people it changed
   (`accounts.events.people_changed`: the cards showing them are renewed).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from accounts import events
from accounts.models import Team, User
from accounts.selectors import email_domain_allowed
from accounts.services.people_csv import PersonRow

# Rows per bulk INSERT/UPDATE, and how often progress is reported. 500 keeps each
# statement well under SQLite's and PostgreSQL's parameter limits.
IMPORT_BATCH_SIZE = 500

NAME_MAX_LENGTH = User._meta.get_field("name").max_length
EMAIL_MAX_LENGTH = User._meta.get_field("email").max_length
TEAM_MAX_LENGTH = Team._meta.get_field("name").max_length

ProgressCallback = Callable[[str, int, int], None]
"""Called as `progress(stage, done, total)` every IMPORT_BATCH_SIZE items and at the end.

Stage "check" counts rows checked; stage "write" counts rows inserted or updated.
"""


@dataclass(frozen=True)
class RowError:
    line: int
    email: str
    message: str


@dataclass(frozen=True)
class Change:
    field: Literal["name", "team", "manager"]
    old: str
    new: str


@dataclass(frozen=True)
class PersonPlan:
    """What the import does to one person. `name`, `team` and `manager_email` are final values."""

    line: int
    email: str
    action: Literal["create", "update", "unchanged"]
    user_id: int | None
    name: str
    team: str | None
    manager_email: str | None
    changes: tuple[Change, ...] = ()


@dataclass
class ImportPlan:
    people: list[PersonPlan] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    new_teams: list[str] = field(default_factory=list)
    # Lowercased email -> id of everyone already in the database.
    user_ids: dict[str, int] = field(default_factory=dict)

    @property
    def rejected(self) -> int:
        """How many lines have at least one error."""
        return len({error.line for error in self.errors})

    def reject(self, row: PersonRow, email: str, message: str) -> None:
        """Record one problem of `row`."""
        self.errors.append(RowError(line=row.line, email=email, message=message))


@dataclass
class ImportResult:
    """The outcome of `people_import`.

    The counts say what was written, or, on a dry run, what would be. When a
    line is rejected nothing is written and `written` is False. `invited`
    counts the invitations recorded (none on a dry run).
    """

    created: int
    updated: int
    unchanged: int
    rejected: int
    teams_created: int
    errors: list[RowError]
    people: list[PersonPlan]
    written: bool
    invited: int = 0


def _email_problem(email: str) -> str:
    """Why `email` (already lowercased) is not a usable address, or ''."""
    if not email:
        return _("The email address is missing.")
    try:
        validate_email(email)
    except ValidationError:
        return _("“%(email)s” is not a valid email address.") % {"email": email}
    if len(email) > EMAIL_MAX_LENGTH:
        return _("The email address is longer than %(max)s characters.") % {"max": EMAIL_MAX_LENGTH}
    return ""


@dataclass
class _Directory:
    """Who and which teams are already in Wins, keyed the way the file is matched."""

    # Lowercased email -> (id, name, team id, manager id).
    people: dict[str, tuple[int, str, int | None, int | None]]
    email_by_id: dict[int, str]
    # Case-folded team name -> (id, name as stored); id None for a team the file adds.
    teams: dict[str, tuple[int | None, str]]
    team_names: dict[int, str]

    @classmethod
    def load(cls) -> _Directory:
        people, email_by_id = {}, {}
        for pk, email, name, team_id, manager_id in User.objects.values_list(
            "id", "email", "name", "team_id", "manager_id"
        ):
            people[email.lower()] = (pk, name, team_id, manager_id)
            email_by_id[pk] = email.lower()
        teams = {name.casefold(): (pk, name) for pk, name in Team.objects.values_list("id", "name")}
        return cls(
            people=people,
            email_by_id=email_by_id,
            teams=teams,
            team_names={pk: name for pk, name in teams.values() if pk is not None},
        )

    def manager_of(self, email: str) -> str | None:
        manager_id = self.people[email][3]
        return self.email_by_id.get(manager_id) if manager_id else None


# A row that passed the checks of its own: the row, its lowercased email, and its
# manager's email (None: no manager, or one that cannot be used).
_Checked = tuple[PersonRow, str, str | None]


def people_import_plan(
    *, rows: Sequence[PersonRow], progress: ProgressCallback | None = None
) -> ImportPlan:
    """Check every row and say what importing them would change. Writes nothing.

    Each rejected line gets one error per problem: bad or missing email,
    duplicate email, unknown or invalid manager, a person managing themselves,
    a reporting cycle (through the file and the reporting lines already in the
    database), an address outside the organisation's domains or owned by
    someone else, a missing name for a new person, values too long. Rows are
    matched to people by email, case-insensitively; teams by name, also
    case-insensitively, so "sales" joins an existing "Sales".

    Semantics of empty cells: an empty `manager_email` means no manager; an
    empty `team` or `name` keeps an existing person's value (a new person then
    gets no team; a name is required).

    Reads the whole directory of people once (id, email, name, team, manager):
    a cycle can pass through anyone.
    """
    plan = ImportPlan()
    directory = _Directory.load()
    checked = _rows_checked(plan=plan, rows=rows, directory=directory, progress=progress)
    _reject_addresses_of_others(
        candidates=[(row, email) for row, email, _m in checked if email not in directory.people],
        reject=plan.reject,
    )
    # Rows together: managers must exist, and reporting lines must not loop.
    reports_to = _reporting_lines(plan=plan, checked=checked, directory=directory)
    _reject_cycles(plan=plan, checked=checked, reports_to=reports_to)

    teams_before = set(directory.teams)
    for row, email, _manager in checked:
        plan.people.append(
            _person_plan(row=row, email=email, manager_email=reports_to[email], directory=directory)
        )
    plan.new_teams = [
        name for key, (_pk, name) in directory.teams.items() if key not in teams_before
    ]
    plan.user_ids = {email: pk for email, (pk, _n, _t, _m) in directory.people.items()}
    plan.errors.sort(key=lambda error: error.line)
    if progress and rows:
        progress("check", len(rows), len(rows))
    return plan


def _rows_checked(
    *,
    plan: ImportPlan,
    rows: Sequence[PersonRow],
    directory: _Directory,
    progress: ProgressCallback | None,
) -> list[_Checked]:
    """Each row on its own; rows without a usable, unique email go no further."""
    first_line: dict[str, int] = {}
    checked: list[_Checked] = []
    for done, row in enumerate(rows, start=1):
        if progress and done % IMPORT_BATCH_SIZE == 0:
            progress("check", done, len(rows))
        email = row.email.lower()
        if row.problem:
            plan.reject(row, email, row.problem)
        problem = _email_problem(email)
        if not problem and email in first_line:
            problem = _("%(email)s is already on line %(line)s: each person must appear once.") % {
                "email": email,
                "line": first_line[email],
            }
        if problem:
            plan.reject(row, email, problem)
            continue
        first_line[email] = row.line
        problems, manager_email = _row_problems(
            row=row, email=email, is_new=email not in directory.people
        )
        for message in problems:
            plan.reject(row, email, message)
        checked.append((row, email, manager_email))
    return checked


def _reporting_lines(
    *, plan: ImportPlan, checked: list[_Checked], directory: _Directory
) -> dict[str, str | None]:
    """Who reports to whom once the file is imported (lowercased emails), for
    everyone in the directory and in the file. A manager neither in the file nor
    in the directory is rejected, and counts as none."""
    in_file = {email for _row, email, _m in checked}
    reports_to = {email: directory.manager_of(email) for email in directory.people}
    for row, email, manager_email in checked:
        known = manager_email in in_file or manager_email in directory.people
        if manager_email and not known:
            plan.reject(
                row,
                email,
                _("The manager %(email)s is neither in the file nor an existing person.")
                % {"email": manager_email},
            )
            manager_email = None
        reports_to[email] = manager_email
    return reports_to


def _reject_cycles(
    *, plan: ImportPlan, checked: list[_Checked], reports_to: dict[str, str | None]
) -> None:
    """Reject each line whose person would be in a reporting cycle, naming the cycle."""
    cycles = _reporting_cycles(reports_to=reports_to, starts=[email for _r, email, _m in checked])
    for row, email, _manager in checked:
        if email in cycles:
            cycle = cycles[email]
            start = cycle.index(email)
            loop = [*cycle[start:], *cycle[:start], email]
            plan.reject(
                row,
                email,
                _("This line makes a reporting cycle: %(cycle)s.") % {"cycle": " → ".join(loop)},
            )


def _row_problems(*, row: PersonRow, email: str, is_new: bool) -> tuple[list[str], str | None]:
    """What is wrong with `row` on its own, and its manager's email (None: none or unusable)."""
    problems = []
    if is_new and not row.name:
        problems.append(_("A name is required for a new person."))
    if is_new and not email_domain_allowed(email):
        problems.append(
            _("%(email)s is not an address of the organisation (%(domains)s).")
            % {"email": email, "domains": ", ".join(settings.ALLOWED_SIGNUP_DOMAINS)}
        )
    if len(row.name) > NAME_MAX_LENGTH:
        problems.append(_("The name is longer than %(max)s characters.") % {"max": NAME_MAX_LENGTH})
    if len(row.team) > TEAM_MAX_LENGTH:
        problems.append(
            _("The team name is longer than %(max)s characters.") % {"max": TEAM_MAX_LENGTH}
        )
    manager_email = row.manager_email.lower() or None
    if manager_email and _email_problem(manager_email):
        problems.append(
            _("The manager's email address “%(email)s” is not valid.") % {"email": manager_email}
        )
        manager_email = None
    elif manager_email == email:
        problems.append(_("A person cannot be their own manager."))
        manager_email = None
    return problems, manager_email


def _person_plan(
    *, row: PersonRow, email: str, manager_email: str | None, directory: _Directory
) -> PersonPlan:
    """What importing `row` does to its person. Adds a team the file names to `directory`."""
    team: str | None = None
    if row.team:
        team = directory.teams.setdefault(row.team.casefold(), (None, row.team))[1]
    if email not in directory.people:
        return PersonPlan(
            line=row.line,
            email=email,
            action="create",
            user_id=None,
            name=row.name,
            team=team,
            manager_email=manager_email,
        )
    pk, old_name, old_team_id, _manager_id = directory.people[email]
    old_team = directory.team_names.get(old_team_id) if old_team_id else None
    old_manager = directory.manager_of(email)
    name = row.name or old_name
    team = team or old_team
    changes = tuple(
        Change(field=label, old=old or "", new=new or "")
        for label, old, new in (
            ("name", old_name, name),
            ("team", old_team, team),
            ("manager", old_manager, manager_email),
        )
        if old != new
    )
    return PersonPlan(
        line=row.line,
        email=email,
        action="update" if changes else "unchanged",
        user_id=pk,
        name=name,
        team=team,
        manager_email=manager_email,
        changes=changes,
    )


def _reject_addresses_of_others(
    *, candidates: list[tuple[PersonRow, str]], reject: Callable[[PersonRow, str, str], None]
) -> None:
    """New people whose address is already someone else's verified secondary address.

    An unverified address proves nothing: anyone may type a coworker's address
    on their account page, and that must not stop IT from creating its owner.
    """
    for start in range(0, len(candidates), IMPORT_BATCH_SIZE):
        batch = candidates[start : start + IMPORT_BATCH_SIZE]
        owners = dict(
            EmailAddress.objects.annotate(address=Lower("email"))
            .filter(address__in=[email for _row, email in batch], verified=True)
            .values_list("address", "user__email")
        )
        for row, email in batch:
            if email in owners:
                reject(
                    row,
                    email,
                    _("%(email)s is already an address of another person, %(owner)s.")
                    % {"email": email, "owner": owners[email]},
                )


def _reporting_cycles(
    *, reports_to: dict[str, str | None], starts: Iterable[str]
) -> dict[str, list[str]]:
    """Each person of a cycle reachable from `starts`, mapped to that cycle.

    Everyone has at most one manager, so following managers from any person
    either ends at the top or enters exactly one loop: one walk per person, each
    person walked once.
    """
    cycles: dict[str, list[str]] = {}
    finished: set[str] = set()
    for start in starts:
        path: list[str] = []
        position: dict[str, int] = {}
        person: str | None = start
        while person is not None and person not in finished and person not in position:
            position[person] = len(path)
            path.append(person)
            person = reports_to.get(person)
        if person is not None and person in position:
            cycle = path[position[person] :]
            for member in cycle:
                cycles[member] = cycle
        finished.update(path)
    return cycles


def people_import(
    *, rows: Sequence[PersonRow], dry_run: bool = False, progress: ProgressCallback | None = None
) -> ImportResult:
    """Create and update the people, teams and reporting lines of `rows`.

    Guarantees:
    - All or nothing: if any line is rejected, or anything fails, nothing is
      written (one transaction).
    - Idempotent: importing the same rows again changes nothing and reports
      every person as unchanged; no one is invited twice.
    - Only what the file says changes: people not in the file are untouched,
      and so are fields the file does not carry.
    - New people get an unusable password, a verified primary EmailAddress
      (IT vouches for it) and an invitation email: `events.people_added` is
      sent in the same transaction, and the email ledger records the
      invitations (`feed.notifications.handlers`), sent once after the commit,
      even if the broker is down then (the sweep hands them over later).
    - The cards showing people whose name or team changed are renewed
      (`events.people_changed`, in the same transaction).
    - `dry_run` checks everything and reports the same counts, writing and
      sending nothing.
    """
    with transaction.atomic():
        plan = people_import_plan(rows=rows, progress=progress)
        counts = dict.fromkeys(("create", "update", "unchanged"), 0)
        for person in plan.people:
            counts[person.action] += 1
        result = ImportResult(
            created=counts["create"],
            updated=counts["update"],
            unchanged=counts["unchanged"],
            rejected=plan.rejected,
            teams_created=len(plan.new_teams),
            errors=plan.errors,
            people=plan.people,
            written=False,
        )
        if plan.errors or dry_run:
            return result
        created = _people_write(plan=plan, progress=progress)
        result.written = True
        # The handler that records invitations returns how many (`events.people_added`).
        result.invited = sum(count or 0 for count in events.people_added.send(users=created))
    return result


def _people_write(*, plan: ImportPlan, progress: ProgressCallback | None) -> list[User]:
    """Apply a plan without errors; returns the people created."""
    team_ids = _teams_write(plan=plan)
    new_people = [person for person in plan.people if person.action == "create"]
    # Reporting lines are set once everyone exists: a manager may come later in the file.
    to_link = [
        person
        for person in plan.people
        if person.action == "update" or (person.action == "create" and person.manager_email)
    ]
    written = _Written(total=len(new_people) + len(to_link), progress=progress)
    created = _people_create(people=new_people, team_ids=team_ids, written=written)
    ids = plan.user_ids | {user.email: user.pk for user in created}
    _people_link(people=to_link, ids=ids, team_ids=team_ids, written=written)
    return created


@dataclass
class _Written:
    """Rows written so far, reported to `progress` after each batch."""

    total: int
    progress: ProgressCallback | None
    done: int = 0

    def add(self, count: int) -> None:
        self.done += count
        if self.progress:
            self.progress("write", self.done, self.total)


def _teams_write(*, plan: ImportPlan) -> dict[str, int]:
    """Create the teams the file adds; returns every team's id by case-folded name."""
    team_ids = {name.casefold(): pk for pk, name in Team.objects.values_list("id", "name")}
    for name in plan.new_teams:
        team_ids[name.casefold()] = Team.objects.get_or_create(name=name)[0].pk
    return team_ids


def _team_id(team_ids: dict[str, int], name: str | None) -> int | None:
    return team_ids[name.casefold()] if name else None


def _people_create(
    *, people: list[PersonPlan], team_ids: dict[str, int], written: _Written
) -> list[User]:
    """Create `people`, with their verified addresses, in batches; returns them."""
    created: list[User] = []
    for start in range(0, len(people), IMPORT_BATCH_SIZE):
        batch = User.objects.bulk_create(
            [
                User(
                    email=person.email,
                    name=person.name,
                    team_id=_team_id(team_ids, person.team),
                    password=make_password(None),
                )
                for person in people[start : start + IMPORT_BATCH_SIZE]
            ]
        )
        # Their addresses are theirs now: claims others made without verifying them go.
        EmailAddress.objects.annotate(address=Lower("email")).filter(
            address__in=[user.email for user in batch], verified=False
        ).delete()
        EmailAddress.objects.bulk_create(
            [
                EmailAddress(user=user, email=user.email, verified=True, primary=True)
                for user in batch
            ]
        )
        created.extend(batch)
        written.add(len(batch))
    return created


def _people_link(
    *, people: list[PersonPlan], ids: dict[str, int], team_ids: dict[str, int], written: _Written
) -> None:
    """Set the name, team and manager of `people` (all existing now), in batches."""
    for start in range(0, len(people), IMPORT_BATCH_SIZE):
        batch = [
            User(
                pk=ids[person.email],
                name=person.name,
                team_id=_team_id(team_ids, person.team),
                manager_id=ids[person.manager_email] if person.manager_email else None,
            )
            for person in people[start : start + IMPORT_BATCH_SIZE]
        ]
        User.objects.bulk_update(batch, ["name", "team", "manager"])
        # A bulk update saves no model: the layers above are told who changed.
        events.people_changed.send(user_ids=[user.pk for user in batch])
        written.add(len(batch))
