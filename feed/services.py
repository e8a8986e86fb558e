"""
Writes about wins: post, edit, delete, react, comment, report, moderate.

Views, admin actions, tasks and commands call these functions; nothing else
saves feed models. Each says what it guarantees. Permission checks that depend
on who is asking raise `PermissionDenied`; bad input raises `ValidationError`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from feed.models import Comment, Credit, Reaction, Report, Tag, Win
from feed.text import handle_for, parse_hashtags, parse_mentions


# --------------------------------------------------------------------------
# Tags and mentions
# --------------------------------------------------------------------------
def tags_for(*, names: Iterable[str]) -> list[Tag]:
    """The tags named (case-insensitively), created when new. Keeps the first spelling."""
    tags: list[Tag] = []
    for name in dict.fromkeys(n.strip().lstrip("#") for n in names if n.strip().lstrip("#")):
        tag = Tag.objects.filter(name__iexact=name).first()
        if tag is None:
            tag, _created = Tag.objects.get_or_create(name=name[:50])
        if tag not in tags:
            tags.append(tag)
    return tags


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
) -> Win:
    """Post a win. Tags come from `#hashtags` in the text and `tag_names`; people
    credited from `credited` and `@mentions` in the text (never the author).

    `image` and `thumbnail` are already re-encoded files (see `feed.images`).
    Raises ValidationError for an empty text or an impossible visibility.
    """
    body = body.strip()
    if not body:
        raise ValidationError(_("Write a few words about your win."), code="empty")
    _check_visibility(author=author, visibility=visibility)
    win = Win(
        author=author,
        body=body,
        visibility=visibility,
        team_id=author.team_id,
        image_alt=image_alt.strip(),
    )
    if image is not None:
        win.image.save(image.name, image, save=False)
        win.image_status = Win.ImageStatus.READY
    if thumbnail is not None:
        win.thumbnail.save(thumbnail.name, thumbnail, save=False)
    win.full_clean(exclude=["image", "thumbnail"])
    win.save()
    _set_tags_and_credits(win=win, tag_names=tag_names, credited=credited)
    return win


def _set_tags_and_credits(*, win: Win, tag_names: Sequence[str], credited: Sequence[User]) -> None:
    win.tags.set(tags_for(names=[*parse_hashtags(win.body), *tag_names]))
    people = {p.pk: p for p in [*credited, *people_mentioned(text=win.body, exclude=win.author)]}
    people.pop(win.author_id, None)
    existing = set(win.credits.values_list("user_id", flat=True))
    win.credits.exclude(user_id__in=people).delete()
    Credit.objects.bulk_create(
        [Credit(win=win, user_id=pk) for pk in people if pk not in existing],
        ignore_conflicts=True,
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
) -> Win:
    """Edit a win's text, visibility, tags and credits; marks it as edited.

    Only the author may edit (PermissionDenied otherwise).
    """
    if editor.pk != win.author_id:
        raise PermissionDenied(_("Only the author can edit this win."))
    body = body.strip()
    if not body:
        raise ValidationError(_("Write a few words about your win."), code="empty")
    _check_visibility(author=editor, visibility=visibility)
    win.body = body
    if visibility != win.visibility:
        win.visibility = visibility
        win.team_id = editor.team_id
    if image_alt is not None:
        win.image_alt = image_alt.strip()
    win.edited_at = timezone.now()
    win.full_clean(exclude=["image", "thumbnail"])
    win.save()
    _set_tags_and_credits(win=win, tag_names=tag_names, credited=credited)
    return win


def win_delete(*, win: Win, user: User) -> None:
    """Delete a win and its images. Only the author may (PermissionDenied otherwise).

    Files are removed after the transaction commits, so a failed delete loses nothing.
    """
    if user.pk != win.author_id:
        raise PermissionDenied(_("Only the author can delete this win."))
    files = [f for f in (win.image, win.thumbnail) if f]
    with transaction.atomic():
        win.delete()

        def remove_files() -> None:
            for file in files:
                file.storage.delete(file.name)

        transaction.on_commit(remove_files)


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
        Win.objects.filter(pk=win.pk).update(reaction_count=F("reaction_count") - deleted)
        return False
    _reaction, created = Reaction.objects.get_or_create(win=win, user=user, kind=kind)
    if created:
        Win.objects.filter(pk=win.pk).update(reaction_count=F("reaction_count") + 1)
    return True


# --------------------------------------------------------------------------
# Comments
# --------------------------------------------------------------------------
@transaction.atomic
def comment_create(*, win: Win, author: User, body: str) -> Comment:
    """Comment on a win; `@mentions` in the text are recorded."""
    body = body.strip()
    if not body:
        raise ValidationError(_("Write a comment first."), code="empty")
    comment = Comment(win=win, author=author, body=body)
    comment.full_clean()
    comment.save()
    comment.mentions.set(people_mentioned(text=body, exclude=author))
    Win.objects.filter(pk=win.pk).update(comment_count=F("comment_count") + 1)
    return comment


@transaction.atomic
def comment_delete(*, comment: Comment, user: User) -> None:
    """Delete a comment. Only its author may (PermissionDenied otherwise)."""
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
    """Hide the reported win or comment for everyone but staff and its author.

    Every open report about the same content is resolved with it.
    """
    if not moderator.is_staff:
        raise PermissionDenied(_("Only moderators can hide content."))
    target = report.win or report.comment
    target.is_hidden = True
    target.hidden_reason = reason.strip() or str(report.get_reason_display())
    target.save(update_fields=["is_hidden", "hidden_reason"])
    same = Report.objects.filter(status=Report.Status.OPEN)
    same = same.filter(win=report.win) if report.win else same.filter(comment=report.comment)
    same.update(status=Report.Status.HIDDEN, resolved_at=timezone.now(), resolved_by=moderator)


def report_dismiss(*, report: Report, moderator: User) -> None:
    """Close a report without hiding anything."""
    if not moderator.is_staff:
        raise PermissionDenied(_("Only moderators can dismiss reports."))
    Report.objects.filter(pk=report.pk, status=Report.Status.OPEN).update(
        status=Report.Status.DISMISSED, resolved_at=timezone.now(), resolved_by=moderator
    )
