"""
What the comms workspace reads: the candidates, the stories in progress, and
beside a draft each named person's consent and the story's history.

Reads only; every change goes through `feed.highlights.services` and
`feed.highlights.consents`. The candidates are the top of the same ranking as
the admin's curation queue and comms' weekly email (`feed.highlights.curation`).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from feed.highlights.curation import curation_queue
from feed.highlights.models import Consent, Highlight, HighlightEvent, HighlightPerson
from feed.wins.models import Win

# One screen of cards on a desktop, three rows of three.
CANDIDATES_SHOWN = 9
# Stories listed: all open ones and the latest closed ones.
CLOSED_STORIES_SHOWN = 10


def workspace_candidates(*, limit: int = CANDIDATES_SHOWN) -> QuerySet[Win]:
    """The most promising wins nobody proposed yet, by people still here, with
    their author and team for the cards."""
    return (
        curation_queue()
        .filter(is_proposed=False, author__is_active=True)
        .select_related("author__team", "team")[:limit]
    )


def _with_counts(queryset: QuerySet[Highlight]) -> QuerySet[Highlight]:
    return queryset.select_related("win").annotate(
        people_total=Count("people", distinct=True),
        approved_total=Count(
            "consents", filter=Q(consents__answer=Consent.Answer.APPROVED), distinct=True
        ),
    )


def workspace_stories() -> tuple[list[Highlight], list[Highlight]]:
    """The open stories (newest change first) and the latest closed ones."""
    open_stories = _with_counts(Highlight.objects.filter(status__in=Highlight.OPEN_STATUSES))
    closed = _with_counts(Highlight.objects.exclude(status__in=Highlight.OPEN_STATUSES))
    return list(open_stories.order_by("-updated_at", "-id")), list(
        closed.order_by("-updated_at", "-id")[:CLOSED_STORIES_SHOWN]
    )


@dataclass(frozen=True)
class PersonConsent:
    """Someone the draft names, and their answer to the latest request (None
    until consent is asked)."""

    person: HighlightPerson
    consent: Consent | None


def people_consents(highlight: Highlight) -> list[PersonConsent]:
    """Each person `highlight` names, the author first, with their latest
    request that was not replaced by a newer one."""
    latest: dict[int, Consent] = {}
    for consent in highlight.consents.exclude(answer=Consent.Answer.SUPERSEDED).order_by(
        "-asked_at", "-id"
    ):
        latest.setdefault(consent.person_id, consent)
    people = highlight.people.select_related("user__team").order_by("role", "id")
    return [PersonConsent(person, latest.get(person.user_id)) for person in people]


def story_history(highlight: Highlight) -> list[HighlightEvent]:
    """Every step of `highlight`, oldest first, with who took it."""
    return list(highlight.events.select_related("actor").order_by("created_at", "id"))


def other_copies(highlight: Highlight) -> list[Highlight]:
    """The other highlights made from the same win (earlier or later copies)."""
    if highlight.win_id is None:
        return []
    return list(
        Highlight.objects.filter(win_id=highlight.win_id)
        .exclude(pk=highlight.pk)
        .order_by("-created_at")
    )


def open_highlight_of(win_id: int) -> Highlight | None:
    return Highlight.objects.filter(win_id=win_id, status__in=Highlight.OPEN_STATUSES).first()
