"""Nothing a person sets about themselves widens what they see.

The rows are everything a signed-in person can change about themselves, each
through its real page: the profile (including fields it does not offer, such as
the team, posted anyway), the language switches, email preferences, an
unsubscribe link, and allauth's own pages (email addresses, password). The
columns are every place a win, its photo or a line about it reaches a person:
the feed, the win's page and photo, search, a person's page, the bell, the
emails sent at once, the daily summary, the manager digest (page and email) and
`Win.objects.visible_to` itself.

The world holds wins the outsider (a manager in Sales) must never see: team-only
wins of Care, one with a photo, posted by the two people under them, and a
hidden win. For each row the outsider makes the change, then Care talks about
the secret (a comment mentioning the outsider, another mentioning a teammate),
and no column may show it. The controls show each column does find the secret
for someone who may see it, so a column cannot pass by looking in the wrong place.
"""

from __future__ import annotations

import io
import re
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from accounts.models import Cadence, EmailPreference, NotificationKind, User
from feed.notifications.emails import message_build
from feed.notifications.models import Email
from feed.notifications.preferences import cadence_for
from feed.notifications.services import unsubscribe_token
from feed.wins import services
from feed.wins.models import Win
from feed.wins.photos import photo_files
from feed.wins.search import win_search_vector_update
from feed.wins.text import handle_for
from tests.factories import TEST_PASSWORD, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db

# Searched for, so a page may echo it; MARK is what must never show.
WORD = "zebracorn"
MARK = "quokkaplan"
SECRET = f"The {WORD} {MARK} for the care team"
SECRET_OF_THE_REPORT = f"Our {WORD} numbers, {MARK} for Care only"
HIDDEN = f"A {WORD} {MARK} joke that moderators took down"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@dataclass
class World:
    author: User  # Care, reports to the teammate
    teammate: User  # Care, reports to the outsider
    outsider: User  # Sales, the manager of the teammate: the person who edits themselves
    secret: Win  # the author's team-only win, with a photo


@pytest.fixture
def world() -> World:
    care, sales = TeamFactory(name="Care"), TeamFactory(name="Sales")
    outsider = UserFactory(name="Oren Outsider", email="oren@example.com", team=sales)
    teammate = UserFactory(
        name="Teo Teammate", email="teo@example.com", team=care, manager=outsider
    )
    author = UserFactory(name="Alba Author", email="alba@example.com", team=care, manager=teammate)
    display, thumbnail = photo_files(Image.new("RGB", (64, 48), (200, 30, 30)))
    secret = services.win_create(
        author=author,
        body=SECRET,
        visibility="team",
        image=display,
        thumbnail=thumbnail,
        image_alt="The roadmap",
    )
    services.win_create(author=author, body="A win for everyone")
    services.win_create(author=teammate, body=SECRET_OF_THE_REPORT, visibility="team")
    services.win_create(author=teammate, body="Another win for everyone")
    Win.objects.filter(pk=services.win_create(author=teammate, body=HIDDEN).pk).update(
        is_hidden=True
    )
    services.win_create(author=outsider, body="Sales closed the quarter")
    win_search_vector_update()
    return World(author=author, teammate=teammate, outsider=outsider, secret=secret)


def talk_about_the_secret(world: World, capture) -> None:
    """Care's activity after the change: whoever may see the secret is told."""
    with capture(execute=True):
        services.comment_create(
            win=world.secret,
            author=world.teammate,
            body=f"@{handle_for(world.outsider.email)} have a look at our {MARK}",
        )
        services.comment_create(
            win=world.secret,
            author=world.author,
            body=f"@{handle_for(world.teammate.email)} the {MARK} numbers are in",
        )


# --------------------------------------------------------------------------
# Columns: what a person sees, as text
# --------------------------------------------------------------------------
def _get(client, url: str, **params) -> str:
    response = client.get(url, params)
    assert response.status_code in (200, 404), (url, response.status_code)
    return response.text if response.status_code == 200 else ""


def feed_page(client, world, viewer) -> str:
    return _get(client, reverse("feed:home")) + _get(client, reverse("feed:home"), scope="team")


def win_page(client, world, viewer) -> str:
    return _get(client, world.secret.get_absolute_url())


def win_photo(client, world, viewer) -> str:
    seen = [
        url for url in (world.secret.image.url, world.secret.thumbnail.url) if _served(client, url)
    ]
    return f"{MARK} photo served at {seen}" if seen else ""


def _served(client, url: str) -> bool:
    response = client.get(urlsplit(url).path)
    return response.status_code == 200


