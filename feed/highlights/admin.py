"""
Highlights in the admin area: their public version, the steps that move them, their history.

Every change to a highlight is a transition of `feed.highlights.services` or
`feed.highlights.consents`, which check who may take it, record it as an event
and ask for consent again when needed. The change page of an open highlight
has a form for its public version (title, text, image, names:
`feed.highlights.admin_forms.HighlightEditForm`) whose only way to save is
`highlight_update`; a withdrawn or declined one is read-only. The people it
names, every consent with its snapshot and every event are read-only inlines:
the history. The actions below move it. Nothing is added or deleted here
(proposing starts from a win, `feed.highlights.admin_curation`, and the history
must stay).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
)
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.models import User
from feed.highlights import names as highlight_names
from feed.highlights.admin_curation import HIGHLIGHT_PREVIEW_WIDTH, image_tag, win_thumbnail_tag
from feed.highlights.admin_forms import HighlightEditForm, refusal
from feed.highlights.consents import consent_request
from feed.highlights.models import Consent, Highlight, HighlightEvent, HighlightPerson
from feed.highlights.selectors import highlights_for_staff
from feed.highlights.services import highlight_publish, highlight_withdraw
from feed.highlights.views.public import public_names
from feed.wins.access import is_comms
from feed.wins.text import excerpt
from wins_net.admin import MissingIs404, ReadOnlyAdmin

# Characters of a win's text shown in the highlights list.
WIN_LINK_EXCERPT_LENGTH = 120


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


class Step(NamedTuple):
    """A step comms take on highlights, from the list's actions or a highlight's page."""

    service: Callable[..., object]  # called with highlight= and by=
    statuses: frozenset[str]  # where a highlight's page offers it
    label: str
    done: Callable[[int], str]  # what is said when it went through for n highlights


STEPS = {
    "ask": Step(
        consent_request,
        frozenset({Highlight.Status.DRAFT}),
        _("Ask for consent"),
        lambda n: ngettext("Asked for consent on %(count)d highlight.",
                           "Asked for consent on %(count)d highlights.", n),
    ),
    "publish": Step(
        highlight_publish,
        frozenset({Highlight.Status.APPROVED}),
        _("Publish"),
        lambda n: ngettext("Published %(count)d highlight.", "Published %(count)d highlights.", n),
    ),
    "withdraw": Step(
        highlight_withdraw,
        frozenset(Highlight.OPEN_STATUSES),
        _("Withdraw"),
        lambda n: ngettext("Withdrew %(count)d highlight.", "Withdrew %(count)d highlights.", n),
    ),
}  # fmt: skip


# The public version on a highlight's page: editable while it is open, else as it stands.
EDITABLE_PUBLIC_FIELDS = ["public_title", "public_text", "image_choice", "win_image",
                          "current_image", "image_description"]  # fmt: skip
READ_ONLY_PUBLIC_FIELDS = ["title", "text", "current_image", "image_alt"]
UNASKED_FIELDSET = (
    _("Named in the text, not asked"),
    {
        "fields": ["add_people"],
        "description": _(
            "The public text names these people, who are not among the "
            "people named. Add them to ask them too, or take them out of "
            "the title and text."
        ),
    },
)


def _public_name_fields(people: list[HighlightPerson]) -> dict[str, forms.Field]:
    """`name_<user id>` for each person named: how their name appears in public."""
    return {
        f"name_{person.user_id}": forms.CharField(
            label=_("%(person)s (%(role)s)")
            % {"person": person.user.display_name, "role": person.get_role_display()},
            max_length=200,
            widget=forms.TextInput(attrs={"class": "vTextField"}),
        )
        for person in people
    }


def page_steps(highlight: Highlight) -> list[tuple[str, str]]:
    """The steps (`STEPS` name, label) that make sense for `highlight` now."""
    return [(name, step.label) for name, step in STEPS.items() if highlight.status in step.statuses]


@admin.register(Highlight)
class HighlightAdmin(MissingIs404, ReadOnlyAdmin):
    list_display = ["title", "status", "win_link", "created_by", "consent_summary",
                    "updated_at", "published_at"]  # fmt: skip
    list_filter = ["status"]
    list_select_related = ["created_by", "win"]
    search_fields = ["title", "text", "slug"]
    inlines = [HighlightPersonInline, ConsentInline, HighlightEventInline]
    actions = ["ask_for_consent", "publish", "withdraw"]
    show_full_result_count = False
    form = HighlightEditForm
    # Shown on every highlight's page, never edited in a form.
    state_fields = ["status", "consent_summary", "win_link", "slug", "created_by",
                    "created_at", "updated_at", "published_at", "withdrawn_at"]  # fmt: skip
    readonly_fields = ["current_image", "win_image", *state_fields]

    class Media:
        css = {"all": ["css/admin_curation.css"]}

    def get_queryset(self, request: HttpRequest) -> QuerySet[Highlight]:
        def count(queryset: QuerySet) -> Coalesce:
            counted = queryset.order_by().values("highlight").annotate(n=Count("pk")).values("n")
            return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))

        named = HighlightPerson.objects.filter(highlight=OuterRef("pk"))
        approved = Consent.objects.filter(highlight=OuterRef("pk"), answer=Consent.Answer.APPROVED)
        return highlights_for_staff(
            user=request.user, queryset=super().get_queryset(request)
        ).annotate(people_total=count(named), approved_total=count(approved))

    def get_readonly_fields(self, request: HttpRequest, obj=None) -> list[str]:
        return list(self.readonly_fields)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        # The list needs it for the actions; a withdrawn or declined highlight
        # can no longer be edited, so its page is read-only.
        return super(ReadOnlyAdmin, self).has_change_permission(request, obj) and (
            obj is None or obj.is_open
        )

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def get_fieldsets(self, request: HttpRequest, obj=None):
        editable = obj is not None and self.has_change_permission(request, obj)
        public = EDITABLE_PUBLIC_FIELDS if editable else READ_ONLY_PUBLIC_FIELDS
        fieldsets = [(_("Public version"), {"fields": public})]
        if editable and self._people(obj):
            fieldsets.append(self._names_fieldset(obj))
            if self._askable(obj):
                fieldsets.append(UNASKED_FIELDSET)
        fieldsets.append((_("State"), {"fields": self.state_fields}))
        return fieldsets

    def _names_fieldset(self, highlight: Highlight) -> tuple[str, dict]:
        """One field per person named: how their name appears in public."""
        return (
            _("Names in public"),
            {
                "fields": [f"name_{person.user_id}" for person in self._people(highlight)],
                "description": _(
                    "How each person named appears on the public page. "
                    "Changing what someone approved asks them again."
                ),
            },
        )

    def get_form(self, request: HttpRequest, obj=None, change=False, **kwargs):
        if obj is None or not self.has_change_permission(request, obj):
            return super().get_form(request, obj, change=change, **kwargs)
        people = self._people(obj)
        add_people = self._add_people_fields(obj)
        attrs = {
            "user": request.user,
            "people": people,
            "unasked": self._unasked(obj),
            **add_people,
            **_public_name_fields(people),
        }
        form = type("HighlightEditForm", (HighlightEditForm,), attrs)
        return super().get_form(request, obj, change=change, form=form, **kwargs)

    def _add_people_fields(self, highlight: Highlight) -> dict[str, forms.Field]:
        """`add_people`, offering the people the text names who can still be asked,
        or nothing when there are none."""
        askable = [user.pk for user in self._askable(highlight)]
        if not askable:
            return {}
        add_people = forms.ModelMultipleChoiceField(
            label=_("Add to the people named"),
            queryset=User.objects.filter(pk__in=askable).select_related("team"),
            required=False,
            widget=forms.CheckboxSelectMultiple,
        )
        add_people.label_from_instance = lambda user: f"{user.display_name} · {user.email}"
        return {"add_people": add_people}

    def _people(self, highlight: Highlight) -> list[HighlightPerson]:
        # Asked for by the fieldsets and the form of the same request.
        cache = getattr(highlight, "_admin_people", None)
        if cache is None:
            cache = list(highlight.people.select_related("user"))
            highlight._admin_people = cache
        return cache

    def _unasked(self, highlight: Highlight) -> list[highlight_names.UnaskedPerson]:
        # Asked for by the fieldsets and the form of the same request.
        cache = getattr(highlight, "_admin_unasked", None)
        if cache is None:
            cache = highlight_names.people_unasked(highlight=highlight)
            highlight._admin_unasked = cache
        return cache

    def _askable(self, highlight: Highlight) -> list[User]:
        """The people the text names without asking them who can still be asked."""
        return [person.user for person in self._unasked(highlight) if not person.left]

    def save_model(self, request: HttpRequest, obj: Highlight, form, change: bool) -> None:
        # Nothing is written here: validating the form already saved, since
        # `HighlightEditForm.clean` calls `highlight_update` (a write inside
        # validation, rolled back by `changeform_view` if the page has errors).
        # This only tells what that save did.
        if getattr(form, "added", 0):
            self._say_people_added(request, form.added)
        if getattr(form, "unpublished", False):
            self._say_unpublished(request, form.asked_again)
        elif getattr(form, "asked_again", 0):
            self._say_asked_again(request, form.asked_again)

    def _say_people_added(self, request: HttpRequest, count: int) -> None:
        self.message_user(
            request,
            ngettext(
                "%(count)d person added to the people named.",
                "%(count)d people added to the people named.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )

    def _say_unpublished(self, request: HttpRequest, count: int) -> None:
        self.message_user(
            request,
            ngettext(
                "The story is no longer public: the change concerns what %(count)d "
                "person approved, so they are asked for consent again. Publish it "
                "again once everyone approves.",
                "The story is no longer public: the change concerns what %(count)d "
                "people approved, so they are asked for consent again. Publish it "
                "again once everyone approves.",
                count,
            )
            % {"count": count},
            messages.WARNING,
        )

    def _say_asked_again(self, request: HttpRequest, count: int) -> None:
        self.message_user(
            request,
            ngettext(
                "The change concerns what %(count)d person approved or was asked: "
                "they are asked for consent again.",
                "The change concerns what %(count)d people approved or were asked: "
                "they are asked for consent again.",
                count,
            )
            % {"count": count},
            messages.WARNING,
        )

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        highlight = self.get_object(request, unquote(object_id)) if object_id else None
        extra_context = {
            **(extra_context or {}),
            "can_preview": highlight is not None and is_comms(request.user),
            "page_steps": page_steps(highlight)
            if highlight is not None and self.has_change_permission(request, highlight)
            else [],
        }
        if request.method != "POST":
            return super().changeform_view(request, object_id, form_url, extra_context)
        with transaction.atomic():
            response = super().changeform_view(request, object_id, form_url, extra_context)
            if response.status_code == 200:
                # The page came back with errors (of the form or of an inline):
                # whatever the service wrote goes with them.
                transaction.set_rollback(True)
        return response

    def get_urls(self):
        preview = path(
            "<path:object_id>/preview/",
            self.admin_site.admin_view(self.preview_view),
            name="feed_highlight_preview",
        )
        step = path(
            "<path:object_id>/step/<slug:step>/",
            self.admin_site.admin_view(self.step_view),
            name="feed_highlight_step",
        )
        return [preview, step, *super().get_urls()]

    def step_view(self, request: HttpRequest, object_id: str, step: str) -> HttpResponse:
        """Take one step (`STEPS`) from the highlight's own page, as the list's
        action does; POST only, back to the page."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if step not in STEPS:
            raise Http404
        highlight = get_object_or_404(self.get_queryset(request), pk=_int_or_404(object_id))
        if not self.has_change_permission(request, highlight):
            raise PermissionDenied
        self._take(request, Highlight.objects.filter(pk=highlight.pk), STEPS[step])
        return HttpResponseRedirect(reverse("admin:feed_highlight_change", args=[highlight.pk]))

    def preview_view(self, request: HttpRequest, object_id: str) -> TemplateResponse:
        """The public page of any highlight, as it would look, for comms only:
        marked as a preview and never indexed."""
        if not is_comms(request.user):
            raise PermissionDenied
        highlight = get_object_or_404(
            highlights_for_staff(
                user=request.user, queryset=Highlight.objects.prefetch_related("people")
            ),
            pk=_int_or_404(object_id),
        )
        response = TemplateResponse(
            request,
            "admin/feed/highlight/preview.html",
            {"highlight": highlight, "people": public_names(highlight)},
        )
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    @admin.display(description=_("win"))
    def win_link(self, highlight: Highlight) -> str:
        if highlight.win is None:
            return _("(deleted)")
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:feed_win_change", args=[highlight.win_id]),
            excerpt(highlight.win.body, chars=WIN_LINK_EXCERPT_LENGTH),
        )

    @admin.display(description=_("consent"))
    def consent_summary(self, highlight: Highlight) -> str:
        if highlight.status == Highlight.Status.DRAFT:
            return _("Not asked yet")
        if highlight.status in {Highlight.Status.DECLINED, Highlight.Status.WITHDRAWN}:
            # Nobody is asked any more: the count of approvals would mislead.
            return Highlight.Status(highlight.status).label
        return _("Approved by %(approved)d of %(total)d") % {
            "approved": highlight.approved_total,
            "total": highlight.people_total,
        }

    @admin.display(description=_("image shown"))
    def current_image(self, highlight: Highlight) -> str:
        if not highlight.image:
            return _("No image")
        return image_tag(highlight.image, alt=highlight.image_alt, width=HIGHLIGHT_PREVIEW_WIDTH)

    @admin.display(description=_("the win's image"))
    def win_image(self, highlight: Highlight) -> str:
        return (highlight.win and win_thumbnail_tag(highlight.win)) or _("No image")

    def _take(self, request: HttpRequest, queryset: QuerySet[Highlight], step: Step) -> None:
        """Take `step` on each highlight; refusals are reported one by one, then
        how many went through."""
        count = 0
        for highlight in queryset:
            try:
                step.service(highlight=highlight, by=request.user)
            except (PermissionDenied, ValidationError) as error:
                self.message_user(
                    request,
                    _("“%(title)s”: %(reason)s") % {"title": highlight, "reason": refusal(error)},
                    messages.ERROR,
                )
            else:
                count += 1
        if count:
            self.message_user(request, step.done(count) % {"count": count}, messages.SUCCESS)

    @admin.action(description=STEPS["ask"].label, permissions=["change"])
    def ask_for_consent(self, request: HttpRequest, queryset: QuerySet[Highlight]) -> None:
        self._take(request, queryset, STEPS["ask"])

    @admin.action(description=STEPS["publish"].label, permissions=["change"])
    def publish(self, request: HttpRequest, queryset: QuerySet[Highlight]) -> None:
        self._take(request, queryset, STEPS["publish"])

    @admin.action(description=STEPS["withdraw"].label, permissions=["change"])
    def withdraw(self, request: HttpRequest, queryset: QuerySet[Highlight]) -> None:
        self._take(request, queryset, STEPS["withdraw"])


def _int_or_404(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise Http404 from None
