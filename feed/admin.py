"""Moderation and tags in the admin area. Actions call the same services as the app."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from feed import services
from feed.models import Comment, Report, Tag, Win


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
    readonly_fields = ["author", "team", "reaction_count", "comment_count", "created_at",
                       "edited_at", "image", "thumbnail"]  # fmt: skip
    fields = ["author", "body", "visibility", "team", "image", "thumbnail", "image_alt",
              "reaction_count", "comment_count", "is_hidden", "hidden_reason", "created_at",
              "edited_at"]  # fmt: skip
    show_full_result_count = False


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
