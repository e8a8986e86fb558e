"""
The steps every highlight transition takes, shared by `feed.highlights.services`
(curation and publication) and `feed.highlights.consents` (asking and answering).

Each transition locks the highlight's row (`locked`), refuses a step that makes
no sense in its status (`refuse_unless`) or content that may not go out
(`clean_content`, `refuse_unasked`, `check_win_public`), and records what it did
as a `HighlightEvent` in the same transaction (`record_event`).
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.utils.translation import gettext as _

from accounts.models import User
from feed.highlights.models import (
    CONSENT_MESSAGE_MAX_LENGTH,
    HIGHLIGHT_TEXT_MAX_LENGTH,
    HIGHLIGHT_TITLE_MAX_LENGTH,
    Consent,
    Highlight,
    HighlightEvent,
)
from feed.highlights.names import people_unasked
from feed.highlights.selectors import win_publishable
from feed.wins.access import is_comms


def require_comms(user: User | None, message: str) -> None:
    if not is_comms(user):
        raise PermissionDenied(message)


def locked(highlight: Highlight) -> Highlight:
    """Lock the highlight's row for this transaction and refresh `highlight` from it."""
    Highlight.objects.select_for_update().filter(pk=highlight.pk).first()
    highlight.refresh_from_db()
    return highlight


def highlight_version(highlight: Highlight) -> str:
    """The version a form was built from: `updated_at` in microseconds. Every
    transition and edit moves it, so a form carries it back (`refuse_stale`)."""
    return str(int(highlight.updated_at.timestamp() * 1_000_000))


def refuse_stale(highlight: Highlight, version: str | None) -> None:
    """ValidationError (code "stale") when `version` is given and the locked
    `highlight` is no longer at it: the request was built from an older version,
    or it is the same request again (a double submit). None checks nothing."""
    if version is not None and version != highlight_version(highlight):
        raise ValidationError(
            _("This highlight changed since this page was opened: look at it as it is now."),
            code="stale",
        )


def record_event(
    highlight: Highlight, *, actor: User | None, action: str, before: str = "", note: str = ""
) -> HighlightEvent:
    return HighlightEvent.objects.create(
        highlight=highlight,
        actor=actor,
        action=action,
        from_status=before,
        to_status=highlight.status,
        note=note[:CONSENT_MESSAGE_MAX_LENGTH],
    )


def refuse_unless(highlight: Highlight, *allowed: str, message: str) -> None:
    if highlight.status not in allowed:
        raise ValidationError(
            message % {"status": str(highlight.get_status_display()).lower()}, code="status"
        )


def close_pending(highlight: Highlight, *, now: datetime, exclude: int | None = None) -> None:
    """Requests nobody needs to answer any more (the highlight ended, or asks again)."""
    pending = highlight.consents.filter(answer=Consent.Answer.PENDING)
    if exclude is not None:
        pending = pending.exclude(pk=exclude)
    pending.update(answer=Consent.Answer.SUPERSEDED, closed_at=now)


def current_consents(highlight: Highlight) -> models.QuerySet[Consent]:
    """The consents of the latest request: earlier ones were superseded."""
    return highlight.consents.exclude(answer=Consent.Answer.SUPERSEDED)


def clean_content(*, title: str, text: str, has_image: bool, image_alt: str) -> None:
    errors: dict[str, str] = {}
    if not title:
        errors["title"] = _("Give the highlight a public title.")
    elif len(title) > HIGHLIGHT_TITLE_MAX_LENGTH:
        errors["title"] = _("Keep the public title under %(max)s characters.") % {
            "max": HIGHLIGHT_TITLE_MAX_LENGTH
        }
    if not text:
        errors["text"] = _("Write the public text.")
    elif len(text) > HIGHLIGHT_TEXT_MAX_LENGTH:
        errors["text"] = _("Keep the public text under %(max)s characters.") % {
            "max": HIGHLIGHT_TEXT_MAX_LENGTH
        }
    if has_image and not image_alt:
        errors["image_alt"] = _("Describe the image for people who cannot see it.")
    if errors:
        raise ValidationError(errors)


def refuse_unasked(
    highlight: Highlight, *, title: str | None = None, text: str | None = None
) -> None:
    """ValidationError (code "unasked") when the public title or text (by default
    the highlight's own) names someone not among the people asked."""
    unasked = people_unasked(highlight=highlight, title=title, text=text)
    here = ", ".join(person.label for person in unasked if not person.left)
    left = ", ".join(person.label for person in unasked if person.left)
    errors = []
    if here:
        message = _(
            "The public text names people who were not asked: %(names)s. Take them out "
            "of the title and text, or add them to the people named so they are asked too."
        )
        errors.append(ValidationError(message % {"names": here}, code="unasked"))
    if left:
        message = _(
            "The public text names people who left and can no longer be asked: "
            "%(names)s. Take them out of the title and text."
        )
        errors.append(ValidationError(message % {"names": left}, code="unasked"))
    if errors:
        raise ValidationError(errors)


def check_win_public(highlight: Highlight) -> None:
    win = highlight.win
    if win is None:
        raise ValidationError(_("The win was deleted, so it cannot be made public."), code="gone")
    if not win_publishable(win=win):
        raise ValidationError(
            _("The win is no longer visible to everyone, so it cannot be made public."),
            code="not_public",
        )
