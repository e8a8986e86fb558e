"""Builders shared by the manager digest tests: a team under a manager, wins at given times."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from accounts.models import Team, User
from feed.notifications.periods import previous_week, weekly_due
from feed.wins.models import Credit, Win
from tests.factories import TeamFactory, UserFactory

# Monday 23 November 2026, 09:30 in Madrid: last week is 2026-W47 (16 to 22 November).
MONDAY_MORNING = datetime(2026, 11, 23, 8, 30, tzinfo=UTC)
LAST_WEEK = "2026-W47"
MADRID = "Europe/Madrid"


def in_last_week(*, time_zone: str = MADRID, now: datetime = MONDAY_MORNING, hours: int = 30):
    """A moment inside the week before `now`, `hours` after it began."""
    return previous_week(time_zone=time_zone, now=now).start + timedelta(hours=hours)


def due_zone() -> str:
    """A time zone in which last week's digest is due right now (Madrid unless it is
    early on Monday there; then Honolulu, where it is still Sunday)."""
    for name in (MADRID, "Pacific/Honolulu", "Pacific/Kiritimati"):
        if weekly_due(time_zone=name):
            return name
    raise AssertionError("no zone is due")  # one of them always is


def manager_with_team(
    *,
    name: str = "Marta Manager",
    email: str | None = None,
    team: Team | None = None,
    reports: int = 2,
    time_zone: str = MADRID,
    language: str = "en",
) -> tuple[User, list[User]]:
    """A manager and `reports` people reporting to them, all in `team`."""
    team = team or TeamFactory(name="Customer Care")
    slug = name.lower().replace(" ", ".")
    manager = UserFactory(
        name=name,
        email=email or f"{slug}@example.com",
        team=team,
        time_zone=time_zone,
        language=language,
    )
    people = [
        UserFactory(
            name=f"Report {n} of {name}",
            email=f"report{n}.{slug}@example.com",
            team=team,
            manager=manager,
            time_zone=time_zone,
        )
        for n in range(reports)
    ]
    return manager, people


def win_at(
    author: User,
    when: datetime,
    body: str,
    *,
    team_only: bool = False,
    reactions: int = 0,
    comments: int = 0,
    photo: bool = False,
    hidden: bool = False,
    credited: tuple[User, ...] = (),
) -> Win:
    """A win posted at `when` with counters set (the digest reads the counters)."""
    win = Win.objects.create(
        author=author,
        team=author.team,
        body=body,
        visibility=Win.Visibility.TEAM if team_only else Win.Visibility.EVERYONE,
        created_at=when,
        reaction_count=reactions,
        comment_count=comments,
        is_hidden=hidden,
        **(
            {
                "image": f"wins/2026/11/{body[:8].replace(' ', '-')}.webp",
                "thumbnail": f"wins/2026/11/{body[:8].replace(' ', '-')}-thumb.webp",
                "image_width": 1200,
                "image_height": 800,
                "image_status": Win.ImageStatus.READY,
            }
            if photo
            else {}
        ),
    )
    for person in credited:
        Credit.objects.create(win=win, user=person)
    return win


def text_of(html: str) -> str:
    """What a person reads: tags dropped, spaces collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())
