"""Commenting on a win, and taking a comment back.

Both work as plain forms (post, then back to the win's page) and through htmx,
which swaps the card's comments block, in its feed or full-page layout.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from feed.wins.access import access_comment, access_win
from feed.wins.models import COMMENT_BODY_MAX_LENGTH
from feed.wins.selectors import win_detail
from feed.wins.services import comment_create as create_comment
from feed.wins.services import comment_delete as delete_comment
from wins_net.htmx import login_required

# Where a comments block is shown: under a card in a list, or on the win's own page.
LAYOUT_FEED = "feed"
LAYOUT_PAGE = "page"


class CommentForm(forms.Form):
    body = forms.CharField(
        label=gettext_lazy("Comment"),
        max_length=COMMENT_BODY_MAX_LENGTH,
        error_messages={
            "required": gettext_lazy("Write a comment first."),
            "max_length": gettext_lazy(
                "Keep your comment to %(limit_value)d characters (it has %(show_value)d)."
            ),
        },
    )


def _layout(request: HttpRequest) -> str:
    return LAYOUT_PAGE if request.POST.get("layout") == LAYOUT_PAGE else LAYOUT_FEED


def _comments_block(
    request: HttpRequest, *, win_pk: int, form: CommentForm | None = None, **context
) -> HttpResponse:
    """The card's comments partial, re-read after a change so counts are current."""
    context |= {
        "win": win_detail(viewer=request.user, pk=win_pk),
        "full": _layout(request) == LAYOUT_PAGE,
        "comment_form": form,
    }
    return render(request, "components/win_card.html#comments", context)


@login_required
@require_POST
def comment_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Comment on a win the viewer may see (404 otherwise).

    An empty or too long comment comes back in its form with the error (status 200,
    so htmx swaps it in); without JavaScript that form is the win's page.
    """
    win = access_win(user=request.user, pk=pk)
    form = CommentForm(request.POST)
    comment = None
    if form.is_valid():
        try:
            comment = create_comment(win=win, author=request.user, body=form.cleaned_data["body"])
        except ValidationError as error:
            form.add_error("body", error)
    if comment is None:
        if request.htmx:
            return _comments_block(
                request, win_pk=win.pk, form=form, announce=" ".join(form.errors.get("body", []))
            )
        return render(
            request,
            "wins/win_detail.html",
            {"win": win_detail(viewer=request.user, pk=win.pk), "comment_form": form},
        )
    if request.htmx:
        return _comments_block(request, win_pk=win.pk, announce=_("Your comment is posted."))
    messages.success(request, _("Your comment is posted."))
    return redirect(f"{win.get_absolute_url()}#comment-{comment.pk}")


@login_required
@require_http_methods(["GET", "POST"])
def comment_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Delete one's own comment: a confirmation page on GET, the deletion on POST.

    Comments the viewer cannot see are 404; others' comments are 403.
    """
    comment = access_comment(user=request.user, pk=pk)
    if comment.author_id != request.user.pk:
        raise PermissionDenied(_("Only the author can delete this comment."))
    if request.method == "GET":
        return render(request, "wins/comment_delete.html", {"comment": comment})
    win_pk = comment.win_id
    delete_comment(comment=comment, user=request.user)
    if request.htmx:
        return _comments_block(
            request, win_pk=win_pk, announce=_("Your comment is deleted."), focus_comments=True
        )
    messages.success(request, _("Your comment is deleted."))
    return redirect(f"{comment.win.get_absolute_url()}#comments")
