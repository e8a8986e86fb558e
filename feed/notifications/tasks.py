"""Background work about email. Each task fetches by id and calls one service."""

from __future__ import annotations

from celery import shared_task
from django.db import transaction

from accounts.models import User
from feed.notifications import delivery, ledger
from feed.notifications.candidates import candidates_plan as candidates_plan_service
from feed.notifications.digests import digests_plan as digests_plan_service
from feed.notifications.invitations import invitations_record
from feed.notifications.summaries import summaries_plan as summaries_plan_service


# A batch sends up to `ledger.BATCH_SIZE` messages, each bounded by the
# mail server's timeout, so it gets more time than the default limits.
@shared_task(name=ledger.EMAILS_SEND_TASK, bind=True, soft_time_limit=600, time_limit=660)
def emails_send(self, ids: list[int]) -> dict[str, int]:
    """Send the due emails among `ids`. Errors are recorded in each row and
    retried by `delivery` itself, so the task never retries as a whole."""
    return delivery.emails_send(ids=ids, claimer=self.request.id or "inline")


@shared_task(name="feed.emails_sweep")
def emails_sweep() -> dict[str, int]:
    """Hand over emails that waited too long and take back abandoned ones."""
    return delivery.emails_sweep()


@shared_task(name="feed.summaries_plan")
def summaries_plan() -> int:
    """Record the daily and weekly summaries that are due (beat, every 15 minutes)."""
    return summaries_plan_service()


# Planning thousands of managers takes longer than the default limit allows. Each
# chunk commits on its own, so a run cut short keeps its rows and the next run
# (15 minutes later) plans the rest.
@shared_task(name="feed.digests_plan", soft_time_limit=600, time_limit=660)
def digests_plan() -> int:
    """Record the manager digests that are due (beat, every 15 minutes); returns how many."""
    return len(digests_plan_service())


@shared_task(name="feed.candidates_plan")
def candidates_plan() -> int:
    """Record comms' weekly emails of highlight candidates that are due (beat,
    every 15 minutes); returns how many."""
    return len(candidates_plan_service())


# Before invitations went through the ledger, the people import queued one
# `accounts.invitation_send` task per person. A message of that name still
# waiting in the broker when this release starts is recorded in the ledger
# instead of being dropped as unknown: one invitation, as for any import.
@shared_task(name="accounts.invitation_send")
def invitation_send(user_id: int) -> None:
    """Record the invitation of a person imported before the ledger sent them."""
    with transaction.atomic():
        user = User.objects.filter(pk=user_id, is_active=True).first()
        if user is not None:
            invitations_record(users=[user])
