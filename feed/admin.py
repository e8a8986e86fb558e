"""
Moderation, tags, outgoing mail, highlights and the curation queue in the admin area.

Actions and forms call the same services as the app: hiding a reported win goes
through `feed.wins.services`, retrying a failed email through `feed.notifications.delivery`, and
proposing, editing and publishing a highlight through `feed.highlights.services`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import NamedTuple

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, F, IntegerField, OuterRef, QuerySet, Subquery, Value
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
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.models import EmailPreference, User
from feed.highlights import curation
from feed.highlights import names as highlight_names
from feed.highlights import services as highlights
from feed.highlights.consents import consent_request
from feed.highlights.models import (
    HIGHLIGHT_TEXT_MAX_LENGTH,
    HIGHLIGHT_TITLE_MAX_LENGTH,
    Consent,
    CurationCandidate,
    Highlight,
    HighlightEvent,
    HighlightPerson,
)
from feed.highlights.selectors import highlights_for_staff
from feed.highlights.views.public import public_names
from feed.notifications import delivery
from feed.notifications.models import Email, Notification
from feed.wins import services
from feed.wins.access import is_comms, is_moderator
from feed.wins.models import Comment, Report, Tag, Win
from feed.wins.text import excerpt

# Characters of a win's text shown in the curation queue (two or three lines at
# 1280 px, so the score and highlight columns stay on screen) and in the
# highlights list.
QUEUE_EXCERPT_LENGTH = 80
WIN_LINK_EXCERPT_LENGTH = 120
# Width in CSS pixels of a win's thumbnail in the queue, and of the larger
# previews on a single page.
PREVIEW_WIDTH = 96
HIGHLIGHT_PREVIEW_WIDTH = 320


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "is_value", "description"]
    list_filter = ["is_value"]
    search_fields = ["name", "description"]


class MissingIs404:
    """A row the person may not see (outside `get_queryset`) answers 404 on its
    pages, exactly as a missing one does, where the admin would send them back
    to its index: a hidden win is a 404 for comms here as in the app."""

    def get_object(self, request: HttpRequest, object_id: str, from_field=None):
        found = super().get_object(request, object_id, from_field)
        if found is None:
            raise Http404
        return found


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
    actions = ["propose_highlight"]

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

    def has_highlight_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("feed.add_highlight")

    @admin.action(description=_("Propose as highlight"), permissions=["highlight"])
    def propose_highlight(
        self, request: HttpRequest, queryset: QuerySet[Win]
    ) -> HttpResponse | None:
        return _propose(self, request, queryset)


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


# --------------------------------------------------------------------------
# Outgoing mail and notifications
# --------------------------------------------------------------------------
# Looked at, not edited. An `Email` row is written only by
# `feed.notifications.delivery`, whose state machine
# is what makes a message go out once; a hand edit (or a deletion, which lets the
# same message be recorded and sent again) would defeat it. So every field is
# read-only, rows are never added or deleted here, and the one thing an operator
# can do is the "Retry" action, which calls `delivery.emails_retry` like any
# other caller. Notifications and preferences are people's own data, changed in
# the app through `feed.notifications.services`; here they can be searched and read.

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
# Every change to a highlight is a transition of `feed.highlights.services`, which checks
# who may take it, records it as an event and asks for consent again when needed.
# The change page of an open highlight has a form for its public version (title,
# text, image, names) whose only way to save is `highlights.highlight_update`;
# a withdrawn or declined one is read-only. The people it names, every consent
# with its snapshot and every event are read-only inlines: the history. The
# actions below move it. Nothing is added or deleted here (proposing starts from
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


def _propose(model_admin: admin.ModelAdmin, request: HttpRequest, queryset) -> HttpResponse | None:
    """Propose a highlight from each win; refusals are reported one by one. When
    exactly one was proposed, its page (where its public version is edited) opens."""
    proposed: list[Highlight] = []
    for win in queryset:
        try:
            proposed.append(highlights.highlight_propose(win=win, by=request.user))
        except (PermissionDenied, ValidationError) as error:
            model_admin.message_user(
                request,
                _("“%(win)s”: %(reason)s") % {"win": win, "reason": _refusal(error)},
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


def _image_tag(file, *, alt: str, width: int, height: int | None = None) -> str:
    """An <img> for `file` at `width` (and `height` when known, so the page does not jump)."""
    size = format_html(' height="{}"', height) if height else ""
    return format_html(
        '<img class="admin-preview" src="{}" width="{}"{} alt="{}" loading="lazy">',
        file.url,
        width,
        size,
        alt,
    )


def _thumbnail(win: Win) -> str:
    """The win's thumbnail at `PREVIEW_WIDTH`, or nothing while it has none ready."""
    if not win.thumbnail or win.image_status != Win.ImageStatus.READY:
        return ""
    if win.image_width and win.image_height:
        height = max(1, round(PREVIEW_WIDTH * win.image_height / win.image_width))
    else:
        height = PREVIEW_WIDTH * 2 // 3
    return _image_tag(win.thumbnail, alt=win.image_alt, width=PREVIEW_WIDTH, height=height)


