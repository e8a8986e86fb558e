"""Posting a win through /wins/new/: fields, messages, photos, and what is (never) stored.

The field names `body`, `image` and `visibility` (`everyone`, `team`) are a
fixed interface. A refused post stores nothing: no win, no file in MEDIA_ROOT.
"""

from __future__ import annotations

import io
import re
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError
from django.template import Context, Template
from django.test import Client, RequestFactory
from django.urls import reverse
from PIL import Image

from feed.wins import photos, services
from feed.wins.forms import WinForm
from feed.wins.models import WIN_BODY_MAX_LENGTH, Credit, Tag, Win
from tests.factories import TeamFactory, UserFactory
from tests.feed.wins.test_images import (
    RED,
    bomb_png,
    close,
    jpeg_with_gps_and_orientation,
    png_with_alpha,
    stored_files,
)

pytestmark = pytest.mark.django_db

URL = "/wins/new/"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def team():
    return TeamFactory(name="Customer Care")


@pytest.fixture
def author(team):
    return UserFactory(email="emma@example.com", name="Emma Employee", team=team)


@pytest.fixture
def signed_in(client, author):
    client.force_login(author)
    return client


def upload(name: str, data: bytes, content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def post(client, **data):
    data.setdefault("visibility", "everyone")
    return client.post(URL, data)


def form_errors(response) -> dict[str, list[str]]:
    return {
        field: [error.code for error in errors]
        for field, errors in response.context["compose_form"].errors.as_data().items()
    }


# --------------------------------------------------------------------------
# The page
# --------------------------------------------------------------------------
def test_url_and_name():
    assert reverse("feed:win_new") == URL


def test_sign_in_is_required(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    response = client.post(URL, {"body": "Sneaky", "visibility": "everyone"})
    assert response.status_code == 302
    assert not Win.objects.exists()


def test_form_has_the_fixed_fields_labelled_and_described(signed_in):
    """Every field has a label; help and limits are tied to their field."""
    Tag.objects.create(name="ClientesFelices", is_value=True)
    Tag.objects.create(name="random-topic", is_value=False)
    html = signed_in.get(URL).text
    assert '<textarea name="body"' in html
    assert re.search(r'<input type="file" name="image"[^>]*accept="image/jpeg,image/png', html)
    assert 'name="visibility" value="everyone"' in html
    assert 'name="visibility" value="team"' in html
    assert "My team only (Customer Care)" in html
    assert 'name="image_alt"' in html
    assert 'name="credited"' in html
    assert "ClientesFelices" in html
    assert "random-topic" not in html  # only the organisation's values are offered
    for field in ("body", "credited", "image", "image_alt"):
        assert f'<label for="compose_{field}">' in html
    assert 'aria-describedby="compose_body_helptext"' in html
    assert 'data-maxlength="1000"' in html
    textarea = re.search(r"<textarea[^>]*>", html).group(0)
    assert " maxlength=" not in textarea  # pasted text is never cut, the counter warns
    assert 'role="status" data-counter-status' in html
    assert "js/compose.js" in html
    assert "css/compose.css" in html
    assert "<script>" not in html
    assert " style=" not in html


def test_person_without_a_team_is_offered_everyone_only(client):
    person = UserFactory(team=None)
    client.force_login(person)
    html = client.get(URL).text
    assert 'value="team"' not in html
    assert "You are not in a team yet" in html


# --------------------------------------------------------------------------
# Posting
# --------------------------------------------------------------------------
def test_post_with_text_tags_credits_and_visibility(signed_in, author, team):
    """The win is stored with everything and the person lands on the feed with a message."""
    value = Tag.objects.create(name="ClientesFelices", is_value=True)
    ana = UserFactory(email="ana.lopez@example.com", name="Ana López", team=team)
    luis = UserFactory(email="luis@example.com", name="Luis Gil", team=team)
    response = signed_in.post(
        URL,
        {
            "body": "Cerramos 40 tickets con @luis #soporte",
            "tags": [value.pk],
            "credited": "@ana.lopez",
            "visibility": "team",
        },
        follow=True,
    )
    assert response.redirect_chain == [(reverse("feed:home"), 302)]
    win = Win.objects.get()
    assert win.author == author
    assert win.body == "Cerramos 40 tickets con @luis #soporte"
    assert win.visibility == "team"
    assert win.team == team
    assert sorted(win.tags.values_list("name", flat=True)) == ["ClientesFelices", "soporte"]
    assert set(win.credited.all()) == {ana, luis}
    assert "Your win is posted." in response.text
    assert Win.objects.visible_to(author).first() == win  # the newest: the top of the feed


def test_credits_accept_handles_with_or_without_at_and_commas(signed_in, team):
    ana = UserFactory(email="ana.lopez@example.com", team=team)
    luis = UserFactory(email="luis@example.com", team=team)
    response = post(signed_in, body="Done", credited="ana.lopez, @LUIS  ")
    assert response.status_code == 302
    assert list(Win.objects.get().credited.order_by("credits__id")) == [ana, luis]


def test_unknown_handle_is_refused_by_name(signed_in):
    response = post(signed_in, body="Done", credited="@nobody.here")
    assert response.status_code == 200
    assert form_errors(response) == {"credited": ["credit_unknown"]}
    assert "Nobody here has the handle @nobody.here" in response.text
    assert not Win.objects.exists()


def test_crediting_someone_outside_the_team_on_a_team_only_win_is_refused(signed_in):
    """Credited people are notified and see the win on their profile: it stays in the team."""
    outsider = UserFactory(email="carlos@example.com", name="Carlos Comms", team=TeamFactory())
    response = post(signed_in, body="Team thing", credited="@carlos", visibility="team")
    assert response.status_code == 200
    assert form_errors(response) == {"credited": ["credit_outside_team"]}
    assert "Carlos Comms is not in your team" in response.text
    assert not Win.objects.exists()
    # Mentioned in the text instead: the message sits by the text.
    response = post(signed_in, body="Thanks @carlos", visibility="team")
    assert form_errors(response) == {"body": ["credit_outside_team"]}
    # For everyone, crediting anyone is fine.
    assert post(signed_in, body="Thanks @carlos", visibility="everyone").status_code == 302
    assert list(Win.objects.get().credited.all()) == [outsider]


@pytest.mark.parametrize(
    ("data", "field", "code", "message"),
    [
        ({"body": ""}, "body", "required", "Write a few words about your win."),
        ({"body": "   \n  "}, "body", "required", "Write a few words about your win."),
        (
            {"body": "x" * (WIN_BODY_MAX_LENGTH + 1)},
            "body",
            "max_length",
            "at most 1000 characters long; it has 1001",
        ),
        ({"body": "Hi", "visibility": "world"}, "visibility", "invalid_choice", "Choose who can"),
        ({"body": "Hi", "visibility": ""}, "visibility", "required", "This field is required"),
    ],
    ids=["empty", "blank", "too-long", "bad-visibility", "no-visibility"],
)
def test_invalid_input_is_explained_and_nothing_is_stored(signed_in, data, field, code, message):
    response = signed_in.post(URL, {"visibility": "everyone", **data})
    assert response.status_code == 200
    assert form_errors(response) == {field: [code]}
    assert message in response.text
    html = response.text
    assert 'class="error-summary" role="alert"' in html
    assert f'id="compose_{field}_error"' in html
    if field == "body":
        assert re.search(r'<textarea[^>]*aria-invalid="true"', html)
        assert 'aria-describedby="compose_body_helptext compose_body_error"' in html
        assert 'href="#compose_body"' in html
    else:
        assert 'href="#compose_visibility_0"' in html
    assert not Win.objects.exists()


def test_line_breaks_count_once_as_the_counter_counts_them(signed_in):
    """Browsers send CRLF; 1000 characters with line breaks are 1000, not more."""
    body = ("a" * 99 + "\r\n") * 10  # 100 characters a line once CRLF is one
    assert len(body.replace("\r\n", "\n")) <= WIN_BODY_MAX_LENGTH < len(body)
    assert post(signed_in, body=body).status_code == 302
    assert "\r" not in Win.objects.get().body


def test_team_only_without_a_team_is_refused(client):
    client.force_login(UserFactory(team=None))
    response = post(client, body="Hi", visibility="team")
    assert response.status_code == 200
    assert form_errors(response) == {"visibility": ["invalid_choice"]}
    assert not Win.objects.exists()


def test_csrf_is_enforced(author):
    client = Client(enforce_csrf_checks=True)
    client.force_login(author)
    response = client.post(URL, {"body": "Forged", "visibility": "everyone"})
    assert response.status_code == 403
    assert not Win.objects.exists()
    page = client.get(URL)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    response = client.post(
        URL, {"body": "Mine", "visibility": "everyone", "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302
    assert Win.objects.get().body == "Mine"


# --------------------------------------------------------------------------
# Photos
# --------------------------------------------------------------------------
def test_photo_is_stored_re_encoded_without_exif(signed_in, media_root):
    """A JPEG with GPS tags: only WebP display and thumbnail are stored, upright, metadata-free."""
    original = jpeg_with_gps_and_orientation()
    response = post(
        signed_in,
        body="New office plants",
        image=upload("IMG_0001.jpg", original),
        image_alt="Red above blue",
    )
    assert response.status_code == 302
    win = Win.objects.get()
    assert win.image_status == Win.ImageStatus.READY
    assert win.image_alt == "Red above blue"
    assert (win.image_width, win.image_height) == (200, 400)  # rotated upright
    files = stored_files(media_root)
    assert sorted(p.name for p in files) == sorted(
        [win.image.name.rsplit("/", 1)[1], win.thumbnail.name.rsplit("/", 1)[1]]
    )
    for path in files:
        data = path.read_bytes()
        assert "IMG_0001" not in path.name
        assert data != original
        assert b"Exif" not in data
        stored = Image.open(path)
        assert stored.format == "WEBP"
        assert not stored.getexif()
        assert close(stored.getpixel((stored.width // 2, 5)), RED)


def test_large_photo_is_shrunk_and_the_thumbnail_made(signed_in):
    big = Image.new("RGB", (3000, 2000), RED)
    buffer = io.BytesIO()
    big.save(buffer, "JPEG", quality=80)
    response = post(
        signed_in, body="Panorama", image=upload("wide.jpg", buffer.getvalue()), image_alt="Red"
    )
    assert response.status_code == 302
    win = Win.objects.get()
    assert (win.image_width, win.image_height) == (photos.DISPLAY_MAX_SIDE, 1067)
    assert Image.open(win.thumbnail.path).size == (photos.THUMBNAIL_MAX_SIDE, 320)


def test_photo_needs_a_description(signed_in, media_root):
    """No win is stored; the photo is kept for the next try, only under pending/
    (tests/feed/wins/test_pending_uploads.py)."""
    response = post(signed_in, body="Look", image=upload("me.png", png_with_alpha()))
    assert response.status_code == 200
    assert form_errors(response) == {"image_alt": ["alt_required"]}
    assert "Describe the photo in a few words" in response.text
    assert not Win.objects.exists()
    assert {p.relative_to(media_root).parts[0] for p in stored_files(media_root)} == {"pending"}


@pytest.mark.parametrize(
    ("name", "make", "code", "message"),
    [
        ("notes.jpg", lambda: b"Just some text, not a photo.\n" * 20, "not_image", "not an image"),
        ("bomb.png", bomb_png, "too_many_pixels", "too many pixels"),
    ],
    ids=["text-as-jpg", "decompression-bomb"],
)
def test_bad_photo_is_refused_with_a_message_and_nothing_stored(
    signed_in, media_root, name, make, code, message
):
    response = post(signed_in, body="Look", image=upload(name, make()), image_alt="A photo")
    assert response.status_code == 200
    assert form_errors(response) == {"image": [code]}
    assert message in response.text
    assert name in response.text
    assert not Win.objects.exists()
    assert stored_files(media_root) == []


def test_failed_database_write_leaves_no_file(signed_in, media_root, monkeypatch):
    """Files are written before the row; when the write fails they are deleted again."""

    def broken(*args, **kwargs):
        raise DatabaseError("disk full")

    monkeypatch.setattr(Credit.objects, "bulk_create", broken)
    client = signed_in
    client.raise_request_exception = True
    with pytest.raises(DatabaseError):
        post(
            client,
            body="Crash",
            image=upload("p.jpg", jpeg_with_gps_and_orientation()),
            image_alt="A photo",
        )
    assert not Win.objects.exists()
    assert stored_files(media_root) == []


def test_service_refuses_crediting_outside_the_team_on_a_team_only_win(author, team):
    """`win_create` and `win_update` both refuse it, for credits and @mentions alike."""
    mate = UserFactory(email="ana@example.com", team=team)
    outsider = UserFactory(email="carlos@example.com", name="Carlos Comms", team=TeamFactory())
    no_team = UserFactory(email="nadie@example.com", team=None)
    for kwargs in (
        {"body": "Hi", "credited": [outsider]},
        {"body": "Hi @carlos"},
        {"body": "Hi", "credited": [no_team]},
    ):
        with pytest.raises(services.ValidationError) as caught:
            services.win_create(author=author, visibility="team", **kwargs)
        assert {e.code for e in caught.value.error_list} == {"credit_outside_team"}
    assert not Win.objects.exists()
    with pytest.raises(services.ValidationError) as caught:
        services.win_create(author=author, body="Hi", visibility="team", credited=[outsider])
    assert caught.value.messages == [
        "Carlos Comms is not in your team, so a win for your team only cannot credit them. "
        "Share it with everyone, or take the credit out."
    ]
    win = services.win_create(author=author, body="Hi @ana", visibility="team")
    assert list(win.credited.all()) == [mate]
    win = services.win_update(
        win=win, editor=author, body="Hi", visibility="everyone", credited=[outsider]
    )
    with pytest.raises(services.ValidationError):
        services.win_update(
            win=win, editor=author, body="Hi", visibility="team", credited=[outsider]
        )
    win.refresh_from_db()
    assert win.visibility == "everyone"
    assert list(win.credited.all()) == [outsider]


def test_service_error_after_files_are_written_leaves_no_file(author, media_root):
    """A team-only win crediting an outsider fails after the photo was stored: no file stays."""
    outsider = UserFactory(team=TeamFactory())
    display, thumbnail = photos.photo_files(Image.new("RGB", (800, 600), RED))
    with pytest.raises(services.ValidationError):
        services.win_create(
            author=author,
            body="Team only",
            visibility="team",
            credited=[outsider],
            image=display,
            thumbnail=thumbnail,
            image_alt="Red",
        )
    assert not Win.objects.exists()
    assert stored_files(media_root) == []


# --------------------------------------------------------------------------
# Large photos: processed by a worker after the commit
# --------------------------------------------------------------------------
@pytest.fixture
def small_inline_limit(monkeypatch):
    """Any photo over 100 × 100 goes through the worker (Celery runs eagerly in tests)."""
    monkeypatch.setattr(photos, "INLINE_MAX_PIXELS", 100 * 100)


def test_large_photo_is_processed_after_the_commit(
    signed_in, media_root, small_inline_limit, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = post(
            signed_in,
            body="Big one",
            image=upload("big.jpg", jpeg_with_gps_and_orientation()),
            image_alt="Red above blue",
        )
    assert response.status_code == 302
    win = Win.objects.get()
    assert win.image_status == Win.ImageStatus.PROCESSING
    assert not win.thumbnail
    (source,) = stored_files(media_root)
    assert source.name.endswith("-source.jpg")
    assert b"Exif" not in source.read_bytes()  # even the source is clean pixels only
    assert Image.open(source).size == (200, 400)
    assert len(callbacks) == 1  # the task is queued only once the win is committed

    with django_capture_on_commit_callbacks(execute=True):
        callbacks[0]()
    win.refresh_from_db()
    assert win.image_status == Win.ImageStatus.READY
    assert win.image.name.endswith(".webp")
    assert win.thumbnail.name.endswith(".webp")
    assert (win.image_width, win.image_height) == (200, 400)
    assert sorted(p.name for p in stored_files(media_root)) == sorted(
        [win.image.name.rsplit("/", 1)[1], win.thumbnail.name.rsplit("/", 1)[1]]
    )


def test_processing_is_idempotent_and_a_broken_source_fails_cleanly(
    author, media_root, small_inline_limit, django_capture_on_commit_callbacks
):
    clean = Image.new("RGB", (400, 300), RED)
    with django_capture_on_commit_callbacks(execute=True):
        win = services.win_create(
            author=author, body="Big", image_source=photos.source_file(clean), image_alt="Red"
        )
    win.refresh_from_db()
    assert win.image_status == Win.ImageStatus.READY
    with django_capture_on_commit_callbacks(execute=True):
        assert services.win_image_process(win_id=win.pk) is False  # done already
    assert len(stored_files(media_root)) == 2

    with django_capture_on_commit_callbacks(execute=False):
        broken = services.win_create(
            author=author,
            body="Broken",
            image_source=upload("x-source.jpg", b"not a jpeg"),
            image_alt="?",
        )
    with django_capture_on_commit_callbacks(execute=True):
        assert services.win_image_process(win_id=broken.pk) is False
    broken.refresh_from_db()
    assert broken.image_status == Win.ImageStatus.FAILED
    assert not broken.image
    assert broken.body == "Broken"  # the win itself stays posted
    assert len(stored_files(media_root)) == 2


def test_twelve_megapixel_photo_is_prepared_in_the_request_quickly():
    """The in-request path: a 12 MP phone photo (4032 × 3024), resized and encoded.

    The budget is generous for slow CI machines; the module docstring of
    feed.wins.photos has the numbers measured on a development machine.
    """
    source = Image.linear_gradient("L").resize((4032, 3024)).convert("RGB")
    assert source.width * source.height <= photos.INLINE_MAX_PIXELS
    started = time.perf_counter()
    prepared = photos.photo_prepare(source)
    elapsed = time.perf_counter() - started
    assert not prepared.needs_processing
    assert Image.open(prepared.display).size == (1600, 1200)
    assert Image.open(prepared.thumbnail).size == (480, 360)
    assert elapsed < 3.0


# --------------------------------------------------------------------------
# The compose box on the feed
# --------------------------------------------------------------------------
def test_feed_partial_renders_the_same_form(author, rf: RequestFactory):
    request = rf.get("/")
    request.user = author
    template = Template('{% include "wins/win_form.html#compose" %}')
    html = template.render(Context({"compose_form": WinForm(author=author), "request": request,
                                    "user": author}))  # fmt: skip
    assert f'action="{URL}"' in html
    assert '<textarea name="body"' in html
    assert '<h2 class="visually-hidden" id="compose-title">Share a win</h2>' in html
    assert "What went well today, Emma?" in html
    details = re.search(r"<details[^>]*>", html).group(0)
    assert " open" not in details  # folded on the feed: photo, credits and values


def test_feed_partial_without_a_form_links_to_the_page():
    html = Template('{% include "wins/win_form.html#compose" %}').render(Context({}))
    assert f'href="{URL}"' in html
    assert "Share a win" in html
    assert "<form" not in html
