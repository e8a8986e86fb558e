"""
Highlights: comms turns a win into a public story, and nothing goes out without consent.

The life of a highlight is a state machine, changed only here and in
`feed.highlights.consents` (asking, answering, reminding, expiring):

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
when (`feed.highlights.transitions`). Who may not raises PermissionDenied; a
step that makes no sense in the current state raises ValidationError with a
translated message. Addresses are made in `feed.highlights.slugs`, what a
consent covers in `feed.highlights.snapshots`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import partial
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.files.storage import Storage
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from feed.highlights import events
from feed.highlights.consents import ask_again
from feed.highlights.drafts import public_text, public_title
from feed.highlights.models import (
    HIGHLIGHT_TEXT_MAX_LENGTH,
    HIGHLIGHT_TITLE_MAX_LENGTH,
    Consent,
    Highlight,
    HighlightEvent,
    HighlightPerson,
)
from feed.highlights.selectors import win_publishable
from feed.highlights.slugs import move_to_title, unique_slug
from feed.highlights.snapshots import current_fingerprints
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
from feed.wins.access import is_comms
from feed.wins.models import Win
from feed.wins.text import handle_for, parse_mentions
from wins_net.files import files_delete, files_removed_on_error
from wins_net.images import decode_upload, encode, fit_within

# The copy of a win's image kept with a highlight: large enough for a public page
# and a 1200×630 share card, small enough to serve to anyone.
HIGHLIGHT_IMAGE_MAX_SIDE = 1600

Status = Highlight.Status
Action = HighlightEvent.Action
Answer = Consent.Answer


class ImageChoice(models.TextChoices):
    WIN = "win", gettext_lazy("The win's image")
    NONE = "none", gettext_lazy("No image")


# --------------------------------------------------------------------------
# The public version: names, text, image
# --------------------------------------------------------------------------
def public_name_for(user: User) -> str:
    """How a person's name appears in public by default: "Ana García, Customer Care"."""
    if user.team_id:
        return f"{user.display_name}, {user.team.name}"
    return user.display_name


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


def _handles_of_people(text: str) -> set[str]:
    """The `@handles` in `text` that belong to someone in the organisation, here or gone."""
    handles = parse_mentions(text)
    if not handles:
        return set()
    matches = Q()
    for handle in handles:
        matches |= Q(email__istartswith=f"{handle}@")
    return {
        handle_for(email) for email in User.objects.filter(matches).values_list("email", flat=True)
    }


