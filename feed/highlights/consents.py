"""
Consent: asking the people a highlight names, their answers, reminders and expiry.

Nobody consents on someone else's behalf, superusers included: only the person
asked answers their request. A request keeps exactly what its person was shown,
with a fingerprint (`feed.highlights.snapshots`); an approval counts only while
the highlight still shows that. Every request, answer and expiry is announced
(`feed.highlights.events`) in the same transaction, for whoever tells people.

Comms ask (`consent_request`); an edit asks again (`ask_again`, called by
`feed.highlights.services`); beat reminds and expires (`consents_remind_and_expire`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from feed.highlights import events
from feed.highlights.models import (
    CONSENT_MESSAGE_MAX_LENGTH,
    Consent,
    Highlight,
    HighlightEvent,
    HighlightPerson,
)
from feed.highlights.snapshots import consent_fingerprint, consent_snapshot, current_fingerprints
from feed.highlights.transitions import (
    check_win_public,
    clean_content,
    close_pending,
    current_consents,
    locked,
    record_event,
    refuse_stale,
    refuse_unasked,
    refuse_unless,
    require_comms,
)

Status = Highlight.Status
Action = HighlightEvent.Action
Answer = Consent.Answer


# --------------------------------------------------------------------------
# Comms ask
# --------------------------------------------------------------------------
@transaction.atomic
def consent_request(*, highlight: Highlight, by: User, version: str | None = None) -> list[Consent]:
    """Ask everyone the draft names for their consent: one request each, holding
    exactly what the public page would show them and its fingerprint; each is
    announced (`events.consent_requested`), so they are told in the app and by
    email at once (at their chosen cadence). The
    highlight goes from draft to awaiting. Requests expire after
    `CONSENT_EXPIRY_DAYS`.

    Comms only (PermissionDenied); ValidationError unless a draft whose content
    is complete (an image needs its description), whose win can still be public,
    and whose title and text name nobody but the people it names: someone else
    they name (`feed.highlights.names`) must be taken out or added first.
    A stale `version` (`transitions.refuse_stale`) is refused too: the same
    request sent twice never asks twice.
    """
    require_comms(by, _("Only communications staff can ask for consent."))
    locked(highlight)
    refuse_stale(highlight, version)
    refuse_unless(
        highlight, Status.DRAFT,
        message=_("Consent can only be asked for a draft; this highlight is %(status)s."),
    )  # fmt: skip
    clean_content(title=highlight.title, text=highlight.text,
                  has_image=bool(highlight.image), image_alt=highlight.image_alt)  # fmt: skip
    check_win_public(highlight)
    refuse_unasked(highlight)
    highlight.status = Status.AWAITING
    highlight.updated_at = timezone.now()
    highlight.save(update_fields=["status", "updated_at"])
    people = highlight.people.select_related("user")
    return _ask(highlight, by=by, people=people, now=highlight.updated_at, before=Status.DRAFT)


def ask_again(highlight: Highlight, *, by: User, user_ids: list[int]) -> None:
    """After an edit: new requests for the people whose content changed."""
    before = highlight.status
    now = timezone.now()
    if before == Status.PUBLISHED:
        highlight.status = Status.AWAITING
        highlight.save(update_fields=["status"])
        record_event(highlight, actor=by, action=Action.UNPUBLISHED, before=before,
                      note=_("Changed after publication: consent is asked again."))  # fmt: skip
    else:
        highlight.status = Status.AWAITING
        highlight.save(update_fields=["status"])
        record_event(highlight, actor=by, action=Action.EDITED, before=before)
    highlight.consents.filter(
        person_id__in=user_ids, answer__in=[Answer.PENDING, Answer.APPROVED]
    ).update(answer=Answer.SUPERSEDED, closed_at=now)
    people = highlight.people.filter(user_id__in=user_ids).select_related("user")
    _ask(highlight, by=by, people=people, now=now, before=Status.AWAITING)


def _ask(
    highlight: Highlight,
    *,
    by: User,
    people: models.QuerySet[HighlightPerson],
    now: datetime,
    before: str,
) -> list[Consent]:
    """One request per person, with the snapshot they are shown; each is told at once."""
    expires_at = now + timedelta(days=settings.CONSENT_EXPIRY_DAYS)
    consents = []
    for person in people:
        snapshot = consent_snapshot(highlight=highlight, public_name=person.public_name)
        consent = Consent.objects.create(
            highlight=highlight,
            person=person.user,
            asked_by=by,
            asked_at=now,
            expires_at=expires_at,
            fingerprint=consent_fingerprint(snapshot),
            **snapshot,
        )
        events.consent_requested.send(consent=consent, reminder=False)
        consents.append(consent)
    record_event(highlight, actor=by, action=Action.CONSENT_ASKED, before=before,
                  note=", ".join(p.public_name for p in people))  # fmt: skip
    return consents


# --------------------------------------------------------------------------
# The people named answer
# --------------------------------------------------------------------------
@transaction.atomic
def consent_answer(*, consent: Consent, person: User, approve: bool, message: str = "") -> Consent:
    """`person` approves or declines the request addressed to them, with an
    optional message to comms.

    Only the person asked may answer: anyone else, comms and superusers
    included, gets PermissionDenied. ValidationError when the request was
    answered, replaced or expired, or when the highlight changed since it was
    asked (the fingerprint no longer matches). When everyone asked in this
    round approved, the highlight is approved; one decline declines it.
    """
    if not (person.is_authenticated and person.is_active) or person.pk != consent.person_id:
        raise PermissionDenied(_("Only the person asked can answer this request."))
    highlight = locked(consent.highlight)
    consent.refresh_from_db()
    now = timezone.now()
    message = _check_answerable(
        consent, highlight=highlight, person=person, now=now, message=message
    )
    consent.answer = Answer.APPROVED if approve else Answer.DECLINED
    consent.answered_at = now
    consent.closed_at = None if approve else now
    consent.message = message
    consent.save(update_fields=["answer", "answered_at", "closed_at", "message"])
    events.consent_answered.send(consent=consent)
    record_event(
        highlight,
        actor=person,
        before=highlight.status,
        note=message,
        action=Action.CONSENT_APPROVED if approve else Action.CONSENT_DECLINED,
    )
    if not approve:
        close_pending(highlight, now=now)
        highlight.status = Status.DECLINED
    elif not current_consents(highlight).exclude(answer=Answer.APPROVED).exists():
        highlight.status = Status.APPROVED
    else:
        return consent
    highlight.updated_at = now
    highlight.save(update_fields=["status", "updated_at"])
    record_event(highlight, actor=person, before=Status.AWAITING,
                  action=Action.APPROVED if approve else Action.DECLINED)  # fmt: skip
    return consent


def _check_answerable(
    consent: Consent, *, highlight: Highlight, person: User, now: datetime, message: str
) -> str:
    """Refuse an answer `consent_answer` may not record (ValidationError); returns
    the message, stripped."""
    if consent.answer != Answer.PENDING:
        raise ValidationError(
            _("This request was already answered or is no longer needed (%(answer)s).")
            % {"answer": str(consent.get_answer_display()).lower()},
            code="answered",
        )
    if consent.expires_at <= now:
        raise ValidationError(_("This request expired."), code="expired")
    refuse_unless(
        highlight, Status.AWAITING,
        message=_("This highlight is %(status)s: it is not waiting for answers."),
    )  # fmt: skip
    if current_fingerprints(highlight).get(person.pk) != consent.fingerprint:
        raise ValidationError(
            _("The highlight changed since you were asked: look at the new version."),
            code="changed",
        )
    message = message.strip()
    if len(message) > CONSENT_MESSAGE_MAX_LENGTH:
        raise ValidationError(
            _("Keep your message under %(max)s characters.") % {"max": CONSENT_MESSAGE_MAX_LENGTH},
            code="message",
        )
    return message


# --------------------------------------------------------------------------
# Reminders and expiry (beat, hourly)
# --------------------------------------------------------------------------
@dataclass(frozen=True)
class ConsentSweep:
    reminded: int
    expired: int


def consents_remind_and_expire(
    *,
    now: datetime | None = None,
    dry_run: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> ConsentSweep:
    """Remind once, halfway to expiry, the people who have not answered; expire
    the requests past `expires_at` (expired means no: the highlight is declined).

    Idempotent and safe beside itself: each request is locked and re-checked,
    a reminder is stamped in `reminded_at` and its email recorded once
    (`c<id>-reminder`). Returns how many were reminded and expired; with
    `dry_run` nothing is written and the counts are of what would be.
    `progress(done, total)` is told after each request looked at.
    """
    now = now or timezone.now()
    expiring = list(
        Consent.objects.filter(answer=Answer.PENDING, expires_at__lte=now).values_list(
            "pk", flat=True
        )
    )
    reminding = [
        consent_id
        for consent_id, asked_at, expires_at in Consent.objects.filter(
            answer=Answer.PENDING, reminded_at__isnull=True, expires_at__gt=now
        ).values_list("pk", "asked_at", "expires_at")
        if asked_at + (expires_at - asked_at) / 2 <= now
    ]
    if dry_run:
        return ConsentSweep(reminded=len(reminding), expired=len(expiring))
    total = len(expiring) + len(reminding)
    expired = reminded = 0
    for done, consent_id in enumerate(expiring, start=1):
        expired += _expire(consent_id=consent_id, now=now)
        if progress:
            progress(done, total)
    for done, consent_id in enumerate(reminding, start=len(expiring) + 1):
        reminded += _remind(consent_id=consent_id, now=now)
        if progress:
            progress(done, total)
    return ConsentSweep(reminded=reminded, expired=expired)


@transaction.atomic
def _expire(*, consent_id: int, now: datetime) -> int:
    consent = (
        Consent.objects.select_for_update()
        .filter(pk=consent_id, answer=Answer.PENDING, expires_at__lte=now)
        .first()
    )
    if consent is None:
        return 0
    highlight = locked(consent.highlight)
    consent.answer, consent.closed_at = Answer.EXPIRED, now
    consent.save(update_fields=["answer", "closed_at"])
    events.consent_expired.send(consent=consent)
    record_event(highlight, actor=None, action=Action.CONSENT_EXPIRED, before=highlight.status,
                  note=consent.public_name)  # fmt: skip
    if highlight.status == Status.AWAITING:
        close_pending(highlight, now=now)
        highlight.status = Status.DECLINED
        highlight.updated_at = now
        highlight.save(update_fields=["status", "updated_at"])
        record_event(highlight, actor=None, action=Action.DECLINED, before=Status.AWAITING,
                      note=_("Nobody answered in time."))  # fmt: skip
    return 1


@transaction.atomic
def _remind(*, consent_id: int, now: datetime) -> int:
    consent = (
        Consent.objects.select_for_update(of=("self",))
        .select_related("highlight__win", "person", "asked_by")
        .filter(pk=consent_id, answer=Answer.PENDING, reminded_at__isnull=True)
        .first()
    )
    if consent is None:
        return 0
    consent.reminded_at = now
    consent.save(update_fields=["reminded_at"])
    highlight = consent.highlight
    record_event(highlight, actor=None, action=Action.CONSENT_REMINDED, before=highlight.status,
                  note=consent.public_name)  # fmt: skip
    events.consent_requested.send(consent=consent, reminder=True)
    return 1
