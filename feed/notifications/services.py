"""
Telling people what happened: the bell's notifications, their email, preferences.

The feed's services call `notify_*` inside their own transaction, so a
notification and the email it makes due exist exactly when their cause does.
Nobody is told about their own doing, and nobody is told about a win they may
not see (`Win.objects.visible_to`): a team-only win never reaches outside the
team, whatever mentions it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Cadence, EmailPreference, NotificationKind, User
from feed.highlights.models import Consent, Highlight
from feed.notifications.kinds import KINDS, Family, stands_for
from feed.notifications.ledger import email_record
from feed.notifications.models import Email, Notification
from feed.notifications.preferences import Preferences, preferences_of
from feed.wins.access import COMMS_GROUP, is_comms
from feed.wins.models import Comment, Reaction, Win

UNSUBSCRIBE_SALT = "notifications.unsubscribe"
UNSUBSCRIBE_UNDO_SALT = "notifications.unsubscribe.undo"

_muted: ContextVar[bool] = ContextVar("notifications_muted", default=False)


@contextmanager
def notifications_muted() -> Iterator[None]:
    """Inside this block nobody is notified: for writing history (the demo data
    backdates wins posted through the feed's services), never for real activity."""
    token = _muted.set(True)
    try:
        yield
    finally:
        _muted.reset(token)


# --------------------------------------------------------------------------
# Preferences
# --------------------------------------------------------------------------
def preference_set(
    *, user: User, kind: str, cadence: str, scope: str | None = None
) -> EmailPreference:
    """Choose how often `kind` arrives by email. Idempotent.

    The manager digest (`EmailPreference.DIGEST`) is weekly or never, with a scope
    (direct reports or the whole tree); so is comms' email of highlight candidates
    (`EmailPreference.CANDIDATES`), without one. Raises ValidationError for a kind
    or cadence that does not exist.
    """
    email_kind = KINDS.get(kind)
    if email_kind is None or not email_kind.has_preference:
        raise ValidationError(_("That kind of notification does not exist."), code="kind")
    if email_kind.weekly_or_never and cadence not in (Cadence.WEEKLY, Cadence.NEVER):
        raise ValidationError(email_kind.weekly_or_never, code="cadence")
    if cadence not in Cadence.values:
        raise ValidationError(_("Choose how often."), code="cadence")
    defaults = {"cadence": cadence, "updated_at": timezone.now()}
    if scope is not None:
        if scope not in EmailPreference.DigestScope.values:
            raise ValidationError(_("Choose whose wins the digest gathers."), code="scope")
        defaults["scope"] = scope
    preference, _created = EmailPreference.objects.update_or_create(
        user=user, kind=kind, defaults=defaults
    )
    return preference


# --------------------------------------------------------------------------
# Unsubscribing
# --------------------------------------------------------------------------
# What one unsubscribe changed, and so what its undo puts back: each preference
# kind it turned off, with the person's own choice before it (a cadence), or
# None when they had made none and the kind followed its default.
UnsubscribeChanges = dict[str, str | None]


def kinds_of_email(*, user: User, email_kind: str) -> list[str]:
    """The preferences one unsubscribe link turns off: the email's own, or, for a
    summary, every kind `user` now gets in it (`kinds.stands_for`)."""
    return _kinds_of_email(preferences_of(user), email_kind=email_kind)


def _kinds_of_email(preferences: Preferences, *, email_kind: str) -> list[str]:
    kind = KINDS[email_kind]
    if kind.family == Family.SUMMARY:
        return preferences.kinds_at(kind.cadence)
    return list(stands_for(email_kind))


def unsubscribe_token(*, user: User, email_kind: str) -> str:
    """A signed token naming a person and a kind of email; it never expires."""
    return signing.dumps({"u": user.pk, "k": email_kind}, salt=UNSUBSCRIBE_SALT, compress=True)


def unsubscribe_read(*, token: str) -> tuple[User, str]:
    """The person and email kind of a token. Raises signing.BadSignature (or
    User.DoesNotExist) for a token that was not made here or whose person is gone."""
    data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    if data.get("k") not in Email.Kind.values:
        raise signing.BadSignature("Unknown kind")
    return User.objects.get(pk=data["u"], is_active=True), data["k"]


def unsubscribe_pending(*, user: User, email_kind: str) -> UnsubscribeChanges:
    """What unsubscribing `user` from `email_kind` would turn off now: each kind
    it stands for that is not off yet, with the person's own choice for it (None
    while it follows the default). Writes nothing: the confirmation page shows it."""
    preferences = preferences_of(user)
    return {
        kind: preferences.chosen(kind)
        for kind in _kinds_of_email(preferences, email_kind=email_kind)
        if preferences.cadence(kind) != Cadence.NEVER
    }


@transaction.atomic
def email_unsubscribe(*, user: User, email_kind: str) -> UnsubscribeChanges:
    """Turn off the kinds of email that `email_kind` stands for. Idempotent.

    Returns what it changed (`unsubscribe_pending` just before), for
    `email_unsubscribe_undo`: a kind already off is not touched and not
    returned, so a second call returns nothing.
    """
    changes = unsubscribe_pending(user=user, email_kind=email_kind)
    for kind in changes:
        preference_set(user=user, kind=kind, cadence=Cadence.NEVER)
    return changes


@transaction.atomic
def email_unsubscribe_undo(
    *, user: User, changes: UnsubscribeChanges, made_at: datetime | None = None
) -> list[str]:
    """Put back exactly what one unsubscribe changed (`changes`, as
    `email_unsubscribe` returned them, at `made_at`), and nothing else. Idempotent.

    Each kind gets back the person's choice from before, or (when they had made
    none) follows its default again. A kind that is no longer off, or was set
    again after `made_at` (on the preferences page, by another unsubscribe), was
    changed since: it is left as it is, so an old Undo button sent again from
    the browser's history undoes nothing newer. Returns the kinds put back.
    """
    rows = {
        row.kind: row
        for row in EmailPreference.objects.select_for_update().filter(
            user=user, kind__in=list(changes)
        )
    }
    restored = []
    for kind, before in changes.items():
        row = rows.get(kind)
        if row is None or row.cadence != Cadence.NEVER:
            continue
        if made_at is not None and row.updated_at > made_at:
            continue
        if before is None:
            row.delete()
        else:
            preference_set(user=user, kind=kind, cadence=before)
        restored.append(kind)
    return restored


def unsubscribe_undo_token(*, user: User, email_kind: str, changes: UnsubscribeChanges) -> str:
    """A signed token carrying what one unsubscribe from `email_kind` changed,
    for its Undo button; valid only with that person's unsubscribe link."""
    data = {"u": user.pk, "k": email_kind, "c": changes, "t": timezone.now().isoformat()}
    return signing.dumps(data, salt=UNSUBSCRIBE_UNDO_SALT, compress=True)


def unsubscribe_undo_read(
    *, token: str, user: User, email_kind: str
) -> tuple[UnsubscribeChanges, datetime]:
    """The changes an undo token carries, and when they were made. Raises
    signing.BadSignature for a token
    not made here, made for another person or kind of email, or naming kinds or
    cadences that kind of email cannot have changed."""
    data = signing.loads(token, salt=UNSUBSCRIBE_UNDO_SALT)
    changes = data.get("c")
    if data.get("u") != user.pk or data.get("k") != email_kind or not isinstance(changes, dict):
        raise signing.BadSignature("Not this link's undo")
    try:
        made_at = datetime.fromisoformat(data["t"])
    except (KeyError, TypeError, ValueError) as error:
        raise signing.BadSignature("No time in this undo") from error
    allowed = stands_for(email_kind)
    for kind, before in changes.items():
        if kind not in allowed or before not in (None, *Cadence.values):
            raise signing.BadSignature("Not a change this link made")
    return changes, made_at


# --------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------
def notifications_mark_read(*, user: User, ids: Iterable[int] | None = None) -> int:
    """Mark `user`'s notifications read: those in `ids`, or all. Others' ids are ignored."""
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=list(ids))
    return unread.update(read_at=timezone.now())


