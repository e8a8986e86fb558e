"""
Finding the next public story in the admin area: the curation queue, and
"Propose as highlight" on it and on the wins' list.

The queue shows wins for everyone, ranked by `feed.highlights.curation` (the same
ranking as the weekly email of candidates). Team-only and hidden wins never
appear: the queryset starts from `curation_queue`. Only people who may propose
highlights see it (the proxy's own permissions are given to nobody), and
nothing is edited here: "Propose as highlight" calls
`feed.highlights.services.highlight_propose`, here as on the wins' list, whose
admin (`feed.wins.admin.WinAdmin`, which cannot know highlights) is registered
again below with that action.
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib import admin, messages
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F, OuterRef, QuerySet, Subquery
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from feed.highlights.admin_forms import refusal
from feed.highlights.curation import curation_queue
from feed.highlights.models import CurationCandidate, Highlight
from feed.highlights.services import highlight_propose
from feed.wins.admin import WinAdmin
from feed.wins.models import Win
from feed.wins.text import excerpt

# Characters of a win's text shown in the curation queue (two or three lines at
# 1280 px, so the score and highlight columns stay on screen).
QUEUE_EXCERPT_LENGTH = 80
# Width in CSS pixels of a win's thumbnail in the queue, and of the larger
# previews on a single page.
PREVIEW_WIDTH = 96
HIGHLIGHT_PREVIEW_WIDTH = 320


def image_tag(file, *, alt: str, width: int, height: int | None = None) -> str:
    """An <img> for `file` at `width` (and `height` when known, so the page does not jump)."""
    size = format_html(' height="{}"', height) if height else ""
    return format_html(
        '<img class="admin-preview" src="{}" width="{}"{} alt="{}" loading="lazy">',
        file.url,
        width,
        size,
        alt,
    )


def win_thumbnail_tag(win: Win) -> str:
    """The win's thumbnail at `PREVIEW_WIDTH`, or nothing while it has none ready."""
    if not win.thumbnail or win.image_status != Win.ImageStatus.READY:
        return ""
    if win.image_width and win.image_height:
        height = max(1, round(PREVIEW_WIDTH * win.image_height / win.image_width))
    else:
        height = PREVIEW_WIDTH * 2 // 3
    return image_tag(win.thumbnail, alt=win.image_alt, width=PREVIEW_WIDTH, height=height)


# --------------------------------------------------------------------------
# Propose as highlight
# --------------------------------------------------------------------------
def propose_highlights(
    model_admin: admin.ModelAdmin, request: HttpRequest, queryset
) -> HttpResponse | None:
    """Propose a highlight from each win; refusals are reported one by one. When
    exactly one was proposed, its page (where its public version is edited) opens."""
    proposed: list[Highlight] = []
    for win in queryset:
        try:
            proposed.append(highlight_propose(win=win, by=request.user))
        except (PermissionDenied, ValidationError) as error:
            model_admin.message_user(
                request,
                _("“%(win)s”: %(reason)s") % {"win": win, "reason": refusal(error)},
                messages.ERROR,
            )
    if not proposed:
        return None
    model_admin.message_user(
        request,
        ngettext("Proposed %(count)d highlight.", "Proposed %(count)d highlights.", len(proposed))
        % {"count": len(proposed)},
        messages.SUCCESS,
    )
    if len(proposed) == 1:
        return HttpResponseRedirect(reverse("admin:feed_highlight_change", args=[proposed[0].pk]))
    return None


class ProposeHighlight:
    """The "Propose as highlight" action of a list of wins, for who may propose."""

    def has_highlight_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("feed.add_highlight")

    @admin.action(description=_("Propose as highlight"), permissions=["highlight"])
    def propose_highlight(
        self, request: HttpRequest, queryset: QuerySet[Win]
    ) -> HttpResponse | None:
        return propose_highlights(self, request, queryset)


class WinWithProposalAdmin(ProposeHighlight, WinAdmin):
    """The wins' moderation admin, plus "Propose as highlight"."""

    actions = [*WinAdmin.actions, "propose_highlight"]


admin.site.unregister(Win)
admin.site.register(Win, WinWithProposalAdmin)


