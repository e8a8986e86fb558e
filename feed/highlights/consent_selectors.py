"""
Reads for the people a highlight names: their consent requests and the open
highlight of a win they may withdraw from. Never public; the public reads are in
`feed.highlights.selectors`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Prefetch
from django.utils import timezone

from accounts.models import User
from feed.highlights.models import Consent, Highlight
from feed.highlights.snapshots import consent_fingerprint, consent_snapshot
from feed.wins.models import Win


@dataclass(frozen=True)
class OpenHighlight:
    """The open highlight of a win that names the viewer, and their request
    waiting for an answer, if any."""

    highlight: Highlight
    pending: Consent | None
    # Whether the viewer's current answer is an approval: only then is there a
    # consent to withdraw (a request still waiting is answered, not withdrawn).
    approved: bool = False


# What the people named can still withdraw from.
WITHDRAWABLE_STATUSES = (
    Highlight.Status.AWAITING,
    Highlight.Status.APPROVED,
    Highlight.Status.PUBLISHED,
)


def open_highlight_for(*, win: Win, user: User) -> OpenHighlight | None:
    """The highlight of `win` awaiting consent, approved or published that names
    `user`, with their request waiting for an answer and whether they approved,
    or None. Two queries at most, whatever the number of people named."""
    if not user.is_authenticated:
        return None
    current = Consent.objects.filter(
        person_id=user.pk, answer__in=[Consent.Answer.PENDING, Consent.Answer.APPROVED]
    ).order_by("-asked_at", "-id")
    highlight = (
        Highlight.objects.filter(win=win, status__in=WITHDRAWABLE_STATUSES, people__user_id=user.pk)
        .prefetch_related(Prefetch("consents", queryset=current, to_attr="viewer_consents"))
        .first()
    )
    if highlight is None:
        return None
    consents = highlight.viewer_consents
    pending = next((c for c in consents if c.answer == Consent.Answer.PENDING), None)
    approved = pending is None and any(c.answer == Consent.Answer.APPROVED for c in consents)
    return OpenHighlight(highlight=highlight, pending=pending, approved=approved)


def consents_waiting(*, user: User) -> list[Consent]:
    """`user`'s consent requests still waiting for an answer and not expired, about
    highlights still awaiting consent, newest first, with their highlight. One
    query; none for visitors. The feed's banner shows them."""
    if not user.is_authenticated:
        return []
    return list(
        Consent.objects.filter(
            person_id=user.pk,
            answer=Consent.Answer.PENDING,
            expires_at__gt=timezone.now(),
            highlight__status=Highlight.Status.AWAITING,
        )
        .select_related("highlight")
        .order_by("-asked_at", "-id")
    )


def can_withdraw(*, consent: Consent) -> bool:
    """Whether `consent.person` can still withdraw the highlight from their consent
    page: it is awaiting consent, approved or published, and still names them.
    A request still open for an answer is not withdrawn but declined, so its
    page offers Approve and Decline only. At most one query, whatever became of
    the win."""
    highlight = consent.highlight
    if highlight.status not in WITHDRAWABLE_STATUSES:
        return False
    if consent.answer == Consent.Answer.PENDING and consent.expires_at > timezone.now():
        return False
    return highlight.people.filter(user_id=consent.person_id).exists()


def consent_win(*, consent: Consent, user: User) -> Win | None:
    """The win of `consent`'s highlight if `user` may still open it, else None. One query."""
    win_id = consent.highlight.win_id
    if win_id is None:
        return None
    return Win.objects.visible_to(user).filter(pk=win_id).first()


def consent_changed(*, consent: Consent) -> bool:
    """Whether what the public would see of the highlight for `consent.person`
    differs from what they were shown (they are no longer named, or anything it
    covers was edited). One query."""
    person = consent.highlight.people.filter(user_id=consent.person_id).first()
    if person is None:
        return True
    snapshot = consent_snapshot(highlight=consent.highlight, public_name=person.public_name)
    return consent_fingerprint(snapshot) != consent.fingerprint


def consent_for_notification(*, recipient: User, win_ids: Iterable[int]) -> dict[int, int]:
    """For each of `win_ids`, the id of `recipient`'s latest consent request about
    a highlight of that win (pending first). One query."""
    consents = (
        Consent.objects.filter(person_id=recipient.pk, highlight__win_id__in=list(win_ids))
        .order_by("-asked_at", "-id")
        .values_list("highlight__win_id", "pk", "answer")
    )
    found: dict[int, int] = {}
    pending: set[int] = set()
    for win_id, pk, answer in consents:
        if answer == Consent.Answer.PENDING and win_id not in pending:
            found[win_id] = pk
            pending.add(win_id)
        found.setdefault(win_id, pk)
    return found
