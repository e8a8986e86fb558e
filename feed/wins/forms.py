"""
The composer: what a person fills in to post or edit a win.

`WinForm` parses and checks the input and prepares the photo (see
`feed.wins.photos`), new or kept from an earlier try that came back with an
error (`feed.wins.pending`); the rules about wins (an empty text, who may be credited on a
team-only win) live in `feed.wins.services`, whose errors `add_service_error` puts
next to the field they are about.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import Team, User
from feed.wins.models import WIN_BODY_MAX_LENGTH, PendingUpload, Tag, Win
from feed.wins.pending import (
    pending_upload_create,
    pending_upload_delete,
    pending_upload_for,
    pending_upload_image,
    pending_upload_token,
    pending_upload_use,
)
from feed.wins.photos import PreparedPhoto, photo_prepare
from feed.wins.services import people_mentioned
from feed.wins.text import MENTION_RE, handle_for, parse_mentions
from wins_net.images import ImageUploadField

# Handles typed in the "credit" field: separated by spaces or commas, `@` optional.
CREDIT_SEPARATORS = re.compile(r"[\s,;]+")
IMAGE_ALT_MAX_LENGTH = Win._meta.get_field("image_alt").max_length
# The hidden input with the signed token of a photo kept from the last try
# (`feed.wins.pending`); written by the template, not a form field, so that
# the form sent back always carries the token of the photo it shows.
PENDING_PHOTO_FIELD = "pending_photo"

# Which field a service error belongs to, by its code.
SERVICE_ERROR_FIELDS = {
    "empty": "body",
    "visibility": "visibility",
    "no_team": "visibility",
    "credit_outside_team": "credited",
}


class WinBodyField(forms.CharField):
    """A win's text, its line breaks counted as one character each.

    Browsers send a textarea's line breaks as CRLF but count them as one
    character, as the composer's counter does; so does the length limit here.
    """

    def to_python(self, value: Any) -> str:
        return super().to_python(value).replace("\r\n", "\n")

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        # No `maxlength`: it silently cuts pasted text. The counter shows the
        # limit, and going over it is an error with a message, not lost words.
        attrs.pop("maxlength", None)
        attrs["data-maxlength"] = str(self.max_length)
        return attrs


def people_credited(text: str) -> list[User]:
    """The people named by @handle in the composer's credit field, in order:
    handles separated by spaces, commas or semicolons, `@` optional. Raises
    ValidationError for a token that is no handle, or a handle nobody has."""
    handles: list[str] = []
    for token in (t for t in CREDIT_SEPARATORS.split(text) if t):
        handle = "@" + token.lstrip("@")
        if not MENTION_RE.fullmatch(handle.rstrip(".")):
            raise ValidationError(
                _("“%(text)s” is not an @handle. Pick people from the suggestions."),
                code="credit_handle",
                params={"text": token},
            )
        handles.append(handle)
    wanted = parse_mentions(" ".join(handles))
    found = {handle_for(p.email): p for p in people_mentioned(text=" ".join(handles))}
    unknown = [h for h in wanted if h not in found]
    if unknown:
        raise ValidationError(
            [
                ValidationError(
                    _("Nobody here has the handle @%(handle)s. Check the spelling."),
                    code="credit_unknown",
                    params={"handle": handle},
                )
                for handle in unknown
            ]
        )
    return [found[h] for h in wanted]


class ErrorSummaryMixin:
    """`error_links` for the error summary at the top of a form (components/error_summary.html)."""

    @property
    def error_links(self) -> list[tuple[str, str]]:
        """`(element id, message)` for each field error, for the error summary.

        A group of radios or checkboxes is reached through its first input.
        """
        links: list[tuple[str, str]] = []
        for field in self:
            multiple = isinstance(
                field.field.widget, forms.RadioSelect | forms.CheckboxSelectMultiple
            )
            target = f"{field.auto_id}_0" if multiple else field.auto_id
            links.extend((target, str(error)) for error in field.errors)
        return links


class WinForm(ErrorSummaryMixin, forms.Form):
    """Post a win (`WinForm(author=user)`) or edit one (`WinForm(author=user, win=win)`).

    Field names `body`, `image` and `visibility` (`everyone` or `team`) are a
    fixed interface. After `is_valid()`, `service_kwargs()` is what
    `win_create` or `win_update` take.
    """

    # As on the page (and in its error summary): the photo last, so that a browser
    # sends everything else before it (see wins_net/uploads.py).
    field_order = [
        "body",
        "visibility",
        "credited",
        "tags",
        "remove_image",
        "remove_pending_photo",
        "image",
        "image_alt",
    ]

    body = WinBodyField(
        label=_("Your win"),
        max_length=WIN_BODY_MAX_LENGTH,
        strip=True,
        # `data-mentions`: static/js/mentions.js suggests people after an "@".
        widget=forms.Textarea(attrs={"rows": 4, "data-mentions": ""}),
        error_messages={
            "required": _("Write a few words about your win."),
            "max_length": _(
                "Your win can be at most %(limit_value)d characters long; it has "
                "%(show_value)d. Shorten it a little."
            ),
        },
    )
    credited = forms.CharField(
        label=_("Give credit to"),
        required=False,
        max_length=500,
        help_text=_(
            "Coworkers who helped: type a name and pick them, or type their @handles, "
            "separated by spaces."
        ),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "none",
                "spellcheck": "false",
                "placeholder": _("@ana.lopez @luis"),
            }
        ),
    )
    image = ImageUploadField(label=_("Photo"), required=False)
    remove_image = forms.BooleanField(label=_("Remove the photo"), required=False)
    # Shown beside a photo kept from the last try (`pending_upload`).
    remove_pending_photo = forms.BooleanField(label=_("Remove photo"), required=False)
    image_alt = forms.CharField(
        label=_("Describe the photo"),
        required=False,
        max_length=IMAGE_ALT_MAX_LENGTH,
        help_text=_(
            "Needed with a photo, for people who cannot see it: say what it shows in a sentence."
        ),
    )
    tags = forms.ModelMultipleChoiceField(
        label=_("Our values"),
        queryset=Tag.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Pick any that fit. Add topics as #hashtags in the text."),
    )
    visibility = forms.ChoiceField(
        label=_("Who can see it"),
        choices=Win.Visibility.choices,
        initial=Win.Visibility.EVERYONE,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Choose who can see this win.")},
    )

    def __init__(self, *args: Any, author: User, win: Win | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        # Ids stay unique on the feed, where comment forms also have a `body`.
        kwargs.setdefault("auto_id", "compose_%s")
        if win is not None:
            kwargs.setdefault("initial", self._initial_for(win))
        super().__init__(*args, **kwargs)
        self.author = author
        self.win = win
        # A photo kept from an earlier try: the one to post (`pending_upload`), and
        # one the person removed or replaced with a new photo (`pending_discarded`).
        self.pending_upload: PendingUpload | None = None
        self.pending_discarded: PendingUpload | None = None
        self.fields["tags"].queryset = Tag.objects.filter(is_value=True).order_by("name")
        self._offer_audiences(team=getattr(author, "team", None))
        if win is None:
            self.fields["body"].label = gettext("What went well today, %(name)s?") % {
                "name": author.get_short_name()
            }
        self.fields["body"].help_text = gettext(
            "Up to %(limit)s characters. #hashtags add topics; @handles credit coworkers."
        ) % {"limit": WIN_BODY_MAX_LENGTH}
        if self.has_current_image:
            self.fields["image"].label = _("Replace it with a new photo")
        else:
            del self.fields["remove_image"]

    def _offer_audiences(self, *, team: Team | None) -> None:
        """Everyone, and the author's team by name when they have one."""
        visibility = self.fields["visibility"]
        if team is None:
            visibility.choices = [(Win.Visibility.EVERYONE, Win.Visibility.EVERYONE.label)]
            visibility.help_text = _("You are not in a team yet, so your wins are for everyone.")
        else:
            visibility.choices = [
                (Win.Visibility.EVERYONE, _("Everyone")),
                (Win.Visibility.TEAM, gettext("My team only (%(team)s)") % {"team": team.name}),
            ]

    @staticmethod
    def _initial_for(win: Win) -> dict[str, Any]:
        mentioned = set(parse_mentions(win.body))
        credited = [
            f"@{handle}"
            for handle in (handle_for(user.email) for user in win.credited.order_by("credits__id"))
            if handle not in mentioned
        ]
        return {
            "body": win.body,
            "credited": " ".join(credited),
            "image_alt": win.image_alt,
            "tags": list(win.tags.filter(is_value=True)),
            "visibility": win.visibility,
        }

    @property
    def has_current_image(self) -> bool:
        return self.win is not None and bool(self.win.image)

    # ----------------------------------------------------------------- fields
    def clean_credited(self) -> list[User]:
        """The people named by @handle, in order. Unknown handles are an error."""
        return people_credited(self.cleaned_data["credited"])

    def clean(self) -> dict[str, Any]:
        cleaned_data = super().clean()
        self._find_pending_photo(cleaned_data)
        self._check_photo(cleaned_data)
        return cleaned_data

    def _find_pending_photo(self, cleaned_data: dict[str, Any]) -> None:
        """The photo kept from the last try, from the form's signed token: to post,
        or discarded when removed or replaced by a new photo. A token that is not
        the person's, or too old, is an error beside the photo: nothing is posted
        without the photo the person saw attached."""
        token = self.data.get(PENDING_PHOTO_FIELD, "") if self.is_bound else ""
        if not token:
            return
        try:
            upload = pending_upload_for(owner=self.author, token=token)
        except ValidationError as error:
            self.add_error("image", error)
            return
        if cleaned_data.get("remove_pending_photo") or cleaned_data.get("image") is not None:
            self.pending_discarded = upload
        else:
            self.pending_upload = upload

    def _check_photo(self, cleaned_data: dict[str, Any]) -> None:
        """A new photo or the removal of the current one, not both; a description
        with any photo; and a valid upload, or the photo kept from the last try,
        prepared (`cleaned_data["photo"]`)."""
        upload = cleaned_data.get("image")
        remove = cleaned_data.get("remove_image", False)
        if (upload is not None or self.pending_upload is not None) and remove:
            self.add_error(
                "image",
                ValidationError(
                    _("Choose a new photo or remove the current one, not both."),
                    code="image_and_remove",
                ),
            )
        has_image = (
            upload is not None
            or self.pending_upload is not None
            or (self.has_current_image and not remove)
        )
        if has_image and not cleaned_data.get("image_alt") and "image" not in self.errors:
            self.add_error(
                "image_alt",
                ValidationError(
                    _("Describe the photo in a few words, for people who cannot see it."),
                    code="alt_required",
                ),
            )
        if self.errors:
            return
        if upload is not None:
            cleaned_data["photo"] = photo_prepare(upload.image)
        elif self.pending_upload is not None:
            try:
                image = pending_upload_image(self.pending_upload)
            except ValidationError as error:
                self.add_error("image", error)
            else:
                cleaned_data["photo"] = photo_prepare(image)

    # ---------------------------------------------------------- kept photos
    def keep_photo(self) -> None:
        """After an error, keep the photo for the next try: a valid new photo
        becomes a pending upload (replacing one kept before), and one the person
        removed is deleted. The template then shows it with `pending_token`."""
        if self.pending_discarded is not None:
            pending_upload_delete(upload=self.pending_discarded)
            self.pending_discarded = None
        upload = getattr(self, "cleaned_data", {}).get("image")
        if upload is not None and getattr(upload, "image", None) is not None:
            self.pending_upload = pending_upload_create(owner=self.author, image=upload.image)
        if self.pending_upload is not None:
            self["image"].label = gettext("Or choose another photo")  # the bound field is cached

    def pending_photo_used(self) -> None:
        """In the transaction that saves the win, before it: the kept photo becomes
        the win's, and one removed or replaced is deleted (their files after the
        commit). Raises ValidationError when another post of the same form took
        the kept photo first."""
        if self.pending_discarded is not None:
            pending_upload_delete(upload=self.pending_discarded)
        if self.pending_upload is not None:
            pending_upload_use(upload=self.pending_upload)

    @property
    def pending_token(self) -> str:
        """The signed token of the kept photo, for the form's hidden input."""
        return pending_upload_token(self.pending_upload) if self.pending_upload else ""

    # ---------------------------------------------------------------- results
    def service_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for `win_create` (or, with `win` and `editor`, `win_update`)."""
        data = self.cleaned_data
        photo: PreparedPhoto = data.get("photo") or PreparedPhoto()
        kwargs: dict[str, Any] = {
            "body": data["body"],
            "visibility": data["visibility"],
            "tag_names": [tag.name for tag in data["tags"]],
            "credited": data["credited"],
            "image_alt": data["image_alt"],
            "image": photo.display,
            "thumbnail": photo.thumbnail,
            "image_source": photo.source,
        }
        if self.win is not None:
            kwargs["remove_image"] = data.get("remove_image", False)
        return kwargs

    def add_service_error(self, error: ValidationError) -> None:
        """Show a ValidationError from `feed.wins.services` next to the field it is about.

        A team-only win that credits someone outside the team: beside the
        credit field when they were named there, else beside the text, where
        they were @mentioned.
        """
        credited = {p.pk for p in self.cleaned_data.get("credited") or []}
        for item in error.error_list:
            field = SERVICE_ERROR_FIELDS.get(item.code or "")
            if item.code == "credit_outside_team" and (item.params or {}).get("pk") not in credited:
                field = "body"
            if field is not None and field not in self.fields:
                field = None
            self.add_error(field, item)

    @property
    def extras_open(self) -> bool:
        """Whether the optional part (photo, credits, values) starts open on the feed."""
        extras = ("credited", "image", "remove_image", "image_alt", "tags")
        return (
            self.win is not None
            or self.pending_upload is not None
            or any(name in self.errors for name in extras)
        )

    @property
    def error_summary_title(self) -> str:
        if self.win is not None:
            return gettext("Your changes were not saved")
        return gettext("Your win was not posted")
