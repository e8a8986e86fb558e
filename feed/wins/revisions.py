"""
A win's `revision`: it goes up with every change to what the win's card shows,
so a card cached under an older revision is never looked up again (`feed.wins.cards`).

The services raise it themselves, in the transaction of the change:

- `feed.wins.services`: editing a win (its text, audience, tags, credits and
  photo), its photo processed or given up on, a reaction added or taken back, a
  comment posted, a win or a comment hidden or shown again;
- the people a card shows changed through `accounts` (their own profile, the
  people import): `accounts.events.people_changed`, handled in `feed.wins.handlers`.

Some changes happen where no service of ours runs: the admin's change forms and
delete pages save and delete rows themselves, allauth saves people, and deleting
a person or a tag deletes or empties rows by cascade. Only for those, model
signal receivers remain, all in the last section of this module:

- `_person_saved`: a person saved whole (the admin's person page, allauth);
- `_person_deleted`: a person deleted, with their reactions, comments, credits and mentions;
- `_team_saved`, `_team_deleted`: a team renamed or deleted in the admin;
- `_tag_saved`, `_tag_deleted`: a tag renamed, made a value, or deleted in the admin;
- `_comment_deleted`: a comment deleted, from the admin or by `comment_delete`.

`tests/feed/wins/test_revisions.py` names each of them and shows it works.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import F, Q, QuerySet
from django.db.models.signals import post_delete, post_save, pre_delete
from django.dispatch import receiver

from accounts.models import Team, User
from feed.wins.models import Comment, Credit, Reaction, Tag, Win


def revision_raise(*, win_ids: Iterable[int | None] = (), wins: Q | None = None) -> None:
    """Give the wins with `win_ids`, or matching `wins`, a new revision (one UPDATE)."""
    if wins is None:
        ids = [pk for pk in win_ids if pk is not None]
        if not ids:
            return
        wins = Q(pk__in=ids)
    Win.objects.filter(wins).update(revision=F("revision") + 1)


def revision_raise_for_people(*, people: Q) -> None:
    """New revisions for every win whose card shows one of `people` (a Q over
    users): as author, credited, reacting, commenting or mentioned in a comment."""
    revision_raise(wins=_showing(User.objects.filter(people).values("pk")))


def _showing(people: QuerySet) -> Q:
    """Wins whose card shows one of `people` (a query of user ids)."""
    return (
        Q(author__in=people)
        | Q(pk__in=Credit.objects.filter(user__in=people).values("win"))
        | Q(pk__in=Reaction.objects.filter(user__in=people).values("win"))
        | Q(pk__in=Comment.objects.filter(author__in=people).values("win"))
        | Q(pk__in=Comment.mentions.through.objects.filter(user__in=people).values("comment__win"))
    )


# --------------------------------------------------------------------------
# Changes made outside the services: the only receivers of the wins feed.
# --------------------------------------------------------------------------
@receiver(post_save, sender=User)
def _person_saved(sender, instance: User, created: bool, update_fields=None, **kwargs) -> None:
    """A person saved whole: the admin's person page, allauth (a new primary
    address, a password). A save of chosen fields comes from a service, which
    raises the revisions itself if the fields show on cards (`user_update_profile`)."""
    if not created and update_fields is None:
        revision_raise_for_people(people=Q(pk=instance.pk))


@receiver(pre_delete, sender=User)
def _person_deleted(sender, instance: User, **kwargs) -> None:
    """A person deleted: their reactions, comments, credits and mentions leave
    other people's cards by cascade, one query for all of them."""
    revision_raise_for_people(people=Q(pk=instance.pk))


@receiver(post_save, sender=Team)
def _team_saved(sender, instance: Team, created: bool, **kwargs) -> None:
    """A team renamed: it is shown under its members' names."""
    if not created:
        revision_raise(wins=Q(author__team=instance))


@receiver(pre_delete, sender=Team)
def _team_deleted(sender, instance: Team, **kwargs) -> None:
    """A team deleted empties its members' team without a signal per person:
    the wins are given new revisions before, in the transaction of the delete."""
    revision_raise(wins=Q(author__team=instance))


@receiver(post_save, sender=Tag)
def _tag_saved(sender, instance: Tag, created: bool, **kwargs) -> None:
    """A tag renamed or made one of the organisation's values (shown apart)."""
    if not created:
        revision_raise(wins=Q(tags=instance))


@receiver(pre_delete, sender=Tag)
def _tag_deleted(sender, instance: Tag, **kwargs) -> None:
    """A tag deleted removes its links without a signal per win: the wins are
    given new revisions before, in the transaction of the delete."""
    revision_raise(wins=Q(tags=instance))


@receiver(post_delete, sender=Comment)
def _comment_deleted(sender, instance: Comment, **kwargs) -> None:
    """A comment deleted: from the admin (one or a selection), or by its author
    through `comment_delete`, which relies on this receiver rather than raising
    the revision a second time."""
    revision_raise(win_ids=[instance.win_id])
