"""
Demo highlights: a few of the most celebrated demo wins in every state.

Made through `feed.highlights`, as comms and the people named would make them,
so every step has its events and consents; inside `notifications_muted()`, so a
fresh demo does not email people about history. The demo employee's own best
win waits for their consent. Idempotent: once the demo comms login has
proposed anything, nothing is added.
"""

from __future__ import annotations

from django.db import transaction

from accounts.models import User
from feed import highlights
from feed.models import Highlight, Win
from feed.notifications import notifications_muted

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


def _candidates() -> list[Win]:
    """Wins for everyone, not hidden, by people still here: the employee's best first,
    then the most reacted to, one per author."""
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
    for win in public[:200]:
        if len(wins) == len(STATES):
            break
        if win.author_id not in authors:
            wins.append(win)
            authors.add(win.author_id)
    return wins


def _bring_to(highlight: Highlight, state: str, *, comms: User) -> None:
    if state == Highlight.Status.DRAFT:
        return
    consents = highlights.consent_request(highlight=highlight, by=comms)
    if state == Highlight.Status.AWAITING:
        return
    if state == Highlight.Status.DECLINED:
        consent = consents[-1]
        highlights.consent_answer(
            consent=consent, person=consent.person, approve=False,
            message="Prefiero que no se publique todavía, gracias.",
        )  # fmt: skip
        return
    for consent in consents:
        highlights.consent_answer(consent=consent, person=consent.person, approve=True)
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
            _bring_to(highlight, state, comms=comms)
            counts[state] = counts.get(state, 0) + 1
    return counts
