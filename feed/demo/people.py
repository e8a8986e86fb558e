"""
Demo organisation: teams, people, reporting lines and the four demo logins.

Used by `manage.py seed_demo`. Everything is keyed on email addresses and team
names, so running it again changes nothing that is already there.
"""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction

from accounts.models import Team, User

DEMO_PASSWORD = "wins-demo-2026"  # noqa: S105 - documented demo password, DEBUG or --force only
DEMO_DOMAIN = "example.com"

# (team, [(name, job title, language)]): the first person of each team leads it.
TEAMS: list[tuple[str, list[tuple[str, str, str]]]] = [
    (
        "Dirección",
        [("Carmen Ortega", "Directora general", "es")],
    ),
    (
        "Customer Care",
        [
            ("Marta Ruiz", "Head of Customer Care", "es"),
            ("Javier Moreno", "Support specialist", "es"),
            ("Lucía Navarro", "Support specialist", "es"),
            ("Owen Price", "Customer success manager", "en"),
            ("Nuria Gil", "Técnica de soporte", "es"),
        ],
    ),
    (
        "Engineering",
        [
            ("Daniel Iglesias", "Engineering manager", "es"),
            ("Priya Natarajan", "Backend engineer", "en"),
            ("Hugo Serrano", "Frontend engineer", "es"),
            ("Elena Castro", "Site reliability engineer", "es"),
            ("Tom Fletcher", "Mobile engineer", "en"),
            ("Irene Vidal", "QA engineer", "es"),
        ],
    ),
    (
        "Comunicación",
        [
            ("Paula Herrera", "Responsable de comunicación", "es"),
            ("Grace Okafor", "Content editor", "en"),
            ("Sergio Blanco", "Community manager", "es"),
        ],
    ),
    (
        "Personas",
        [
            ("Rosa Medina", "People partner", "es"),
            ("Andrés Fuentes", "Learning & development lead", "es"),
            ("Hannah Lewis", "Recruiter", "en"),
        ],
    ),
    (
        "Sales",
        [
            ("Alberto Cano", "Sales director", "es"),
            ("Sofía Romero", "Account executive", "es"),
            ("James Whitaker", "Account executive", "en"),
            ("Laura Pastor", "Sales operations", "es"),
        ],
    ),
    (
        "Operaciones",
        [
            ("Miguel Santos", "Director de operaciones", "es"),
            ("Beatriz León", "Logistics coordinator", "es"),
            ("Chloe Martin", "Procurement analyst", "en"),
            ("Raúl Domínguez", "Facilities technician", "es"),
            ("Ana Prieto", "Finance analyst", "es"),
        ],
    ),
]

FIRST_NAMES = ["Alba", "Bruno", "Clara", "Diego", "Eva", "Fran", "Gema", "Iker", "Julia", "Leo"]
LAST_NAMES = ["Arias", "Benítez", "Cortés", "Duarte", "Esteban", "Ferrer", "Galán", "Hidalgo"]


@dataclass(frozen=True)
class DemoLogin:
    email: str
    name: str
    job_title: str
    team: str
    manager: str | None = None
    is_staff: bool = False
    is_superuser: bool = False
    language: str = "en"
    # Groups created by migrations (e.g. "Communications", feed/migrations/0006).
    groups: tuple[str, ...] = ()


# The logins of the product's fixed interface. The employee reports to the
# manager; comms works in another team than the employee.
DEMO_LOGINS = [
    DemoLogin("manager@example.com", "Isabel Manager", "Team lead", "Customer Care",
              manager="marta.ruiz@example.com", language="es"),
    DemoLogin("employee@example.com", "Emma Employee", "Support specialist", "Customer Care",
              manager="manager@example.com"),
    DemoLogin("comms@example.com", "Carlos Comms", "Communications specialist", "Comunicación",
              manager="paula.herrera@example.com", is_staff=True, language="es",
              groups=("Communications",)),
    DemoLogin("admin@example.com", "Ada Admin", "IT administrator", "Operaciones",
              manager="miguel.santos@example.com", is_staff=True, is_superuser=True),
]  # fmt: skip
# The demo manager leads part of Customer Care: these people report to them
# rather than to the head of the team, so the manager's weekly digest has a team
# to talk about (grouped by person, the most celebrated wins, team totals).
DEMO_MANAGER = "manager@example.com"
DEMO_MANAGER_REPORTS = ["javier.moreno@example.com", "lucia.navarro@example.com"]


@dataclass
class SeedSummary:
    """What `seed_people` found and made, for the command's closing line."""

    created: int = 0
    existing: int = 0
    teams: int = 0
    logins: list[str] = field(default_factory=list)