# --------------------------------------------------------------------------
# What happened
# --------------------------------------------------------------------------
def _may_be_told(*, recipient: User, actor: User | None, win: Win) -> bool:
    if _muted.get() or not recipient.is_active or (actor is not None and recipient.pk == actor.pk):
        return False
    return Win.objects.visible_to(recipient).filter(pk=win.pk).exists()


def _email_if_immediate(notification: Notification, *, period: str) -> None:
    recipient = notification.recipient
    if preferences_of(recipient).wants(notification.kind):
        email_record(
            recipient=recipient,
            kind=notification.kind,
            period=period,
            notification_id=notification.pk,
        )


@transaction.atomic
def notify_reaction(*, reaction: Reaction) -> Notification | None:
    """Tell a win's author that someone reacted: one unread line per win, grouped."""
    win, actor = reaction.win, reaction.user
    recipient = win.author
    if not _may_be_told(recipient=recipient, actor=actor, win=win):
        return None
    now = timezone.now()
    notification, created = Notification.objects.get_or_create(
        recipient=recipient,
        kind=NotificationKind.REACTION,
        win=win,
        read_at=None,
        defaults={"actor": actor, "created_at": now, "updated_at": now},
    )
    notification.actors.add(actor)
    if not created:
        notification.actor = actor
        notification.updated_at = now
    notification.actor_count = notification.actors.count()
    notification.save(update_fields=["actor", "updated_at", "actor_count"])
    _email_if_immediate(notification, period=f"n{notification.pk}-{notification.actor_count}")
    return notification


