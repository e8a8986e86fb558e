"""
Reads of a person's notifications: the list under the bell and its unread count.

Both start from `notifications_for`, which keeps only what its recipient may
still see: a line about a win that was hidden by moderators or turned team-only
since is left out of the list and of the count alike, so the bell never counts
something the list does not show. Pages are cut by a cursor on
(updated_at, id), as the feed is, so an old page costs what the first one does.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.urls import reverse

from accounts.models import NotificationKind, User
from feed.highlights.consent_selectors import consent_for_notification
from feed.highlights.models import Consent, Highlight
from feed.notifications.models import Notification
from feed.notifications.names import mention_names, named_excerpt
from feed.wins.access import is_moderator
from feed.wins.models import Win
from feed.wins.selectors import InvalidCursor, decode_cursor
from feed.wins.text import excerpt

__all__ = [
    "NOTIFICATIONS_PAGE_SIZE",
    "InvalidCursor",
    "NotificationPage",
    "consent_answers",
    "consent_link",
    "consent_links",
    "decorate",
    "decorate_all",
    "notification_one",
    "notification_page",
    "notifications_for",
    "stories_withdrawn",
    "unread_count",
]

# Enough to read a busy week at once; a page is one query whatever its size.
NOTIFICATIONS_PAGE_SIZE = 50
# What a line quotes of a comment or a win: enough to recognise it.
EXCERPT_CHARS = 140


@dataclass
class NotificationPage:
    notifications: list[Notification]
    next_cursor: str | None


# Kinds about a highlight rather than a win: shown whatever became of the win
# (deleted, or hidden from the person told).
STORY_KINDS = (NotificationKind.STORY_WITHDRAWN, NotificationKind.STORY_PUBLISHED)
# What a page of the list (and an email) shows with each line.
RELATED = ("actor", "win", "comment")


def notifications_for(
    *, user: User, where: Q | None = None, related: Sequence[str] = ()
) -> QuerySet[Notification]:
    """`user`'s notifications about wins they may see, and about the public stories
    they were told of (`STORY_KINDS`), narrowed by `where`, with `related`
    joined in, newest first.

    Two branches in one query (UNION ALL), so the result can be sliced and
    counted but not filtered further: narrow it with `where`.
    """
    # A semi-join: the database probes the wins of this person's notifications
    # by primary key. (OR-ing the kinds about no win into the same WHERE would
    # turn it into a scan of every visible win per request: they are a branch
    # of their own.)
    visible = Win.objects.visible_to(user).filter(pk=OuterRef("win_id"))
    # Unordered branches: SQLite allows ORDER BY only on the whole UNION.
    mine = Notification.objects.filter(where or Q(), recipient=user).order_by()
    if related:
        mine = mine.select_related(*related)
    about_wins = mine.filter(Exists(visible))
    about_stories = mine.filter(kind__in=STORY_KINDS, win__isnull=True)
    return about_wins.union(about_stories, all=True).order_by("-updated_at", "-id")


def unread_count(*, user: User) -> int:
    """How many of `user`'s visible notifications are unread: one query."""
    if not user.is_authenticated:
        return 0
    return notifications_for(user=user, where=Q(read_at__isnull=True)).count()


def encode_cursor(notification: Notification) -> str:
    raw = f"{notification.updated_at.isoformat()}|{notification.pk}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def notification_page(
    *, user: User, cursor: str | None = None, size: int = NOTIFICATIONS_PAGE_SIZE
) -> NotificationPage:
    """One page of `user`'s notifications, each with `url` and `excerpt` set.

    One query, with the actor, the win and the comment joined in. Raises
    InvalidCursor for a cursor `encode_cursor` did not make.
    """
    where = Q()
    if cursor:
        updated_at, pk = decode_cursor(cursor)
        where = Q(
            Q(updated_at__lt=updated_at) | Q(updated_at=updated_at, pk__lt=pk),
            updated_at__lte=updated_at,
        )
    rows = list(notifications_for(user=user, where=where, related=RELATED)[: size + 1])
    next_cursor = encode_cursor(rows[size - 1]) if len(rows) > size else None
    rows = rows[:size]
    decorate_all(rows)
    consent_links(rows, recipient=user)
    consent_answers(rows)
    stories_withdrawn(rows, recipient=user)
    return NotificationPage(notifications=rows, next_cursor=next_cursor)


