"""The photos in emails (the digest's and comms' candidates' thumbnails), served by
wins_net/media.py to mail clients, which send no session.

Their addresses are signed for one file and the one person the email went to,
stop working after EMAIL_IMAGE_LINK_DAYS, and are checked again on every
request: a win hidden, deleted or narrowed to a team since the email was sent
stops showing in it, as it would in the app.
"""

from __future__ import annotations

import re
import time
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core import signing
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image

from feed.notifications.emails import message_build
from feed.notifications.models import Email
from feed.wins.models import Report, Win
from feed.wins.photos import photo_files
from feed.wins.services import content_hide, report_create, win_create, win_delete, win_update
from tests.factories import TeamFactory, UserFactory, comms_user, moderator_user
from tests.feed.notifications.digest_helpers import (
    LAST_WEEK,
    in_last_week,
    manager_with_team,
    win_at,
)
from wins_net.images import avatar_file
from wins_net.media import EMAIL_CACHE_CONTROL, EMAIL_SIGNATURE_PARAM, media_email_url

pytestmark = pytest.mark.django_db

RED = (200, 30, 30)
DAY = 24 * 60 * 60


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def photo() -> dict:
    display, thumbnail = photo_files(Image.new("RGB", (64, 48), RED))
    return {"image": display, "thumbnail": thumbnail, "image_alt": "A red square"}


@pytest.fixture
def people():
    care = TeamFactory(name="Customer Care")
    return {
        "author": UserFactory(name="Ana García", team=care),
        "colleague": UserFactory(name="Luis Pérez", team=care),
        "outsider": UserFactory(name="Eva Ruiz", team=TeamFactory(name="Finance")),
        "moderator": moderator_user(name="Mo Derator"),
    }


@pytest.fixture
def win(people):
    return win_create(author=people["author"], body="We shipped the new help centre", **photo())


def signed_days_ago(monkeypatch, days: float) -> None:
    """Signatures made from now on carry a time `days` in the past."""
    now = time.time
    monkeypatch.setattr(
        signing.TimestampSigner,
        "timestamp",
        lambda self: signing.b62_encode(int(now() - days * DAY)),
    )


def img_src(message) -> str:
    """The path of the one image in an email's HTML part."""
    (html, _mimetype), *_ = message.alternatives
    (src,) = re.findall(r'<img\b[^>]*\bsrc="([^"]+)"', html)
    return src.replace("&amp;", "&").removeprefix(settings.SITE_URL)


def store_files_of(win: Win) -> None:
    """The files a win row names (`win_at` makes rows only)."""
    for field in (win.image, win.thumbnail):
        default_storage.save(field.name, ContentFile(b"RIFF\x00\x00\x00\x00WEBP"))


# --------------------------------------------------------------------------
# One file, one recipient
# --------------------------------------------------------------------------
def test_the_link_opens_without_signing_in(client, people, win):
    response = client.get(media_email_url(win.thumbnail.name, recipient=people["outsider"]))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/webp"
    assert "Cross-Origin-Resource-Policy" not in response  # webmail shows it from its origin
    assert not response.cookies
    # Kept briefly, so a change to the win reaches mail clients that show it again.
    assert response["Cache-Control"] == EMAIL_CACHE_CONTROL
    assert "immutable" not in response["Cache-Control"]


def test_a_link_is_for_one_file_and_one_recipient(client, people, win):
    """Another name, another person's id, a cut signature or the old unsigned-for-anyone
    form: all 404."""
    other = win_create(author=people["author"], body="Another one", **photo())
    url = media_email_url(win.thumbnail.name, recipient=people["outsider"])
    token = url.split(f"{EMAIL_SIGNATURE_PARAM}=")[1]
    outsider_id, colleague_id = str(people["outsider"].pk), str(people["colleague"].pk)
    old_form = signing.Signer(salt="wins.media.email").signature(win.thumbnail.name)

    assert client.get(url.replace(win.thumbnail.name, other.thumbnail.name)).status_code == 404
    assert client.get(url.replace(f"={outsider_id}.", f"={colleague_id}.")).status_code == 404
    assert client.get(url[:-3] + "abc").status_code == 404
    assert client.get(url.replace(token, token.partition(".")[2])).status_code == 404
    assert client.get(f"{win.thumbnail.url}?s={old_form}").status_code == 404
    assert client.get(win.thumbnail.url).status_code == 404  # nor without a signature


def test_only_a_wins_photo_is_served_to_a_signed_link(client, people):
    """An avatar is not a win's photo: signing its name does not open it."""
    avatar = avatar_file(Image.new("RGB", (300, 300), RED))
    people["author"].avatar.save(avatar.name, avatar)
    name = people["author"].avatar.name

    response = client.get(media_email_url(name, recipient=people["colleague"]))

    assert response.status_code == 404


