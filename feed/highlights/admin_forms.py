"""
The form comms edit a highlight's public version with, in the admin area
(`feed.highlights.admin.HighlightAdmin`), and how a service's refusal reads there.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from feed.highlights import names as highlight_names
from feed.highlights.models import (
    HIGHLIGHT_TEXT_MAX_LENGTH,
    HIGHLIGHT_TITLE_MAX_LENGTH,
    Highlight,
    HighlightPerson,
)
from feed.highlights.services import ImageChoice, highlight_people_add, highlight_update
from feed.wins.models import Win


def refusal(error: PermissionDenied | ValidationError) -> str:
    """What the admin says when a service refuses: its messages, or a generic one."""
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error) or str(_("You are not allowed to do that."))


class HighlightEditForm(forms.ModelForm):
    """The public version of a highlight, as comms edit it.

    No model field is bound, so the form itself never writes the highlight.

    Note: validating this form WRITES. `clean()` calls
    `highlight_update`, which checks and saves in one transaction
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
        label=_("Image"), choices=ImageChoice.choices, widget=forms.RadioSelect
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
            image_choice=ImageChoice.WIN if highlight.image else ImageChoice.NONE,
            image_description=highlight.image_alt,
            **{f"name_{person.user_id}": person.public_name for person in self.people},
        )
        if not self.win_image_available(highlight):
            # Offered only when there is an image to use (the service would refuse).
            self.fields["image_choice"].choices = [(ImageChoice.NONE.value, ImageChoice.NONE.label)]
        self.asked_again = 0
        self.added = 0
        self.unpublished = False

    @staticmethod
    def win_image_available(highlight: Highlight) -> bool:
        """Whether "the win's image" can be chosen: the highlight keeps a copy,
        or its win has an image ready (as `highlight_update` checks)."""
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
                    highlight_people_add(
                        highlight=highlight, by=self.user, users=list(cleaned["add_people"])
                    )
                )
            if set(self.changed_data) - {"add_people"}:
                highlight_update(
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
            self.add_error(None, refusal(error))
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
