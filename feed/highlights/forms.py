"""
The forms of the comms workspace (`feed.highlights.views.workspace`).

They only parse: what is valid is decided by `feed.highlights.services`,
whose refusals the views put back on the form. The editor carries the version
it was built from (`transitions.highlight_version`), so a service refuses a
request made from an older page or sent twice.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from feed.highlights.models import (
    CONSENT_MESSAGE_MAX_LENGTH,
    HIGHLIGHT_TEXT_MAX_LENGTH,
    HIGHLIGHT_TITLE_MAX_LENGTH,
    Highlight,
    HighlightPerson,
)
from feed.highlights.services import ImageChoice
from feed.highlights.transitions import highlight_version

SAVE, ASK, PUBLISH, WITHDRAW = "save", "ask", "publish", "withdraw"


class StoryForm(forms.Form):
    """The public version of a highlight: title, text, image, and one
    `name_<user id>` field per person named."""

    title = forms.CharField(
        label=_("Title"),
        max_length=HIGHLIGHT_TITLE_MAX_LENGTH,
        help_text=_("Short: it is the headline of the page and of the share card."),
    )
    text = forms.CharField(
        label=_("Story"),
        max_length=HIGHLIGHT_TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 10}),
    )
    image_choice = forms.ChoiceField(
        label=_("Image"), choices=ImageChoice.choices, widget=forms.RadioSelect
    )
    image_alt = forms.CharField(
        label=_("Image description"),
        max_length=250,
        required=False,
        help_text=_("What the photo shows, for people who cannot see it."),
    )
    version = forms.CharField(widget=forms.HiddenInput)
    action = forms.ChoiceField(
        choices=[(SAVE, SAVE), (ASK, ASK), (PUBLISH, PUBLISH), (WITHDRAW, WITHDRAW)],
        required=False,
    )

    def __init__(self, *args, highlight: Highlight, people: list[HighlightPerson], **kwargs):
        initial = {
            "title": highlight.title,
            "text": highlight.text,
            "image_choice": ImageChoice.WIN if highlight.image else ImageChoice.NONE,
            "image_alt": highlight.image_alt,
            "version": highlight_version(highlight),
        }
        for person in people:
            initial[f"name_{person.user_id}"] = person.public_name
        super().__init__(*args, initial=initial, **kwargs)
        self.people = people
        for person in people:
            self.fields[f"name_{person.user_id}"] = forms.CharField(
                label=_("How %(name)s appears in public") % {"name": person.user.display_name},
                max_length=200,
            )

    def name_fields(self) -> list[forms.BoundField]:
        return [self[f"name_{person.user_id}"] for person in self.people]

    def public_names(self) -> dict[int, str]:
        return {
            person.user_id: self.cleaned_data[f"name_{person.user_id}"] for person in self.people
        }

    def content_changed(self) -> bool:
        """Whether the story differs from the highlight the form was built from."""
        return bool(set(self.changed_data) - {"version", "action"})


class WithdrawForm(forms.Form):
    """Why a story is withdrawn: kept in its history."""

    reason = forms.CharField(
        label=_("Why are you withdrawing it?"),
        max_length=CONSENT_MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    version = forms.CharField(widget=forms.HiddenInput)
