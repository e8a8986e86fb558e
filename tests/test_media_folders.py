"""Each domain registers the rule of its folders with `wins_net.media` at start-up;
a folder without one is never served."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from feed.highlights.media import highlight_image_access
from feed.wins.media import (
    avatar_access,
    pending_upload_access,
    win_photo_access,
    win_photo_in_email,
)
from wins_net.media import media_access, media_folders


def test_each_folder_has_the_rule_of_its_domain():
    folders = media_folders()
    assert set(folders) == {"wins", "avatars", "pending", "highlights"}
    assert folders["wins"].access is win_photo_access
    assert folders["wins"].email is win_photo_in_email
    assert folders["avatars"].access is avatar_access
    assert folders["highlights"].access is highlight_image_access
    assert folders["pending"].access is pending_upload_access
    assert folders["avatars"].email is None
    assert folders["pending"].email is None
    assert folders["highlights"].email is None


def test_a_folder_without_a_rule_is_never_served():
    assert media_access(user=AnonymousUser(), name="static/abc.webp") is None