def email_for(name: str) -> str:
    """`Lucía Navarro` -> `lucia.navarro@example.com`."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return f"{ascii_name.lower().replace(' ', '.')}@{DEMO_DOMAIN}"


@dataclass
class _Run:
    """One run of `seed_people`: its summary, and its progress over `total` people."""

    summary: SeedSummary
    total: int
    progress: Callable[[int, int], None] | None

    def person(self, *, email: str, defaults: dict, password: str | None) -> User:
        """The person at `email`, kept as they are if there; else created from
        `defaults` with `password` (a hash; None for an unusable one), verified."""
        user, created = User.objects.get_or_create(email=email, defaults=defaults)
        if created:
            user.password = password or make_password(None)
            user.save(update_fields=["password"])
            self.summary.created += 1
        else:
            self.summary.existing += 1
        EmailAddress.objects.get_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        if self.progress:
            self.progress(self.summary.created + self.summary.existing, self.total)
        return user


@transaction.atomic
def seed_people(
    *,
    extra_users: int = 0,
    with_logins: bool,
    progress: Callable[[int, int], None] | None = None,
    rng: random.Random | None = None,
) -> SeedSummary:
    """Create the demo organisation. Idempotent: existing people and teams are kept as they are.

    `extra_users` adds generated people spread over the teams (for benchmarks).
    Demo logins (with the shared demo password) are made only when `with_logins`.
    """
    rng = rng or random.Random(2026)
    total = sum(len(people) for _, people in TEAMS) + extra_users
    total += len(DEMO_LOGINS) if with_logins else 0
    run = _Run(summary=SeedSummary(), total=total, progress=progress)
    # Hashing is deliberately slow: hash the shared demo password once.
    demo_password = make_password(DEMO_PASSWORD) if with_logins else None
    teams, leads = _seed_organisation(run, password=demo_password)
    _seed_generated(run, count=extra_users, teams=teams, leads=leads, rng=rng)
    if with_logins:
        _seed_logins(run, teams=teams, leads=leads, password=demo_password)
    return run.summary


def _seed_organisation(
    run: _Run, *, password: str | None
) -> tuple[dict[str, Team], dict[str, User]]:
    """The teams of `TEAMS` and their people, by team name, with each team's lead.
    A team's first person leads it and reports to the first person of all."""
    teams: dict[str, Team] = {}
    leads: dict[str, User] = {}
    ceo: User | None = None
    for team_name, people in TEAMS:
        team, created = Team.objects.get_or_create(name=team_name)
        run.summary.teams += int(created)
        teams[team_name] = team
        for index, (name, job_title, language) in enumerate(people):
            manager = ceo if index == 0 else leads[team_name]
            user = run.person(
                email=email_for(name),
                defaults={
                    "name": name,
                    "job_title": job_title,
                    "team": team,
                    "manager": manager,
                    "language": language,
                },
                password=password,
            )
            if index == 0:
                leads[team_name] = user
                ceo = ceo or user
    return teams, leads


def _seed_generated(
    run: _Run,
    *,
    count: int,
    teams: dict[str, Team],
    leads: dict[str, User],
    rng: random.Random,
) -> None:
    """`count` generated people (`person00001@…`) without a usable password, spread
    over the teams below the top one and reporting to each team's lead."""
    team_names = [name for name, _ in TEAMS[1:]]
    for n in range(count):
        team_name = team_names[n % len(team_names)]
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        run.person(
            email=f"person{n + 1:05d}@{DEMO_DOMAIN}",
            defaults={
                "name": name,
                "job_title": "",
                "team": teams[team_name],
                "manager": leads[team_name],
                "language": rng.choice(["es", "en"]),
            },
            password=None,
        )


def _seed_logins(
    run: _Run, *, teams: dict[str, Team], leads: dict[str, User], password: str | None
) -> None:
    """The demo logins with the shared `password`, in their groups; then the demo
    manager takes over `DEMO_MANAGER_REPORTS` from the head of Customer Care."""
    for login in DEMO_LOGINS:
        manager = User.objects.filter(email=login.manager).first() if login.manager else None
        user = run.person(
            email=login.email,
            defaults={
                "name": login.name,
                "job_title": login.job_title,
                "team": teams[login.team],
                "manager": manager,
                "is_staff": login.is_staff,
                "is_superuser": login.is_superuser,
                "language": login.language,
            },
            password=password,
        )
        if login.groups:
            user.groups.add(*Group.objects.filter(name__in=login.groups))
        run.summary.logins.append(login.email)
    # Only people still under the team's head move: a second run, or a line
    # changed since in the admin, is left as it is.
    User.objects.filter(email__in=DEMO_MANAGER_REPORTS, manager=leads.get("Customer Care")).update(
        manager=User.objects.filter(email=DEMO_MANAGER).first()
    )
