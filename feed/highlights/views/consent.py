"""
The people a highlight names answer for themselves: the consent page, and
withdrawing from it or from a win's page.

Each view only turns the request into a call to `feed.highlights.consents` or
`feed.highlights.services`; what may be done, by whom and when is decided there,
and its refusals are shown as messages.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from feed.highlights.access import access_consent
from feed.highlights.consent_selectors import (
    can_withdraw,
    consent_changed,
    consent_win,
    open_highlight_for,
)
from feed.highlights.consents import consent_answer
from feed.highlights.models import CONSENT_MESSAGE_MAX_LENGTH, Consent, Highlight
from feed.highlights.services import highlight_withdraw
from feed.wins.access import access_win

APPROVE, DECLINE = "approve", "decline"

# How each place in a consent's `scope` is described to the person asked.
SCOPE_LABELS = {
    "page": gettext_lazy("A public page on the web, with its own address"),
    "feeds": gettext_lazy("The public news feeds (Atom and JSON) that others can follow"),
    "share_image": gettext_lazy("A picture for sharing the story on social media"),
}


class ConsentAnswerForm(forms.Form):
    """Approve or decline (which button was pressed), with a message to comms."""

    answer = forms.ChoiceField(choices=[(APPROVE, APPROVE), (DECLINE, DECLINE)])
    message = forms.CharField(
        label=gettext_lazy("Message to the communications team (optional)"),
        help_text=gettext_lazy("For example, what you would like changed. Only they read it."),
        max_length=CONSENT_MESSAGE_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def _error_text(error: ValidationError | PermissionDenied) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error) or _("You cannot answer this request.")


@login_required
@require_http_methods(["GET", "POST"])
def consent_page(request: HttpRequest, consent_id: int) -> HttpResponse:
    """Exactly what was shown to the person asked, and their answer.

    Only that person may open it (404 for anyone else, as for a missing one).
    While the request waits, a form approves or declines it; afterwards, or once
    it expired or was replaced, the page shows its state.
    """
    consent = access_consent(user=request.user, pk=consent_id)
    error = ""
    form = ConsentAnswerForm()
    status = 200
    if request.method == "POST":
        form = ConsentAnswerForm(request.POST)
        if form.is_valid():
            approve = form.cleaned_data["answer"] == APPROVE
            try:
                consent_answer(
                    consent=consent,
                    person=request.user,
                    approve=approve,
                    message=form.cleaned_data["message"],
                )
            except (ValidationError, PermissionDenied) as refused:
                error = _error_text(refused)
                consent.refresh_from_db()
                status = 400
            else:
                if approve:
                    messages.success(
                        request,
                        _(
                            "Thanks. Comms will publish it once everyone named has agreed; "
                            "we will send you the link."
                        ),
                    )
                else:
                    messages.success(request, _("You declined: this story will not be published."))
                return redirect("feed:consent", consent_id=consent.pk)
        else:
            status = 400
    is_pending = consent.answer == Consent.Answer.PENDING
    is_expired = is_pending and consent.expires_at <= timezone.now()
    image_url = ""
    # The image is served only while the story is open (wins_net/media.py).
    if consent.image and consent.highlight.is_open:
        image_url = Highlight._meta.get_field("image").storage.url(consent.image)
    context = {
        "consent": consent,
        "form": form,
        "error": error,
        "can_answer": is_pending and not is_expired,
        "is_expired": is_expired,
        "changed": is_pending and consent_changed(consent=consent),
        "image_url": image_url,
        "scope": [SCOPE_LABELS.get(place, place) for place in consent.scope],
        # Linked only while the person may still open it (not once deleted or hidden).
        "win": consent_win(consent=consent, user=request.user),
        "can_withdraw": can_withdraw(consent=consent),
        "is_stopped": not consent.highlight.is_open,
    }
    return render(request, "highlights/consent.html", context, status=status)


def _withdraw(request: HttpRequest, highlight: Highlight) -> None:
    """Withdraw the viewer's consent to `highlight`, with the reason they gave,
    and say how it went in a message."""
    try:
        highlight_withdraw(
            highlight=highlight,
            by=request.user,
            reason=request.POST.get("reason", "")[:CONSENT_MESSAGE_MAX_LENGTH],
        )
    except (ValidationError, PermissionDenied) as refused:
        messages.error(request, _error_text(refused))
    else:
        messages.success(
            request,
            _("You withdrew your consent. The story is no longer public, and will not be."),
        )


@login_required
@require_POST
def consent_withdraw_view(request: HttpRequest, consent_id: int) -> HttpResponse:
    """Withdraw from the consent page: the person asked stops the story at once,
    whether or not they can still open its win (deleted, hidden, out of reach).
    404 for anyone but that person, as the page is."""
    consent = access_consent(user=request.user, pk=consent_id)
    _withdraw(request, consent.highlight)
    return redirect("feed:consent", consent_id=consent.pk)


@login_required
@require_POST
def highlight_withdraw_view(request: HttpRequest, win_id: int) -> HttpResponse:
    """Withdraw the viewer's consent to the open highlight of a win: it stops
    being public at once. 404 unless the win is visible and its open highlight
    names the viewer."""
    win = access_win(user=request.user, pk=win_id)
    found = open_highlight_for(win=win, user=request.user)
    if found is None:
        raise Http404
    _withdraw(request, found.highlight)
    return redirect(win.get_absolute_url())
