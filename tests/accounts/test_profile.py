"""Editing one's own profile at /people/me/: every field, errors, language, time zone, avatar."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError
from django.urls import reverse
from PIL import Image

from accounts.forms import time_zone_choices
from accounts.models import User
from accounts.services.profiles import user_update_profile
from tests.factories import TeamFactory, UserFactory
from wins_net.images import avatar_file

pytestmark = pytest.mark.django_db

URL = reverse("accounts:profile_edit")


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def form_data(person: User, **changes) -> dict:
    data = {
        "name": person.name,
        "job_title": person.job_title,
        "language": person.language,
        "time_zone": person.time_zone,
    }
    return {**data, **changes}


def png_upload(name: str = "me.png", colour=(0, 128, 0)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (300, 200), colour).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def person_with_avatar(**kwargs) -> User:
    person = UserFactory(**kwargs)
    person.avatar = default_storage.save("avatars/old.webp", ContentFile(b"old avatar"))
    person.save(update_fields=["avatar"])
    return person


def test_login_required(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_page_shows_the_current_values(client):
    """The form starts from the saved profile; team and manager are shown, not editable,
    with who changes them."""
    manager = UserFactory(name="Marta Manager")
    person = UserFactory(
        name="Ana Pérez",
        job_title="Nurse",
        time_zone="America/Mexico_City",
        manager=manager,
        team=TeamFactory(name="Nursing"),
    )
    TeamFactory(name="Zeta team")
    client.force_login(person)
    response = client.get(URL)
    assert response.status_code == 200
    html = response.text
    assert 'value="Ana Pérez"' in html
    assert '<option value="America/Mexico_City" selected>' in html
    assert "Marta Manager" in html
    assert "<dd>Nursing</dd>" in "".join(line.strip() for line in html.splitlines())
    assert "Zeta team" not in html  # no list of teams to pick from
    assert "ask your administrators to change them" in html
    assert '<option value="es">español</option>' in html  # each language named in itself
    assert 'name="team"' not in html
    assert 'name="manager"' not in html
    assert 'name="remove_avatar"' not in html  # nothing to remove yet


def test_page_says_when_there_is_no_team(client):
    person = UserFactory(team=None)
    client.force_login(person)
    assert "No team" in client.get(URL).text


def test_form_is_accessible(client, user):
    """Labels, help text tied to fields, and autocomplete tokens."""
    client.force_login(user)
    html = client.get(URL).text
    for field in ("name", "avatar", "job_title", "language", "time_zone"):
        assert f'<label for="id_{field}">' in html
    assert 'aria-describedby="id_name_helptext"' in html
    assert 'id="id_name_helptext"' in html
    assert 'autocomplete="name"' in html
    assert 'autocomplete="organization-title"' in html
    assert 'autocomplete="language"' in html
    assert 'enctype="multipart/form-data"' in html


def test_saving_every_field(client):
    person = UserFactory(language="en", time_zone="Europe/Madrid")
    client.force_login(person)
    response = client.post(
        URL,
        form_data(
            person,
            name="  Ana Pérez  ",
            job_title="Head nurse",
            time_zone="America/Argentina/Buenos_Aires",
        ),
        follow=True,
    )
    assert response.redirect_chain == [(URL, 302)]
    person.refresh_from_db()
    assert person.name == "Ana Pérez"
    assert person.job_title == "Head nurse"
    assert person.time_zone == "America/Argentina/Buenos_Aires"
    assert [str(m) for m in response.context["messages"]] == ["Your profile is saved."]


@pytest.mark.parametrize("posted_team", ["other", ""], ids=["another-team", "no-team"])
def test_a_posted_team_changes_nothing(client, posted_team):
    """Teams come from the directory: a team in the POST (another one, or none) is
    ignored, and the rest of the form is saved as usual."""
    care, sales = TeamFactory(name="Care"), TeamFactory(name="Sales")
    person = UserFactory(team=care, job_title="Nurse")
    client.force_login(person)
    team = sales.pk if posted_team == "other" else ""
    response = client.post(URL, {**form_data(person, job_title="Head nurse"), "team": team})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.team == care
    assert person.job_title == "Head nurse"


def test_fields_the_form_does_not_offer_change_nothing(client):
    """A POST that carries any other field of the person (staff, email, reporting
    line, activity, dates) saves only what the form offers."""
    manager = UserFactory()
    person = UserFactory(manager=manager, email="ana@example.com")
    client.force_login(person)
    before = User.objects.values().get(pk=person.pk)
    posted = {
        "email": "boss@example.com",
        "manager": "",
        "team_id": TeamFactory().pk,
        "is_staff": "on",
        "is_superuser": "on",
        "is_active": "",
        "groups": "1",
        "date_joined": "2001-01-01",
        "last_login": "",
        "password": "x",
        "avatar": "",
    }
    response = client.post(URL, {**form_data(person), **posted})
    assert response.status_code == 302
    after = User.objects.values().get(pk=person.pk)
    assert after == before
    assert not person.groups.exists()


def test_manager_cannot_be_changed_here(client):
    """Reporting lines belong to IT: a posted manager is ignored."""
    manager, intruder = UserFactory(), UserFactory()
    person = UserFactory(manager=manager)
    client.force_login(person)
    client.post(URL, {**form_data(person), "manager": intruder.pk})
    person.refresh_from_db()
    assert person.manager == manager


def test_new_language_applies_to_the_next_page_at_once(client):
    person = UserFactory(language="en")
    client.force_login(person)
    response = client.post(URL, form_data(person, language="es"))
    assert response.status_code == 302
    assert client.cookies["django_language"].value == "es"
    page = client.get(URL, headers={"accept-language": "en"})
    assert page.headers["Content-Language"] == "es"
    assert '<html lang="es">' in page.text
    person.refresh_from_db()
    assert person.language == "es"


def test_new_time_zone_applies_to_the_next_page(client, user):
    client.force_login(user)
    client.post(URL, form_data(user, time_zone="Asia/Tokyo"))
    user.refresh_from_db()
    assert user.time_zone == "Asia/Tokyo"
    assert client.get(URL).context["TIME_ZONE"] == "Asia/Tokyo"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": "   "}, "name"),
        ({"name": "x" * 151}, "name"),
        ({"job_title": "x" * 151}, "job_title"),
        ({"language": "fr"}, "language"),
        ({"time_zone": "Mars/Olympus_Mons"}, "time_zone"),
        ({"time_zone": "US/Eastern"}, "time_zone"),  # a legacy alias nobody here uses
    ],
    ids=["blank-name", "long-name", "long-title", "language", "zone", "alias"],
)
def test_invalid_input_is_shown_next_to_the_field_and_saves_nothing(client, changes, field):
    person = UserFactory(name="Ana", job_title="Nurse")
    client.force_login(person)
    response = client.post(URL, form_data(person, **{"name": "Changed", **changes}))
    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.errors) == [field]
    html = response.text
    assert f'id="id_{field}_error"' in html
    assert 'aria-invalid="true"' in html
    assert f'href="#id_{field}"' in html  # the error summary links to the field
    person.refresh_from_db()
    assert (person.name, person.job_title) == ("Ana", "Nurse")


def test_current_legacy_time_zone_stays_selectable():
    """A zone imported as a legacy alias is still offered, so the form can be saved."""
    flat = [
        value
        for _group, options in time_zone_choices(current="US/Eastern")[1:]
        for value, _label in options
    ]
    assert "US/Eastern" in flat
    assert "US/Eastern" not in [v for _g, o in time_zone_choices()[1:] for v, _l in o]


def test_time_zones_are_grouped_and_sorted():
    choices = time_zone_choices()
    assert choices[0] == ("UTC", "UTC")
    europe = dict(choices)["Europe"]
    labels = [label for _value, label in europe]
    assert labels == sorted(labels)
    assert ("Europe/Madrid", "Madrid") in europe


def test_uploading_an_avatar(client, user, media_root):
    client.force_login(user)
    response = client.post(URL, {**form_data(user), "avatar": png_upload()})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.avatar.name.startswith("avatars/")
    assert user.avatar.name.endswith(".webp")
    with Image.open(user.avatar.path) as stored:
        assert stored.size == (256, 256)


def test_replacing_an_avatar_deletes_the_old_file_after_commit(
    client, django_capture_on_commit_callbacks
):
    person = person_with_avatar()
    client.force_login(person)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        client.post(URL, {**form_data(person), "avatar": png_upload()})
    assert len(callbacks) == 1
    person.refresh_from_db()
    assert person.avatar.name != "avatars/old.webp"
    assert default_storage.exists(person.avatar.name)
    assert not default_storage.exists("avatars/old.webp")


def test_old_avatar_stays_until_the_commit(client):
    """Before the commit, the old file is still there (a rollback would need it)."""
    person = person_with_avatar()
    client.force_login(person)
    client.post(URL, {**form_data(person), "avatar": png_upload()})  # callbacks never run
    assert default_storage.exists("avatars/old.webp")


def test_removing_the_avatar(client, django_capture_on_commit_callbacks):
    person = person_with_avatar()
    client.force_login(person)
    assert 'name="remove_avatar"' in client.get(URL).text
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, {**form_data(person), "remove_avatar": "on"})
    assert response.status_code == 302
    person.refresh_from_db()
    assert not person.avatar
    assert not default_storage.exists("avatars/old.webp")


def test_new_avatar_and_remove_together_is_an_error(client, media_root):
    person = person_with_avatar()
    client.force_login(person)
    response = client.post(
        URL, {**form_data(person), "remove_avatar": "on", "avatar": png_upload()}
    )
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["avatar"]
    person.refresh_from_db()
    assert person.avatar.name == "avatars/old.webp"
    assert [p.name for p in media_root.rglob("*") if p.is_file()] == ["old.webp"]


def test_failed_save_keeps_the_old_avatar_and_drops_the_new_file(monkeypatch, media_root):
    """Nothing is lost and nothing is left behind when the database write fails."""
    person = person_with_avatar(name="Ana")

    new_avatar = avatar_file(Image.new("RGB", (10, 10)))

    def failing_save(self, *args, **kwargs):
        raise DatabaseError("disk full")

    monkeypatch.setattr(User, "save", failing_save)
    with pytest.raises(DatabaseError):
        user_update_profile(
            user=person,
            name="Changed",
            job_title="",
            language="en",
            time_zone="UTC",
            avatar=new_avatar,
        )
    assert [p.name for p in media_root.rglob("*") if p.is_file()] == ["old.webp"]
    assert person.avatar.name == "avatars/old.webp"
    assert person.name == "Ana"


def test_service_refuses_invalid_values_and_leaves_the_user_unchanged(user):
    with pytest.raises(ValidationError) as caught:
        user_update_profile(
            user=user,
            name="New name",
            job_title="",
            language="en",
            time_zone="Nowhere/Atlantis",
        )
    assert "time_zone" in caught.value.message_dict
    assert user.name != "New name"
