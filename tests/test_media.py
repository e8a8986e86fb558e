"""Uploaded files served by the app (wins_net/media.py), with the rules of the pages.

A published highlight's image is public; a win's photo and thumbnail go to the
people who can see the win, avatars to signed-in people; everything else,
including any name that could leave MEDIA_ROOT and a missing file, is a 404.
"""

from __future__ import annotations

import uuid

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import resolve
from django.utils.http import http_date
from PIL import Image

from feed.highlights import services as highlights
from feed.highlights.consents import consent_answer, consent_request
from feed.wins.media import win_thumbnail
from feed.wins.models import Win
from feed.wins.photos import photo_files
from feed.wins.services import win_create
from tests.factories import TeamFactory, UserFactory, comms_user
from wins_net.images import avatar_file
from wins_net.media import (
    PRIVATE_CACHE_CONTROL,
    PUBLIC_CACHE_CONTROL,
    MediaAccess,
    media_access,
    media_email_url,
    media_file,
    media_urlpatterns,
)

pytestmark = pytest.mark.django_db

RED = (200, 30, 30)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def photo() -> dict:
    display, thumbnail = photo_files(Image.new("RGB", (64, 48), RED))
    return {"image": display, "thumbnail": thumbnail, "image_alt": "A red square"}


@pytest.fixture
def people(db):
    care = TeamFactory(name="Customer Care")
    return {
        "author": UserFactory(name="Ana García", team=care),
        "colleague": UserFactory(name="Luis Pérez", team=care),
        "outsider": UserFactory(name="Eva Ruiz", team=TeamFactory(name="Finance")),
        "comms": comms_user(email="comms.person@example.com", team=TeamFactory(name="Comms")),
    }


def _highlight(people, body: str):
    win = win_create(author=people["author"], body=body, **photo())
    return highlights.highlight_propose(win=win, by=people["comms"])


@pytest.fixture
def files(people) -> dict[str, str]:
    """One URL of each kind of stored file, by what it is."""
    author, comms = people["author"], people["comms"]
    shared = win_create(author=author, body="We shipped the new help centre", **photo())
    team_only = win_create(
        author=author, body="Team-only: the Q3 renegotiation", visibility="team", **photo()
    )
    avatar = avatar_file(Image.new("RGB", (300, 300), RED))
    author.avatar.save(avatar.name, avatar)

    draft = _highlight(people, "A draft story")
    awaiting = _highlight(people, "A story waiting for consent")
    consent_request(highlight=awaiting, by=comms)

    published = _highlight(people, "A published story")
    consent_request(highlight=published, by=comms)
    consent_answer(consent=published.consents.get(person=author), person=author, approve=True)
    published.refresh_from_db()
    highlights.highlight_publish(highlight=published, by=comms)

    withdrawn = _highlight(people, "A story published, then withdrawn")
    consent_request(highlight=withdrawn, by=comms)
    consent_answer(consent=withdrawn.consents.get(person=author), person=author, approve=True)
    withdrawn.refresh_from_db()
    highlights.highlight_publish(highlight=withdrawn, by=comms)
    highlights.highlight_withdraw(highlight=withdrawn, by=comms)

    declined = _highlight(people, "A story its author declined")
    consent_request(highlight=declined, by=comms)
    consent_answer(consent=declined.consents.get(person=author), person=author, approve=False)
    declined.refresh_from_db()
    assert declined.status == "declined"

    return {
        "win photo": shared.image.url,
        "win thumbnail": shared.thumbnail.url,
        "team win photo": team_only.image.url,
        "team win thumbnail": team_only.thumbnail.url,
        "avatar": author.avatar.url,
        "published highlight": published.image.url,
        "withdrawn highlight": withdrawn.image.url,
        "declined highlight": declined.image.url,
        "draft highlight": draft.image.url,
        "awaiting highlight": awaiting.image.url,
    }


# Who gets what: 200 or 404. The author is the person asked for consent.
EXPECTED = {
    "win photo": {"anonymous": 404, "colleague": 200, "outsider": 200, "comms": 200},
    "win thumbnail": {"anonymous": 404, "colleague": 200, "outsider": 200, "comms": 200},
    "team win photo": {"anonymous": 404, "colleague": 200, "outsider": 404, "comms": 404},
    "team win thumbnail": {"anonymous": 404, "colleague": 200, "outsider": 404, "comms": 404},
    "avatar": {"anonymous": 404, "colleague": 200, "outsider": 200, "comms": 200},
    "published highlight": {"anonymous": 200, "colleague": 200, "outsider": 200, "comms": 200},
    "withdrawn highlight": {"anonymous": 404, "author": 404, "outsider": 404, "comms": 200},
    "declined highlight": {"anonymous": 404, "author": 404, "outsider": 404, "comms": 200},
    "draft highlight": {"anonymous": 404, "author": 404, "outsider": 404, "comms": 200},
    "awaiting highlight": {"anonymous": 404, "author": 200, "outsider": 404, "comms": 200},
}
CASES = [(what, who, status) for what, row in EXPECTED.items() for who, status in row.items()]