def _notify_once(
    *, recipient: User, kind: str, actor: User, win: Win, comment: Comment | None = None
) -> Notification | None:
    if not _may_be_told(recipient=recipient, actor=actor, win=win):
        return None
    notification = Notification.objects.create(
        recipient=recipient, kind=kind, actor=actor, win=win, comment=comment
    )
    notification.actors.add(actor)
    _email_if_immediate(notification, period=f"n{notification.pk}")
    return notification


@transaction.atomic
def notify_comment(*, comment: Comment, mentioned: Iterable[User] = ()) -> list[Notification]:
    """Tell the win's author about a comment, and each person it mentions.

    Someone both author and mentioned gets one line: the mention.
    """
    win, actor = comment.win, comment.author
    told: list[Notification] = []
    mentioned = [person for person in mentioned if person.pk != actor.pk]
    for person in mentioned:
        told.append(
            _notify_once(
                recipient=person,
                kind=NotificationKind.MENTION,
                actor=actor,
                win=win,
                comment=comment,
            )
        )
    if win.author_id not in {p.pk for p in mentioned}:
        told.append(
            _notify_once(
                recipient=win.author,
                kind=NotificationKind.COMMENT,
                actor=actor,
                win=win,
                comment=comment,
            )
        )
    return [n for n in told if n is not None]


@transaction.atomic
def notify_credits(*, win: Win, people: Iterable[User]) -> list[Notification]:
    """Tell people newly credited on a win (`people`, without the author)."""
    told = [
        _notify_once(recipient=person, kind=NotificationKind.CREDIT, actor=win.author, win=win)
        for person in people
    ]
    return [n for n in told if n is not None]


@transaction.atomic
def notify_consent(*, consent: Consent, reminder: bool = False) -> Notification | None:
    """Ask `consent.person` for their consent (`feed.models.Consent`): a line in
    the bell about the highlight's win and, at their chosen cadence (at once by
    default), an email recorded once per request (`c<id>`) and once per reminder
    (`c<id>-reminder`).

    Unlike other kinds, the person is told even when they asked themselves (a
    comms person's own win still needs their answer). Nobody is told while
    muted, when inactive, or when the win is gone or no longer visible to them.
    """
    recipient, win = consent.person, consent.highlight.win
    if _muted.get() or win is None or not recipient.is_active:
        return None
    if not Win.objects.visible_to(recipient).filter(pk=win.pk).exists():
        return None
    actor = consent.asked_by
    notification = Notification.objects.create(
        recipient=recipient,
        kind=NotificationKind.CONSENT,
        actor=actor,
        win=win,
        highlight=consent.highlight,
    )
    if actor is not None:
        notification.actors.add(actor)
    suffix = "-reminder" if reminder else ""
    _email_if_immediate(notification, period=f"c{consent.pk}{suffix}")
    return notification


def notifications_consent_answered(*, consent: Consent) -> int:
    """Mark read the requests for `consent`'s highlight in its person's bell: once
    they have answered, the line has nothing left to ask."""
    return Notification.objects.filter(
        recipient=consent.person,
        kind=NotificationKind.CONSENT,
        highlight=consent.highlight_id,
        read_at__isnull=True,
    ).update(read_at=timezone.now())