# --------------------------------------------------------------------------
# The curation queue
# --------------------------------------------------------------------------
class PostedWithinFilter(admin.SimpleListFilter):
    title = _("posted")
    parameter_name = "within"
    DAYS = (7, 30, 90)

    def lookups(self, request: HttpRequest, model_admin) -> list[tuple[str, str]]:
        return [
            (str(days), ngettext("Last %(days)d day", "Last %(days)d days", days) % {"days": days})
            for days in self.DAYS
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() not in {str(days) for days in self.DAYS}:
            return queryset
        return queryset.filter(created_at__gte=timezone.now() - timedelta(days=int(self.value())))


class ProposedFilter(admin.SimpleListFilter):
    title = _("proposed as highlight")
    parameter_name = "proposed"

    def lookups(self, request: HttpRequest, model_admin) -> list[tuple[str, str]]:
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() in {"yes", "no"}:
            return queryset.filter(is_proposed=self.value() == "yes")
        return queryset


class RankedChangeList(ChangeList):
    """Ordered by the queue's ranking until a column header asks for another order.

    The admin orders a list by `ModelAdmin.ordering` or the model's, never by
    the queryset's own `order_by`, and `ordering` may only name model fields
    (not the `score` annotation); the default ordering is also what marks the
    sorted column, so it is given here.
    """

    def _get_default_ordering(self) -> list:
        return [F("score").desc(), F("created_at").desc(), F("id").desc()]


@admin.register(CurationCandidate)
class CurationCandidateAdmin(ProposeHighlight, admin.ModelAdmin):
    """The curation queue: wins for everyone, the most promising first."""

    # What decides comes first (the score and whether it is already a
    # highlight), so it stays on screen at 1280 px; no date hierarchy, as the
    # "posted" filter does that job without a row of links above the list.
    list_display = ["preview", "excerpt", "score", "proposal", "author", "team", "created_at",
                    "reaction_count", "comment_count", "credits"]  # fmt: skip
    list_display_links = ["excerpt"]
    list_filter = ["team", "tags", PostedWithinFilter, ProposedFilter]
    search_fields = ["body", "author__name", "author__email", "tags__name"]
    actions = ["propose_highlight"]
    list_per_page = 50
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    fields = ["large_preview", "body", "author", "team", "tag_list", "created_at",
              "reaction_count", "comment_count", "credits", "score", "proposal"]  # fmt: skip
    readonly_fields = fields

    class Media:
        css = {"all": ["css/admin_curation.css"]}

    def get_changelist(self, request: HttpRequest, **kwargs) -> type[ChangeList]:
        return RankedChangeList

    def changelist_view(self, request: HttpRequest, extra_context=None):
        # The stock title ("Select highlight candidate to view") reads like a form.
        return super().changelist_view(
            request, {"title": _("Curation queue"), **(extra_context or {})}
        )

    def get_queryset(self, request: HttpRequest) -> QuerySet[CurationCandidate]:
        latest = Highlight.objects.filter(win=OuterRef("pk")).order_by("-created_at", "-id")
        return (
            curation_queue(model=CurationCandidate)
            .annotate(
                highlight_pk=Subquery(latest.values("pk")[:1]),
                highlight_status=Subquery(latest.values("status")[:1]),
            )
            .select_related("author", "team")
            .prefetch_related("tags")
        )

    # Comms only: the permission to propose highlights is what opens the queue.
    def _curates(self, request: HttpRequest) -> bool:
        return request.user.has_perm("feed.add_highlight")

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._curates(request)

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return self._curates(request)

    def has_highlight_permission(self, request: HttpRequest) -> bool:
        return self._curates(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    @admin.display(description=_("image"))
    def preview(self, win: CurationCandidate) -> str:
        return win_thumbnail_tag(win)

    @admin.display(description=_("image"))
    def large_preview(self, win: CurationCandidate) -> str:
        if not win.thumbnail or win.image_status != Win.ImageStatus.READY:
            return _("No image")
        return image_tag(win.thumbnail, alt=win.image_alt, width=HIGHLIGHT_PREVIEW_WIDTH)

    @admin.display(description=_("win"))
    def excerpt(self, win: CurationCandidate) -> str:
        return excerpt(win.body, chars=QUEUE_EXCERPT_LENGTH)

    @admin.display(description=_("tags"))
    def tag_list(self, win: CurationCandidate) -> str:
        return ", ".join(tag.name for tag in win.tags.all())

    @admin.display(description=_("credits"), ordering="credit_total")
    def credits(self, win: CurationCandidate) -> int:
        return win.credit_total

    @admin.display(description=_("score"), ordering="score")
    def score(self, win: CurationCandidate) -> int:
        return win.score

    @admin.display(description=_("highlight"), ordering="is_proposed")
    def proposal(self, win: CurationCandidate) -> str:
        if win.highlight_pk is None:
            return _("Not proposed")
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:feed_highlight_change", args=[win.highlight_pk]),
            Highlight.Status(win.highlight_status).label,
        )
