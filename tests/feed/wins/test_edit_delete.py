"""Editing and deleting a win: only its author, and no file is left behind or lost early.

Someone else's win answers 404 to every method, exactly like a win that does
not exist, so an id in a URL never says whether a win is there.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from PIL import Image

from feed.wins import photos, services
from feed.wins.models import Tag, Win
from tests.factories import TeamFactory, UserFactory, WinFactory
from tests.feed.wins.test_compose import upload
from tests.feed.wins.test_images import BLUE, RED, close, png_with_alpha, stored_files

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def author():
    return UserFactory(email="emma@example.com", team=TeamFactory(name="Customer Care"))


@pytest.fixture
def win(author):
    return services.win_create(author=author, body="First words #soporte", visibility="everyone")


def win_with_photo(author, colour=RED) -> Win:
    display, thumbnail = photos.photo_files(Image.new("RGB", (900, 600), colour))
    return services.win_create(
        author=author, body="With a photo", image=display, thumbnail=thumbnail, image_alt="Red"
    )


def edit_url(win: Win) -> str:
    return reverse("feed:win_edit", args=[win.pk])


def delete_url(win: Win) -> str:
    return reverse("feed:win_delete", args=[win.pk])


def test_urls():
    assert reverse("feed:win_edit", args=[7]) == "/wins/7/edit/"
    assert reverse("feed:win_delete", args=[7]) == "/wins/7/delete/"


# --------------------------------------------------------------------------
# Editing
# --------------------------------------------------------------------------
def test_edit_form_is_prefilled(client, author):
    value = Tag.objects.create(name="Equipo", is_value=True)
    mate = UserFactory(email="ana@example.com", team=author.team)
    mentioned = UserFactory(email="luis@example.com", team=author.team)
    win = services.win_create(
        author=author,
        body="Shipped it with @luis",
        visibility="team",
        tag_names=["Equipo"],
        credited=[mate],
    )
    client.force_login(author)
    response = client.get(edit_url(win))
    assert response.status_code == 200
    form = response.context["compose_form"]
    assert form["body"].value() == "Shipped it with @luis"
    assert form["visibility"].value() == "team"
    assert list(form["tags"].value()) == [value.pk]
    # Credited in the text stays in the text; only the others are in the field.
    assert form["credited"].value() == "@ana"
    assert mentioned in win.credited.all()
    assert "Save changes" in response.text
    assert f'href="{delete_url(win)}"' in response.text


def test_author_edits_and_the_win_is_marked_edited(client, author, win):
    client.force_login(author)
    response = client.post(
        edit_url(win), {"body": "Better words #calidad", "visibility": "team", "credited": ""}
    )
    assert response.status_code == 302
    assert response["Location"] == win.get_absolute_url()
    win.refresh_from_db()
    assert win.body == "Better words #calidad"
    assert win.visibility == "team"
    assert win.edited_at is not None
    assert list(win.tags.values_list("name", flat=True)) == ["calidad"]


def test_edit_returns_to_a_safe_next_only(client, author, win):
    client.force_login(author)
    data = {"body": "Again", "visibility": "everyone", "next": "/?tag=x"}
    assert client.post(edit_url(win), data)["Location"] == "/?tag=x"
    data["next"] = "https://evil.example.net/"
    assert client.post(edit_url(win), data)["Location"] == win.get_absolute_url()


def test_invalid_edit_changes_nothing(client, author, win):
    client.force_login(author)
    response = client.post(edit_url(win), {"body": "  ", "visibility": "everyone"})
    assert response.status_code == 200
    assert "Your changes were not saved" in response.text
    win.refresh_from_db()
    assert win.body == "First words #soporte"
    assert win.edited_at is None


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("url", [edit_url, delete_url], ids=["edit", "delete"])
def test_someone_else_gets_404_and_changes_nothing(client, win, url, method):
    """Teammate, stranger or staff: not the author, so not found."""
    for other in (UserFactory(team=win.author.team), UserFactory(is_staff=True)):
        client.force_login(other)
        response = getattr(client, method)(url(win), {"body": "Hijacked", "visibility": "everyone"})
        assert response.status_code == 404
    win.refresh_from_db()
    assert win.body == "First words #soporte"


@pytest.mark.parametrize("url", [edit_url, delete_url], ids=["edit", "delete"])
def test_missing_win_is_404_too(client, author, url):
    client.force_login(author)
    assert client.get(url(Win(pk=999_999))).status_code == 404


@pytest.mark.parametrize("url", [edit_url, delete_url], ids=["edit", "delete"])
def test_sign_in_is_required(client, win, url):
    response = client.post(url(win), {"body": "x", "visibility": "everyone"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert Win.objects.filter(pk=win.pk, body="First words #soporte").exists()


# --------------------------------------------------------------------------
# The photo on edit: keep, replace, remove
# --------------------------------------------------------------------------
def test_photo_is_kept_when_untouched(client, author, media_root):
    win = win_with_photo(author)
    before = sorted(stored_files(media_root))
    client.force_login(author)
    response = client.post(
        edit_url(win), {"body": "New words", "visibility": "everyone", "image_alt": "Red"}
    )
    assert response.status_code == 302
    win.refresh_from_db()
    assert win.image_status == Win.ImageStatus.READY
    assert sorted(stored_files(media_root)) == before


def test_kept_photo_still_needs_its_description(client, author):
    win = win_with_photo(author)
    client.force_login(author)
    response = client.post(edit_url(win), {"body": "x", "visibility": "everyone", "image_alt": ""})
    assert response.status_code == 200
    assert "Describe the photo" in response.text


def test_replacing_the_photo_deletes_the_old_files_after_the_commit(
    client, author, media_root, django_capture_on_commit_callbacks
):
    win = win_with_photo(author)
    old = set(stored_files(media_root))
    assert len(old) == 2
    client.force_login(author)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(
            edit_url(win),
            {
                "body": "Better photo",
                "visibility": "everyone",
                "image": upload("new.png", png_with_alpha()),
                "image_alt": "A red square",
            },
        )
        assert response.status_code == 302
    # Committed, but the callbacks have not run: both old and new files exist.
    assert old < set(stored_files(media_root))
    for callback in callbacks:
        callback()
    now = set(stored_files(media_root))
    assert not (old & now)
    assert len(now) == 2
    win.refresh_from_db()
    assert win.image_alt == "A red square"
    assert (win.image_width, win.image_height) == (300, 300)
    assert Image.open(win.image.path).mode == "RGBA"


def test_removing_the_photo_deletes_its_files(
    client, author, media_root, django_capture_on_commit_callbacks
):
    win = win_with_photo(author)
    client.force_login(author)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            edit_url(win), {"body": "No photo", "visibility": "everyone", "remove_image": "on"}
        )
    assert response.status_code == 302
    win.refresh_from_db()
    assert not win.image
    assert not win.thumbnail
    assert win.image_status == Win.ImageStatus.NONE
    assert win.image_alt == ""
    assert (win.image_width, win.image_height) == (None, None)
    assert stored_files(media_root) == []


def test_new_photo_and_remove_together_is_refused(client, author, media_root):
    win = win_with_photo(author)
    before = sorted(stored_files(media_root))
    client.force_login(author)
    response = client.post(
        edit_url(win),
        {
            "body": "Both",
            "visibility": "everyone",
            "remove_image": "on",
            "image": upload("new.png", png_with_alpha()),
            "image_alt": "x",
        },
    )
    assert response.status_code == 200
    assert "not both" in response.text
    assert sorted(stored_files(media_root)) == before


def test_failed_replacement_keeps_the_old_photo_and_stores_no_new_file(author, media_root):
    """The edit fails after the new files were written: they go, the old ones stay."""
    win = win_with_photo(author, colour=BLUE)
    old = sorted(stored_files(media_root))
    display, thumbnail = photos.photo_files(Image.new("RGB", (500, 500), RED))
    with pytest.raises(services.ValidationError):
        services.win_update(
            win=win,
            editor=author,
            body="Team only now",
            visibility="team",
            credited=[UserFactory(team=TeamFactory())],
            image=display,
            thumbnail=thumbnail,
        )
    assert sorted(stored_files(media_root)) == old
    win.refresh_from_db()
    assert close(Image.open(win.image.path).getpixel((10, 10)), BLUE)


def test_editing_to_team_only_checks_the_credits(client, author, win):
    outsider = UserFactory(email="carlos@example.com", name="Carlos", team=TeamFactory())
    services.win_update(
        win=win, editor=author, body=win.body, visibility="everyone", credited=[outsider]
    )
    client.force_login(author)
    response = client.post(
        edit_url(win), {"body": win.body, "visibility": "team", "credited": "@carlos"}
    )
    assert response.status_code == 200
    assert "Carlos is not in your team" in response.text
    win.refresh_from_db()
    assert win.visibility == "everyone"


# --------------------------------------------------------------------------
# Deleting
# --------------------------------------------------------------------------
def test_delete_asks_first(client, author, win):
    client.force_login(author)
    response = client.get(delete_url(win))
    assert response.status_code == 200
    assert "Delete your win?" in response.text
    assert "First words" in response.text
    assert f'action="{delete_url(win)}"' in response.text
    assert Win.objects.filter(pk=win.pk).exists()


def test_delete_needs_post_and_removes_the_win_and_its_files(
    client, author, media_root, django_capture_on_commit_callbacks
):
    win = win_with_photo(author)
    client.force_login(author)
    assert client.put(delete_url(win)).status_code == 405
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(delete_url(win), follow=True)
    assert response.redirect_chain == [(reverse("feed:home"), 302)]
    assert "Your win is deleted." in response.text
    assert not Win.objects.filter(pk=win.pk).exists()
    assert stored_files(media_root) == []


def test_other_wins_are_untouched_by_a_delete(client, author, win):
    other = WinFactory()
    client.force_login(author)
    client.post(delete_url(win))
    assert Win.objects.filter(pk=other.pk).exists()
