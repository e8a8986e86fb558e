"""
Demo highlights: a few of the most celebrated demo wins in every state.

Made through `feed.highlights.services`, as comms and the people named would make them,
so every step has its events and consents; inside `notifications_muted()`, so a
fresh demo does not email people about history. The demo employee's own best
win waits for their consent. Idempotent: once the demo comms login has
proposed anything, nothing is added.

Before asking anyone, comms edits each draft as a person would: a short public
title (the headline the win's idea was written with, where it has one, else the
first clause of its first sentence) and the text without internal hashtags.
"""

from __future__ import annotations

import re
from functools import cache

from django.db import transaction

from accounts.models import User
from feed.demo.ideas import Idea
from feed.demo.texts import IDEAS
from feed.highlights import services as highlights
from feed.highlights.consents import consent_answer, consent_request
from feed.highlights.drafts import public_text, public_title
from feed.highlights.models import Highlight
from feed.notifications.services import notifications_muted
from feed.wins.models import Win

COMMS = "comms@example.com"
EMPLOYEE = "employee@example.com"
# The order of the states matters only for which win gets which.
STATES = [
    Highlight.Status.AWAITING,
    Highlight.Status.PUBLISHED,
    Highlight.Status.PUBLISHED,
    Highlight.Status.APPROVED,
    Highlight.Status.DRAFT,
    Highlight.Status.WITHDRAWN,
    Highlight.Status.DECLINED,
]


@cache
def _idea_patterns() -> list[tuple[re.Pattern[str], Idea]]:
    """A pattern for each demo idea that matches the wins written from it, with
    the number and client it was filled with as groups."""
    patterns = []
    for languages in IDEAS.values():
        for ideas in languages.values():
            for idea in ideas:
                regex, seen = "", set()
                for part in re.split(r"(\{\w+\})", idea.text):
                    key = part[1:-1] if part.startswith("{") and part.endswith("}") else None
                    if key is None:
                        regex += re.escape(part)
                    elif key in seen:
                        regex += f"(?P={key})"
                    elif key in ("n", "client"):
                        regex += rf"(?P<{key}>\d+)" if key == "n" else rf"(?P<{key}>.+?)"
                        seen.add(key)
                    else:  # a person: their @handle (or "?" when nobody was left)
                        regex += r"(?:@[\w.+-]+|\?)"
                patterns.append((re.compile(regex + r"\Z", re.DOTALL), idea))
    return patterns


def _headline(win: Win) -> str:
    """The headline of the idea `win` was written from, filled in as the win was;
    empty when the idea has none (or the win was edited past recognition)."""
    for pattern, idea in _idea_patterns():
        match = pattern.match(win.body)
        if match is not None:
            return idea.card.format_map(match.groupdict()) if idea.card else ""
    return ""


def _public_version(highlight: Highlight, *, comms: User) -> None:
    """Comms edits the draft: a short title and the text without hashtags."""
    text = public_text(highlight.text)
    title = _headline(highlight.win) or public_title(text)
    keep_image = bool(highlight.image and highlight.image_alt)
    highlights.highlight_update(
        highlight=highlight,
        by=comms,
        title=title,
        text=text,
        image_choice=highlights.ImageChoice.WIN if keep_image else highlights.ImageChoice.NONE,
        image_alt=highlight.image_alt if keep_image else "",
    )


def _candidates() -> list[Win]:
    """Wins for everyone, not hidden, by people still here: the employee's best first,
    then the most reacted to, one per author, those with a headline first."""
    public = (
        Win.objects.filter(visibility=Win.Visibility.EVERYONE, is_hidden=False)
        .filter(author__is_active=True)
        .exclude(highlights__status__in=Highlight.OPEN_STATUSES)
        .select_related("author")
        .order_by("-reaction_count", "-id")
    )
    wins: list[Win] = []
    mine = public.filter(author__email=EMPLOYEE).first()
    if mine is not None:
        wins.append(mine)
    authors = {win.author_id for win in wins}
    ranked = list(public[:200])
    for win in sorted(ranked, key=lambda win: not _headline(win)):  # stable: still by reactions
        if len(wins) == len(STATES):
            break
        if win.author_id not in authors:
            wins.append(win)
            authors.add(win.author_id)
    return wins


def _bring_to(highlight: Highlight, state: str, *, comms: User) -> None:
    if state == Highlight.Status.DRAFT:
        return
    consents = consent_request(highlight=highlight, by=comms)
    if state == Highlight.Status.AWAITING:
        return
    if state == Highlight.Status.DECLINED:
        consent = consents[-1]
        consent_answer(
            consent=consent, person=consent.person, approve=False,
            message="Prefiero que no se publique todavía, gracias.",
        )  # fmt: skip
        return
    for consent in consents:
        consent_answer(consent=consent, person=consent.person, approve=True)
    if state == Highlight.Status.APPROVED:
        return
    highlights.highlight_publish(highlight=highlight, by=comms)
    if state == Highlight.Status.WITHDRAWN:
        author = highlight.win.author
        highlights.highlight_withdraw(
            highlight=highlight, by=author, reason="I changed jobs and would rather not."
        )


@transaction.atomic
def seed_highlights() -> dict[str, int]:
    """Highlights in every state from the demo wins; returns how many per status."""
    comms = User.objects.filter(email=COMMS, is_active=True).first()
    if comms is None or Highlight.objects.filter(created_by=comms).exists():
        return {}
    counts: dict[str, int] = {}
    with notifications_muted():
        for win, state in zip(_candidates(), STATES, strict=False):
            highlight = highlights.highlight_propose(win=win, by=comms)
            _public_version(highlight, comms=comms)
            _bring_to(highlight, state, comms=comms)
            counts[state] = counts.get(state, 0) + 1
    return counts
