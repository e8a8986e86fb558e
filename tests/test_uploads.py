"""A file over the size limit is refused while it arrives: the rest of the request is
never read, a form comes back with what was typed and says why, anything else is a 413.

Each request body here counts what the server reads of it (`CountingBody`), so a test
can show that reading stopped near the limit, long before the end of the body.
"""

from __future__ import annotations

import html
import re
from io import BytesIO

import pytest
from django.test.client import BOUNDARY, encode_multipart
from django.urls import reverse

from accounts.models import User
from feed.wins.models import Reaction, Tag, Win
from tests.factories import TeamFactory, UserFactory, WinFactory

pytestmark = pytest.mark.django_db

# A small limit keeps the bodies small; the figure itself is not what is tested.
LIMIT = 256 * 1024
BODY_SIZE = 8 * LIMIT
# How far past the limit the reading may go: the chunks already asked for
# (64 KB each) and the form's fields before the file.
SLACK = 256 * 1024
MULTIPART = f"multipart/form-data; boundary={BOUNDARY}"


class CountingBody:
    """A request body (`wsgi.input`) that counts the bytes the server reads of it."""

    def __init__(self, data: bytes) -> None:
        self._data = BytesIO(data)
        self.size = len(data)
        self.bytes_read = 0

    def read(self, size: int = -1) -> bytes:
        chunk = self._data.read(size)
        self.bytes_read += len(chunk)
        return chunk

    def readline(self, size: int = -1) -> bytes:
        line = self._data.readline(size)
        self.bytes_read += len(line)
        return line


@pytest.fixture(autouse=True)
def _small_limit(settings, tmp_path):
    settings.MAX_UPLOAD_BYTES = LIMIT
    settings.MEDIA_ROOT = tmp_path / "media"


def photo(name: str = "holiday.jpg", size: int = BODY_SIZE) -> BytesIO:
    """A file of `size` bytes that starts like a JPEG; its content is never looked at."""
    file = BytesIO(b"\xff\xd8\xff\xe0" + b"\0" * (size - 4))
    file.name = name
    return file


def send(client, path: str, data: bytes, content_type: str = MULTIPART):
    """POST `data` as the body, counting what the server reads of it."""
    body = CountingBody(data)
    response = client.generic("POST", path, data, content_type, **{"wsgi.input": body})
    return response, body


def send_form(client, path: str, fields: dict):
    """POST `fields` as a browser sends a form: as multipart, in this order."""
    return send(client, path, encode_multipart(BOUNDARY, fields))


def in_page_order(client, path: str, fields: dict) -> dict:
    """`fields` in the order the upload form at `path` has them: the order a browser
    sends them in."""
    page = client.get(path).text
    form = re.search(r'<form[^>]*enctype="multipart/form-data".*?</form>', page, re.S).group(0)
    names = re.findall(r'<(?:input|textarea|select)[^>]*\bname="([^"]+)"', form)
    order = [name for name in dict.fromkeys(names) if name in fields]
    assert sorted(order) == sorted(fields), "a field is missing from the form"
    return {name: fields[name] for name in order}


def stopped_early(body: CountingBody) -> bool:
    return body.bytes_read <= LIMIT + SLACK < body.size


def field_value(page: str, name: str) -> str:
    match = re.search(rf'<input[^>]*name="{name}"[^>]*value="([^"]*)"', page)
    return html.unescape(match.group(1)) if match else ""


def checked(page: str, name: str, value: str) -> bool:
    tag = re.search(rf'<input[^>]*name="{name}"[^>]*value="{value}"[^>]*>', page)
    return tag is not None and "checked" in tag.group(0)


def form_errors(form) -> dict[str, list[str]]:
    return {
        field: [error.code for error in errors] for field, errors in form.errors.as_data().items()
    }


def stored_files(settings) -> list:
    root = settings.MEDIA_ROOT
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