def search_results(client, world, viewer) -> str:
    return _get(client, reverse("feed:search"), q=WORD)


def people_pages(client, world, viewer) -> str:
    return "".join(
        _get(client, person.get_absolute_url(), **params)
        for person in (world.author, world.teammate, world.outsider)
        for params in ({}, {"show": "credited"})
    )


def bell(client, world, viewer) -> str:
    return _get(client, reverse("notifications:list"))


def emails_at_once(client, world, viewer) -> str:
    addresses = {viewer.email, _person(viewer).email}
    return "".join(
        message.subject + message.body + "".join(str(part) for part, _type in message.alternatives)
        for message in mail.outbox
        if addresses & set(message.to)
    )


def daily_summary(client, world, viewer) -> str:
    person = _person(viewer)
    today = timezone.localdate(timezone=zoneinfo.ZoneInfo(person.time_zone))
    email = Email(recipient=person, kind=Email.Kind.DAILY_SUMMARY, period=today.isoformat())
    message = message_build(email=email)
    return "" if message is None else message.body + message.alternatives[0].content


def digest_page(client, world, viewer) -> str:
    return _get(client, reverse("notifications:digest_preview"))


def digest_email(client, world, viewer) -> str:
    return _get(client, reverse("notifications:digest_preview_email"))


def visible_to(client, world, viewer) -> str:
    return " ".join(Win.objects.visible_to(_person(viewer)).values_list("body", flat=True))


def _person(viewer: User) -> User:
    return User.objects.get(pk=viewer.pk)


@dataclass(frozen=True)
class Column:
    show: Callable[..., str]
    # Who may see the secret there, for the control.
    insider: str = "teammate"


COLUMNS = {
    "feed": Column(feed_page),
    "win page": Column(win_page),
    "win photo": Column(win_photo),
    "search": Column(search_results),
    "people's pages": Column(people_pages),
    "bell": Column(bell),
    "emails sent at once": Column(emails_at_once),
    # The author's comment notification waits for the daily summary (the default).
    "daily summary": Column(daily_summary, insider="author"),
    "digest page": Column(digest_page),
    "digest email": Column(digest_email),
    "visible_to": Column(visible_to),
}


def leaks(client, world: World, viewer: User) -> dict[str, str]:
    """The columns that show `viewer` anything of the secret, with what they show."""
    found = {}
    for name, column in COLUMNS.items():
        text = column.show(client, world, viewer)
        if MARK in text.lower():
            start = text.lower().index(MARK)
            found[name] = text[max(0, start - 80) : start + 80]
    return found


# --------------------------------------------------------------------------
# Rows: what a person can change about themselves
# --------------------------------------------------------------------------
def _profile(person: User, **changes) -> dict:
    data = {
        "name": person.name,
        "job_title": person.job_title,
        "language": person.language,
        "time_zone": person.time_zone,
    }
    return {**data, **changes}


def _post(client, url: str, data: dict, *, status: int = 302):
    response = client.post(url, data)
    assert response.status_code == status, (url, response.status_code)
    return response


def _png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (120, 120), (0, 128, 0)).save(buffer, format="PNG")
    return SimpleUploadedFile("me.png", buffer.getvalue(), content_type="image/png")


def name_and_job_title(client, world):
    data = _profile(world.outsider, name="Alba Author", job_title="Care team lead")
    _post(client, reverse("accounts:profile_edit"), data)


def avatar(client, world):
    url = reverse("accounts:profile_edit")
    _post(client, url, {**_profile(world.outsider), "avatar": _png()})
    _post(client, url, {**_profile(world.outsider), "remove_avatar": "on"})


def language(client, world):
    _post(client, reverse("accounts:profile_edit"), _profile(world.outsider, language="es"))


def time_zone(client, world):
    data = _profile(world.outsider, time_zone="Pacific/Kiritimati")
    _post(client, reverse("accounts:profile_edit"), data)


def team_posted_anyway(client, world):
    data = {**_profile(world.outsider), "team": world.author.team_id}
    _post(client, reverse("accounts:profile_edit"), data)


def fields_not_offered(client, world):
    """Everything on the person's row that decides what they see, posted to the profile."""
    data = {
        **_profile(world.outsider),
        "team_id": world.author.team_id,
        "manager": world.author.pk,
        "reports": world.author.pk,
        "is_staff": "on",
        "is_superuser": "on",
        "groups": "1",
        "email": world.author.email,
    }
    _post(client, reverse("accounts:profile_edit"), data)