# --------------------------------------------------------------------------
# Comms: propose, edit, publish
# --------------------------------------------------------------------------
@transaction.atomic
def highlight_propose(*, win: Win, by: User) -> Highlight:
    """Start a draft highlight from `win` with the defaults of `feed.highlights.drafts`
    (a short title from its first sentence, its text with mentions turned into
    names and hashtags out), a copy of its image with its description,
    and the people it names (the author and the active people credited) with
    their default public names.

    Comms only (PermissionDenied). ValidationError for a team-only or hidden win,
    an author who left, or a win that already has an open highlight (one at a time).
    """
    require_comms(by, _("Only communications staff can propose highlights."))
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
    text = (
        public_text(win.body, names=names, keep=_handles_of_people(win.body))[
            :HIGHLIGHT_TEXT_MAX_LENGTH
        ]
        or win.body.strip()
    )
    title = public_title(text)[:HIGHLIGHT_TITLE_MAX_LENGTH] or _("A small win")
    highlight = Highlight(win=win, title=title, text=text, slug=unique_slug(title), created_by=by)
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
        record_event(highlight, actor=by, action=Action.PROPOSED)
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
    version: str | None = None,
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
    title or text that names someone not asked (`refuse_unasked`), or a
    `version` (`transitions.highlight_version`) the highlight is no longer at
    (code "stale": someone else changed it, or the same form was sent twice).
    """
    require_comms(by, _("Only communications staff can edit highlights."))
    locked(highlight)
    refuse_stale(highlight, version)
    title, text, image_alt = title.strip(), text.strip(), image_alt.strip()
    wants_image = image_choice == ImageChoice.WIN
    win = highlight.win
    people = _check_update(
        highlight,
        title=title,
        text=text,
        image_choice=image_choice,
        image_alt=image_alt,
        public_names=public_names or {},
    )
    before = current_fingerprints(highlight)
    removed: list[str] = []
    storage = highlight.image.storage
    with files_removed_on_error() as stored:
        removed += _image_set(highlight, wants_image=wants_image, win=win, stored=stored)
        highlight.title, highlight.text = title, text
        highlight.image_alt = image_alt if highlight.image else ""
        if highlight.published_at is None:  # never public: see `move_to_title`
            highlight.slug = unique_slug(title, highlight_id=highlight.pk)
        highlight.updated_at = timezone.now()
        highlight.save()
        for user_id, name in (public_names or {}).items():
            person = people[user_id]
            person.public_name = name.strip()[:200]
            person.save(update_fields=["public_name"])
        after = current_fingerprints(highlight)
        changed = [user_id for user_id in after if after[user_id] != before.get(user_id)]
        if not changed:
            return highlight
        if highlight.status == Status.DRAFT:
            record_event(highlight, actor=by, action=Action.EDITED, before=Status.DRAFT)
        else:
            ask_again(highlight, by=by, user_ids=changed)
    if removed:
        transaction.on_commit(partial(files_delete, storage, removed), robust=True)
    return highlight


def _image_set(
    highlight: Highlight, *, wants_image: bool, win: Win | None, stored: list[tuple[Storage, str]]
) -> list[str]:
    """Drop the highlight's image, or copy the win's when it has none yet; returns
    the names of files to delete once the edit commits."""
    if not wants_image and highlight.image:
        name = highlight.image.name
        highlight.image = ""
        return [name]
    if wants_image and not highlight.image and not _copy_win_image(highlight, win, stored):
        raise ValidationError(_("The win's image cannot be read."), code="no_image")
    return []


def _check_update(
    highlight: Highlight,
    *,
    title: str,
    text: str,
    image_choice: str,
    image_alt: str,
    public_names: Mapping[int, str],
) -> dict[int, HighlightPerson]:
    """Refuse an edit `highlight_update` may not save (ValidationError); returns
    the people named, by user id."""
    refuse_unless(
        highlight, *Highlight.OPEN_STATUSES,
        message=_("This highlight is %(status)s: it can no longer be edited."),
    )  # fmt: skip
    if image_choice not in ImageChoice.values:
        raise ValidationError(_("Choose the win's image or no image."), code="image_choice")
    wants_image = image_choice == ImageChoice.WIN
    win = highlight.win
    win_has_image = win is not None and win.image_status == Win.ImageStatus.READY
    if wants_image and not highlight.image and not win_has_image:
        raise ValidationError(_("The win has no image to use."), code="no_image")
    clean_content(title=title, text=text, has_image=wants_image, image_alt=image_alt)
    people = {person.user_id: person for person in highlight.people.all()}
    for user_id, name in public_names.items():
        if user_id not in people:
            raise ValidationError(_("That person is not named in this highlight."), code="person")
        if not name.strip():
            raise ValidationError(
                _("Write how %(name)s appears in public.") % {"name": people[user_id].public_name},
                code="public_name",
            )
    if highlight.status != Status.DRAFT:  # the edit asks again: see `consents.consent_request`
        refuse_unasked(highlight, title=title, text=text)
    return people


@transaction.atomic
def highlight_propose_again(*, highlight: Highlight, by: User) -> Highlight:
    """A new draft from a withdrawn or declined highlight, keeping what comms
    wrote: its title, text, image and description, and the people it named with
    their public names. Nothing of the old one changes: its consents, history
    and (if it was ever public) its address, which keeps answering 410, stay as
    they were. The new draft gets its own address from the title and asks
    everyone again when comms ask for consent.

    Comms only (PermissionDenied). ValidationError for an open highlight, a win
    deleted or no longer public, an author who left, or a win that already has
    an open highlight (so a second press proposes nothing: code "exists").
    """
    require_comms(by, _("Only communications staff can propose highlights."))
    locked(highlight)
    refuse_unless(
        highlight, Status.WITHDRAWN, Status.DECLINED,
        message=_("Only a withdrawn or declined highlight can be proposed again; this one is "
                  "%(status)s."),
    )  # fmt: skip
    check_win_public(highlight)
    win = (
        Win.objects.select_for_update(of=("self",))
        .select_related("author")
        .get(pk=highlight.win_id)
    )
    if not win.author.is_active:
        raise ValidationError(
            _("The author of this win has left, so nobody can consent to publishing it."),
            code="author_inactive",
        )
    if Highlight.objects.filter(win=win, status__in=Highlight.OPEN_STATUSES).exists():
        raise ValidationError(_("This win already has a highlight in progress."), code="exists")
    copy = Highlight(
        win=win, title=highlight.title, text=highlight.text, image_alt=highlight.image_alt,
        slug=unique_slug(highlight.title), created_by=by,
    )  # fmt: skip
    people = list(highlight.people.select_related("user").filter(user__is_active=True))
    with files_removed_on_error() as stored:
        if highlight.image:
            with highlight.image.open("rb") as file:
                copy.image.save(Path(highlight.image.name).name, File(file), save=False)
            stored.append((copy.image.storage, copy.image.name))
        copy.save()
        HighlightPerson.objects.bulk_create(
            HighlightPerson(highlight=copy, user=person.user, role=person.role,
                            public_name=person.public_name)
            for person in people
        )  # fmt: skip
        record_event(copy, actor=by, action=Action.PROPOSED,
                     note=_("Proposed again from a %(status)s copy (“%(title)s”).")
                     % {"status": str(highlight.get_status_display()).lower(),
                        "title": highlight.title})  # fmt: skip
    return copy


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
    require_comms(by, _("Only communications staff can edit highlights."))
    locked(highlight)
    refuse_unless(
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
        record_event(highlight, actor=by, action=Action.EDITED, before=Status.DRAFT,
                      note=_("Added to the people named: %(names)s")
                      % {"names": ", ".join(person.public_name for person in added)})  # fmt: skip
    else:
        ask_again(highlight, by=by, user_ids=list(new))
    return added


@transaction.atomic
def highlight_publish(*, highlight: Highlight, by: User, version: str | None = None) -> Highlight:
    """Publish an approved highlight: it appears on the public page, the feeds and
    its share image from now on, at the address of its title: published again
    with a new title, it moves there and its old address redirects
    (`move_to_title` has the rule).

    Comms only (PermissionDenied). ValidationError unless approved, every person
    named has an approval whose fingerprint matches the current content, the
    title and text name nobody who was not asked (someone may have joined since),
    and the win can still be public; or a stale `version` (code "stale"), so
    a second press of "Publish" does nothing.
    """
    require_comms(by, _("Only communications staff can publish highlights."))
    locked(highlight)
    refuse_stale(highlight, version)
    refuse_unless(
        highlight, Status.APPROVED,
        message=_("Only an approved highlight can be published; this one is %(status)s."),
    )  # fmt: skip
    check_win_public(highlight)
    refuse_unasked(highlight)
    approved = {
        c.person_id: c.fingerprint
        for c in current_consents(highlight).filter(answer=Answer.APPROVED)
    }
    if approved != current_fingerprints(highlight):
        raise ValidationError(
            _("Not everyone named approved exactly this version: ask for consent again."),
            code="fingerprint",
        )
    moved_from = move_to_title(highlight)
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
    record_event(highlight, actor=by, action=Action.PUBLISHED, before=Status.APPROVED, note=note)
    events.story_published.send(highlight=highlight)
    return highlight


# --------------------------------------------------------------------------
# Withdraw: the people named, comms, or the win stops being public
# --------------------------------------------------------------------------
@transaction.atomic
def highlight_withdraw(
    *, highlight: Highlight, by: User, reason: str = "", version: str | None = None
) -> Highlight:
    """Withdraw a highlight at once, wherever it is shown.

    A person it names withdraws their consent (their request or approval is
    marked withdrawn), at any time and in any open state; comms staff may
    withdraw (unpublish) it too. Anyone else gets PermissionDenied;
    ValidationError when it is already withdrawn or declined, or `version` is stale.
    """
    if by is None or not (by.is_authenticated and by.is_active):
        raise PermissionDenied(_("Only the people named or communications staff can withdraw it."))
    named = highlight.people.filter(user=by).exists()
    if not named and not is_comms(by):
        raise PermissionDenied(_("Only the people named or communications staff can withdraw it."))
    locked(highlight)
    refuse_unless(
        highlight, *Highlight.OPEN_STATUSES,
        message=_("This highlight is already %(status)s."),
    )  # fmt: skip
    refuse_stale(highlight, version)
    _withdraw(highlight, by=by, named=named, reason=reason)
    return highlight


def _withdraw(highlight: Highlight, *, by: User | None, named: bool, reason: str) -> None:
    """Take a locked, open highlight to withdrawn: requests still waiting are closed,
    and `by`'s own consent too when they are `named`."""
    now = timezone.now()
    before = highlight.status
    if named:
        mine = current_consents(highlight).filter(
            person=by, answer__in=[Answer.PENDING, Answer.APPROVED]
        )
        mine.update(answer=Answer.WITHDRAWN, closed_at=now)
        record_event(
            highlight, actor=by, action=Action.CONSENT_WITHDRAWN, before=before, note=reason
        )
    close_pending(highlight, now=now)
    highlight.status = Status.WITHDRAWN
    highlight.withdrawn_at = highlight.updated_at = now
    highlight.save(update_fields=["status", "withdrawn_at", "updated_at"])
    record_event(highlight, actor=by, action=Action.WITHDRAWN, before=before, note=reason)


def highlights_withdraw_for_win(*, win: Win, by: User, reason: str) -> int:
    """Withdraw the open highlights of a win that stops being public: a public
    story never outlives the win it tells, nor shows one that moderators took down.

    `by` is the win's author taking it back (deleting it, or keeping it for the
    team), or a moderator hiding or deleting it; `reason` says why, as the
    caller knows it. The highlight event records both; a
    published story leaves its page (410), the feeds and its share image at
    once. Each withdrawal is announced (`events.story_withdrawn`), so the people
    it named, once asked, and comms are told. No permission is checked here:
    the caller has checked that `by` may delete or hide the win.

    Call it inside the transaction of that change; returns how many were withdrawn.
    """
    by_author = by.pk == win.author_id
    withdrawn = 0
    for highlight in Highlight.objects.filter(win=win, status__in=Highlight.OPEN_STATUSES):
        locked(highlight)
        if not highlight.is_open:
            continue
        before = highlight.status
        named = highlight.people.filter(user=by).exists()
        _withdraw(highlight, by=by, named=named, reason=reason)
        events.story_withdrawn.send(
            highlight=highlight, by=by, by_author=by_author, from_status=before
        )
        withdrawn += 1
    return withdrawn