@pytest.mark.parametrize(("what", "who", "status"), CASES)
def test_who_gets_which_file(client, people, files, what, who, status):
    """Public highlight images to anyone; other highlight images to curators and,
    while the highlight is open, the people asked; win photos to whoever sees the
    win; avatars to signed-in people. Forbidden looks exactly like missing."""
    if who != "anonymous":
        client.force_login(people[who])
    response = client.get(files[what])
    assert response.status_code == status
    if status == 200:
        assert b"".join(response.streaming_content)[:4] == b"RIFF"  # WebP


def test_anonymous_is_not_sent_to_sign_in(client, files):
    """A 404, not a redirect to the sign-in page: nothing says the file exists."""
    response = client.get(files["win photo"])
    assert response.status_code == 404
    assert "Location" not in response.headers


def test_a_person_who_left_gets_nothing(client, people, files):
    colleague = people["colleague"]
    client.force_login(colleague)
    colleague.is_active = False
    colleague.save(update_fields=["is_active"])
    for what in ("win photo", "avatar"):
        assert client.get(files[what]).status_code == 404


def test_a_hidden_win_photo_is_only_for_its_author_and_staff(client, people, files):
    Win.objects.filter(body__startswith="We shipped").update(is_hidden=True)
    client.force_login(people["colleague"])
    assert client.get(files["win photo"]).status_code == 404
    client.force_login(people["author"])
    assert client.get(files["win photo"]).status_code == 200


# --------------------------------------------------------------------------
# Names that are not ours
# --------------------------------------------------------------------------
@pytest.mark.parametrize(
    "path",
    [
        "/media/../manage.py",
        "/media/wins/../../manage.py",
        "/media/%2e%2e/manage.py",
        "/media/wins/%2e%2e/%2e%2e/manage.py",
        "/media//etc/passwd",
        "/media/%2Fetc/passwd",
        "/media/wins\\..\\..\\manage.py",
        "/media/wins/2026/11/x.webp%00.png",
        "/media/wins/2026/11/x.svg",
        "/media/wins/2026/11/x.html",
        "/media/other/secret.webp",
        "/media/",
    ],
)
def test_names_that_could_leave_the_folders_are_404(client, people, path, media_root):
    (media_root / "other").mkdir(parents=True, exist_ok=True)
    (media_root / "other" / "secret.webp").write_bytes(b"RIFF secret")
    client.force_login(people["comms"])
    response = client.get(path)
    assert response.status_code == 404


@pytest.mark.parametrize(
    "name",
    ["../x.webp", "/wins/x.webp", "wins/../avatars/x.webp", "wins\\x.webp", "wins/.webp", ""],
)
def test_media_access_refuses_names_outside_its_folders(people, name):
    assert media_access(user=people["comms"], name=name) is None


def test_a_file_no_row_points_to_is_404(client, people, media_root):
    """An orphan (a photo replaced whose deletion failed, say) is not served."""
    name = default_storage.save(f"wins/2026/11/{uuid.uuid4().hex}.webp", ContentFile(b"RIFF"))
    client.force_login(people["comms"])
    assert client.get(f"/media/{name}").status_code == 404


def test_a_missing_file_is_404(client, people, files, media_root):
    client.force_login(people["colleague"])
    name = files["win photo"].removeprefix("/media/")
    (media_root / name).unlink()
    assert client.get(files["win photo"]).status_code == 404
    highlight_name = files["published highlight"].removeprefix("/media/")
    (media_root / highlight_name).unlink()
    client.logout()
    assert client.get(files["published highlight"]).status_code == 404


# --------------------------------------------------------------------------
# Headers
# --------------------------------------------------------------------------
def test_private_file_headers(client, people, files):
    client.force_login(people["colleague"])
    response = client.get(files["win thumbnail"])
    assert response.status_code == 200
    assert response["Content-Type"] == "image/webp"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("inline")
    assert response["Cache-Control"] == PRIVATE_CACHE_CONTROL
    assert response["Cross-Origin-Resource-Policy"] == "same-origin"
    assert response["Last-Modified"]
    assert int(response["Content-Length"]) > 0


def test_public_highlight_image_headers_and_no_cookie(client, files):
    """Anyone may fetch it, shared caches may keep it briefly (it can be withdrawn),
    and it sets no cookie: no session, no CSRF token."""
    response = client.get(files["published highlight"])
    assert response.status_code == 200
    assert response["Content-Type"] == "image/webp"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == PUBLIC_CACHE_CONTROL
    assert "Cross-Origin-Resource-Policy" not in response.headers
    assert not response.cookies


