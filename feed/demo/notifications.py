"""
Demo notifications: the bell of each demo login shows what happened lately.

`feed.demo.wins` writes reactions, comments and credits in bulk, or through
the services with notifications muted, so this builds the notifications those would have made
for the demo logins over the last two weeks: reactions grouped per win,
comments and credits one by one; those older than a week are already read.
No email is recorded: a fresh demo does not write a pile of old mail.
Idempotent: a login that has notifications is left alone.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import NotificationKind, User
from feed.demo.people import DEMO_LOGINS
from feed.notifications.models import Notification
from feed.wins.models import Comment, Credit, Reaction, Win

WINDOW = timedelta(days=14)
READ_AFTER = timedelta(days=7)


# A notification to write, with the people it names (its actors).
_Row = tuple[Notification, list[int]]


@transaction.atomic
def seed_notifications() -> int:
    """Notifications for the demo logins; returns how many were created."""
    now = timezone.now()
    created = 0
    logins = User.objects.filter(email__in=[login.email for login in DEMO_LOGINS])
    for person in logins:
        if Notification.objects.filter(recipient=person).exists():
            continue
        rows = [
            *_reaction_rows(person, now=now),
            *_comment_rows(person, now=now),
            *_credit_rows(person, now=now),
        ]
        saved = Notification.objects.bulk_create([row for row, _actors in rows])
        Through = Notification.actors.through
        Through.objects.bulk_create(
            [
                Through(notification_id=row.pk, user_id=actor)
                for row, (_row, actors) in zip(saved, rows, strict=True)
                for actor in actors
            ],
            ignore_conflicts=True,
        )
        created += len(saved)
    return created


def _reaction_rows(person: User, *, now: datetime) -> list[_Row]:
    """One notification per win of `person` that others reacted to lately, naming them all."""
    reactions: dict[int, list[Reaction]] = {}
    for reaction in (
        Reaction.objects.filter(win__author=person, created_at__gte=now - WINDOW)
        .exclude(user=person)
        .order_by("created_at")
    ):
        reactions.setdefault(reaction.win_id, []).append(reaction)
    rows: list[_Row] = []
    for win_id, group in reactions.items():
        actors = list(dict.fromkeys(r.user_id for r in group))
        last = group[-1].created_at
        rows.append((
            Notification(
                recipient=person, kind=NotificationKind.REACTION, win_id=win_id,
                actor_id=actors[-1], actor_count=len(actors),
                created_at=group[0].created_at, updated_at=last,
                read_at=last if last < now - READ_AFTER else None,
            ),
            actors,
        ))  # fmt: skip
    return rows


def _comment_rows(person: User, *, now: datetime) -> list[_Row]:
    """One notification per recent comment by others on a win of `person` they may see."""
    rows: list[_Row] = []
    for comment in Comment.objects.filter(
        win__author=person, win__in=Win.objects.visible_to(person), created_at__gte=now - WINDOW
    ).exclude(author=person):
        row = _single(person, NotificationKind.COMMENT, comment.author_id, comment.win_id,
                      comment.created_at, now, comment=comment)  # fmt: skip
        rows.append((row, [comment.author_id]))
    return rows


def _credit_rows(person: User, *, now: datetime) -> list[_Row]:
    """One notification per recent credit of `person` on a win they may see."""
    rows: list[_Row] = []
    for credit in Credit.objects.filter(
        user=person, win__in=Win.objects.visible_to(person), created_at__gte=now - WINDOW
    ).select_related("win"):
        author_id = credit.win.author_id
        row = _single(
            person, NotificationKind.CREDIT, author_id, credit.win_id, credit.created_at, now
        )
        rows.append((row, [author_id]))
    return rows


def _single(person, kind, actor_id, win_id, when, now, comment=None) -> Notification:
    return Notification(
        recipient=person, kind=kind, actor_id=actor_id, win_id=win_id, comment=comment,
        created_at=when, updated_at=when, read_at=when if when < now - READ_AFTER else None,
    )  # fmt: skip
