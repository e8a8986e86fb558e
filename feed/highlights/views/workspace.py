"""
The comms workspace: candidates to propose, the stories in progress, and an
editor with a live preview of the public page and its share card.

Communications staff only (`access_workspace`: 404 for everyone else). Each
view turns a request into one call of `feed.highlights.services` or
`feed.highlights.consents` and shows their refusals. Nothing typed is lost:
"Ask for consent" and "Publish" save the form first, in the same request; a
refused step comes back with the text as it was typed; and the form carries
the version it was built from, so a double submit never asks or publishes twice.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from feed.highlights.access import access_highlight_for_comms, access_workspace
from feed.highlights.consents import consent_request
from feed.highlights.forms import ASK, PUBLISH, WITHDRAW, StoryForm, WithdrawForm
from feed.highlights.models import Highlight
from feed.highlights.names import people_unasked
from feed.highlights.services import (
    ImageChoice,
    highlight_propose,
    highlight_propose_again,
    highlight_publish,
    highlight_update,
    highlight_withdraw,
)
from feed.highlights.share_images import share_image_draft_png
from feed.highlights.transitions import highlight_version
from feed.highlights.workspace import (
    open_highlight_of,
    other_copies,
    people_consents,
    story_history,
    workspace_candidates,
    workspace_stories,
)
from feed.wins.access import access_win

Status = Highlight.Status


def _refusal(error: ValidationError | PermissionDenied) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error) or _("You are not allowed to do that.")


def _is_stale(error: ValidationError) -> bool:
    return getattr(error, "code", None) == "stale"


def _editor_url(highlight: Highlight) -> str:
    return reverse("comms:editor", kwargs={"pk": highlight.pk})


@login_required
@require_safe
@never_cache
def workspace(request: HttpRequest) -> HttpResponse:
    """The stories in progress, the latest closed ones, and the best candidates."""
    access_workspace(user=request.user)
    open_stories, closed_stories = workspace_stories()
    context = {
        "open_stories": open_stories,
        "closed_stories": closed_stories,
        "candidates": workspace_candidates(),
    }
    return render(request, "comms/workspace.html", context)


@login_required
@require_POST
def propose(request: HttpRequest, win_id: int) -> HttpResponse:
    """Propose a candidate; a second press opens the draft the first one made."""
    access_workspace(user=request.user)
    win = access_win(user=request.user, pk=win_id)
    try:
        highlight = highlight_propose(win=win, by=request.user)
    except ValidationError as refused:
        existing = open_highlight_of(win.pk)
        if existing is not None and refused.code == "exists":
            messages.info(request, _("This win already has a story in progress: here it is."))
            return redirect(_editor_url(existing))
        messages.error(request, _refusal(refused))
        return redirect("comms:workspace")
    messages.success(request, _("Proposed. Edit the draft, then ask the people named."))
    return redirect(_editor_url(highlight))


def _draft_copy(highlight: Highlight, form: StoryForm) -> tuple[Highlight, list[str]]:
    """An unsaved highlight showing what the form says, and the public names:
    what the preview renders. Fields the form does not hold stay as saved."""
    data = form.data
    draft = Highlight(
        pk=highlight.pk,
        slug=highlight.slug,
        title=data.get("title", highlight.title).strip() or highlight.title,
        text=data.get("text", highlight.text).strip(),
        image=highlight.image if data.get("image_choice") != ImageChoice.NONE else "",
        image_alt=data.get("image_alt", highlight.image_alt).strip(),
        status=highlight.status,
        updated_at=highlight.updated_at,
    )
    names = [
        (data.get(f"name_{person.user_id}") or person.public_name).strip() for person in form.people
    ]
    return draft, names


def _preview_context(highlight: Highlight, form: StoryForm) -> dict:
    draft, names = _draft_copy(highlight, form)
    query = urlencode({"title": draft.title, "name": names}, doseq=True)
    share_url = reverse("comms:share_image", kwargs={"pk": highlight.pk}) + "?" + query
    if not draft.image:
        share_url += "&image=none"
    return {"draft": draft, "draft_people": names, "draft_share_url": share_url}


def _people(highlight: Highlight) -> list:
    return list(highlight.people.select_related("user__team").order_by("role", "id"))


def _render_editor(
    request: HttpRequest, highlight: Highlight, form: StoryForm, *, status: int = 200
) -> HttpResponse:
    context = {
        "highlight": highlight,
        "form": form,
        "consents": people_consents(highlight),
        "history": story_history(highlight),
        "copies": other_copies(highlight),
        "unasked": people_unasked(highlight=highlight) if highlight.is_open else [],
        "can_ask": highlight.status == Status.DRAFT,
        "can_publish": highlight.status == Status.APPROVED,
        "can_withdraw": highlight.is_open and highlight.status != Status.DRAFT,
        "is_open": highlight.is_open,
        **_preview_context(highlight, form),
    }
    response = render(request, "comms/editor.html", context, status=status)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@login_required
@require_http_methods(["GET", "POST"])
@never_cache
def editor(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit a story, see it as the public will, and take its next step.

    Every button sends the whole form. "Save", "Ask for consent" and "Publish"
    save the edits first (through `highlight_update`, with the form's version);
    the step follows only when the save went through and left the story where
    the step makes sense. "Withdraw…" refuses while the form holds unsaved
    changes, then asks for a reason on its own page.
    """
    highlight = access_highlight_for_comms(user=request.user, pk=pk)
    people = _people(highlight)
    if request.method != "POST" or not highlight.is_open:
        return _render_editor(request, highlight, StoryForm(highlight=highlight, people=people))
    form = StoryForm(request.POST, highlight=highlight, people=people)
    if not form.is_valid():
        return _render_editor(request, highlight, form, status=400)
    action = form.cleaned_data["action"]
    if action == WITHDRAW:
        if form.content_changed():
            messages.error(
                request, _("Save or undo your changes before withdrawing: they are kept below.")
            )
            return _render_editor(request, highlight, form, status=400)
        url = reverse("comms:withdraw", kwargs={"pk": highlight.pk})
        return redirect(f"{url}?{urlencode({'version': form.cleaned_data['version']})}")
    before = highlight.status
    try:
        highlight_update(
            highlight=highlight,
            by=request.user,
            title=form.cleaned_data["title"],
            text=form.cleaned_data["text"],
            image_choice=form.cleaned_data["image_choice"],
            image_alt=form.cleaned_data["image_alt"],
            public_names=form.public_names(),
            version=form.cleaned_data["version"],
        )
    except (ValidationError, PermissionDenied) as refused:
        return _refused_save(request, highlight, form, refused)
    if highlight.status != before:
        messages.warning(
            request,
            _("Saved. The change touches what people approved, so they are asked again."),
        )
        return redirect(_editor_url(highlight))
    if action == ASK:
        _take(request, consent_request, highlight, _("Saved, and consent asked."))
    elif action == PUBLISH:
        _take(request, highlight_publish, highlight, _("Saved and published."))
    else:
        messages.success(request, _("Saved."))
    return redirect(_editor_url(highlight))