def notification_one(*, user: User, pk: int) -> Notification | None:
    """One of `user`'s visible notifications, with `url` and `excerpt` set, or None
    (for another person's, one about a win they may not see, or no such id)."""
    found = list(notifications_for(user=user, where=Q(pk=pk), related=RELATED)[:1])
    notification = found[0] if found else None
    if notification is not None:
        decorate(notification)
        consent_links([notification], recipient=user)
        consent_answers([notification])
        stories_withdrawn([notification], recipient=user)
    return notification


def decorate(
    notification: Notification,
    *,
    excerpt_chars: int = EXCERPT_CHARS,
    names: dict[str, str] | None = None,
) -> Notification:
    """Set where the line leads (`url`, relative) and what it quotes (`excerpt`):
    the comment, else the win's text, with `@handles` shown as names (`names`
    from `mention_names`; looked up here, in one query, when not given). Needs
    `win` and `comment` loaded.

    A comment hidden by moderators is neither quoted nor linked to, and the
    win's text does not stand in for it. An answer to a consent request leads
    to the highlight in the admin area and quotes nothing until
    `consent_answers` finds the answer's message.
    """
    win, comment = notification.win, notification.comment
    shown_comment = comment if comment is not None and not comment.is_hidden else None
    notification.url = ""
    notification.excerpt = ""
    if notification.kind == NotificationKind.CONSENT_ANSWER:
        if notification.highlight_id is not None:
            notification.url = reverse(
                "admin:feed_highlight_change", args=[notification.highlight_id]
            )
        return notification
    if win is not None:
        notification.url = win.get_absolute_url()
        if shown_comment is not None:
            notification.url += f"#comment-{shown_comment.pk}"
    quoted = _quoted(notification)
    if quoted:
        if names is None:
            names = mention_names([quoted])
        notification.excerpt = named_excerpt(quoted, chars=excerpt_chars, names=names)
    return notification


def decorate_all(
    notifications: Sequence[Notification], *, excerpt_chars: int = EXCERPT_CHARS
) -> None:
    """`decorate` each of `notifications`, with one query for the names of
    everyone their excerpts mention (none when nobody is)."""
    names = mention_names(_quoted(n) for n in notifications)
    for notification in notifications:
        decorate(notification, excerpt_chars=excerpt_chars, names=names)


def _quoted(notification: Notification) -> str:
    """The text a line quotes: its comment unless hidden by moderators, else the
    win's text when the line is about the win itself; "" for answers to consent
    requests (`consent_answers` quotes those)."""
    if notification.kind == NotificationKind.CONSENT_ANSWER:
        return ""
    win, comment = notification.win, notification.comment
    if comment is not None:
        return "" if comment.is_hidden else comment.body
    return win.body if win is not None else ""


def consent_links(notifications: list[Notification], *, recipient: User) -> None:
    """Point each consent request among `notifications` to `recipient`'s consent
    page for that win's highlight (their pending request first) rather than to
    the win. One query, and none when there is no consent request."""
    asking = [n for n in notifications if n.kind == NotificationKind.CONSENT and n.win_id]
    if not asking:
        return
    consent_ids = consent_for_notification(recipient=recipient, win_ids={n.win_id for n in asking})
    for notification in asking:
        consent_id = consent_ids.get(notification.win_id)
        if consent_id is not None:
            notification.url = reverse("feed:consent", kwargs={"consent_id": consent_id})


