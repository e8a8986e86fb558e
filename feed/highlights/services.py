"""
Highlights: comms turns a win into a public story, and nothing goes out without consent.

The life of a highlight is a state machine, changed only here:

    draft → awaiting → approved → published
       any open state → withdrawn;  awaiting → declined

Only communications staff (`is_comms`) propose, edit, ask and publish. Only the
people a highlight names answer for themselves: nobody consents on someone
else's behalf, superusers included. A `Consent` keeps exactly what its person
was shown, with a fingerprint; an approval counts only while the highlight
still shows that, so an edit to anything a consent covers asks again (and takes
a published highlight down at once). Anyone named may withdraw at any time.
A win that stops being public (deleted, hidden by moderators, kept for the
team) withdraws its open highlights with it (`highlights_withdraw_for_win`).

Every change writes a `HighlightEvent` in the same transaction, with who and
when. Who may not raises PermissionDenied; a step that makes no sense in the
current state raises ValidationError with a translated message.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import Storage
from django.db import models, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from feed.highlights.models import (
    CONSENT_MESSAGE_MAX_LENGTH,
    CONSENT_SCOPE,
    HIGHLIGHT_TEXT_MAX_LENGTH,
    HIGHLIGHT_TITLE_MAX_LENGTH,
    Consent,
    Highlight,
    HighlightEvent,
    HighlightPerson,
    HighlightSlug,
)
from feed.highlights.names import people_unasked
from feed.highlights.selectors import win_publishable
from feed.notifications.services import (
    notifications_consent_answered,
    notify_consent,
    notify_consent_answer,
    notify_story_withdrawn,
)
from feed.wins.access import COMMS_GROUP, is_comms
from feed.wins.models import Win
from feed.wins.text import MENTION_RE, excerpt, handle_for
from wins_net.files import files_delete, files_removed_on_error
from wins_net.images import decode_upload, encode, fit_within

# The copy of a win's image kept with a highlight: large enough for a public page
# and a 1200×630 share card, small enough to serve to anyone.
HIGHLIGHT_IMAGE_MAX_SIDE = 1600
# Slugs are readable (from the title) and short enough for a shared link.
SLUG_BASE_LENGTH = 80

Status = Highlight.Status
Action = HighlightEvent.Action
Answer = Consent.Answer


class ImageChoice(models.TextChoices):
    WIN = "win", gettext_lazy("The win's image")
    NONE = "none", gettext_lazy("No image")


# --------------------------------------------------------------------------
# Who
# --------------------------------------------------------------------------
def _require_comms(user: User | None, message: str) -> None:
    if not is_comms(user):
        raise PermissionDenied(message)


def public_name_for(user: User) -> str:
    """How a person's name appears in public by default: "Ana García, Customer Care"."""
    if user.team_id:
        return f"{user.display_name}, {user.team.name}"
    return user.display_name


# --------------------------------------------------------------------------
# What a consent covers
# --------------------------------------------------------------------------
def consent_snapshot(*, highlight: Highlight, public_name: str) -> dict[str, object]:
    """What the public would see of `highlight`, for the person named `public_name`."""
    return {
        "title": highlight.title,
        "text": highlight.text,
        "image": highlight.image.name or "",
        "image_alt": highlight.image_alt,
        "public_name": public_name,
        "scope": list(CONSENT_SCOPE),
    }