def _take(request: HttpRequest, step, highlight: Highlight, done: str) -> None:
    """Take `step` on the version just saved; a refusal leaves the saved text."""
    try:
        step(highlight=highlight, by=request.user, version=highlight_version(highlight))
    except (ValidationError, PermissionDenied) as refused:
        messages.error(request, _("Saved, but: %(reason)s") % {"reason": _refusal(refused)})
    else:
        messages.success(request, done)


def _refused_save(
    request: HttpRequest, highlight: Highlight, form: StoryForm, refused: Exception
) -> HttpResponse:
    """A refused save comes back with the text as typed. The same form sent
    again (nothing in it differs from what is saved now) is no error: it was done."""
    highlight.refresh_from_db()
    current = StoryForm(request.POST, highlight=highlight, people=_people(highlight))
    if isinstance(refused, ValidationError) and _is_stale(refused):
        if current.is_valid() and not current.content_changed():
            messages.info(request, _("That was already done: this is the story as it is now."))
            return redirect(_editor_url(highlight))
        data = request.POST.copy()
        data["version"] = highlight_version(highlight)
        form = StoryForm(data, highlight=highlight, people=_people(highlight))
        form.is_valid()
        messages.warning(
            request,
            _(
                "Someone changed this story since you opened it. Your text is kept below; "
                "save again to replace theirs."
            ),
        )
        return _render_editor(request, highlight, form, status=409)
    if isinstance(refused, ValidationError) and hasattr(refused, "error_dict"):
        for field, errors in refused.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, _refusal(refused))
    return _render_editor(request, highlight, form, status=400)