def test_content_type_comes_from_the_extension_never_the_bytes(client, people):
    """A .png is image/png whatever its bytes say, and the browser is told not to sniff."""
    person = people["colleague"]
    name = default_storage.save(
        f"avatars/2026/11/{uuid.uuid4().hex}.png", ContentFile(b"<html><script>x</script>")
    )
    person.avatar = name
    person.save(update_fields=["avatar"])
    client.force_login(person)
    response = client.get(person.avatar.url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_head_answers_the_headers_without_the_body(client, people, files):
    client.force_login(people["colleague"])
    got = client.get(files["win photo"])
    head = client.head(files["win photo"])
    assert head.status_code == 200
    assert head.content == b""
    for header in ("Content-Type", "Content-Length", "Cache-Control", "Last-Modified"):
        assert head[header] == got[header]
    assert client.head(files["team win photo"].replace(".webp", "0.webp")).status_code == 404


def test_other_methods_are_refused(client, people, files):
    client.force_login(people["colleague"])
    assert client.post(files["win photo"]).status_code == 405


def test_unchanged_file_answers_304(client, people, files):
    client.force_login(people["colleague"])
    first = client.get(files["win photo"])
    again = client.get(files["win photo"], headers={"If-Modified-Since": first["Last-Modified"]})
    assert again.status_code == 304
    older = http_date(0)
    assert client.get(files["win photo"], headers={"If-Modified-Since": older}).status_code == 200


def test_a_public_image_reads_no_session(client, files, django_assert_max_num_queries):
    """One query (is it published?) and nothing about the reader."""
    with django_assert_max_num_queries(1):
        response = client.get(files["published highlight"])
    assert response.status_code == 200


def test_a_win_photo_costs_one_query_beyond_the_session(
    client, people, files, django_assert_max_num_queries
):
    client.force_login(people["colleague"])
    with django_assert_max_num_queries(3):  # session, user, the visible win
        assert client.get(files["team win photo"]).status_code == 200


# --------------------------------------------------------------------------
# Settings
# --------------------------------------------------------------------------
@pytest.mark.parametrize("debug", [False, True])
def test_served_with_and_without_debug(client, settings, people, files, debug):
    settings.DEBUG = debug
    client.force_login(people["colleague"])
    assert client.get(files["win photo"]).status_code == 200
    client.logout()
    assert client.get(files["published highlight"]).status_code == 200


def test_the_view_is_at_media_url():
    assert resolve("/media/wins/2026/11/abc.webp").func is media_file


def test_serve_media_off_or_a_cdn_means_no_url(settings):
    assert media_urlpatterns()
    settings.SERVE_MEDIA = False
    assert media_urlpatterns() == []
    settings.SERVE_MEDIA = True
    settings.MEDIA_URL = "https://cdn.example.org/media/"
    assert media_urlpatterns() == []


def test_media_access_says_public_or_private(people, files):
    published = files["published highlight"].removeprefix("/media/")
    photo_name = files["win photo"].removeprefix("/media/")

    assert media_access(user=AnonymousUser(), name=published) is MediaAccess.PUBLIC
    assert media_access(user=people["colleague"], name=published) is MediaAccess.PUBLIC
    assert media_access(user=people["colleague"], name=photo_name) is MediaAccess.PRIVATE
    assert media_access(user=AnonymousUser(), name=photo_name) is None


def test_an_emails_thumbnail_opens_without_signing_in(client, people, files):
    """A mail client sends no session: the digest's thumbnails carry a signature
    (more in tests/test_media_email.py)."""
    shared = Win.objects.get(body="We shipped the new help centre")
    url = media_email_url(shared.thumbnail.name, recipient=people["outsider"])

    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/webp"
    assert "Cross-Origin-Resource-Policy" not in response  # webmail shows it from its origin
    assert not response.cookies

    assert client.get(shared.thumbnail.url).status_code == 404  # not without it
    team_only = Win.objects.get(visibility="team")
    forged = url.replace(shared.thumbnail.name, team_only.thumbnail.name)
    assert client.get(forged).status_code == 404  # a signature is for one name only
    assert client.get(url[:-3] + "abc").status_code == 404


def test_the_digest_links_its_thumbnails_with_a_signature(client, people, files):
    shared = Win.objects.get(body="We shipped the new help centre")
    thumbnail = win_thumbnail(shared, recipient=people["colleague"])
    assert thumbnail.url.startswith(settings.SITE_URL)
    path = thumbnail.url.removeprefix(settings.SITE_URL)
    assert path.startswith(f"{shared.thumbnail.url}?s={people['colleague'].pk}.")
    assert client.get(path).status_code == 200
