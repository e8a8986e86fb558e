"""
Planning demo wins: who writes what, when, with which picture, and who reacts
and comments, all decided in memory from one seeded `random.Random`.

A plan is written to the database by `feed.demo.wins`, one by one through the
services or in bulk; both ways write the same plan. Deterministic for a given
`rng` and cast: the same database gets the same wins. The order in which the
planner draws from `rng` is part of that promise, so a change here changes
every demo win after it.
"""

from __future__ import annotations

import random
import zoneinfo
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings

from feed.demo.cast import Cast, Person
from feed.demo.ideas import CLIENTS, GENERAL, Idea
from feed.demo.pictures import PALETTES, PictureSpec
from feed.demo.texts import AUTHOR_REPLIES, COMMENTS, EDITS, IDEAS
from feed.demo.timing import local_moment, moment_after
from feed.demo.values import LEARNING
from feed.wins.models import Reaction, Win

# About this share of the curated wins get a picture (those with a headline more often).
CURATED_IMAGE_SHARE = 0.3
# Each team writes about its own work most of the time, and about anything else now and then.
OWN_TEAM_SHARE = 0.7

# How often a reaction is of each kind; learning wins get more "insightful".
REACTION_WEIGHTS = {
    Reaction.Kind.CLAP: 35,
    Reaction.Kind.CELEBRATE: 30,
    Reaction.Kind.LOVE: 20,
    Reaction.Kind.INSIGHTFUL: 15,
}


