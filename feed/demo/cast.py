"""
The cast: the demo people a batch of wins is written by and for.

Read once per batch as plain values (no model instances), so planning
hundreds of thousands of wins costs no queries. Generated people (`--users`)
have addresses like `person00042@`; the others are the named people of
`feed.demo.people` and its logins.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from accounts.models import User
from feed.demo.people import DEMO_DOMAIN, DEMO_LOGINS
from feed.demo.texts import COMMENTS


@dataclass(frozen=True, slots=True)
class Person:
    """A demo person as the planner sees them: enough to write, mention and credit."""

    pk: int
    handle: str
    team_id: int | None
    language: str
    named: bool  # a person of the demo organisation or a demo login, not a generated one


@dataclass
class Cast:
    """The people a batch of wins is written by and for."""

    everyone: list[Person]
    by_team: dict[int, list[Person]]
    team_names: dict[int, str]
    logins: dict[str, Person]

    def team(self, person: Person) -> list[Person]:
        """`person`'s team, `person` included: pickers skip the author themselves (a
        copy without them would cost a pass over thousands of people for every win)."""
        return self.by_team.get(person.team_id, []) if person.team_id else []


GENERATED_EMAIL = re.compile(r"^person\d+@")


def load_cast(*, named_only: bool) -> Cast | None:
    """The active demo people, oldest first; only the named ones when `named_only`
    and there are enough of them. None when there is nobody to write."""
    rows = (
        User.objects.filter(email__iendswith=f"@{DEMO_DOMAIN}", is_active=True)
        .order_by("pk")
        .values_list("pk", "email", "team_id", "language", "team__name")
    )
    people: list[Person] = []
    logins: dict[str, Person] = {}
    team_names: dict[int, str] = {}
    login_emails = {login.email for login in DEMO_LOGINS}
    for pk, email, team_id, language, team_name in rows:
        person = Person(
            pk=pk,
            handle=email.split("@", 1)[0].lower(),
            team_id=team_id,
            language=language if language in COMMENTS else "en",
            named=not GENERATED_EMAIL.match(email),
        )
        if email in login_emails:
            logins[email] = person
        if team_id:
            team_names[team_id] = team_name
        people.append(person)
    if named_only and sum(p.named for p in people) >= 5:
        people = [p for p in people if p.named]
    if not people:
        return None
    by_team: dict[int, list[Person]] = {}
    for person in people:
        if person.team_id:
            by_team.setdefault(person.team_id, []).append(person)
    return Cast(everyone=people, by_team=by_team, team_names=team_names, logins=logins)
