"""`seed_demo` fills the feed with eight weeks of a company's small wins, once.

The default seed is made once for this module (it takes a few seconds: it
posts every win through the services and draws its pictures) inside a
transaction that is rolled back at the end; each test runs in a savepoint of
its own on top of it.
"""

from __future__ import annotations

import re
import zoneinfo
from collections import Counter
from datetime import timedelta
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count, F, Q
from django.test import override_settings
from django.utils import timezone
from PIL import Image

from accounts.models import User
from feed.demo import pictures
from feed.demo import wins as demo_wins
from feed.demo.people import DEMO_LOGINS
from feed.demo.values import VALUES
from feed.wins import photos
from feed.wins.models import Comment, Credit, Reaction, Tag, Win

pytestmark = pytest.mark.django_db

SPANISH_WORDS = re.compile(r"\b(el|la|los|las|de|del|que|por|con|para|una|y|en|ya|nos)\b", re.I)
ENGLISH_WORDS = re.compile(r"\b(the|and|to|of|with|our|for|my|it|was|is|in)\b", re.I)


def _seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def demo_media(tmp_path_factory):
    """Where the module's seed writes its pictures (each test otherwise gets its own MEDIA_ROOT)."""
    return tmp_path_factory.mktemp("demo-media")


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker, demo_media):
    """The output of a default `seed_demo`, with its pictures in a temporary MEDIA_ROOT."""
    media = demo_media
    fast_hashing = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=media, DEBUG=True, PASSWORD_HASHERS=fast_hashing),
        transaction.atomic(),
    ):
        yield _seed()
        transaction.set_rollback(True)


@pytest.fixture
def logins(seeded) -> dict[str, User]:
    return {u.email: u for u in User.objects.filter(email__in=[x.email for x in DEMO_LOGINS])}


def _language(body: str) -> str:
    spanish, english = len(SPANISH_WORDS.findall(body)), len(ENGLISH_WORDS.findall(body))
    return "es" if spanish > english else "en"


