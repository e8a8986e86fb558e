"""
Who someone is to Wins: communications staff, moderators.

The role checks every gate asks. They live here, beneath `feed.models`, so the
models' visibility rule (`Win.objects.visible_to`) and every module above it
can import them at the top without a cycle; code outside the model layer
imports them from `feed.wins.access`, the module that turns requests into objects.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from accounts.models import User

COMMS_GROUP = "Communications"
# Who moderates: staff who may resolve reports, the permission the reports
# admin's "hide" and "dismiss" actions need (superusers have every permission).
# Being staff is not enough: comms staff curate stories, they do not moderate.
MODERATION_PERMISSION = "feed.change_report"


def is_comms(user: User | None) -> bool:
    """Whether `user` may curate highlights: an active member of the
    Communications group, or a superuser. Curating is not consenting: a
    superuser answers only the consents that name them."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or user.groups.filter(name=COMMS_GROUP).exists()


def comms_people() -> QuerySet[User]:
    """Everyone `is_comms` says yes to, in one query, ordered by id."""
    in_comms = User.groups.through.objects.filter(user_id=OuterRef("pk"), group__name=COMMS_GROUP)
    return (
        User.objects.filter(is_active=True)
        .filter(Q(is_superuser=True) | Exists(in_comms))
        .order_by("pk")
    )


def is_moderator(user) -> bool:
    """Whether `user` moderates: sees hidden wins and comments, hides and deletes
    them. An active staff member with `MODERATION_PERMISSION`; for anyone else
    this costs no query."""
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and user.is_staff
        and user.has_perm(MODERATION_PERMISSION)
    )