class HighlightEditForm(forms.ModelForm):
    """The public version of a highlight, as comms edit it.

    No model field is bound, so the form itself never writes the highlight.

    Note: validating this form WRITES. `clean()` calls
    `highlights.highlight_update`, which checks and saves in one transaction
    (and may ask consent again and unpublish a published highlight), because
    only the service knows what is valid; its refusals become errors on the
    fields they are about. So `is_valid()` is the save: `HighlightAdmin.save_model`
    writes nothing more, and `HighlightAdmin.changeform_view` rolls the write
    back when the page comes back with errors. `asked_again` and `unpublished`
    say what the save did, for the admin's message.

    `HighlightAdmin.get_form` adds one `name_<user id>` field per person named
    and sets `user` (who edits), `people` and `unasked` (whom the public text
    names without asking them: the page warns about them, and an `add_people`
    field offers to add those who can still be asked).
    """

    user: User | None = None
    people: list[HighlightPerson] = []
    unasked: list[highlight_names.UnaskedPerson] = []

    public_title = forms.CharField(
        label=_("Public title"),
        required=False,
        widget=forms.TextInput(
            attrs={"maxlength": HIGHLIGHT_TITLE_MAX_LENGTH, "class": "vTextField"}
        ),
    )
    public_text = forms.CharField(
        label=_("Public text"),
        required=False,
        widget=forms.Textarea(
            attrs={"maxlength": HIGHLIGHT_TEXT_MAX_LENGTH, "rows": 12, "class": "vLargeTextField"}
        ),
        help_text=_("What the public reads, starting from the win's text."),
    )
    image_choice = forms.ChoiceField(
        label=_("Image"), choices=highlights.ImageChoice.choices, widget=forms.RadioSelect
    )
    image_description = forms.CharField(
        label=_("Image description"),
        required=False,
        max_length=250,
        widget=forms.TextInput(attrs={"class": "vTextField"}),
        help_text=_("What the image shows, for people who cannot see it."),
    )

    class Meta:
        model = Highlight
        fields: list[str] = []

    # Where the service's errors about a part of the highlight go.
    SERVICE_FIELDS = {
        "title": "public_title",
        "text": "public_text",
        "image_alt": "image_description",
        "image_choice": "image_choice",
        "no_image": "image_choice",
        "unasked": "public_text",
        "inactive": "add_people",
    }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        highlight = self.instance
        self.initial.update(
            public_title=highlight.title,
            public_text=highlight.text,
            image_choice=highlights.ImageChoice.WIN
            if highlight.image
            else highlights.ImageChoice.NONE,
            image_description=highlight.image_alt,
            **{f"name_{person.user_id}": person.public_name for person in self.people},
        )
        if not self.win_image_available(highlight):
            # Offered only when there is an image to use (the service would refuse).
            self.fields["image_choice"].choices = [
                (highlights.ImageChoice.NONE.value, highlights.ImageChoice.NONE.label)
            ]
        self.asked_again = 0
        self.added = 0
        self.unpublished = False

    @staticmethod
    def win_image_available(highlight: Highlight) -> bool:
        """Whether "the win's image" can be chosen: the highlight keeps a copy,
        or its win has an image ready (as `highlights.highlight_update` checks)."""
        if highlight.image:
            return True
        win = highlight.win
        return win is not None and bool(win.image) and win.image_status == Win.ImageStatus.READY

    def clean(self) -> dict:
        cleaned = super().clean()
        if self._errors or not self.has_changed():
            return cleaned
        highlight = self.instance
        asked_before = highlight.consents.count()
        was_published = highlight.status == Highlight.Status.PUBLISHED
        try:
            # Writes inside validation: see the class's docstring. People added
            # first, so an edit that asks again asks them too.
            if cleaned.get("add_people"):
                self.added = len(
                    highlights.highlight_people_add(
                        highlight=highlight, by=self.user, users=list(cleaned["add_people"])
                    )
                )
            if set(self.changed_data) - {"add_people"}:
                highlights.highlight_update(
                    highlight=highlight,
                    by=self.user,
                    title=cleaned["public_title"],
                    text=cleaned["public_text"],
                    image_choice=cleaned["image_choice"],
                    image_alt=cleaned["image_description"],
                    public_names={
                        person.user_id: cleaned[f"name_{person.user_id}"] for person in self.people
                    },
                )
        except PermissionDenied as error:
            self.add_error(None, _refusal(error))
        except ValidationError as error:
            self._add_service_error(error)
        else:
            self.asked_again = highlight.consents.count() - asked_before
            self.unpublished = was_published and highlight.status != Highlight.Status.PUBLISHED
        return cleaned

    def _add_service_error(self, error: ValidationError) -> None:
        if hasattr(error, "error_dict"):
            for key, errors in error.error_dict.items():
                self.add_error(self.SERVICE_FIELDS.get(key), errors)
            return
        for each in error.error_list:
            self.add_error(self.SERVICE_FIELDS.get(each.code or ""), each)


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
        highlights.highlight_publish,
        frozenset({Highlight.Status.APPROVED}),
        _("Publish"),
        lambda n: ngettext("Published %(count)d highlight.", "Published %(count)d highlights.", n),
    ),
    "withdraw": Step(
        highlights.highlight_withdraw,
        frozenset(Highlight.OPEN_STATUSES),
        _("Withdraw"),
        lambda n: ngettext("Withdrew %(count)d highlight.", "Withdrew %(count)d highlights.", n),
    ),
}  # fmt: skip


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
        if obj is not None and self.has_change_permission(request, obj):
            public = ["public_title", "public_text", "image_choice", "win_image",
                      "current_image", "image_description"]  # fmt: skip
            names = [f"name_{person.user_id}" for person in self._people(obj)]
        else:
            public = ["title", "text", "current_image", "image_alt"]
            names = []
        fieldsets = [(_("Public version"), {"fields": public})]
        if names:
            fieldsets.append(
                (
                    _("Names in public"),
                    {
                        "fields": names,
                        "description": _(
                            "How each person named appears on the public page. "
                            "Changing what someone approved asks them again."
                        ),
                    },
                )
            )
        if names and self._askable(obj):
            fieldsets.append(
                (
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
            )
        fieldsets.append((_("State"), {"fields": self.state_fields}))
        return fieldsets

    def get_form(self, request: HttpRequest, obj=None, change=False, **kwargs):
        if obj is None or not self.has_change_permission(request, obj):
            return super().get_form(request, obj, change=change, **kwargs)
        people = self._people(obj)
        extra: dict[str, forms.Field] = {}
        askable = [user.pk for user in self._askable(obj)]
        if askable:
            add_people = forms.ModelMultipleChoiceField(
                label=_("Add to the people named"),
                queryset=User.objects.filter(pk__in=askable).select_related("team"),
                required=False,
                widget=forms.CheckboxSelectMultiple,
            )
            add_people.label_from_instance = lambda user: f"{user.display_name} · {user.email}"
            extra["add_people"] = add_people
        attrs = {
            "user": request.user,
            "people": people,
            "unasked": self._unasked(obj),
            **extra,
            **{
                f"name_{person.user_id}": forms.CharField(
                    label=_("%(person)s (%(role)s)")
                    % {"person": person.user.display_name, "role": person.get_role_display()},
                    max_length=200,
                    widget=forms.TextInput(attrs={"class": "vTextField"}),
                )
                for person in people
            },
        }
        form = type("HighlightEditForm", (HighlightEditForm,), attrs)
        return super().get_form(request, obj, change=change, form=form, **kwargs)

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
        # `HighlightEditForm.clean` calls `highlights.highlight_update` (a write
        # inside validation, rolled back by `changeform_view` if the page has
        # errors). This only tells what that save did.
        if getattr(form, "added", 0):
            self.message_user(
                request,
                ngettext(
                    "%(count)d person added to the people named.",
                    "%(count)d people added to the people named.",
                    form.added,
                )
                % {"count": form.added},
                messages.SUCCESS,
            )
        if getattr(form, "unpublished", False):
            count = form.asked_again
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
        elif getattr(form, "asked_again", 0):
            count = form.asked_again
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
        return _image_tag(highlight.image, alt=highlight.image_alt, width=HIGHLIGHT_PREVIEW_WIDTH)

    @admin.display(description=_("the win's image"))
    def win_image(self, highlight: Highlight) -> str:
        return (highlight.win and _thumbnail(highlight.win)) or _("No image")

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
                    _("“%(title)s”: %(reason)s") % {"title": highlight, "reason": _refusal(error)},
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


# --------------------------------------------------------------------------
# The curation queue
# --------------------------------------------------------------------------
# Wins for everyone, ranked by `feed.highlights.curation` (the same ranking as the weekly
# email of candidates), for comms to find the next public story. Team-only and
# hidden wins never appear: the queryset starts from `curation_queue`. Only
# people who may propose highlights see it (the proxy's own permissions are
# given to nobody), and nothing is edited here: "Propose as highlight" calls
# `highlights.highlight_propose` like the wins' admin.
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
class CurationCandidateAdmin(admin.ModelAdmin):
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
            curation.curation_queue(model=CurationCandidate)
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

    @admin.action(description=_("Propose as highlight"), permissions=["highlight"])
    def propose_highlight(
        self, request: HttpRequest, queryset: QuerySet[CurationCandidate]
    ) -> HttpResponse | None:
        return _propose(self, request, queryset)

    @admin.display(description=_("image"))
    def preview(self, win: CurationCandidate) -> str:
        return _thumbnail(win)

    @admin.display(description=_("image"))
    def large_preview(self, win: CurationCandidate) -> str:
        if not win.thumbnail or win.image_status != Win.ImageStatus.READY:
            return _("No image")
        return _image_tag(win.thumbnail, alt=win.image_alt, width=HIGHLIGHT_PREVIEW_WIDTH)

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