def consent_link(notification: Notification, *, recipient: User) -> Notification:
    """`consent_links` for one notification."""
    consent_links([notification], recipient=recipient)
    return notification


def consent_answers(
    notifications: list[Notification], *, excerpt_chars: int = EXCERPT_CHARS
) -> None:
    """Give each answer to a consent request among `notifications` what its line
    says: `answer` (approved, declined or expired), `answer_title` (the public
    title the person was shown) and, as `excerpt`, the message they wrote.

    The answer is the asked person's (`actor`) consent on that highlight that was
    decided last at or before the line was written (`notify_consent_answer`
    dates it so). An approval later superseded by an edit still reads as an
    approval. One query, and none when there is no answer among them.
    """
    answering = [
        n
        for n in notifications
        if n.kind == NotificationKind.CONSENT_ANSWER and n.highlight_id and n.actor_id
    ]
    if not answering:
        return
    consents = Consent.objects.filter(
        Q(answered_at__isnull=False) | Q(answer=Consent.Answer.EXPIRED),
        highlight_id__in={n.highlight_id for n in answering},
        person_id__in={n.actor_id for n in answering},
    ).values_list(
        "highlight_id", "person_id", "answer", "answered_at", "closed_at", "title", "message"
    )
    decided: dict[tuple[int, int], list[tuple]] = {}
    for highlight_id, person_id, answer, answered_at, closed_at, title, message in consents:
        if answer == Consent.Answer.EXPIRED:
            outcome, when = answer, closed_at
        elif answer == Consent.Answer.DECLINED:
            outcome, when = answer, answered_at
        else:  # approved, perhaps superseded or withdrawn since
            outcome, when = Consent.Answer.APPROVED, answered_at
        decided.setdefault((highlight_id, person_id), []).append((when, outcome, title, message))
    for notification in answering:
        earlier = [
            entry
            for entry in decided.get((notification.highlight_id, notification.actor_id), [])
            if entry[0] <= notification.created_at
        ]
        if not earlier:
            continue
        _when, outcome, title, message = max(earlier, key=lambda entry: entry[0])
        notification.answer = outcome
        notification.answer_title = title
        notification.excerpt = excerpt(message, chars=excerpt_chars) if message else ""


def stories_withdrawn(notifications: list[Notification], *, recipient: User) -> None:
    """Give each line among `notifications` about a public story (`STORY_KINDS`)
    what it says and where it leads: `story_title` (the story's public title)
    and, as `url`: for a story published, its public page while it is still
    published; otherwise `recipient`'s latest consent page about it (the people
    named) or the highlight in the admin area (comms, unless its win is hidden
    from them: then nowhere). One query, and none when there is no such line."""
    told = [n for n in notifications if n.kind in STORY_KINDS and n.highlight_id]
    if not told:
        return
    latest = Consent.objects.filter(highlight=OuterRef("pk"), person_id=recipient.pk).order_by(
        "-asked_at", "-id"
    )
    rows = (
        Highlight.objects.filter(pk__in={n.highlight_id for n in told})
        .annotate(consent_id=Subquery(latest.values("pk")[:1]))
        .values_list("pk", "title", "win__is_hidden", "consent_id", "status", "slug")
    )
    found = {row[0]: row[1:] for row in rows}
    moderator = is_moderator(recipient)
    for notification in told:
        if notification.highlight_id not in found:
            continue
        title, hidden, consent_id, status, slug = found[notification.highlight_id]
        notification.story_title = title
        if (
            notification.kind == NotificationKind.STORY_PUBLISHED
            and status == Highlight.Status.PUBLISHED
        ):
            notification.url = reverse("highlights:detail", kwargs={"slug": slug})
        elif consent_id is not None:
            notification.url = reverse("feed:consent", kwargs={"consent_id": consent_id})
        elif not hidden or moderator:
            notification.url = reverse(
                "admin:feed_highlight_change", args=[notification.highlight_id]
            )
