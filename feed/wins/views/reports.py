"""Reporting a win or a comment to the moderators, who act on it in the admin area."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from feed.wins import services
from feed.wins.access import access_comment, access_win
from feed.wins.models import Comment, Report, Win


class ReportForm(forms.Form):
    """Why something should be looked at. Kept beside its only view."""

    reason = forms.ChoiceField(
        label=gettext_lazy("What is wrong with it?"),
        choices=Report.Reason.choices,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=gettext_lazy("Details (optional)"),
        help_text=gettext_lazy("Anything that helps the moderators understand. Only they read it."),
        max_length=Report._meta.get_field("note").max_length,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


def _open_report(*, reporter, win: Win | None = None, comment: Comment | None = None):
    reports = Report.objects.filter(reporter=reporter, status=Report.Status.OPEN)
    return reports.filter(win=win, comment=comment).first()


def _report(request: HttpRequest, *, win: Win, comment: Comment | None) -> HttpResponse:
    target_url = win.get_absolute_url() + (f"#comment-{comment.pk}" if comment else "")
    already = _open_report(reporter=request.user, win=None if comment else win, comment=comment)
    if request.method == "POST":
        form = ReportForm(request.POST)
        if form.is_valid():
            if already is not None:
                messages.info(
                    request,
                    _("You have already reported this. The moderators will look at it soon."),
                )
                return redirect(target_url)
            try:
                services.report_create(
                    reporter=request.user,
                    reason=form.cleaned_data["reason"],
                    note=form.cleaned_data["note"],
                    win=None if comment else win,
                    comment=comment,
                )
            except ValidationError as error:
                form.add_error("reason", error)
            else:
                messages.success(
                    request,
                    _("Thank you for reporting this. The moderators will look at it."),
                )
                return redirect(target_url)
    else:
        form = ReportForm()
    context = {
        "form": form,
        "win": win,
        "comment": comment,
        "already": already,
        "cancel_url": target_url,
    }
    return render(request, "wins/report_form.html", context, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def report_win(request: HttpRequest, pk: int) -> HttpResponse:
    """Report a win the reader may see (404 otherwise, as if it did not exist)."""
    win = access_win(user=request.user, pk=pk)
    return _report(request, win=win, comment=None)


@login_required
@require_http_methods(["GET", "POST"])
def report_comment(request: HttpRequest, pk: int) -> HttpResponse:
    """Report a comment on a win the reader may see (404 otherwise)."""
    comment = access_comment(user=request.user, pk=pk)
    return _report(request, win=comment.win, comment=comment)
