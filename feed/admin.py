"""
Moderation, tags and outgoing mail in the admin area.

Actions call the same services as the app: hiding a reported win goes through
`feed.services`, retrying a failed email through `feed.delivery`.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.models import EmailPreference
from feed import curation, delivery, highlights, services
from feed.models import (
    Comment,
    Consent,
    CurationCandidate,
    Email,
    Highlight,
    HighlightEvent,
    HighlightPerson,
    Notification,
    Report,
    Tag,
    Win,
)


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "is_value", "description"]
    list_filter = ["is_value"]
    search_fields = ["name", "description"]


@admin.register(Win)
class WinAdmin(admin.ModelAdmin):
    list_display = ["__str__", "author", "visibility", "team", "created_at", "is_hidden"]
    list_filter = ["visibility", "is_hidden", "team", "created_at"]
    list_select_related = ["author", "team"]
    search_fields = ["body", "author__name", "author__email", "tags__name"]
    date_hierarchy = "created_at"
    # A win's words, audience and picture are its author's (and its stored
    # HTML, search document and credits follow them through `feed.services`):
    # staff hide a win, they never rewrite it here.
    readonly_fields = ["author", "body", "visibility", "team", "image", "thumbnail", "image_alt",
                       "reaction_count", "comment_count", "created_at", "edited_at"]  # fmt: skip
    fields = ["author", "body", "visibility", "team", "image", "thumbnail", "image_alt",
              "reaction_count", "comment_count", "is_hidden", "hidden_reason", "created_at",
              "edited_at"]  # fmt: skip
    show_full_result_count = False
    actions = ["propose_highlight"]

    def has_highlight_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("feed.add_highlight")

    @admin.action(description=_("Propose as highlight"), permissions=["highlight"])
    def propose_highlight(self, request: HttpRequest, queryset: QuerySet[Win]) -> None:
        count = 0
        for win in queryset:
            try:
                highlights.highlight_propose(win=win, by=request.user)
            except (PermissionDenied, ValidationError) as error:
                self.message_user(
                    request,
                    _("“%(win)s”: %(reason)s") % {"win": win, "reason": _refusal(error)},
                    messages.ERROR,
                )
            else:
                count += 1
        if count:
            self.message_user(
                request,
                ngettext("Proposed %(count)d highlight.", "Proposed %(count)d highlights.", count)
                % {"count": count},
                messages.SUCCESS,
            )


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["__str__", "author", "win", "created_at", "is_hidden"]
    list_filter = ["is_hidden", "created_at"]
    list_select_related = ["author", "win"]
    search_fields = ["body", "author__name", "author__email"]
    raw_id_fields = ["win", "author", "mentions"]


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ["created_at", "reason", "target", "reporter", "status", "resolved_by"]
    list_filter = ["status", "reason", "created_at"]
    list_select_related = ["reporter", "win", "comment", "resolved_by"]
    search_fields = ["note", "win__body", "comment__body", "reporter__email"]
    readonly_fields = ["reporter", "win", "comment", "reason", "note", "created_at",
                       "status", "resolved_at", "resolved_by"]  # fmt: skip
    actions = ["hide_content", "dismiss"]

    @admin.display(description=_("reported content"))
    def target(self, report: Report) -> str:
        return str(report.win or report.comment)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description=_("Hide the reported content"), permissions=["change"])
    def hide_content(self, request: HttpRequest, queryset: QuerySet[Report]) -> None:
        count = 0
        for report in queryset.filter(status=Report.Status.OPEN):
            services.content_hide(report=report, moderator=request.user, reason="")
            count += 1
        self.message_user(
            request,
            ngettext("Hid the content of %(count)d report.",
                     "Hid the content of %(count)d reports.", count) % {"count": count},
            messages.SUCCESS,
        )  # fmt: skip

    @admin.action(description=_("Dismiss without hiding"), permissions=["change"])
    def dismiss(self, request: HttpRequest, queryset: QuerySet[Report]) -> None:
        count = 0
        for report in queryset.filter(status=Report.Status.OPEN):
            services.report_dismiss(report=report, moderator=request.user)
            count += 1
        self.message_user(
            request,
            ngettext("Dismissed %(count)d report.", "Dismissed %(count)d reports.", count)
            % {"count": count},
            messages.SUCCESS,
        )


# --------------------------------------------------------------------------
# Outgoing mail and notifications
# --------------------------------------------------------------------------
# Looked at, not edited. An `Email` row is written only by `feed.delivery`, whose state machine
# is what makes a message go out once; a hand edit (or a deletion, which lets the
# same message be recorded and sent again) would defeat it. So every field is
# read-only, rows are never added or deleted here, and the one thing an operator
# can do is the "Retry" action, which calls `delivery.emails_retry` like any
# other caller. Notifications and preferences are people's own data, changed in
# the app through `feed.notifications`; here they can be searched and read.

# Characters of the last error shown in the list; the whole text is on the row's page.
ERROR_EXCERPT_LENGTH = 80


class ReadOnlyAdmin(admin.ModelAdmin):
    """Every field shown, none editable, nothing added by hand.

    `has_change_permission` stays true for the list (admin actions need it)
    and is false for a single row, so its page has no form and no "Save".
    """

    def get_readonly_fields(self, request: HttpRequest, obj=None) -> list[str]:
        return [
            field.name
            for field in [*self.model._meta.fields, *self.model._meta.many_to_many]
            if field.name != "id"
        ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return obj is None and super().has_change_permission(request)


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


# --------------------------------------------------------------------------
# Highlights
# --------------------------------------------------------------------------
# Read-mostly: every change to a highlight is a transition of `feed.highlights`,
# which checks who may take it, records it as an event and asks for consent
# again when needed. So the page shows the highlight, the people it names,
# every consent with its snapshot and every event, and the actions below are the
# only way to move it. Nothing is added or deleted here (proposing starts from
# a win, and the history must stay).
class _ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def get_readonly_fields(self, request: HttpRequest, obj=None) -> list[str]:
        return list(self.fields)

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class HighlightPersonInline(_ReadOnlyInline):
    model = HighlightPerson
    fields = ["user", "role", "public_name"]


class ConsentInline(_ReadOnlyInline):
    model = Consent
    fields = ["person", "answer", "asked_by", "asked_at", "expires_at", "reminded_at",
              "answered_at", "closed_at", "message", "public_name", "title", "image",
              "image_alt", "scope", "fingerprint"]  # fmt: skip


class HighlightEventInline(_ReadOnlyInline):
    model = HighlightEvent
    fields = ["created_at", "actor", "action", "from_status", "to_status", "note"]


def _refusal(error: PermissionDenied | ValidationError) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error) or str(_("You are not allowed to do that."))


@admin.register(Highlight)
class HighlightAdmin(ReadOnlyAdmin):
    list_display = ["title", "status", "win", "created_by", "updated_at", "published_at"]
    list_filter = ["status"]
    list_select_related = ["created_by", "win"]
    search_fields = ["title", "text", "slug"]
    inlines = [HighlightPersonInline, ConsentInline, HighlightEventInline]
    actions = ["ask_for_consent", "publish", "withdraw"]
    show_full_result_count = False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def _each(self, request: HttpRequest, queryset: QuerySet[Highlight], service, done) -> None:
        """Call `service` for each highlight; refusals are reported one by one, and
        `done(count)` says how many went through."""
        count = 0
        for highlight in queryset:
            try:
                service(highlight=highlight, by=request.user)
            except (PermissionDenied, ValidationError) as error:
                self.message_user(
                    request,
                    _("“%(title)s”: %(reason)s") % {"title": highlight, "reason": _refusal(error)},
                    messages.ERROR,
                )
            else:
                count += 1
        if count:
            self.message_user(request, done(count) % {"count": count}, messages.SUCCESS)

    @admin.action(description=_("Ask for consent"), permissions=["change"])
    def ask_for_consent(self, request: HttpRequest, queryset: QuerySet[Highlight]) -> None:
        self._each(request, queryset, highlights.consent_request,
                   lambda n: ngettext("Asked for consent on %(count)d highlight.",
                   "Asked for consent on %(count)d highlights.", n))  # fmt: skip

    @admin.action(description=_("Publish"), permissions=["change"])
    def publish(self, request: HttpRequest, queryset: QuerySet[Highlight]) -> None:
        self._each(request, queryset, highlights.highlight_publish,
                   lambda n: ngettext("Published %(count)d highlight.",
                   "Published %(count)d highlights.", n))  # fmt: skip

    @admin.action(description=_("Withdraw"), permissions=["change"])
    def withdraw(self, request: HttpRequest, queryset: QuerySet[Highlight]) -> None:
        self._each(request, queryset, highlights.highlight_withdraw,
                   lambda n: ngettext("Withdrew %(count)d highlight.",
                   "Withdrew %(count)d highlights.", n))  # fmt: skip


@admin.register(CurationCandidate)
class CurationCandidateAdmin(ReadOnlyAdmin):
    """The curation queue: wins for everyone, the most promising first."""

    list_display = ["__str__", "author", "created_at"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[CurationCandidate]:
        return curation.curation_queue().select_related("author")