def test_posts_eight_weeks_of_wins_in_both_languages(seeded):
    """At least 150 wins, spread over the last eight weeks, in working hours, in both languages."""
    wins = list(Win.objects.all())
    assert len(wins) >= 150
    now = timezone.now()
    ages = [(now - win.created_at) for win in wins]
    assert max(ages) <= timedelta(weeks=8, days=1)
    assert min(ages) >= timedelta(0)
    assert set(range(8)) <= {age.days // 7 for age in ages}, "every week has wins"

    zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    local = [win.created_at.astimezone(zone) for win in wins]
    assert sum(moment.weekday() < 5 for moment in local) >= 0.85 * len(wins)
    assert sum(7 <= moment.hour <= 22 for moment in local) >= 0.9 * len(wins)

    languages = Counter(_language(win.body) for win in wins)
    assert languages["es"] >= 0.3 * len(wins)
    assert languages["en"] >= 0.2 * len(wins)
    # People write in their own language, mostly.
    own = sum(_language(w.body) == w.author.language for w in Win.objects.select_related("author"))
    assert own >= 0.75 * len(wins)

    assert "wins 160/160 (100%)" in seeded
    assert re.search(
        r"160 wins created .* reactions, \d+ comments, \d+ credits, \d+ images", seeded
    )


def test_every_demo_login_has_something_to_see(logins):
    """Each login sees a full feed; the employee and the manager see their own team's wins."""
    for user in logins.values():
        assert Win.objects.visible_to(user).count() >= 100, user.email
        assert Win.objects.filter(author=user).exists(), user.email

    employee, manager = logins["employee@example.com"], logins["manager@example.com"]
    own = Win.objects.filter(author=employee)
    assert own.count() >= 5
    assert own.filter(credits__isnull=False).distinct().count() >= 2, "some credit coworkers"
    assert Reaction.objects.filter(win__author=employee).exclude(user=employee).exists()
    assert Credit.objects.filter(user=employee).exists(), "others credit the employee too"
    assert Reaction.objects.filter(user=employee).exists()

    # The manager's weekly digest has material: the team's wins, including team-only ones.
    team_wins = Win.objects.filter(team=manager.team).exclude(author=manager)
    assert team_wins.count() >= 20
    assert team_wins.filter(visibility=Win.Visibility.TEAM).count() >= 3
    assert team_wins.filter(author__manager=manager).count() >= 5


def test_some_wins_stay_in_their_team(seeded):
    """Team-only wins exist, and only their team reacts, comments, is credited or mentioned."""
    total = Win.objects.count()
    team_only = Win.objects.filter(visibility=Win.Visibility.TEAM)
    assert 0.08 * total <= team_only.count() <= 0.4 * total
    assert not team_only.filter(team__isnull=True).exists()
    outside = ~Q(win__team=F("user__team"))
    assert not Reaction.objects.filter(win__visibility="team").filter(outside).exists()
    assert not Credit.objects.filter(win__visibility="team").filter(outside).exists()
    assert (
        not Comment.objects.filter(win__visibility="team")
        .exclude(win__team=F("author__team"))
        .exists()
    )
    mentions = Comment.mentions.through.objects.filter(comment__win__visibility="team")
    assert not mentions.exclude(comment__win__team=F("user__team")).exists()

    win = team_only.first()
    outsider = User.objects.exclude(team=win.team).filter(is_staff=False).first()
    assert not Win.objects.visible_to(outsider).filter(pk=win.pk).exists()


def test_wins_have_reactions_comments_credits_and_tags(seeded):
    """People react in every way, comment (with mentions), credit each other, tag values."""
    wins = Win.objects.count()
    reactions = Reaction.objects.all()
    assert reactions.count() >= 2 * wins
    assert set(reactions.values_list("kind", flat=True)) == set(Reaction.Kind.values)
    assert reactions.values("user").distinct().count() >= 20
    assert not reactions.filter(user=F("win__author")).exists()
    assert not reactions.filter(created_at__lt=F("win__created_at")).exists()

    comments = Comment.objects.all()
    assert comments.count() >= wins // 2
    assert comments.filter(mentions__isnull=False).distinct().count() >= 10
    assert not comments.filter(created_at__lt=F("win__created_at")).exists()
    assert comments.values("author").distinct().count() >= 15

    assert Credit.objects.count() >= wins // 3
    assert not Credit.objects.filter(user=F("win__author")).exists()

    values = Tag.objects.filter(is_value=True)
    assert values.count() == len(VALUES)
    assert not values.filter(description="").exists()
    assert Win.objects.filter(tags__is_value=True).distinct().count() >= 0.7 * wins
    topics = Tag.objects.filter(is_value=False).annotate(n=Count("wins")).filter(n__gt=0)
    assert topics.count() >= 20

    edited = Win.objects.filter(edited_at__isnull=False)
    assert edited.count() >= 3
    assert not edited.filter(edited_at__lte=F("created_at")).exists()


def test_counters_match_the_rows(seeded):
    """`reaction_count` and `comment_count` are what the rows say, for every win."""
    wins = Win.objects.annotate(
        reactions_n=Count("reactions", distinct=True), comments_n=Count("comments", distinct=True)
    )
    assert not wins.exclude(reaction_count=F("reactions_n")).exists()
    assert not wins.exclude(comment_count=F("comments_n")).exists()
    assert wins.filter(reaction_count__gt=0).count() >= 0.7 * wins.count()


def test_pictures_are_clean_images_with_alt_text(seeded, demo_media, settings):
    """About a third of the wins have a picture: a WebP display image and thumbnail,
    without metadata, described in the win's language."""
    settings.MEDIA_ROOT = demo_media
    wins = Win.objects.exclude(image="")
    total = Win.objects.count()
    assert 0.2 * total <= wins.count() <= 0.45 * total
    for win in wins:
        assert win.image_status == Win.ImageStatus.READY
        assert win.thumbnail
        assert len(win.image_alt) > 30
        assert win.image_width
        assert win.image_height
        for file, max_side in (
            (win.image, photos.DISPLAY_MAX_SIDE),
            (win.thumbnail, photos.THUMBNAIL_MAX_SIDE),
        ):
            with file.open("rb") as stored, Image.open(stored) as image:
                image.load()
                assert image.format == "WEBP"
                assert max(image.size) <= max_side
                assert not image.getexif()
                assert not {"exif", "xmp", "icc_profile"} & set(image.info)
    alts = list(wins.values_list("image_alt", flat=True))
    assert any(alt.startswith(("Tarjeta", "Gráfico", "Ilustración")) for alt in alts)
    assert any(alt.startswith(("Illustrated", "Bar chart", "Abstract")) for alt in alts)


def test_seeding_again_creates_nothing(seeded, settings, tmp_path):
    """A second run finds the wins there and leaves everything as it was."""
    settings.DEBUG = True
    settings.MEDIA_ROOT = tmp_path
    counts = [m.objects.count() for m in (Win, Reaction, Comment, Credit, Tag)]
    output = _seed()
    assert [m.objects.count() for m in (Win, Reaction, Comment, Credit, Tag)] == counts
    assert "0 wins created (160 already there" in output
    assert not any(tmp_path.iterdir()), "no picture drawn"


def test_wins_option_scales_through_the_bulk_path(seeded, settings, monkeypatch):
    """`--users N --wins M` tops the demo up to M wins; beyond the curated ones they are
    bulk-written in batches, with tags, credits, reactions, comments and right counters."""
    settings.DEBUG = True
    monkeypatch.setattr(demo_wins, "CURATED_WINS", 160)
    monkeypatch.setattr(demo_wins, "WIN_BATCH_SIZE", 40)
    before = Win.objects.count()
    last_id = Win.objects.order_by("-pk").values_list("pk", flat=True).first()

    output = _seed("--users", "30", "--wins", str(before + 130))

    assert Win.objects.count() == before + 130
    assert f"130 wins created ({before} already there" in output
    new = Win.objects.filter(pk__gt=last_id)
    assert new.filter(author__email__startswith="person").exists(), "new people post too"
    assert not new.exclude(image="").exists()
    assert new.filter(tags__is_value=True).distinct().count() >= 100
    assert Credit.objects.filter(win__in=new).exists()
    assert new.filter(visibility=Win.Visibility.TEAM).exists()
    outside = Credit.objects.filter(win__in=new, win__visibility="team")
    assert not outside.exclude(win__team=F("user__team")).exists()
    counted = new.annotate(r=Count("reactions", distinct=True), c=Count("comments", distinct=True))
    assert not counted.exclude(reaction_count=F("r")).exists()
    assert not counted.exclude(comment_count=F("c")).exists()
    assert Reaction.objects.filter(win__in=new).count() >= 130
    if settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        assert not new.filter(search_vector__isnull=True).exists(), "bulk wins are searchable"


def test_pictures_are_drawn_the_same_every_time():
    """Every style draws, deterministically, at the drawn size."""
    for style in ("card", "chart", "confetti", "rings", "waves"):
        spec = pictures.PictureSpec(style=style, palette=2, seed=7, headline="Versión 2.0 →")
        first, second = pictures.render_picture(spec), pictures.render_picture(spec)
        assert first.size == pictures.DRAWN_SIZE
        assert first.tobytes() == second.tobytes()
        assert pictures.alt_text(spec)


def test_negative_wins_is_refused(settings):
    settings.DEBUG = True
    with pytest.raises(CommandError, match="--wins"):
        _seed("--wins", "-1")