# What comms are told about: an answer, or none in time.
ANSWERS_TOLD = (Consent.Answer.APPROVED, Consent.Answer.DECLINED, Consent.Answer.EXPIRED)


@transaction.atomic
def notify_consent_answer(*, consent: Consent) -> Notification | None:
    """Tell the comms person who asked that `consent` was approved, declined (with
    the person's message, if any) or expired unanswered: a line in the bell
    leading to the highlight in the admin area and, at their chosen cadence (at
    once by default), an email recorded once per request (`a<id>`).

    Call it inside the transaction that records the answer or the expiry, after
    saving it: the line is dated with that moment (`answered_at`, or
    `closed_at` for an expiry), which is how the bell finds the answer again.

    Nobody is told while muted; when the asker's account is gone, inactive or
    no longer comms staff (`feed.wins.access.is_comms`); when a comms person
    answers a request of their own; or when the highlight's win is gone.
    """
    if _muted.get() or consent.answer not in ANSWERS_TOLD:
        return None
    recipient, person, highlight = consent.asked_by, consent.person, consent.highlight
    if recipient is None or not is_comms(recipient) or highlight.win_id is None:
        return None
    if consent.answer != Consent.Answer.EXPIRED and recipient.pk == person.pk:
        return None
    when = consent.answered_at or consent.closed_at or timezone.now()
    notification = Notification.objects.create(
        recipient=recipient,
        kind=NotificationKind.CONSENT_ANSWER,
        actor=person,
        win_id=highlight.win_id,
        highlight=highlight,
        created_at=when,
        updated_at=when,
    )
    notification.actors.add(person)
    _email_if_immediate(notification, period=f"a{consent.pk}")
    return notification


@transaction.atomic
def notify_story_withdrawn(
    *, highlight: Highlight, by: User, by_author: bool, asked: bool
) -> list[Notification]:
    """Tell who followed `highlight` that it was taken down with its win: a line in
    the bell and, at their chosen cadence (at once by default), an email
    recorded once per person and highlight (`w<id>`). Who is told is
    `_told_of_withdrawal` (the people it names only when they were `asked`).

    The line is about the highlight, not the win, which may be deleted or hidden
    from them; it names the author (`actor`) when they took the win back
    (`by_author`), and nobody when moderators did (`actor` empty), as moderators
    are not named to the people they moderate. Nobody is told while muted, when
    inactive, or about their own doing (`by`).
    """
    if _muted.get():
        return []
    told = []
    actor = by if by_author else None
    for recipient in _told_of_withdrawal(highlight, asked=asked):
        if not recipient.is_active or recipient.pk == by.pk:
            continue
        notification = Notification.objects.create(
            recipient=recipient,
            kind=NotificationKind.STORY_WITHDRAWN,
            actor=actor,
            highlight=highlight,
        )
        if actor is not None:
            notification.actors.add(actor)
        _email_if_immediate(notification, period=f"w{highlight.pk}")
        told.append(notification)
    return told


@transaction.atomic
def notify_story_published(*, highlight: Highlight) -> list[Notification]:
    """Give each person `highlight` names who approved it the public link: a
    line in the bell and, at their chosen cadence (at once by default), an
    email recorded once per person and highlight (`p<id>`).

    Exactly once per person and highlight: published again (a new title, after
    asking again), nobody is told a second time. The line names who published
    nobody (comms act as a team). Nobody is told while muted or when inactive.
    """
    if _muted.get() or highlight.status != Highlight.Status.PUBLISHED:
        return []
    approved = (
        Consent.objects.filter(
            highlight=highlight, answer=Consent.Answer.APPROVED, person__is_active=True
        )
        .filter(person__in=highlight.people.values("user"))
        .values_list("person", flat=True)
    )
    told_before = Notification.objects.filter(
        kind=NotificationKind.STORY_PUBLISHED, highlight=highlight
    ).values_list("recipient", flat=True)
    told = []
    for recipient in User.objects.filter(pk__in=approved).exclude(pk__in=told_before):
        notification = Notification.objects.create(
            recipient=recipient,
            kind=NotificationKind.STORY_PUBLISHED,
            actor=None,
            highlight=highlight,
        )
        _email_if_immediate(notification, period=f"p{highlight.pk}")
        told.append(notification)
    return told


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
