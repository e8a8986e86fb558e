"""
Moderation and tags in the admin area: wins, comments, reports.

Staff hide and show content, they never rewrite it: every change goes through
`feed.wins.services` (hiding a reported win, deleting one, which withdraws its
public stories), for moderators only. "Propose as highlight" is added to the
wins' list by `feed.highlights.admin_curation`, which this layer does not know.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.db import transaction
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from feed.wins import services
from feed.wins.access import is_moderator
from feed.wins.models import Comment, Report, Tag, Win
from feed.wins.tags import tag_key, tags_merge
from wins_net.admin import MissingIs404


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "is_value", "description"]
    list_filter = ["is_value"]
    search_fields = ["name", "description"]
    actions = ["merge"]

    @admin.action(description=_("Merge into one tag"), permissions=["change"])
    def merge(self, request: HttpRequest, queryset: QuerySet[Tag]) -> TemplateResponse | None:
        """Merge the chosen tags (e.g. "Python", "python", "Pythón") into the one
        picked on a confirmation page: their wins move over (`tags_merge`)."""
        tags = list(queryset.annotate(win_total=Count("wins")).order_by("name"))
        if len(tags) < 2:
            self.message_user(request, _("Choose at least two tags to merge."), messages.ERROR)
            return None
        into_id = request.POST.get("into", "")
        into = next((tag for tag in tags if str(tag.pk) == into_id), None)
        if request.POST.get("confirmed") and into is not None:
            moved = tags_merge(into=into, tags=tags)
            self.message_user(
                request,
                ngettext(
                    "Merged into %(tag)s; %(count)d win moved.",
                    "Merged into %(tag)s; %(count)d wins moved.",
                    moved,
                )
                % {"tag": into, "count": moved},
                messages.SUCCESS,
            )
            return None
        suggested = max(tags, key=lambda tag: (tag.is_value, tag.win_total))
        return TemplateResponse(
            request,
            "admin/feed/tag/merge_confirmation.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Merge tags"),
                "opts": self.model._meta,
                "tags": tags,
                "suggested": suggested,
                # Tags that differ by more than case and accents: merged only on purpose.
                "differ": len({tag_key(tag.name) for tag in tags}) > 1,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )


@admin.register(Win)
class WinAdmin(MissingIs404, admin.ModelAdmin):
    list_display = ["__str__", "author", "visibility", "team", "created_at", "is_hidden"]
    list_filter = ["visibility", "is_hidden", "team", "created_at"]
    list_select_related = ["author", "team"]
    search_fields = ["body", "author__name", "author__email", "tags__name"]
    date_hierarchy = "created_at"
    # A win's words, audience and picture are its author's (and its stored
    # HTML, search document and credits follow them through `feed.wins.services`):
    # staff hide a win, they never rewrite it here.
    readonly_fields = ["author", "body", "visibility", "team", "image", "thumbnail", "image_alt",
                       "reaction_count", "comment_count", "created_at", "edited_at"]  # fmt: skip
    fields = ["author", "body", "visibility", "team", "image", "thumbnail", "image_alt",
              "reaction_count", "comment_count", "is_hidden", "hidden_reason", "created_at",
              "edited_at"]  # fmt: skip
    show_full_result_count = False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Win]:
        # Moderators (`is_moderator`, superusers included) see every win; people
        # who may only look (comms, given `view_win` to find and propose
        # stories) see what the whole company sees: wins for everyone, not
        # hidden. The list, the change and delete pages and the actions all
        # start from here, so a hidden win is a 404 for them.
        queryset = super().get_queryset(request)
        if is_moderator(request.user):
            return queryset
        return queryset.publishable()

    # Changing a win here means hiding or showing it, and deleting it withdraws
    # its public stories: both through `feed.wins.services`, for moderators only.
    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return is_moderator(request.user) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return is_moderator(request.user) and super().has_delete_permission(request, obj)

    def save_model(self, request: HttpRequest, obj: Win, form, change: bool) -> None:
        if not {"is_hidden", "hidden_reason"} & set(form.changed_data):
            return
        if obj.is_hidden:
            services.win_hide(win=obj, moderator=request.user, reason=obj.hidden_reason)
        else:
            services.win_unhide(win=obj, moderator=request.user)

    def delete_model(self, request: HttpRequest, obj: Win) -> None:
        services.win_delete(win=obj, user=request.user)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Win]) -> None:
        # The bulk "delete selected" would skip the service (a queryset delete).
        with transaction.atomic():
            for win in queryset:
                services.win_delete(win=win, user=request.user)


@admin.register(Comment)
class CommentAdmin(MissingIs404, admin.ModelAdmin):
    list_display = ["__str__", "author", "win", "created_at", "is_hidden"]
    list_filter = ["is_hidden", "created_at"]
    list_select_related = ["author", "win"]
    search_fields = ["body", "author__name", "author__email"]
    # As for wins: staff hide a comment, they never rewrite it here.
    fields = ["win", "author", "body", "mentions", "is_hidden", "hidden_reason", "created_at"]
    readonly_fields = ["win", "author", "body", "mentions", "created_at"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Comment]:
        # As for wins: people who may only look (comms) see comments that are
        # not hidden, on wins for everyone that are not hidden; moderators all.
        queryset = super().get_queryset(request)
        if is_moderator(request.user):
            return queryset
        return queryset.filter(is_hidden=False, win__in=Win.objects.publishable())

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # comments are written in the app, under a win

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return is_moderator(request.user) and super().has_change_permission(request, obj)

    def save_model(self, request: HttpRequest, obj: Comment, form, change: bool) -> None:
        if not {"is_hidden", "hidden_reason"} & set(form.changed_data):
            return
        if obj.is_hidden:
            services.comment_hide(comment=obj, moderator=request.user, reason=obj.hidden_reason)
        else:
            services.comment_unhide(comment=obj, moderator=request.user)


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