def consent_fingerprint(snapshot: Mapping[str, object]) -> str:
    """SHA-256 (hex) of the snapshot's canonical JSON: sorted keys, no spaces, UTF-8."""
    canonical = json.dumps(snapshot, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _fingerprints(highlight: Highlight) -> dict[int, str]:
    """The current fingerprint for each person named, by user id."""
    return {
        person.user_id: consent_fingerprint(
            consent_snapshot(highlight=highlight, public_name=person.public_name)
        )
        for person in highlight.people.all()
    }


def _current_consents(highlight: Highlight) -> models.QuerySet[Consent]:
    """The consents of the latest request: earlier ones were superseded."""
    return highlight.consents.exclude(answer=Answer.SUPERSEDED)


# --------------------------------------------------------------------------
# Helpers of every transition
# --------------------------------------------------------------------------
def _locked(highlight: Highlight) -> Highlight:
    """Lock the highlight's row for this transaction and refresh `highlight` from it."""
    Highlight.objects.select_for_update().filter(pk=highlight.pk).first()
    highlight.refresh_from_db()
    return highlight


def _event(
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


def _refuse_unless(highlight: Highlight, *allowed: str, message: str) -> None:
    if highlight.status not in allowed:
        raise ValidationError(
            message % {"status": str(highlight.get_status_display()).lower()}, code="status"
        )


def _close_pending(highlight: Highlight, *, now: datetime, exclude: int | None = None) -> None:
    """Requests nobody needs to answer any more (the highlight ended, or asks again)."""
    pending = highlight.consents.filter(answer=Answer.PENDING)
    if exclude is not None:
        pending = pending.exclude(pk=exclude)
    pending.update(answer=Answer.SUPERSEDED, closed_at=now)


def _copy_win_image(highlight: Highlight, win: Win, stored: list[tuple[Storage, str]]) -> bool:
    """Store a re-encoded copy of the win's image on `highlight`; False when it has none
    ready or it cannot be read."""
    if not win.image or win.image_status != Win.ImageStatus.READY:
        return False
    try:
        with win.image.open("rb") as file:
            clean = decode_upload(file)
    except (OSError, ValidationError):
        return False
    content = encode(fit_within(clean, HIGHLIGHT_IMAGE_MAX_SIDE))
    highlight.image.save(content.name, content, save=False)
    stored.append((highlight.image.storage, highlight.image.name))
    return True


# Public URLs beside /highlights/<slug>/ (feed/urls_highlights.py) that a slug must not shadow.
RESERVED_SLUGS = {"feed"}


def _slug_base(title: str) -> str:
    return slugify(title)[:SLUG_BASE_LENGTH].strip("-") or "highlight"


def _unique_slug(title: str, *, highlight_id: int | None = None) -> str:
    """A slug from `title` that no other highlight has now or had before (a past
    address keeps leading to its own story), and no public URL beside it has.
    The current and past slugs of `highlight_id` itself count as free: a story
    given its old title back gets its old address back."""
    base = _slug_base(title)
    live = Highlight.objects.filter(slug__startswith=base)
    past = HighlightSlug.objects.filter(slug__startswith=base)
    if highlight_id is not None:
        live = live.exclude(pk=highlight_id)
        past = past.exclude(highlight_id=highlight_id)
    slugs = (
        set(live.values_list("slug", flat=True))
        | set(past.values_list("slug", flat=True))
        | RESERVED_SLUGS
    )
    slug, n = base, 1
    while slug in slugs:
        n += 1
        slug = f"{base}-{n}"
    return slug


def _slug_fits(slug: str, title: str) -> bool:
    """Whether `slug` is an address `_unique_slug` could have made from `title`."""
    base = _slug_base(title)
    return slug == base or re.fullmatch(rf"{re.escape(base)}-\d+", slug) is not None


def _move_to_title(highlight: Highlight) -> str:
    """At publication, give `highlight` the address of its title; returns the
    address it leaves, or "" when it keeps its own.

    The rule: the address follows the title the public reads, and changes only
    when a new title becomes public. Until its first publication a highlight's
    slug follows every edit of its title (`highlight_update`), as nobody outside
    has seen it. Once published, an edit leaves the address alone: the story is
    down, waiting for consent again, and its link answers 410; a title not yet
    consented to never appears in a public address. When the story is published
    again with a title whose slug differs from its address (not just in case or
    punctuation), it moves to a new slug from that title, and the old one is
    kept (`HighlightSlug`) to answer 301 to the new. Past addresses are never
    given to another story, and a story retitled back takes its own back.
    """
    if _slug_fits(highlight.slug, highlight.title):
        return ""
    old = highlight.slug
    highlight.slug = _unique_slug(highlight.title, highlight_id=highlight.pk)
    highlight.past_slugs.filter(slug=highlight.slug).delete()
    if highlight.published_at is None:  # the old one was never public
        return ""
    HighlightSlug.objects.create(highlight=highlight, slug=old)
    return old


def _public_text(body: str, names: Mapping[str, str]) -> str:
    """The win's text with `@handles` of the people named turned into their names:
    a handle is part of an internal email address."""

    def name(match) -> str:
        handle = match.group(1)
        bare = handle.rstrip(".")
        found = names.get(bare.lower())
        return found + handle[len(bare) :] if found else match.group(0)

    return MENTION_RE.sub(name, body)


def _title_from(text: str) -> str:
    first_line = next((line.strip() for line in text.splitlines() if line.strip()), "")
    return excerpt(first_line, chars=HIGHLIGHT_TITLE_MAX_LENGTH)


def _clean_content(*, title: str, text: str, has_image: bool, image_alt: str) -> None:
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


def _refuse_unasked(
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


# --------------------------------------------------------------------------
# Comms: propose, edit, ask, publish
# --------------------------------------------------------------------------
@transaction.atomic
def highlight_propose(*, win: Win, by: User) -> Highlight:
    """Start a draft highlight from `win`: its first line as the title, its text
    (with mentions turned into names), a copy of its image with its description,
    and the people it names (the author and the active people credited) with
    their default public names.

    Comms only (PermissionDenied). ValidationError for a team-only or hidden win,
    an author who left, or a win that already has an open highlight (one at a time).
    """
    _require_comms(by, _("Only communications staff can propose highlights."))
    win = Win.objects.select_for_update(of=("self",)).select_related("author__team").get(pk=win.pk)
    if not win_publishable(win=win):
        if win.visibility != Win.Visibility.EVERYONE:
            raise ValidationError(
                _("This win is for its team only, so it cannot be made public."), code="team_only"
            )
        raise ValidationError(
            _("This win was hidden by moderators, so it cannot be made public."), code="hidden"
        )
    if not win.author.is_active:
        raise ValidationError(
            _("The author of this win has left, so nobody can consent to publishing it."),
            code="author_inactive",
        )
    if Highlight.objects.filter(win=win, status__in=Highlight.OPEN_STATUSES).exists():
        raise ValidationError(_("This win already has a highlight in progress."), code="exists")
    credited = [
        credit.user
        for credit in win.credits.select_related("user__team").order_by("id")
        if credit.user.is_active and credit.user_id != win.author_id
    ]
    people = [win.author, *credited]
    names = {handle_for(person.email): person.display_name for person in people}
    text = _public_text(win.body, names)[:HIGHLIGHT_TEXT_MAX_LENGTH]
    title = _title_from(text)
    highlight = Highlight(win=win, title=title, text=text, slug=_unique_slug(title), created_by=by)
    with files_removed_on_error() as stored:
        if _copy_win_image(highlight, win, stored):
            highlight.image_alt = win.image_alt.strip()
        highlight.save()
        HighlightPerson.objects.bulk_create(
            [
                HighlightPerson(
                    highlight=highlight,
                    user=person,
                    role=HighlightPerson.Role.AUTHOR
                    if person.pk == win.author_id
                    else HighlightPerson.Role.CREDITED,
                    public_name=public_name_for(person)[:200],
                )
                for person in people
            ]
        )
        _event(highlight, actor=by, action=Action.PROPOSED)
    return highlight


@transaction.atomic
def highlight_update(
    *,
    highlight: Highlight,
    by: User,
    title: str,
    text: str,
    image_choice: str,
    image_alt: str,
    public_names: Mapping[int, str] | None = None,
) -> Highlight:
    """Edit the public version: title, text, image (`ImageChoice`: the win's, or
    none), its description, and how each person's name appears (`public_names`,
    by user id; people not given keep theirs).

    In draft it only saves. Once consent was asked (awaiting, approved,
    published), changing anything a person's consent covers supersedes their
    request or approval and asks them again at once; the highlight goes back to
    awaiting, and a published one is taken down in the same transaction.
    Comms only (PermissionDenied); ValidationError for bad content, a name left
    empty, a withdrawn or declined highlight, or (once consent was asked) a
    title or text that names someone not asked (`_refuse_unasked`).
    """
    _require_comms(by, _("Only communications staff can edit highlights."))
    _locked(highlight)
    _refuse_unless(
        highlight, *Highlight.OPEN_STATUSES,
        message=_("This highlight is %(status)s: it can no longer be edited."),
    )  # fmt: skip
    if image_choice not in ImageChoice.values:
        raise ValidationError(_("Choose the win's image or no image."), code="image_choice")
    title, text, image_alt = title.strip(), text.strip(), image_alt.strip()
    wants_image = image_choice == ImageChoice.WIN
    win = highlight.win
    win_has_image = win is not None and win.image_status == Win.ImageStatus.READY
    if wants_image and not highlight.image and not win_has_image:
        raise ValidationError(_("The win has no image to use."), code="no_image")
    _clean_content(title=title, text=text, has_image=wants_image, image_alt=image_alt)
    people = {person.user_id: person for person in highlight.people.all()}
    for user_id, name in (public_names or {}).items():
        if user_id not in people:
            raise ValidationError(_("That person is not named in this highlight."), code="person")
        if not name.strip():
            raise ValidationError(
                _("Write how %(name)s appears in public.") % {"name": people[user_id].public_name},
                code="public_name",
            )
    if highlight.status != Status.DRAFT:  # the edit asks again: see `consent_request`
        _refuse_unasked(highlight, title=title, text=text)
    before = _fingerprints(highlight)
    removed: list[str] = []
    storage = highlight.image.storage
    with files_removed_on_error() as stored:
        if not wants_image and highlight.image:
            removed.append(highlight.image.name)
            highlight.image = ""
        elif wants_image and not highlight.image and not _copy_win_image(highlight, win, stored):
            raise ValidationError(_("The win's image cannot be read."), code="no_image")
        highlight.title, highlight.text = title, text
        highlight.image_alt = image_alt if highlight.image else ""
        if highlight.published_at is None:  # never public: see `_move_to_title`
            highlight.slug = _unique_slug(title, highlight_id=highlight.pk)
        highlight.updated_at = timezone.now()
        highlight.save()
        for user_id, name in (public_names or {}).items():
            person = people[user_id]
            person.public_name = name.strip()[:200]
            person.save(update_fields=["public_name"])
        after = _fingerprints(highlight)
        changed = [user_id for user_id in after if after[user_id] != before.get(user_id)]
        if not changed:
            return highlight
        if highlight.status == Status.DRAFT:
            _event(highlight, actor=by, action=Action.EDITED, before=Status.DRAFT)
        else:
            _ask_again(highlight, by=by, user_ids=changed)
    if removed:
        transaction.on_commit(partial(files_delete, storage, removed), robust=True)
    return highlight


@transaction.atomic
def highlight_people_add(
    *, highlight: Highlight, by: User, users: Sequence[User]
) -> list[HighlightPerson]:
    """Add people the public text names to the people `highlight` names (role
    "named", with their default public names), so that they are asked too: in a
    draft when consent is asked; once it was asked, at once, as for an edit (a
    published highlight is taken down until they approve). People already named
    are left as they are; returns the people added.

    Comms only (PermissionDenied); ValidationError for a withdrawn or declined
    highlight, or someone who left (nobody can consent for them).
    """
    _require_comms(by, _("Only communications staff can edit highlights."))
    _locked(highlight)
    _refuse_unless(
        highlight, *Highlight.OPEN_STATUSES,
        message=_("This highlight is %(status)s: it can no longer be edited."),
    )  # fmt: skip
    left = [user.display_name for user in users if not user.is_active]
    if left:
        raise ValidationError(
            _("They left, so they cannot be asked: %(names)s.") % {"names": ", ".join(left)},
            code="inactive",
        )
    named = set(highlight.people.values_list("user_id", flat=True))
    new = {user.pk: user for user in users if user.pk not in named}
    added = HighlightPerson.objects.bulk_create(
        HighlightPerson(highlight=highlight, user=user, role=HighlightPerson.Role.NAMED,
                        public_name=public_name_for(user)[:200])
        for user in new.values()
    )  # fmt: skip
    if not added:
        return []
    if highlight.status == Status.DRAFT:
        highlight.updated_at = timezone.now()
        highlight.save(update_fields=["updated_at"])
        _event(highlight, actor=by, action=Action.EDITED, before=Status.DRAFT,
               note=_("Added to the people named: %(names)s")
               % {"names": ", ".join(person.public_name for person in added)})  # fmt: skip
    else:
        _ask_again(highlight, by=by, user_ids=list(new))
    return added


def _ask_again(highlight: Highlight, *, by: User, user_ids: list[int]) -> None:
    """After an edit: new requests for the people whose content changed."""
    before = highlight.status
    now = timezone.now()
    if before == Status.PUBLISHED:
        highlight.status = Status.AWAITING
        highlight.save(update_fields=["status"])
        _event(highlight, actor=by, action=Action.UNPUBLISHED, before=before,
               note=_("Changed after publication: consent is asked again."))  # fmt: skip
    else:
        highlight.status = Status.AWAITING
        highlight.save(update_fields=["status"])
        _event(highlight, actor=by, action=Action.EDITED, before=before)
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
        notify_consent(consent=consent)
        consents.append(consent)
    _event(highlight, actor=by, action=Action.CONSENT_ASKED, before=before,
           note=", ".join(p.public_name for p in people))  # fmt: skip
    return consents


@transaction.atomic
def consent_request(*, highlight: Highlight, by: User) -> list[Consent]:
    """Ask everyone the draft names for their consent: one request each, holding
    exactly what the public page would show them and its fingerprint; each is
    notified in the app and by email at once (at their chosen cadence). The
    highlight goes from draft to awaiting. Requests expire after
    `CONSENT_EXPIRY_DAYS`.

    Comms only (PermissionDenied); ValidationError unless a draft whose content
    is complete (an image needs its description), whose win can still be public,
    and whose title and text name nobody but the people it names: someone else
    they name (`feed.highlights.names`) must be taken out or added first.
    """
    _require_comms(by, _("Only communications staff can ask for consent."))
    _locked(highlight)
    _refuse_unless(
        highlight, Status.DRAFT,
        message=_("Consent can only be asked for a draft; this highlight is %(status)s."),
    )  # fmt: skip
    _clean_content(title=highlight.title, text=highlight.text,
                   has_image=bool(highlight.image), image_alt=highlight.image_alt)  # fmt: skip
    _check_win_public(highlight)
    _refuse_unasked(highlight)
    highlight.status = Status.AWAITING
    highlight.updated_at = timezone.now()
    highlight.save(update_fields=["status", "updated_at"])
    people = highlight.people.select_related("user")
    return _ask(highlight, by=by, people=people, now=highlight.updated_at, before=Status.DRAFT)


def _check_win_public(highlight: Highlight) -> None:
    win = highlight.win
    if win is None:
        raise ValidationError(_("The win was deleted, so it cannot be made public."), code="gone")
    if not win_publishable(win=win):
        raise ValidationError(
            _("The win is no longer visible to everyone, so it cannot be made public."),
            code="not_public",
        )


@transaction.atomic
def highlight_publish(*, highlight: Highlight, by: User) -> Highlight:
    """Publish an approved highlight: it appears on the public page, the feeds and
    its share image from now on, at the address of its title: published again
    with a new title, it moves there and its old address redirects
    (`_move_to_title` has the rule).

    Comms only (PermissionDenied). ValidationError unless approved, every person
    named has an approval whose fingerprint matches the current content, the
    title and text name nobody who was not asked (someone may have joined since),
    and the win can still be public.
    """
    _require_comms(by, _("Only communications staff can publish highlights."))
    _locked(highlight)
    _refuse_unless(
        highlight, Status.APPROVED,
        message=_("Only an approved highlight can be published; this one is %(status)s."),
    )  # fmt: skip
    _check_win_public(highlight)
    _refuse_unasked(highlight)
    approved = {
        c.person_id: c.fingerprint
        for c in _current_consents(highlight).filter(answer=Answer.APPROVED)
    }
    if approved != _fingerprints(highlight):
        raise ValidationError(
            _("Not everyone named approved exactly this version: ask for consent again."),
            code="fingerprint",
        )
    moved_from = _move_to_title(highlight)
    now = timezone.now()
    highlight.status = Status.PUBLISHED
    highlight.published_at = highlight.updated_at = now
    highlight.save(update_fields=["status", "slug", "published_at", "updated_at"])
    note = ""
    if moved_from:
        note = _("New address: /highlights/%(new)s/ (was /highlights/%(old)s/).") % {
            "new": highlight.slug,
            "old": moved_from,
        }
    _event(highlight, actor=by, action=Action.PUBLISHED, before=Status.APPROVED, note=note)
    return highlight


# --------------------------------------------------------------------------
# The people named: answer, withdraw
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
    highlight = _locked(consent.highlight)
    consent.refresh_from_db()
    if consent.answer != Answer.PENDING:
        raise ValidationError(
            _("This request was already answered or is no longer needed (%(answer)s).")
            % {"answer": str(consent.get_answer_display()).lower()},
            code="answered",
        )
    now = timezone.now()
    if consent.expires_at <= now:
        raise ValidationError(_("This request expired."), code="expired")
    _refuse_unless(
        highlight, Status.AWAITING,
        message=_("This highlight is %(status)s: it is not waiting for answers."),
    )  # fmt: skip
    if _fingerprints(highlight).get(person.pk) != consent.fingerprint:
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
    consent.answer = Answer.APPROVED if approve else Answer.DECLINED
    consent.answered_at = now
    consent.closed_at = None if approve else now
    consent.message = message
    consent.save(update_fields=["answer", "answered_at", "closed_at", "message"])
    notifications_consent_answered(consent=consent)
    notify_consent_answer(consent=consent)
    _event(highlight, actor=person, before=highlight.status, note=message,
           action=Action.CONSENT_APPROVED if approve else Action.CONSENT_DECLINED)  # fmt: skip
    if not approve:
        _close_pending(highlight, now=now)
        highlight.status = Status.DECLINED
    elif not _current_consents(highlight).exclude(answer=Answer.APPROVED).exists():
        highlight.status = Status.APPROVED
    else:
        return consent
    highlight.updated_at = now
    highlight.save(update_fields=["status", "updated_at"])
    _event(highlight, actor=person, before=Status.AWAITING,
           action=Action.APPROVED if approve else Action.DECLINED)  # fmt: skip
    return consent


@transaction.atomic
def highlight_withdraw(*, highlight: Highlight, by: User, reason: str = "") -> Highlight:
    """Withdraw a highlight at once, wherever it is shown.

    A person it names withdraws their consent (their request or approval is
    marked withdrawn), at any time and in any open state; comms staff may
    withdraw (unpublish) it too. Anyone else gets PermissionDenied;
    ValidationError when it is already withdrawn or declined.
    """
    if by is None or not (by.is_authenticated and by.is_active):
        raise PermissionDenied(_("Only the people named or communications staff can withdraw it."))
    named = highlight.people.filter(user=by).exists()
    if not named and not is_comms(by):
        raise PermissionDenied(_("Only the people named or communications staff can withdraw it."))
    _locked(highlight)
    _refuse_unless(
        highlight, *Highlight.OPEN_STATUSES,
        message=_("This highlight is already %(status)s."),
    )  # fmt: skip
    _withdraw(highlight, by=by, named=named, reason=reason)
    return highlight


def _withdraw(highlight: Highlight, *, by: User | None, named: bool, reason: str) -> None:
    """Take a locked, open highlight to withdrawn: requests still waiting are closed,
    and `by`'s own consent too when they are `named`."""
    now = timezone.now()
    before = highlight.status
    if named:
        mine = _current_consents(highlight).filter(
            person=by, answer__in=[Answer.PENDING, Answer.APPROVED]
        )
        mine.update(answer=Answer.WITHDRAWN, closed_at=now)
        _event(highlight, actor=by, action=Action.CONSENT_WITHDRAWN, before=before, note=reason)
    _close_pending(highlight, now=now)
    highlight.status = Status.WITHDRAWN
    highlight.withdrawn_at = highlight.updated_at = now
    highlight.save(update_fields=["status", "withdrawn_at", "updated_at"])
    _event(highlight, actor=by, action=Action.WITHDRAWN, before=before, note=reason)


def highlights_withdraw_for_win(*, win: Win, by: User, reason: str) -> int:
    """Withdraw the open highlights of a win that stops being public: a public
    story never outlives the win it tells, nor shows one that moderators took down.

    `by` is the win's author taking it back (deleting it, or keeping it for the
    team), or a moderator hiding or deleting it; `reason` says why, as the
    caller knows it. The highlight event records both; a
    published story leaves its page (410), the feeds and its share image at
    once. The people it named, once asked, and comms (who proposed it, or every
    comms member when that person is gone) are told in the bell and by email
    (`notify_story_withdrawn`), except `by`. No permission is checked here: the
    caller has checked that `by` may delete or hide the win.

    Call it inside the transaction of that change; returns how many were withdrawn.
    """
    by_author = by.pk == win.author_id
    withdrawn = 0
    for highlight in Highlight.objects.filter(win=win, status__in=Highlight.OPEN_STATUSES):
        _locked(highlight)
        if not highlight.is_open:
            continue
        before = highlight.status
        named = highlight.people.filter(user=by).exists()
        _withdraw(highlight, by=by, named=named, reason=reason)
        notify_story_withdrawn(
            highlight=highlight,
            recipients=_told_of_withdrawal(highlight, asked=before != Status.DRAFT),
            by=by,
            by_author=by_author,
        )
        withdrawn += 1
    return withdrawn


def _told_of_withdrawal(highlight: Highlight, *, asked: bool) -> list[User]:
    """Who hears that `highlight` was taken down with its win: the people it names
    once they were asked (a draft was never shown to them), and the comms person
    who proposed it, or every active member of the Communications group when
    that person is no longer comms staff."""
    people = [person.user for person in highlight.people.select_related("user")] if asked else []
    proposer = highlight.created_by
    if is_comms(proposer):
        comms = [proposer]
    else:
        comms = list(User.objects.filter(groups__name=COMMS_GROUP, is_active=True))
    return list({person.pk: person for person in [*people, *comms]}.values())


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
    highlight = _locked(consent.highlight)
    consent.answer, consent.closed_at = Answer.EXPIRED, now
    consent.save(update_fields=["answer", "closed_at"])
    notify_consent_answer(consent=consent)
    _event(highlight, actor=None, action=Action.CONSENT_EXPIRED, before=highlight.status,
           note=consent.public_name)  # fmt: skip
    if highlight.status == Status.AWAITING:
        _close_pending(highlight, now=now)
        highlight.status = Status.DECLINED
        highlight.updated_at = now
        highlight.save(update_fields=["status", "updated_at"])
        _event(highlight, actor=None, action=Action.DECLINED, before=Status.AWAITING,
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
    _event(highlight, actor=None, action=Action.CONSENT_REMINDED, before=highlight.status,
           note=consent.public_name)  # fmt: skip
    notify_consent(consent=consent, reminder=True)
    return 1
