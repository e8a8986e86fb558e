"""A photo survives a form error: kept as a pending upload of its owner, posted
with the win on the next try, never attachable by anyone else, swept when old.

`feed.wins.pending`, used by `feed.wins.forms.WinForm` and the compose views.
"""

from __future__ import annotations

import re
from datetime import timedelta
from io import StringIO

import pytest
from django.core import signing
from django.core.management import call_command
from django.utils import timezone
from PIL import Image

from feed.wins import pending, photos, tasks
from feed.wins.models import PendingUpload, Win
from tests.factories import TeamFactory, UserFactory, WinFactory
from tests.feed.wins.test_compose import upload
from tests.feed.wins.test_images import RED, jpeg_with_gps_and_orientation, stored_files

pytestmark = pytest.mark.django_db

URL = "/wins/new/"
KEPT = "Your photo is kept"


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


def photo():
    return upload("IMG_0001.jpg", jpeg_with_gps_and_orientation())


def token_in(html: str) -> str:
    return re.search(r'name="pending_photo" value="([^"]+)"', html).group(1)


def kept_without_text(client, **extra) -> str:
    """Post a photo without the text: the form comes back, the photo kept. Its token."""
    data = {"body": "", "visibility": "everyone", "image": photo(), "image_alt": "Red", **extra}
    response = client.post(URL, data)
    assert response.status_code == 200
    assert KEPT in response.text
    return token_in(response.text)


def files_under(root, folder: str) -> list:
    return [p for p in stored_files(root) if p.relative_to(root).parts[0] == folder]


# --------------------------------------------------------------------------
# Kept, shown, posted
# --------------------------------------------------------------------------
def test_missing_text_keeps_the_photo_with_a_preview(signed_in, author, media_root):
    response = signed_in.post(
        URL, {"body": "", "visibility": "everyone", "image": photo(), "image_alt": "Red"}
    )
    assert response.status_code == 200
    assert "Write a few words about your win." in response.text
    assert "Your photo is kept: it will be posted with your win" in response.text
    assert not Win.objects.exists()
    kept = PendingUpload.objects.get()
    assert kept.owner == author
    assert kept.image.name.startswith("pending/")
    assert kept.preview.name.startswith("pending/")
    assert f'src="{kept.preview.url}"' in response.text
    assert 'name="remove_pending_photo"' in response.text
    assert "Remove photo" in response.text
    # Clean pixels only, never the uploaded bytes with their GPS tags.
    for path in files_under(media_root, "pending"):
        assert b"Exif" not in path.read_bytes()
        assert "IMG_0001" not in path.name
    # Its owner sees the preview; nobody else, even signed in.
    assert signed_in.get(kept.preview.url).status_code == 200
    other = UserFactory(team=author.team)
    signed_in.force_login(other)
    assert signed_in.get(kept.preview.url).status_code == 404
    assert signed_in.get(kept.image.url).status_code == 404


def test_posting_again_with_the_text_posts_the_photo(
    signed_in, author, media_root, django_capture_on_commit_callbacks
):
    token = kept_without_text(signed_in)
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in.post(
            URL,
            {
                "body": "New plants",
                "visibility": "everyone",
                "pending_photo": token,
                "image_alt": "Red",
            },
        )
    assert response.status_code == 302
    win = Win.objects.get()
    assert win.image_status == Win.ImageStatus.READY
    assert (win.image_width, win.image_height) == (200, 400)  # upright, as uploaded
    assert win.image_alt == "Red"
    assert not PendingUpload.objects.exists()
    assert files_under(media_root, "pending") == []  # its files went with the row
    assert len(files_under(media_root, "wins")) == 2


def test_a_refused_credit_keeps_the_photo(signed_in, author):
    outsider = UserFactory(email="carlos@example.com", name="Carlos Comms", team=TeamFactory())
    response = signed_in.post(
        URL,
        {
            "body": "Team thing",
            "visibility": "team",
            "credited": "@carlos",
            "image": photo(),
            "image_alt": "Red",
        },
    )
    assert response.status_code == 200
    assert "Carlos Comms is not in your team" in response.text
    assert KEPT in response.text
    assert not Win.objects.exists()
    response = signed_in.post(
        URL,
        {
            "body": "Team thing",
            "visibility": "everyone",
            "credited": "@carlos",
            "pending_photo": token_in(response.text),
            "image_alt": "Red",
        },
    )
    assert response.status_code == 302
    win = Win.objects.get()
    assert list(win.credited.all()) == [outsider]
    assert win.image_status == Win.ImageStatus.READY