# --------------------------------------------------------------------------
# It ages
# --------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("days_old", "limit", "status"),
    [(59, 60, 200), (61, 60, 404), (6, 7, 200), (8, 7, 404)],
)
def test_a_link_stops_working_after_email_image_link_days(
    client, settings, monkeypatch, people, win, days_old, limit, status
):
    settings.EMAIL_IMAGE_LINK_DAYS = limit
    signed_days_ago(monkeypatch, days_old)
    url = media_email_url(win.thumbnail.name, recipient=people["colleague"])
    monkeypatch.undo()

    assert client.get(url).status_code == status


def test_sixty_days_by_default():
    assert settings.EMAIL_IMAGE_LINK_DAYS == 60


# --------------------------------------------------------------------------
# Checked again on every request
# --------------------------------------------------------------------------
def _hide(win: Win, people) -> None:
    report = report_create(reporter=people["colleague"], reason=Report.Reason.CONFIDENTIAL, win=win)
    content_hide(report=report, moderator=people["moderator"], reason="")


def _narrow_to_team(win: Win, people) -> None:
    win_update(win=win, editor=people["author"], body=win.body, visibility=Win.Visibility.TEAM)


def _delete(win: Win, people) -> None:
    win_delete(win=win, user=people["author"])


def _replace_photo(win: Win, people) -> None:
    win_update(
        win=win, editor=people["author"], body=win.body, visibility=win.visibility, **photo()
    )


def _recipient_leaves(win: Win, people) -> None:
    people["outsider"].is_active = False
    people["outsider"].save(update_fields=["is_active"])


@pytest.mark.parametrize(
    "since",
    [_hide, _narrow_to_team, _delete, _replace_photo, _recipient_leaves],
    ids=["hidden", "narrowed to a team", "deleted", "photo replaced", "recipient left"],
)
def test_a_photo_stops_showing_once_its_win_is_no_longer_shown(client, people, win, since):
    """The file stays on disk here (deleting it waits for the commit): the row decides."""
    url = media_email_url(win.thumbnail.name, recipient=people["outsider"])
    photo_url = media_email_url(win.image.name, recipient=people["outsider"])
    assert client.get(url).status_code == 200

    since(win, people)

    assert default_storage.exists(win.thumbnail.name)
    assert client.get(url).status_code == 404
    assert client.get(photo_url).status_code == 404


def test_narrowed_to_a_team_it_still_shows_to_that_team(client, people, win):
    to_colleague = media_email_url(win.thumbnail.name, recipient=people["colleague"])
    to_outsider = media_email_url(win.thumbnail.name, recipient=people["outsider"])

    _narrow_to_team(win, people)

    assert client.get(to_colleague).status_code == 200
    assert client.get(to_outsider).status_code == 404


@pytest.mark.parametrize("recipient", ["author", "moderator"])
def test_a_hidden_photo_stays_out_of_emails_even_for_its_author_and_staff(
    client, people, win, recipient
):
    """In the app they still see it, with why; an email is not the place for it."""
    url = media_email_url(win.thumbnail.name, recipient=people[recipient])

    _hide(win, people)

    assert client.get(url).status_code == 404


def test_each_request_costs_two_queries(client, people, win, django_assert_num_queries):
    url = media_email_url(win.thumbnail.name, recipient=people["colleague"])

    with django_assert_num_queries(2):  # the recipient, the win
        assert client.get(url).status_code == 200


# --------------------------------------------------------------------------
# In the emails themselves
# --------------------------------------------------------------------------
def test_the_digests_thumbnail_stops_showing_once_the_win_is_hidden(client, people):
    manager, (ana, _luis) = manager_with_team()
    win = win_at(ana, in_last_week(), "With a picture", photo=True)
    store_files_of(win)
    digest = Email.objects.create(recipient=manager, kind=Email.Kind.DIGEST, period=LAST_WEEK)

    src = img_src(message_build(email=digest))

    assert f"{EMAIL_SIGNATURE_PARAM}={manager.pk}." in urlsplit(src).query
    assert client.get(src).status_code == 200
    _hide(win, {**people, "colleague": ana})
    assert client.get(src).status_code == 404


def test_the_candidates_thumbnail_stops_showing_once_the_win_is_narrowed_to_a_team(client):
    """Comms are not in the win's team: once narrowed to it, it leaves their email too."""
    carla = comms_user(name="Carla Comms", email="carla@example.com")
    ana = UserFactory(name="Ana Arias", team=TeamFactory(name="Customer Care"))
    win = win_at(ana, in_last_week(), "Worth a story", reactions=3, photo=True)
    store_files_of(win)
    candidates = Email.objects.create(recipient=carla, kind=Email.Kind.CANDIDATES, period=LAST_WEEK)

    src = img_src(message_build(email=candidates))

    assert client.get(src).status_code == 200
    win_update(win=win, editor=ana, body=win.body, visibility=Win.Visibility.TEAM)
    assert client.get(src).status_code == 404