class IdeaDeck:
    """Ideas for a (team, language), dealt without repeats until the deck runs out."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.decks: dict[tuple[str, str], deque[Idea]] = {}

    def deal(self, team: str, language: str) -> Idea:
        key = (team, language)
        deck = self.decks.get(key)
        if not deck:
            ideas = list(IDEAS.get(team, {}).get(language, []))
            self.rng.shuffle(ideas)
            deck = self.decks[key] = deque(ideas)
        return deck.popleft()


@dataclass
class Plan:
    """One win to write: its text and people, and what happens to it afterwards."""

    author: Person
    language: str
    body: str
    visibility: str
    values: tuple[str, ...]
    mentioned: list[Person]
    credited: list[Person]
    created_at: datetime
    picture: PictureSpec | None = None
    edit: tuple[str, datetime] | None = None
    reactions: list[tuple[Person, str, datetime]] = field(default_factory=list)
    comments: list[tuple[Person, str, datetime, list[Person]]] = field(default_factory=list)

    @property
    def credits(self) -> list[Person]:
        people = {p.pk: p for p in [*self.credited, *self.mentioned] if p.pk != self.author.pk}
        return list(people.values())


class Planner:
    """Turns ordinals into planned wins. Deterministic for a given `rng` and cast."""

    def __init__(self, rng: random.Random, cast: Cast, *, now: datetime, rich: bool) -> None:
        self.rng = rng
        self.cast = cast
        self.now = now
        self.rich = rich  # curated: more reactions and comments, pictures, login cadence
        self.deck = IdeaDeck(rng)

    # -- who writes ---------------------------------------------------------
    def author(self, ordinal: int) -> Person:
        """Demo logins post at a steady cadence (so every login has wins); others at random."""
        if self.rich:
            logins = self.cast.logins
            cadence = [
                (20, 3, "employee@example.com"),
                (40, 11, "manager@example.com"),
                (40, 27, "comms@example.com"),
                (80, 50, "admin@example.com"),
            ]
            for every, at, email in cadence:
                if ordinal % every == at and email in logins:
                    return logins[email]
            # Everyone else at random; Customer Care (the manager's and the employee's team)
            # posts a bit more, so the manager has team wins to read.
            login_pks = {p.pk for p in logins.values()}
            people = [p for p in self.cast.everyone if p.pk not in login_pks] or self.cast.everyone
            weights = [
                2.0 if self.cast.team_names.get(p.team_id) == "Customer Care" else 1.0
                for p in people
            ]
            return self.rng.choices(people, weights)[0]
        return self.rng.choice(self.cast.everyone)

    def _someone(self, pool: Sequence[Person], exclude: set[int]) -> Person | None:
        for _attempt in range(8):
            person = self.rng.choice(pool) if pool else None
            if person is None:
                return None
            if person.pk not in exclude:
                return person
        candidates = [p for p in pool if p.pk not in exclude]
        return self.rng.choice(candidates) if candidates else None

    # -- what they write ----------------------------------------------------
    def plan(self, ordinal: int, created_at: datetime) -> Plan:
        """The seed's win number `ordinal`, posted around `created_at`."""
        rng = self.rng
        author = self.author(ordinal)
        language, team_name, idea = self._idea_for(author)
        team = self.cast.team(author)
        teammates = team if len(team) > 1 else []
        team_share = {"Customer Care": 0.3, "Engineering": 0.2}.get(team_name, 0.12)
        team_only = bool(teammates) and rng.random() < team_share
        # A team-only win only mentions people who can see it.
        others = team if team_only else self.cast.everyone
        used = {author.pk}
        fill: dict[str, str] = {"client": rng.choice(CLIENTS), "n": str(rng.randint(*idea.n))}
        mentioned = self._mention(idea, fill, used, mates=teammates or others, others=others)
        credited = self._credit(mentioned, teammates, used)
        plan = Plan(
            author=author,
            language=language,
            body=idea.text.format_map(fill),
            visibility=Win.Visibility.TEAM if team_only else Win.Visibility.EVERYONE,
            values=idea.values,
            mentioned=mentioned,
            credited=credited,
            created_at=self._posted_at(idea, created_at),
        )
        audience = team if team_only else self.cast.everyone
        if self.rich:
            share = 0.55 if idea.card else 0.2
            if rng.random() < share * CURATED_IMAGE_SHARE / 0.3:
                plan.picture = self._picture(idea, fill, plan)
        self._edit(plan, teammates or others, used)
        self._react(plan, idea, audience, teammates)
        self._comment(plan, audience, teammates)
        return plan

    def _idea_for(self, author: Person) -> tuple[str, str, Idea]:
        """The language `author` writes in this time (mostly their own), their team's
        name, and the idea: from their team's deck mostly, else from anyone's."""
        rng = self.rng
        language = (
            author.language if rng.random() < 0.88 else {"es": "en"}.get(author.language, "es")
        )
        team_name = self.cast.team_names.get(author.team_id, "")
        own = team_name in IDEAS and IDEAS[team_name].get(language)
        deck = team_name if own and rng.random() < OWN_TEAM_SHARE else GENERAL
        return language, team_name, self.deck.deal(deck, language)

    def _mention(
        self,
        idea: Idea,
        fill: dict[str, str],
        used: set[int],
        *,
        mates: Sequence[Person],
        others: Sequence[Person],
    ) -> list[Person]:
        """Fill the people in `idea` as `@handles` (a "?" when nobody is left), each
        someone not in `used` yet; returns who was mentioned."""
        mentioned: list[Person] = []
        for key, pool in (("mate", mates), ("mate2", mates), ("other", others)):
            if "{" + key + "}" not in idea.text:
                continue
            person = self._someone(pool, used) or self._someone(self.cast.everyone, used)
            if person is None:
                fill[key] = "?"
                continue
            used.add(person.pk)
            mentioned.append(person)
            fill[key] = f"@{person.handle}"
        return mentioned

    def _credit(
        self, mentioned: list[Person], teammates: list[Person], used: set[int]
    ) -> list[Person]:
        """Some credit a coworker with the composer's "with" field instead of a mention."""
        credited: list[Person] = []
        if not mentioned and teammates and self.rng.random() < 0.3:
            person = self._someone(teammates, used)
            if person:
                credited.append(person)
                used.add(person.pk)
        return credited

    def _posted_at(self, idea: Idea, created_at: datetime) -> datetime:
        """`created_at`, or for an on-call idea its unusual hours that day (if already past)."""
        if not idea.hours:
            return created_at
        rng = self.rng
        local = created_at.astimezone(zoneinfo.ZoneInfo(settings.TIME_ZONE))
        moved = local_moment(local.date(), rng.randint(*idea.hours), rng, local.tzinfo)
        return moved if moved < self.now - timedelta(minutes=5) else created_at

    def _picture(self, idea: Idea, fill: dict[str, str], plan: Plan) -> PictureSpec:
        rng = self.rng
        if idea.card:
            style = "chart" if idea.chart else "card"
            headline = idea.card.format_map(fill)
        else:
            style, headline = rng.choice(["confetti", "rings", "waves"]), ""
        label = f"#{plan.values[0]}" if plan.values else ""
        return PictureSpec(style=style, palette=rng.randrange(len(PALETTES)),
                           seed=rng.randrange(2**31), headline=headline, label=label,
                           language=plan.language)  # fmt: skip

    def _edit(self, plan: Plan, pool: Sequence[Person], used: set[int]) -> None:
        if self.rng.random() >= (0.06 if self.rich else 0.03):
            return
        addendum = self.rng.choice(EDITS[plan.language])
        if "{mate}" in addendum:
            person = self._someone(pool, used)
            if person is None:
                return
            used.add(person.pk)
            plan.mentioned.append(person)
            addendum = addendum.format(mate=f"@{person.handle}")
        at = moment_after(self.rng, plan.created_at, self.now, mean_minutes=40)
        plan.edit = (f"{plan.body}\n\n{addendum}", at)

    def _react(self, plan: Plan, idea: Idea, audience: list[Person], team: list[Person]) -> None:
        rng = self.rng
        kinds, weights = list(REACTION_WEIGHTS), list(REACTION_WEIGHTS.values())
        if LEARNING in idea.values:
            weights[kinds.index(Reaction.Kind.INSIGHTFUL)] *= 3
        mean = 4.5 if self.rich else 2.2
        count = min(len(audience) - 1, int(rng.expovariate(1 / mean) + rng.random()))
        people: dict[int, Person] = {}
        # The demo logins who can see the win react often, so they find their own reactions.
        if self.rich:
            for login in self.cast.logins.values():
                visible = plan.visibility == Win.Visibility.EVERYONE or login in audience
                if login.pk != plan.author.pk and visible and rng.random() < 0.25:
                    people[login.pk] = login
        while len(people) < count:
            pool = team if team and rng.random() < 0.5 else audience
            person = rng.choice(pool)
            if person.pk != plan.author.pk:
                people[person.pk] = person
        for person in people.values():
            for kind in {rng.choices(kinds, weights)[0] for _ in range(1 + (rng.random() < 0.1))}:
                at = moment_after(rng, plan.created_at, self.now, mean_minutes=180)
                plan.reactions.append((person, kind, at))

    def _comment(self, plan: Plan, audience: list[Person], team: list[Person]) -> None:
        rng = self.rng
        weights = [35, 30, 20, 10, 5] if self.rich else [60, 25, 10, 4, 1]
        count = rng.choices(range(5), weights)[0]
        at = plan.created_at
        for _ in range(count):
            pool = team if team and rng.random() < 0.5 else audience
            person = self._someone(pool, {plan.author.pk})
            if person is None:
                break
            text = rng.choice(COMMENTS[plan.language])
            mentions: list[Person] = []
            if "{third}" in text:
                third = self._someone(audience, {plan.author.pk, person.pk})
                if third is None:
                    continue
                mentions.append(third)
                text = text.replace("{third}", f"@{third.handle}")
            if "{author}" in text:
                mentions.append(plan.author)
                text = text.replace("{author}", f"@{plan.author.handle}")
            at = moment_after(rng, at, self.now, mean_minutes=150)
            plan.comments.append((person, text, at, mentions))
        if plan.comments and rng.random() < 0.3:
            at = moment_after(rng, at, self.now, mean_minutes=60)
            reply = rng.choice(AUTHOR_REPLIES[plan.language])
            plan.comments.append((plan.author, reply, at, []))
