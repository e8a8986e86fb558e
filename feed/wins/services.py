"""
Writes about wins: post, edit, delete, react, comment, report, moderate.

Views, admin actions, tasks and commands call these functions; nothing else
saves feed models. Each says what it guarantees. Permission checks that depend
on who is asking raise `PermissionDenied`; bad input raises `ValidationError`.

A change to what a win's card shows raises its revision (`feed.wins.revisions`)
in the same transaction. What the layers above must hear about (a reaction, a
comment, people credited, a win that can no longer be public) is sent as an
event of `feed.wins.events`, in the same transaction too: the notifications and
highlights packages handle them, and this module imports neither.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.db import transaction
from django.db.models import F, Q
from django.db.models.fields.files import FieldFile
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from feed.wins import events, models
from feed.wins.access import is_moderator
from feed.wins.models import HIDDEN_REASON_MAX_LENGTH, Comment, Credit, Reaction, Report, Win
from feed.wins.photos import photo_files
from feed.wins.revisions import revision_raise
from feed.wins.search import win_search_vector_update
from feed.wins.tags import tags_for
from feed.wins.text import handle_for, parse_hashtags, parse_mentions, render_body
from wins_net.celery import task_named
from wins_net.files import files_delete, files_removed_on_error
from wins_net.images import decode_upload

# The Celery task that makes a large photo's display image (`feed.wins.tasks`).
WIN_IMAGE_PROCESS_TASK = "feed.win_image_process"


# --------------------------------------------------------------------------
# Mentions
# --------------------------------------------------------------------------
def people_mentioned(*, text: str, exclude: User | None = None) -> list[User]:
    """Active people whose handle appears as an `@mention` in `text`, in order."""
    handles = parse_mentions(text)
    if not handles:
        return []
    matches = Q()
    for handle in handles:
        matches |= Q(email__istartswith=f"{handle}@")
    candidates = User.objects.filter(matches, is_active=True).order_by("pk")
    if exclude is not None:
        candidates = candidates.exclude(pk=exclude.pk)
    by_handle: dict[str, User] = {}
    for person in candidates:
        by_handle.setdefault(handle_for(person.email), person)
    return [by_handle[h] for h in handles if h in by_handle]


# --------------------------------------------------------------------------
# Wins
# --------------------------------------------------------------------------
def _check_visibility(*, author: User, visibility: str) -> None:
    if visibility not in Win.Visibility.values:
        raise ValidationError(_("Choose who can see this win."), code="visibility")
    if visibility == Win.Visibility.TEAM and author.team_id is None:
        raise ValidationError(
            _("You are not in a team yet, so a win cannot be for your team only."),
            code="no_team",
        )


@transaction.atomic
def win_create(
    *,
    author: User,
    body: str,
    visibility: str = Win.Visibility.EVERYONE,
    tag_names: Sequence[str] = (),
    credited: Sequence[User] = (),
    image: ContentFile | None = None,
    thumbnail: ContentFile | None = None,
    image_alt: str = "",
    image_source: ContentFile | None = None,
) -> Win:
    """Post a win. Tags come from `#hashtags` in the text and `tag_names`; people
    credited from `credited` and `@mentions` in the text (never the author).

    `image` and `thumbnail` are already re-encoded files (see `wins_net.images`);
    or `image_source`, a cleaned full-size image that a worker turns into them
    after the commit (see `feed.wins.photos`). Files written are deleted again when
    the win cannot be saved. Raises ValidationError for an empty text, an
    impossible visibility, or a team-only win crediting someone outside the team.
    """
    body = body.strip()
    if not body:
        raise ValidationError(_("Write a few words about your win."), code="empty")
    _check_visibility(author=author, visibility=visibility)
    win = Win(
        author=author,
        body=body,
        body_html=render_body(body),
        visibility=visibility,
        team_id=author.team_id,
        image_alt=image_alt.strip(),
    )
    _win_save(win, image=(image, thumbnail, image_source), tag_names=tag_names, credited=credited)
    return win


def _win_save(
    win: Win,
    *,
    image: tuple[ContentFile | None, ContentFile | None, ContentFile | None],
    tag_names: Sequence[str],
    credited: Sequence[User],
) -> None:
    """Attach the photo (display, thumbnail, source), save, set tags and credits,
    and index the text; files written are deleted again if anything fails."""
    display, thumbnail, source = image
    with files_removed_on_error() as stored:
        _attach_image(win, stored, image=display, thumbnail=thumbnail, source=source)
        win.full_clean(exclude=["image", "thumbnail"])
        win.save()
        _set_tags_and_credits(win=win, tag_names=tag_names, credited=credited)
        win_search_vector_update(win.pk)


def _store(file: FieldFile, content: ContentFile, stored: list[tuple[Storage, str]]) -> None:
    file.save(content.name, content, save=False)
    stored.append((file.storage, file.name))


def _attach_image(
    win: Win,
    stored: list[tuple[Storage, str]],
    *,
    image: ContentFile | None,
    thumbnail: ContentFile | None,
    source: ContentFile | None,
) -> None:
    """Store a ready image and thumbnail, or a source to process after the commit."""
    if image is not None:
        _store(win.image, image, stored)
        win.image_status = Win.ImageStatus.READY
    if thumbnail is not None:
        _store(win.thumbnail, thumbnail, stored)
    if source is not None and image is None:
        _store(win.image, source, stored)
        win.image_status = Win.ImageStatus.PROCESSING
        transaction.on_commit(partial(_image_processing_enqueue, win), robust=True)


def _image_processing_enqueue(win: Win) -> None:
    """Queue the photo's processing; registered with `on_commit(robust=True)`, like
    Celery's `delay_on_commit` but a broker that is down cannot turn a win already
    posted into an error page (the win stays `processing`, and the error is logged)."""
    task_named(WIN_IMAGE_PROCESS_TASK).delay(win.pk)


def _set_tags_and_credits(*, win: Win, tag_names: Sequence[str], credited: Sequence[User]) -> None:
    win.tags.set(tags_for(names=[*parse_hashtags(win.body), *tag_names]))
    people = {p.pk: p for p in [*credited, *people_mentioned(text=win.body, exclude=win.author)]}
    people.pop(win.author_id, None)
    _check_credits_in_team(win=win, people=people.values())
    existing = set(win.credits.values_list("user_id", flat=True))
    win.credits.exclude(user_id__in=people).delete()
    new = [person for pk, person in people.items() if pk not in existing]
    Credit.objects.bulk_create(
        [Credit(win=win, user=person) for person in new], ignore_conflicts=True
    )
    events.people_credited.send(win=win, people=new)


def _check_credits_in_team(*, win: Win, people: Iterable[User]) -> None:
    """A win credits only people who may see it (`win_audience`, which the composer's
    suggestions follow too): credited people are told and find it on their page.
    One query, for a win not shown to everyone that credits someone."""
    people = list(people)
    audience = models.win_audience(visibility=win.visibility, team_id=win.team_id)
    if not people or not audience:  # an empty filter: everyone may see it
        return
    allowed = set(
        User.objects.filter(audience, pk__in=[p.pk for p in people]).values_list("pk", flat=True)
    )
    outsiders = [person for person in people if person.pk not in allowed]
    if outsiders:
        raise ValidationError(
            [
                ValidationError(
                    _(
                        "%(name)s is not in your team, so a win for your team only cannot "
                        "credit them. Share it with everyone, or take the credit out."
                    ),
                    code="credit_outside_team",
                    params={"name": person.display_name, "pk": person.pk},
                )
                for person in outsiders
            ]
        )


@transaction.atomic
def win_update(
    *,
    win: Win,
    editor: User,
    body: str,
    visibility: str,
    tag_names: Sequence[str] = (),
    credited: Sequence[User] = (),
    image_alt: str | None = None,
    image: ContentFile | None = None,
    thumbnail: ContentFile | None = None,
    image_source: ContentFile | None = None,
    remove_image: bool = False,
) -> Win:
    """Edit a win's text, visibility, tags, credits and photo; marks it as edited.

    A new `image` (with `thumbnail`) or `image_source` replaces the photo, as in
    `win_create`; `remove_image` removes it. The old files are deleted after the
    commit, the new ones if the edit fails. Only the author may edit
    (PermissionDenied otherwise); bad input raises ValidationError as `win_create`.
    """
    if editor.pk != win.author_id:
        raise PermissionDenied(_("Only the author can edit this win."))
    body = body.strip()
    if not body:
        raise ValidationError(_("Write a few words about your win."), code="empty")
    _check_visibility(author=editor, visibility=visibility)
    win.body = body
    win.body_html = render_body(body)
    if visibility != win.visibility:
        win.visibility = visibility
        win.team_id = editor.team_id
        if visibility == Win.Visibility.TEAM:
            events.win_withdrawn_from_public.send(
                win=win, by=editor, reason=str(_("The author took the win back."))
            )
    if image_alt is not None:
        win.image_alt = image_alt.strip()
    win.edited_at = timezone.now()
    replaced = [f.name for f in (win.image, win.thumbnail) if f]
    storage = win.image.storage
    if remove_image or image is not None or image_source is not None:
        win.image = win.thumbnail = ""
        win.image_status = Win.ImageStatus.NONE
        win.image_width = win.image_height = None
        if remove_image and image is None and image_source is None:
            win.image_alt = ""
    else:
        replaced = []
    _win_save(win, image=(image, thumbnail, image_source), tag_names=tag_names, credited=credited)
    revision_raise(win_ids=[win.pk])
    if replaced:
        transaction.on_commit(partial(files_delete, storage, replaced), robust=True)
    return win


def win_delete(*, win: Win, user: User) -> None:
    """Delete a win and its images. Its author may, and so may a moderator
    (`is_moderator`; the admin's delete page and bulk action come here too);
    anyone else gets PermissionDenied.

    Its open highlights are withdrawn first, so no public story outlives it, and
    the people they name and comms are told (`events.win_withdrawn_from_public`).
    Files are removed after the transaction commits, so a failed delete loses nothing.
    """
    if user.pk != win.author_id and not is_moderator(user):
        raise PermissionDenied(_("Only its author or a moderator can delete this win."))
    files = [f for f in (win.image, win.thumbnail) if f]
    with transaction.atomic():
        reason = (
            _("The author took the win back.")
            if user.pk == win.author_id
            else _("Deleted by moderators.")
        )
        events.win_withdrawn_from_public.send(win=win, by=user, reason=str(reason))
        win.delete()

        def remove_files() -> None:
            for file in files:
                file.storage.delete(file.name)

        transaction.on_commit(remove_files)


_IMAGE_FIELDS = ["image", "image_width", "image_height", "thumbnail", "image_status"]


def win_image_process(*, win_id: int) -> bool:
    """Turn a win's cleaned source image into its display image and thumbnail.

    For wins whose photo was too large to shrink in the request (`feed.wins.photos`).
    Idempotent: does nothing (returns False) unless the win still waits for
    this very source, so a repeated, late or superseded task changes nothing.
    A source that cannot be read as an image marks the photo as failed; storage
    errors (OSError) propagate so the task retries.
    """
    win = Win.objects.filter(pk=win_id, image_status=Win.ImageStatus.PROCESSING).first()
    if win is None or not win.image:
        return False
    source = win.image.name
    try:
        with win.image.open("rb") as file:
            clean = decode_upload(file)
    except (ValidationError, FileNotFoundError):
        win_image_fail(win_id=win_id)
        return False
    display, thumbnail = photo_files(clean)
    with files_removed_on_error() as stored, transaction.atomic():
        win = (
            Win.objects.select_for_update()
            .filter(pk=win_id, image_status=Win.ImageStatus.PROCESSING, image=source)
            .first()
        )
        if win is None:  # replaced, removed or deleted meanwhile: nothing was stored yet
            return False
        storage = win.image.storage
        _store(win.image, display, stored)
        _store(win.thumbnail, thumbnail, stored)
        win.image_status = Win.ImageStatus.READY
        win.save(update_fields=_IMAGE_FIELDS)
        revision_raise(win_ids=[win.pk])
        transaction.on_commit(partial(files_delete, storage, [source]), robust=True)
    return True


def win_image_fail(*, win_id: int) -> None:
    """Give up on a win's photo: the status says so and the source is deleted.

    The win itself stays posted, with its text; the author can add a photo again.
    """
    with transaction.atomic():
        win = (
            Win.objects.select_for_update()
            .filter(pk=win_id, image_status=Win.ImageStatus.PROCESSING)
            .first()
        )
        if win is None:
            return
        names = [f.name for f in (win.image, win.thumbnail) if f]
        storage = win.image.storage
        win.image = win.thumbnail = ""
        win.image_width = win.image_height = None
        win.image_status = Win.ImageStatus.FAILED
        win.save(update_fields=_IMAGE_FIELDS)
        revision_raise(win_ids=[win.pk])
        transaction.on_commit(partial(files_delete, storage, names), robust=True)


# A photo still processing a day after its win was posted has been queued again
# by every sweep since: it is given up on, so its card stops saying "processing".
WIN_IMAGE_GIVE_UP_AFTER = timedelta(days=1)
# Wins queued again (or given up on) per sweep, at most: after a long outage the
# backlog reaches the workers over a few sweeps instead of all at once.
WIN_IMAGE_SWEEP_BATCH = 200


@dataclass(frozen=True)
class ImageSweep:
    """What `win_images_sweep` did: the ids of the wins queued again and given up on."""

    requeued: list[int]
    given_up: list[int]


def win_images_sweep(*, now: datetime | None = None, dry_run: bool = False) -> ImageSweep:
    """Rescue photos stuck in `processing` because their task was lost (the broker
    was down after the commit, a worker was killed).

    A photo waits from the moment its win was posted, or last edited (a new photo
    is an edit). After `settings.WIN_IMAGE_STUCK_MINUTES` its `win_image_process`
    task is queued again; after `WIN_IMAGE_GIVE_UP_AFTER` (or twice the former,
    if longer) it is marked as failed by `win_image_fail`: the win stays posted,
    without the photo. A task that gives up by itself (an unreadable source,
    storage failing through every retry) has marked the photo as failed already.

    Safe to repeat and to run beside the tasks: processing and failing both
    re-check the status under a lock, so a photo that was only slow is processed
    once. At most `WIN_IMAGE_SWEEP_BATCH` of each per run, the longest waiting
    first. A broker that is down raises (the next sweep tries again). With
    `dry_run` nothing is queued or marked: the ids say what would be.
    """
    process = task_named(WIN_IMAGE_PROCESS_TASK)
    now = now or timezone.now()
    stuck_after = timedelta(minutes=max(1, settings.WIN_IMAGE_STUCK_MINUTES))
    give_up_after = max(WIN_IMAGE_GIVE_UP_AFTER, 2 * stuck_after)
    processing = (
        Win.objects.filter(image_status=Win.ImageStatus.PROCESSING)
        .alias(waiting_since=Coalesce("edited_at", "created_at"))
        .order_by("waiting_since", "pk")
        .values_list("pk", flat=True)
    )
    hopeless = processing.filter(waiting_since__lte=now - give_up_after)
    given_up = list(hopeless[:WIN_IMAGE_SWEEP_BATCH])
    stuck = processing.filter(
        waiting_since__lte=now - stuck_after, waiting_since__gt=now - give_up_after
    )
    requeued = list(stuck[:WIN_IMAGE_SWEEP_BATCH])
    if dry_run:
        return ImageSweep(requeued=requeued, given_up=given_up)
    for win_id in given_up:
        win_image_fail(win_id=win_id)
    for win_id in requeued:
        process.delay(win_id)
    return ImageSweep(requeued=requeued, given_up=given_up)


# --------------------------------------------------------------------------
# Reactions
# --------------------------------------------------------------------------
@transaction.atomic
def reaction_toggle(*, win: Win, user: User, kind: str) -> bool:
    """Add `user`'s `kind` reaction to `win`, or take it back if already there.

    Idempotent by construction (a unique row plus an F() counter in one
    transaction). Returns True when the reaction is now on.
    """
    if kind not in Reaction.Kind.values:
        raise ValidationError(_("That reaction does not exist."), code="kind")
    deleted, _details = Reaction.objects.filter(win=win, user=user, kind=kind).delete()
    if deleted:
        Win.objects.filter(pk=win.pk).update(
            reaction_count=F("reaction_count") - deleted, revision=F("revision") + 1
        )
        return False
    reaction, created = Reaction.objects.get_or_create(win=win, user=user, kind=kind)
    if created:
        Win.objects.filter(pk=win.pk).update(
            reaction_count=F("reaction_count") + 1, revision=F("revision") + 1
        )
        events.reaction_added.send(reaction=reaction)
    return True


# --------------------------------------------------------------------------
# Comments
# --------------------------------------------------------------------------
@transaction.atomic
def comment_create(*, win: Win, author: User, body: str) -> Comment:
    """Comment on a win; `@mentions` in the text are recorded. The win's author
    and the people mentioned hear of it (`events.comment_posted`)."""
    body = body.strip()
    if not body:
        raise ValidationError(_("Write a comment first."), code="empty")
    comment = Comment(win=win, author=author, body=body)
    comment.full_clean()
    comment.save()
    mentioned = people_mentioned(text=body, exclude=author)
    comment.mentions.set(mentioned)
    Win.objects.filter(pk=win.pk).update(
        comment_count=F("comment_count") + 1, revision=F("revision") + 1
    )
    events.comment_posted.send(comment=comment, mentioned=mentioned)
    return comment


@transaction.atomic
def comment_delete(*, comment: Comment, user: User) -> None:
    """Delete a comment. Only its author may (PermissionDenied otherwise).

    The win's card gets its new revision from the receiver that deleting a
    comment from the admin needs as well (`feed.wins.revisions._comment_deleted`)."""
    if user.pk != comment.author_id:
        raise PermissionDenied(_("Only the author can delete this comment."))
    win_id = comment.win_id
    comment.delete()
    Win.objects.filter(pk=win_id, comment_count__gt=0).update(comment_count=F("comment_count") - 1)


# --------------------------------------------------------------------------
# Reports and moderation
# --------------------------------------------------------------------------
def report_create(
    *, reporter: User, reason: str, note: str = "", win: Win | None = None,
    comment: Comment | None = None,
) -> Report:  # fmt: skip
    """Flag a win or a comment for moderators. Reporting the same thing twice
    while the first report is open returns the open report."""
    if (win is None) == (comment is None):
        raise ValueError("Report exactly one of a win or a comment.")
    if reason not in Report.Reason.values:
        raise ValidationError(_("Choose a reason."), code="reason")
    report, _created = Report.objects.get_or_create(
        reporter=reporter,
        win=win,
        comment=comment,
        status=Report.Status.OPEN,
        defaults={"reason": reason, "note": note.strip()[:500]},
    )
    return report


@transaction.atomic
def content_hide(*, report: Report, moderator: User, reason: str) -> None:
    """Hide the reported win or comment (`win_hide`, `comment_hide`), with
    `reason`, or the report's reason when none is given."""
    reason = reason.strip() or str(report.get_reason_display())
    if report.win is not None:
        win_hide(win=report.win, moderator=moderator, reason=reason)
    else:
        comment_hide(comment=report.comment, moderator=moderator, reason=reason)


def _require_moderator(user: User) -> None:
    if not is_moderator(user):
        raise PermissionDenied(_("Only moderators can hide content."))


def _resolve_reports(*, moderator: User, **target: Win | Comment) -> None:
    """Every open report about the content hidden is resolved with it."""
    Report.objects.filter(status=Report.Status.OPEN, **target).update(
        status=Report.Status.HIDDEN, resolved_at=timezone.now(), resolved_by=moderator
    )


@transaction.atomic
def win_hide(*, win: Win, moderator: User, reason: str) -> None:
    """Hide a win from everyone but moderators and its author, who sees `reason`.

    From the reports, the win's page in the admin, or anywhere else: its open
    reports are resolved, and its public stories are withdrawn at once, the
    people they name and comms told (`events.win_withdrawn_from_public`, with
    the reason in the highlight's history). Hiding a hidden win again only changes
    the reason. Moderators only (`is_moderator`; PermissionDenied otherwise).
    """
    _require_moderator(moderator)
    win.is_hidden = True
    win.hidden_reason = reason.strip()[:HIDDEN_REASON_MAX_LENGTH]
    win.save(update_fields=["is_hidden", "hidden_reason"])
    revision_raise(win_ids=[win.pk])
    _resolve_reports(moderator=moderator, win=win)
    if win.hidden_reason:
        why = _("Hidden by moderators: %(reason)s") % {"reason": win.hidden_reason}
    else:
        why = _("Hidden by moderators.")
    events.win_withdrawn_from_public.send(win=win, by=moderator, reason=why)


@transaction.atomic
def win_unhide(*, win: Win, moderator: User) -> None:
    """Show a hidden win again. A story withdrawn when it was hidden stays
    withdrawn: comms may propose it again. Moderators only (PermissionDenied)."""
    _require_moderator(moderator)
    win.is_hidden = False
    win.hidden_reason = ""
    win.save(update_fields=["is_hidden", "hidden_reason"])
    revision_raise(win_ids=[win.pk])


@transaction.atomic
def comment_hide(*, comment: Comment, moderator: User, reason: str) -> None:
    """Hide a comment from everyone but its author, who sees `reason`; its open
    reports are resolved. A public story never quotes a comment (it is made
    from the win's text, `feed.highlights.services.highlight_propose`), so none changes.
    Moderators only (`is_moderator`; PermissionDenied otherwise)."""
    _require_moderator(moderator)
    comment.is_hidden = True
    comment.hidden_reason = reason.strip()[:HIDDEN_REASON_MAX_LENGTH]
    comment.save(update_fields=["is_hidden", "hidden_reason"])
    revision_raise(win_ids=[comment.win_id])
    _resolve_reports(moderator=moderator, comment=comment)


@transaction.atomic
def comment_unhide(*, comment: Comment, moderator: User) -> None:
    """Show a hidden comment again. Moderators only (PermissionDenied)."""
    _require_moderator(moderator)
    comment.is_hidden = False
    comment.hidden_reason = ""
    comment.save(update_fields=["is_hidden", "hidden_reason"])
    revision_raise(win_ids=[comment.win_id])


def report_dismiss(*, report: Report, moderator: User) -> None:
    """Close a report without hiding anything. Moderators only (PermissionDenied)."""
    if not is_moderator(moderator):
        raise PermissionDenied(_("Only moderators can dismiss reports."))
    Report.objects.filter(pk=report.pk, status=Report.Status.OPEN).update(
        status=Report.Status.DISMISSED, resolved_at=timezone.now(), resolved_by=moderator
    )
