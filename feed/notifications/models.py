"""In-app notifications and the ledger of outgoing email."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import NotificationKind
from feed.notifications.kinds import KIND_MEMBERS


# --------------------------------------------------------------------------
# Notifications and outgoing email
# --------------------------------------------------------------------------
# A `Notification` is the line in the bell's list ("Ana and 4 others reacted to
# your win"). An `Email` is one message that is due: recipient, kind and period
# are unique together, so a message can be recorded once and only once, and its
# state says how far its delivery got (see `feed.notifications.delivery`). How often each
# kind reaches someone by email is `accounts.models.EmailPreference`.
class Notification(models.Model):
    """One line in a person's notifications.

    Reactions to a win are grouped while unread: one row per win, with the
    people who reacted in `actors` and the latest of them in `actor`.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=NotificationKind)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    actors = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+", blank=True)
    actor_count = models.PositiveIntegerField(_("people"), default=1)
    win = models.ForeignKey(
        "feed.Win", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    comment = models.ForeignKey(
        "feed.Comment", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    highlight = models.ForeignKey(
        "feed.Highlight", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    # The latest activity: a new reaction on a grouped row moves it to the top.
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(fields=["recipient", "-updated_at", "-id"], name="notif_recipient_recent"),
            models.Index(
                fields=["recipient"],
                condition=Q(read_at__isnull=True),
                name="notif_recipient_unread",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "win"],
                condition=Q(kind="reaction", read_at__isnull=True),
                name="notif_one_unread_reaction_group",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.recipient_id}"

    @property
    def is_unread(self) -> bool:
        return self.read_at is None


class Email(models.Model):
    """One email that is due, recorded with what caused it.

    `(recipient, kind, period)` is unique: the period names what the message is
    about (a notification and its count, a day, an ISO week), so recording it a
    second time is impossible whatever runs twice. The delivery moves `state`
    from pending to sending to sent, or back to pending with a later
    `next_attempt_at` after an error, until `attempts` reaches the cap: failed.
    """

    # Declared once, with what each kind means, in `feed.notifications.kinds`.
    Kind = models.TextChoices("Kind", KIND_MEMBERS, module=__name__, qualname="Email.Kind")

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Not needed any more")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="emails",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind)
    period = models.CharField(_("period"), max_length=40)
    notification = models.ForeignKey(
        Notification, null=True, blank=True, on_delete=models.SET_NULL, related_name="emails"
    )
    state = models.CharField(_("state"), max_length=16, choices=State, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    # Who is sending it and since when: the Celery task's id and the time it
    # claimed the row. A row left `sending` longer than the lease is abandoned.
    claimed_by = models.CharField(max_length=64, blank=True, editable=False)
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    queued_at = models.DateTimeField(_("handed to a worker"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    message_id = models.CharField(_("Message-ID"), max_length=200, blank=True)
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("outgoing email")
        verbose_name_plural = _("outgoing emails")
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "kind", "period"], name="notif_email_once_per_period"
            ),
        ]
        indexes = [
            models.Index(
                fields=["state", "next_attempt_at"],
                condition=Q(state__in=["pending", "sending"]),
                name="notif_email_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.period} to {self.recipient_id}"