def language_switch(client, world):
    _post(client, reverse("accounts:set_language"), {"language": "es", "next": "/"})
    _post(client, reverse("set_language"), {"language": "en", "next": "/"})


def email_preferences(client, world):
    """Every kind at once, the digest widened to everyone under them, and the choices
    only comms are offered, posted by someone who is not comms."""
    data = dict.fromkeys(NotificationKind.values, Cadence.IMMEDIATELY)
    data |= {
        "digest": Cadence.WEEKLY,
        "digest_scope": EmailPreference.DigestScope.TREE,
        "candidates": Cadence.WEEKLY,
    }
    _post(client, reverse("notifications:preferences"), data)
    assert cadence_for(user=world.outsider, kind=NotificationKind.REACTION) == Cadence.IMMEDIATELY


def unsubscribe(client, world):
    token = unsubscribe_token(user=world.outsider, email_kind=Email.Kind.MENTION)
    response = client.post(reverse("notifications:unsubscribe", kwargs={"token": token}))
    assert response.status_code in (200, 302)


def new_primary_email(client, world):
    """A new address of their own, confirmed through the link allauth mails, made primary."""
    _post(client, reverse("account_email"), {"action_add": "", "email": "oren.o@example.com"})
    key = re.search(r"/accounts/confirm-email/([^/\s]+)/", mail.outbox[-1].body).group(1)
    _post(client, reverse("account_confirm_email", kwargs={"key": key}), {})
    _post(client, reverse("account_email"), {"action_primary": "", "email": "oren.o@example.com"})
    assert _person(world.outsider).email == "oren.o@example.com"


def someone_elses_email(client, world):
    """The author's address and the teammate's, which the outsider cannot own."""
    for email in (world.author.email, world.teammate.email.upper()):
        client.post(reverse("account_email"), {"action_add": "", "email": email})
        client.post(reverse("account_email"), {"action_primary": "", "email": email})
    assert _person(world.outsider).email == "oren@example.com"


def password(client, world):
    new = "an-Other-passw0rd-2026"
    data = {"oldpassword": TEST_PASSWORD, "password1": new, "password2": new}
    _post(client, reverse("account_change_password"), data)


ROWS: dict[str, Callable] = {
    "name and job title": name_and_job_title,
    "avatar": avatar,
    "language": language,
    "time zone": time_zone,
    "team, posted anyway": team_posted_anyway,
    "fields the profile does not offer": fields_not_offered,
    "language switches": language_switch,
    "email preferences": email_preferences,
    "unsubscribe link": unsubscribe,
    "a new primary email address": new_primary_email,
    "someone else's email address": someone_elses_email,
    "password": password,
}


@pytest.mark.parametrize("row", ROWS)
def test_a_change_to_oneself_opens_nothing(
    client, world, row, django_capture_on_commit_callbacks, settings
):
    """After each change the outsider makes, and Care's talk about the secret that
    follows, no column shows them anything of it."""
    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"
    client.force_login(world.outsider)
    assert leaks(client, world, world.outsider) == {}

    with django_capture_on_commit_callbacks(execute=True):
        ROWS[row](client, world)
    talk_about_the_secret(world, django_capture_on_commit_callbacks)

    assert leaks(client, world, world.outsider) == {}
    outsider = _person(world.outsider)
    assert outsider.team == world.outsider.team
    assert outsider.manager_id is None
    assert not outsider.is_staff
    assert not outsider.is_superuser
    assert not outsider.groups.exists()


@pytest.mark.parametrize("name", COLUMNS)
def test_each_column_shows_the_secret_to_whoever_may_see_it(
    client, world, name, django_capture_on_commit_callbacks
):
    """The control: the same column, for someone in Care, finds the secret."""
    column = COLUMNS[name]
    insider = getattr(world, column.insider)
    client.force_login(insider)
    talk_about_the_secret(world, django_capture_on_commit_callbacks)

    assert MARK in column.show(client, world, insider).lower()


def test_the_team_row_was_the_hole(client, world, django_capture_on_commit_callbacks):
    """What the matrix guards against: the same outsider, put in Care by the
    directory, sees the secret in every column that shows wins at once."""
    client.force_login(world.outsider)
    User.objects.filter(pk=world.outsider.pk).update(team=world.author.team)
    talk_about_the_secret(world, django_capture_on_commit_callbacks)

    found = leaks(client, world, world.outsider)
    assert {"feed", "win page", "win photo", "search", "bell", "visible_to"} <= set(found)