def test_a_second_error_keeps_the_same_photo(signed_in):
    token = kept_without_text(signed_in)
    response = signed_in.post(
        URL, {"body": "", "visibility": "everyone", "pending_photo": token, "image_alt": ""}
    )
    assert response.status_code == 200
    assert KEPT in response.text
    assert "Describe the photo in a few words" in response.text  # a kept photo needs it too
    assert PendingUpload.objects.count() == 1


def test_a_new_photo_replaces_the_kept_one(
    signed_in, media_root, django_capture_on_commit_callbacks
):
    token = kept_without_text(signed_in)
    first = PendingUpload.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in.post(
            URL,
            {
                "body": "",
                "visibility": "everyone",
                "pending_photo": token,
                "image": photo(),
                "image_alt": "Red",
            },
        )
    assert KEPT in response.text
    second = PendingUpload.objects.get()
    assert second.pk != first.pk
    assert len(files_under(media_root, "pending")) == 2


def test_remove_photo_posts_without_it(signed_in, media_root, django_capture_on_commit_callbacks):
    token = kept_without_text(signed_in)
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in.post(
            URL,
            {
                "body": "No photo after all",
                "visibility": "everyone",
                "pending_photo": token,
                "remove_pending_photo": "on",
            },
        )
    assert response.status_code == 302
    assert not Win.objects.get().image
    assert not PendingUpload.objects.exists()
    assert stored_files(media_root) == []


def test_remove_photo_with_another_error_drops_it(
    signed_in, media_root, django_capture_on_commit_callbacks
):
    token = kept_without_text(signed_in)
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in.post(
            URL,
            {
                "body": "",
                "visibility": "everyone",
                "pending_photo": token,
                "remove_pending_photo": "on",
            },
        )
    assert response.status_code == 200
    assert KEPT not in response.text
    assert 'name="pending_photo"' not in response.text
    assert not PendingUpload.objects.exists()
    assert stored_files(media_root) == []


# --------------------------------------------------------------------------
# Nobody attaches someone else's upload
# --------------------------------------------------------------------------
def test_someone_elses_token_is_refused_and_nothing_is_posted(client, author, team):
    client.force_login(author)
    token = kept_without_text(client)
    thief = UserFactory(email="thief@example.com", team=team)
    client.force_login(thief)
    response = client.post(
        URL,
        {"body": "Mine now", "visibility": "everyone", "pending_photo": token, "image_alt": "x"},
    )
    assert response.status_code == 200
    assert "The photo kept from your last try is no longer available" in response.text
    assert not Win.objects.exists()
    assert PendingUpload.objects.get().owner == author  # untouched


@pytest.mark.parametrize(
    "token",
    [
        "forged",
        signing.dumps({"id": 1, "owner": 1}, salt="another.salt"),
        signing.dumps({"id": 1, "owner": 1}),
    ],
    ids=["garbage", "other-salt", "no-salt"],
)
def test_a_forged_token_is_refused(signed_in, token):
    response = signed_in.post(
        URL, {"body": "Hi", "visibility": "everyone", "pending_photo": token, "image_alt": "x"}
    )
    assert response.status_code == 200
    assert "The photo kept from your last try is no longer available" in response.text
    assert not Win.objects.exists()


def test_a_token_for_a_foreign_row_signed_for_me_finds_nothing(signed_in, author):
    """Even a genuine signature for this person cannot reach another person's row."""
    other = UserFactory()
    theirs = pending.pending_upload_create(owner=other, image=Image.new("RGB", (50, 50), RED))
    token = signing.dumps({"id": theirs.pk, "owner": author.pk}, salt=pending.SIGNING_SALT)
    response = signed_in.post(
        URL, {"body": "Hi", "visibility": "everyone", "pending_photo": token, "image_alt": "x"}
    )
    assert response.status_code == 200
    assert not Win.objects.exists()


def test_an_expired_token_is_refused(signed_in, settings):
    token = kept_without_text(signed_in)
    settings.PENDING_UPLOAD_MAX_AGE_HOURS = 0
    response = signed_in.post(
        URL, {"body": "Hi", "visibility": "everyone", "pending_photo": token, "image_alt": "x"}
    )
    assert response.status_code == 200
    assert "no longer available" in response.text
    assert not Win.objects.exists()


