"""
Outgoing mail, notifications and email preferences in the admin area: looked at, not edited.

An `Email` row is written only by `feed.notifications.delivery`, whose state
machine is what makes a message go out once; a hand edit (or a deletion, which
lets the same message be recorded and sent again) would defeat it. So every
field is read-only, rows are never added or deleted here, and the one thing an
operator can do is the "Retry" action, which calls `delivery.emails_retry` like
any other caller. Notifications and preferences are people's own data, changed
in the app through `feed.notifications.services`; here they can be searched and read.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.models import EmailPreference
from feed.notifications import delivery
from feed.notifications.models import Email, Notification
from wins_net.admin import ReadOnlyAdmin

# Characters of the last error shown in the list; the whole text is on the row's page.
ERROR_EXCERPT_LENGTH = 80


@admin.register(Email)
class EmailAdmin(ReadOnlyAdmin):
    list_display = ["recipient_address", "kind", "period", "state", "attempts",
                    "error_excerpt", "next_attempt_at", "sent_at"]  # fmt: skip
    list_filter = ["state", "kind"]
    list_select_related = ["recipient"]
    search_fields = ["recipient__email", "period", "=message_id"]
    fields = ["recipient", "kind", "period", "state", "attempts", "last_error",
              "next_attempt_at", "claimed_by", "claimed_at", "queued_at", "sent_at",
              "message_id", "subject", "notification", "created_at"]  # fmt: skip
    actions = ["retry"]
    show_full_result_count = False

    @admin.display(description=_("recipient"), ordering="recipient__email")
    def recipient_address(self, email: Email) -> str:
        return f"{email.recipient} <{email.recipient.email}>"

    @admin.display(description=_("last error"))
    def error_excerpt(self, email: Email) -> str:
        return Truncator(email.last_error).chars(ERROR_EXCERPT_LENGTH)

    def get_readonly_fields(self, request: HttpRequest, obj=None) -> list[str]:
        return self.fields

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        # Deleting a row would let the same message be recorded and sent again
        # (this also takes away the "delete selected" action). Rows still go
        # with their recipient when a person is deleted: the person's admin
        # asks this too, about each of their rows.
        own_pages = f"{self.opts.app_label}_{self.opts.model_name}_"
        match = request.resolver_match
        if match is not None and (match.url_name or "").startswith(own_pages):
            return False
        return super().has_delete_permission(request, obj)

    @admin.action(description=_("Retry the failed emails"), permissions=["change"])
    def retry(self, request: HttpRequest, queryset: QuerySet[Email]) -> None:
        ids = list(queryset.values_list("pk", flat=True))
        count = delivery.emails_retry(ids=ids)
        if count:
            self.message_user(
                request,
                ngettext(
                    "%(count)d email will be sent again.",
                    "%(count)d emails will be sent again.",
                    count,
                )
                % {"count": count},
                messages.SUCCESS,
            )
        left = len(ids) - count
        if left:
            self.message_user(
                request,
                ngettext(
                    "%(count)d email was left alone: only failed emails are retried.",
                    "%(count)d emails were left alone: only failed emails are retried.",
                    left,
                )
                % {"count": left},
                messages.WARNING,
            )


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["recipient", "kind", "actor", "actor_count", "win", "updated_at", "read_at"]
    list_filter = ["kind", "updated_at"]
    list_select_related = ["recipient", "actor", "win"]
    search_fields = ["recipient__email", "recipient__name", "actor__email", "actor__name"]
    show_full_result_count = False


@admin.register(EmailPreference)
class PreferenceAdmin(ReadOnlyAdmin):
    list_display = ["user", "kind", "cadence", "scope", "updated_at"]
    list_filter = ["kind", "cadence"]
    list_select_related = ["user"]
    search_fields = ["user__email", "user__name"]