@login_required
@require_POST
def preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The preview of the form as typed: the public page's story and the share
    card, for htmx to swap in. Writes nothing."""
    highlight = access_highlight_for_comms(user=request.user, pk=pk)
    form = StoryForm(request.POST, highlight=highlight, people=_people(highlight))
    response = render(
        request, "comms/editor.html#preview", {"highlight": highlight,
                                                **_preview_context(highlight, form)}
    )  # fmt: skip
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@login_required
@require_safe
def share_image(request: HttpRequest, pk: int) -> HttpResponse:
    """The share card with the draft's title and names (`?title=&name=`), never
    cached: comms only, for the preview."""
    highlight = access_highlight_for_comms(user=request.user, pk=pk)
    if request.GET.get("image") == "none":
        highlight.image = ""
    title = request.GET.get("title", "").strip() or highlight.title
    names = [name.strip() for name in request.GET.getlist("name") if name.strip()][:20]
    png = share_image_draft_png(highlight, title=title[:200], people=names)
    response = HttpResponse(png, content_type="image/png")
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
@never_cache
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm a withdrawal with a reason. Not for drafts (nothing is out yet:
    leave them or edit them); a second press finds it withdrawn already."""
    highlight = access_highlight_for_comms(user=request.user, pk=pk)
    if not highlight.is_open or highlight.status == Status.DRAFT:
        messages.info(request, _("Only a story that was asked about or published is withdrawn."))
        return redirect(_editor_url(highlight))
    if request.method == "POST":
        form = WithdrawForm(request.POST)
        if form.is_valid():
            try:
                highlight_withdraw(
                    highlight=highlight,
                    by=request.user,
                    reason=form.cleaned_data["reason"],
                    version=form.cleaned_data["version"],
                )
            except (ValidationError, PermissionDenied) as refused:
                messages.error(request, _refusal(refused))
            else:
                messages.success(
                    request,
                    _("Withdrawn. It is no longer public; you can propose it again from here."),
                )
            return redirect(_editor_url(highlight))
    else:
        form = WithdrawForm(
            initial={"version": request.GET.get("version") or highlight_version(highlight)}
        )
    return render(request, "comms/withdraw.html", {"highlight": highlight, "form": form})


@login_required
@require_POST
def propose_again(request: HttpRequest, pk: int) -> HttpResponse:
    """A new draft from a withdrawn or declined story, keeping its text; a second
    press opens the draft the first one made."""
    highlight = access_highlight_for_comms(user=request.user, pk=pk)
    try:
        copy = highlight_propose_again(highlight=highlight, by=request.user)
    except (ValidationError, PermissionDenied) as refused:
        existing = open_highlight_of(highlight.win_id) if highlight.win_id else None
        if existing is not None:
            messages.info(request, _("This win already has a story in progress: here it is."))
            return redirect(_editor_url(existing))
        messages.error(request, _refusal(refused))
        return redirect(_editor_url(highlight))
    messages.success(request, _("Proposed again with the same text. Ask the people named again."))
    return redirect(_editor_url(copy))