def test_a_kept_photo_is_used_once(signed_in, author):
    """Sending the same form twice posts one win with the photo, not two."""
    token = kept_without_text(signed_in)
    data = {"body": "Twice", "visibility": "everyone", "pending_photo": token, "image_alt": "R"}
    assert signed_in.post(URL, data).status_code == 302
    response = signed_in.post(URL, data)
    assert response.status_code == 200
    assert Win.objects.count() == 1


# --------------------------------------------------------------------------
# Edit, large photos, htmx
# --------------------------------------------------------------------------
def test_editing_keeps_a_new_photo_through_an_error(signed_in, author):
    win = WinFactory(author=author, body="Before")
    url = f"/wins/{win.pk}/edit/"
    response = signed_in.post(
        url, {"body": "", "visibility": "everyone", "image": photo(), "image_alt": "Red"}
    )
    assert response.status_code == 200
    assert KEPT in response.text
    response = signed_in.post(
        url,
        {
            "body": "After",
            "visibility": "everyone",
            "pending_photo": token_in(response.text),
            "image_alt": "Red",
        },
    )
    assert response.status_code == 302
    win.refresh_from_db()
    assert win.body == "After"
    assert win.image_status == Win.ImageStatus.READY
    assert not PendingUpload.objects.exists()


def test_a_large_kept_photo_goes_through_the_worker(
    signed_in, monkeypatch, django_capture_on_commit_callbacks
):
    token = kept_without_text(signed_in)
    monkeypatch.setattr(photos, "INLINE_MAX_PIXELS", 100 * 100)
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in.post(
            URL, {"body": "Big", "visibility": "everyone", "pending_photo": token, "image_alt": "R"}
        )
    assert response.status_code == 302
    win = Win.objects.get()
    assert win.image_status == Win.ImageStatus.READY  # processed by the (eager) task
    assert win.thumbnail.name.endswith(".webp")


def test_htmx_gets_the_form_partial_with_the_photo_and_a_redirect_after(signed_in):
    response = signed_in.post(
        URL,
        {"body": "", "visibility": "everyone", "image": photo(), "image_alt": "Red"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert KEPT in response.text
    assert "<html" not in response.text  # the compose partial only
    response = signed_in.post(
        URL,
        {
            "body": "Via htmx",
            "visibility": "everyone",
            "pending_photo": token_in(response.text),
            "image_alt": "Red",
        },
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 204
    assert response["HX-Redirect"] == "/"
    assert Win.objects.get().image_status == Win.ImageStatus.READY


# --------------------------------------------------------------------------
# The sweep
# --------------------------------------------------------------------------
def test_sweep_deletes_old_rows_and_their_files(
    author, media_root, settings, django_capture_on_commit_callbacks
):
    settings.PENDING_UPLOAD_MAX_AGE_HOURS = 24
    image = Image.new("RGB", (60, 40), RED)
    old = pending.pending_upload_create(owner=author, image=image)
    fresh = pending.pending_upload_create(owner=author, image=image)
    PendingUpload.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(hours=25))
    assert len(stored_files(media_root)) == 4
    assert pending.pending_uploads_sweep(dry_run=True) == 1
    assert PendingUpload.objects.count() == 2
    with django_capture_on_commit_callbacks(execute=True):
        tasks.pending_uploads_sweep()  # the beat task
    assert list(PendingUpload.objects.all()) == [fresh]
    names = {p.relative_to(media_root).as_posix() for p in stored_files(media_root)}
    assert names == {fresh.image.name, fresh.preview.name}
    assert pending.pending_uploads_sweep() == 0  # safe to repeat


def test_sweep_command(author, settings):
    old = pending.pending_upload_create(owner=author, image=Image.new("RGB", (60, 40), RED))
    PendingUpload.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=2))
    out = StringIO()
    call_command("sweep_pending_uploads", "--dry-run", stdout=out)
    assert "1 kept photos would be deleted" in out.getvalue()
    assert PendingUpload.objects.exists()
    call_command("sweep_pending_uploads", stdout=out)
    assert "Done: 1 kept photos deleted" in out.getvalue()
    assert not PendingUpload.objects.exists()