# --------------------------------------------------------------------------
# Forms: the reason next to the file, and everything else as it was typed
# --------------------------------------------------------------------------
def test_a_photo_far_over_the_limit_is_refused_unread_and_the_rest_of_the_win_kept(
    client, settings
):
    """Sent in the page's order, text, audience, credits and values come back as typed
    and the photo's field says it is too large; nothing is posted or stored, and the
    request was read no further than the limit. (The photo's description, which
    follows the photo, is the one thing lost with it.)"""
    team = TeamFactory(name="Customer Care")
    author = UserFactory(name="Emma Employee", team=team)
    UserFactory(email="luis@example.com", name="Luis", team=team)
    teamwork = Tag.objects.create(name="Teamwork", is_value=True)
    client.force_login(author)

    url = reverse("feed:win_new")
    typed = {
        "body": "We closed the quarter early",
        "visibility": "team",
        "credited": "@luis",
        "tags": [teamwork.pk],
        "image": photo("holiday.jpg"),
    }
    response, body = send_form(client, url, in_page_order(client, url, typed))

    assert response.status_code == 200
    assert stopped_early(body), (body.bytes_read, body.size)
    assert form_errors(response.context["compose_form"]) == {"image": ["too_large"]}
    page = response.text
    assert "“holiday.jpg” is larger than 256.0\xa0KB, the most an image can be." in page
    assert "We closed the quarter early</textarea>" in page
    assert checked(page, "visibility", "team")
    assert field_value(page, "credited") == "@luis"
    assert checked(page, "tags", str(teamwork.pk))
    assert not Win.objects.exists()
    assert stored_files(settings) == []


def test_an_avatar_far_over_the_limit_is_refused_unread_and_the_rest_of_the_profile_kept(
    client, settings
):
    """Sent in the page's order, name, job title, language and time zone come back as
    typed; nothing is saved, and the request was read no further than the limit."""
    person = UserFactory(name="Ana Old", job_title="Agent", avatar="", time_zone="Europe/Madrid")
    client.force_login(person)

    url = reverse("accounts:profile_edit")
    typed = {
        "name": "Ana New",
        "job_title": "Team lead",
        "language": "en",
        "time_zone": "America/Bogota",
        "avatar": photo("me.png"),
    }
    response, body = send_form(client, url, in_page_order(client, url, typed))

    assert response.status_code == 200
    assert stopped_early(body), (body.bytes_read, body.size)
    assert form_errors(response.context["form"]) == {"avatar": ["too_large"]}
    page = response.text
    assert "“me.png” is larger than 256.0\xa0KB" in page
    assert field_value(page, "name") == "Ana New"
    assert field_value(page, "job_title") == "Team lead"
    assert re.search(r'<option value="America/Bogota" selected>', page)
    person.refresh_from_db()
    assert (person.name, person.job_title, person.avatar) == ("Ana Old", "Agent", "")
    assert stored_files(settings) == []


def test_the_reason_is_in_the_readers_language(client):
    person = UserFactory(language=User.Language.SPANISH)
    client.force_login(person)

    fields = {"body": "Hola", "visibility": "everyone", "image": photo()}
    response, _body = send_form(client, reverse("feed:win_new"), fields)

    assert response.status_code == 200
    assert "“holiday.jpg” ocupa más de 256,0\xa0KB" in response.text


def test_a_file_of_exactly_the_limit_is_read_and_judged_by_the_form(client):
    """The limit itself is allowed: the whole body is read, and the form decides (here:
    not a readable image), not the size."""
    client.force_login(UserFactory())

    response, body = send_form(
        client,
        reverse("feed:win_new"),
        {"body": "Look", "visibility": "everyone", "image": photo(size=LIMIT), "image_alt": "A"},
    )

    assert response.status_code == 200
    assert body.bytes_read == body.size
    codes = form_errors(response.context["compose_form"])["image"]
    assert codes
    assert "too_large" not in codes


# --------------------------------------------------------------------------
# Anything else: 413, and the view never runs on a request cut short
# --------------------------------------------------------------------------
def test_a_file_sent_where_no_form_takes_one_is_a_413_and_the_view_does_not_run(client):
    """A reaction posted with a large file attached: the reaction's own field arrived
    before the file, but the view is not given a request cut short."""
    win = WinFactory(visibility="everyone")
    client.force_login(UserFactory())

    response, body = send_form(
        client, reverse("feed:react", kwargs={"pk": win.pk}), {"kind": "clap", "file": photo()}
    )

    assert response.status_code == 413
    assert "larger than 256.0\xa0KB" in response.text
    assert stopped_early(body), (body.bytes_read, body.size)
    assert not Reaction.objects.exists()


def test_a_body_over_the_text_limit_is_a_413_and_not_read_at_all(client, settings):
    """Django refuses, from its Content-Length, a body that is not a file and is
    over DATA_UPLOAD_MAX_MEMORY_SIZE: a 413 here, rather than Django's 400."""
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = LIMIT
    win = WinFactory(visibility="everyone")
    client.force_login(UserFactory())
    data = b"kind=clap&note=" + b"x" * BODY_SIZE

    response, body = send(
        client,
        reverse("feed:react", kwargs={"pk": win.pk}),
        data,
        "application/x-www-form-urlencoded",
    )

    assert response.status_code == 413
    assert body.bytes_read == 0
    assert not Reaction.objects.exists()
