"""Forms about people: one's own profile."""

from __future__ import annotations

import zoneinfo
from collections import defaultdict
from typing import Any

from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils.translation import get_language_info, gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from wins_net.images import MAX_PIXELS, MAX_UPLOAD_BYTES, ImageUploadField, avatar_file

# The IANA areas people live in. Other names in the database (`Etc/GMT+3`,
# `US/Eastern`, `CET`) are legacy aliases: offered only to someone already using one.
TIME_ZONE_AREAS = {
    "Africa": _("Africa"),
    "America": _("Americas"),
    "Antarctica": _("Antarctica"),
    "Arctic": _("Arctic"),
    "Asia": _("Asia"),
    "Atlantic": _("Atlantic Ocean"),
    "Australia": _("Australia"),
    "Europe": _("Europe"),
    "Indian": _("Indian Ocean"),
    "Pacific": _("Pacific Ocean"),
}


def time_zone_choices(*, current: str = "") -> list[tuple[Any, Any]]:
    """Zone names grouped by area (as `<optgroup>`s), places in alphabetical order.

    UTC comes first; `current` is included even when it is a legacy alias, so a
    person's saved zone is always the selected option.
    """
    areas: dict[str, list[tuple[str, str]]] = defaultdict(list)
    others: list[tuple[str, str]] = []
    for name in zoneinfo.available_timezones():
        area, _slash, place = name.partition("/")
        if area in TIME_ZONE_AREAS and place:
            areas[area].append((name, place.replace("_", " ").replace("/", " / ")))
        elif name == current and name != "UTC":
            others.append((name, name.replace("_", " ")))
    choices: list[tuple[Any, Any]] = [("UTC", "UTC")]
    for area, label in TIME_ZONE_AREAS.items():
        choices.append((label, sorted(areas[area], key=lambda choice: choice[1])))
    if others:
        choices.append((_("Other"), others))
    return choices


class ProfileForm(forms.Form):
    """What a person edits about themselves. Team and manager are not here: they
    decide which wins a person sees (team-only wins) and whose wins a digest
    gathers, so they come from the directory (the admin, `import_people`), never
    from the person. Fields the form does not offer are ignored when posted.

    `cleaned_data["avatar"]` is the re-encoded square avatar (a ContentFile), or None.
    """

    # As on the page: the photo last, so that a browser sends everything else before
    # it (see wins_net/uploads.py).
    field_order = ["name", "job_title", "language", "time_zone", "avatar", "remove_avatar"]

    name = forms.CharField(
        label=_("Display name"),
        max_length=150,
        help_text=_("How your name appears to others."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    avatar = ImageUploadField(label=_("New photo"), required=False)
    remove_avatar = forms.BooleanField(label=_("Remove my photo"), required=False)
    job_title = forms.CharField(
        label=_("Job title"),
        max_length=150,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "organization-title"}),
    )
    language = forms.ChoiceField(
        label=_("Language"),
        choices=User.Language.choices,
        help_text=_("The language of the site and of the emails it sends you."),
        widget=forms.Select(attrs={"autocomplete": "language"}),
    )
    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        help_text=_("Times on the site and in emails are shown in this zone."),
        widget=forms.Select(attrs={"autocomplete": "off"}),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        kwargs.setdefault(
            "initial",
            {
                "name": user.name,
                "job_title": user.job_title,
                "language": user.language,
                "time_zone": user.time_zone,
            },
        )
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].choices = time_zone_choices(current=user.time_zone)
        # Each language in itself, so a person who picked the wrong one finds their way back.
        self.fields["language"].choices = [
            (code, get_language_info(code)["name_local"]) for code in User.Language.values
        ]
        self.fields["avatar"].help_text = gettext(
            "A JPEG, PNG, WebP or GIF image, up to %(size)s and %(megapixels)s megapixels. "
            "It is cropped to a square."
        ) % {"size": filesizeformat(MAX_UPLOAD_BYTES), "megapixels": MAX_PIXELS // 1_000_000}
        if not user.avatar:
            del self.fields["remove_avatar"]

    def clean_avatar(self) -> Any:
        upload = self.cleaned_data.get("avatar")
        if upload is None:
            return None
        return avatar_file(upload.image)

    def clean(self) -> dict[str, Any]:
        cleaned_data = super().clean()
        if cleaned_data.get("avatar") is not None and cleaned_data.get("remove_avatar"):
            self.add_error(
                "avatar",
                forms.ValidationError(
                    _("Choose a new photo or remove the current one, not both."),
                    code="avatar_and_remove",
                ),
            )
        return cleaned_data
