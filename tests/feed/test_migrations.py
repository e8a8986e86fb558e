"""Migrations keep every row, and old data migrations do what they always did.

Each test builds a database at an old migration state with django-test-migrations
(every table dropped, then migrated forward to that state), writes rows through
the historical models of that state, migrates, and reads the rows back.

They change the schema of the test database, and nothing else sees it: each
xdist worker has a database of its own and runs its tests one at a time, the
migrator migrates back to the latest state when a test ends, and pytest-django
empties the tables of a transactional test (the Communications group and the
permissions come back as after any transactional test). `xdist_group` asks
`--dist loadgroup` for one worker for all of them, but pytest-xdist 3.8 ignores
it under pytest 9 (it renames items through an attribute pytest no longer reads).

The data migrations 0002 (search documents) and 0003 (`Win.body_html`) carry
frozen copies of the code they need; here they are checked against the live
`feed.wins.search` and `feed.wins.text`, so the copies cannot silently drift from what the
services write for new wins.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from feed.wins.models import Win
from feed.wins.search import win_document
from feed.wins.text import render_body
from tests.conftest import require_postgresql

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.xdist_group("migrations")]

BEFORE_SEARCH = ("feed", "0001_initial")
BEFORE_BODY_HTML = ("feed", "0002_win_search_index")
WITH_BODY_HTML = ("feed", "0003_win_body_html")
# The latest migrations of commit 874cd91, the main the restructure starts from.
MAIN_874CD91 = [("feed", "0009_admin_labels"), ("accounts", "0002_email_preferences")]
APPS = ("accounts", "feed")
SEARCH_INDEX = "feed_win_search_gin"

# Texts that exercise every rule of the rendering: escaping, links, tags, mentions,
# paragraphs and line breaks, and markup that must not survive.
BODIES = [
    "Shipped the new onboarding #Onboarding #customer-care-",
    "Thanks @lucia.navarro and @nobody! See https://example.com/a?b=1&c=2#frag",
    "First paragraph\nsecond line\n\n\nSecond paragraph, see http://example.org/x.",
    '<script>alert("x")</script> & <b>bold</b> #déjà_vu mail me: ana@example.com',
    "Cerramos la renovación de Bilbao en una llamada 🎉 #ventas #2026",
    "",
]


def latest() -> list[tuple[str, str]]:
    """The newest migration of every app: what `manage.py migrate` goes to."""
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def make_person(apps, email: str, name: str, **fields):
    User = apps.get_model("accounts", "User")
    return User.objects.create(email=email, name=name, password="!", **fields)


def columns(table: str) -> set[str]:
    with connection.cursor() as cursor:
        return {
            column.name for column in connection.introspection.get_table_description(cursor, table)
        }


def search_index_exists() -> bool:
    with connection.cursor() as cursor:
        return SEARCH_INDEX in connection.introspection.get_constraints(cursor, "feed_win")


# --------------------------------------------------------------------------
# 0003: body_html
# --------------------------------------------------------------------------
def test_body_html_of_existing_wins_is_what_the_services_render(migrator):
    """Wins written before 0003 get the HTML `feed.wins.text.render_body` makes today."""
    old = migrator.apply_initial_migration(BEFORE_BODY_HTML)
    author = make_person(old.apps, "ana@example.com", "Ana")
    OldWin = old.apps.get_model("feed", "Win")
    ids = [OldWin.objects.create(author=author, body=body).pk for body in BODIES]

    new = migrator.apply_tested_migration(latest())

    NewWin = new.apps.get_model("feed", "Win")
    rows = dict(NewWin.objects.filter(pk__in=ids).values_list("body", "body_html"))
    assert rows == {body: render_body(body) for body in BODIES}
    assert 'href="/?tag=onboarding" rel="nofollow noopener">#Onboarding</a>' in rows[BODIES[0]]
    assert "<script>" not in rows[BODIES[3]]


# --------------------------------------------------------------------------
# 0002: search documents (PostgreSQL)
# --------------------------------------------------------------------------
def test_search_documents_of_existing_wins_are_what_the_services_write(migrator):
    """Wins written before 0002 get the document `feed.wins.search` writes today: text,
    tags, author and people credited, in every configuration, with accents folded."""
    require_postgresql()
    old = migrator.apply_initial_migration(BEFORE_SEARCH)
    ana = make_person(old.apps, "ana@example.com", "Ana Muñoz")
    luis = make_person(old.apps, "luis@example.com", "Luis Pérez")
    Win, Tag, Credit = (old.apps.get_model("feed", name) for name in ("Win", "Tag", "Credit"))
    tagged = Win.objects.create(author=ana, body="Cerramos la renovación de Bilbao")
    tagged.tags.add(Tag.objects.create(name="ventas"), Tag.objects.create(name="Reunión"))
    Credit.objects.create(win=tagged, user=luis)
    plain = Win.objects.create(author=luis, body="Shipped the onboarding")

    migrator.apply_tested_migration(latest())

    documents = Win.objects.annotate(expected=win_document()).values_list(
        "pk", "search_vector", "expected"
    )
    assert {pk for pk, _vector, _expected in documents} == {tagged.pk, plain.pk}
    for _pk, vector, expected in documents:
        assert vector
        assert vector == expected
    assert "'reunion'" in Win.objects.get(pk=tagged.pk).search_vector
    assert search_index_exists()


# --------------------------------------------------------------------------
# Going back
# --------------------------------------------------------------------------
def test_going_back_past_0003_and_0002_keeps_the_wins(migrator):
    """Back before 0003 the column is gone, before 0002 the index (PostgreSQL);
    every win stays, and migrating forward again fills body_html again."""
    old = migrator.apply_initial_migration(WITH_BODY_HTML)
    author = make_person(old.apps, "ana@example.com", "Ana")
    OldWin = old.apps.get_model("feed", "Win")
    ids = {OldWin.objects.create(author=author, body=body).pk for body in BODIES}

    back = migrator.apply_tested_migration(BEFORE_BODY_HTML)
    assert "body_html" not in columns("feed_win")
    assert set(back.apps.get_model("feed", "Win").objects.values_list("pk", flat=True)) == ids

    back = migrator.apply_tested_migration(BEFORE_SEARCH)
    assert set(back.apps.get_model("feed", "Win").objects.values_list("pk", flat=True)) == ids
    if connection.vendor == "postgresql":
        assert not search_index_exists()

    migrator.apply_tested_migration(latest())
    rows = dict(Win.objects.filter(pk__in=ids).values_list("body", "body_html"))
    assert rows == {body: render_body(body) for body in BODIES}


# --------------------------------------------------------------------------
# A database made by main at 874cd91
# --------------------------------------------------------------------------
def fill_874cd91(apps) -> None:
    """At least one row in every table of accounts and feed, as main at 874cd91 had them."""
    now = timezone.now()
    model = apps.get_model
    Group, Permission = model("auth", "Group"), model("auth", "Permission")
    team = model("accounts", "Team").objects.create(name="Customer Care")
    boss = make_person(apps, "boss@example.com", "Marta Boss", team=team, is_staff=True)
    ana = make_person(apps, "ana@example.com", "Ana García", team=team, manager=boss,
                      time_zone="Europe/Madrid", language="es")  # fmt: skip
    luis = make_person(apps, "luis@example.com", "Luis Pérez", team=team, manager=boss)
    boss.groups.add(Group.objects.get(name="Communications"))
    boss.user_permissions.add(Permission.objects.get(codename="change_report"))
    model("accounts", "EmailPreference").objects.create(
        user=boss, kind="digest", cadence="weekly", scope="tree"
    )

    win = model("feed", "Win").objects.create(
        author=ana, team=team, body="Closed 100 tickets #support thanks @luis",
        body_html="<p>Closed 100 tickets</p>", reaction_count=1, comment_count=1,
    )  # fmt: skip
    win.tags.add(model("feed", "Tag").objects.create(name="support", is_value=True))
    model("feed", "Credit").objects.create(win=win, user=luis)
    model("feed", "Reaction").objects.create(win=win, user=luis, kind="clap")
    comment = model("feed", "Comment").objects.create(win=win, author=luis, body="Great @ana!")
    comment.mentions.add(ana)
    model("feed", "Report").objects.create(win=win, reporter=boss, reason="other", note="Check")
    notification = model("feed", "Notification").objects.create(
        recipient=ana, kind="reaction", win=win, actor=luis
    )
    notification.actors.add(luis)
    model("feed", "Email").objects.create(
        recipient=ana, kind="reaction", period=f"n{notification.pk}", notification=notification,
        message_id=f"<wins.reaction.n{notification.pk}.{ana.pk}@example.com>",
    )  # fmt: skip

    highlight = model("feed", "Highlight").objects.create(
        win=win, slug="closed-100-tickets", title="Closed 100 tickets",
        text="Ana closed 100 tickets", status="published", published_at=now, created_by=boss,
    )  # fmt: skip
    model("feed", "HighlightPerson").objects.create(
        highlight=highlight, user=ana, role="author", public_name="Ana García, Customer Care"
    )
    model("feed", "Consent").objects.create(
        highlight=highlight, person=ana, asked_by=boss, asked_at=now - timedelta(days=2),
        expires_at=now + timedelta(days=12), answered_at=now - timedelta(days=1),
        answer="approved", title=highlight.title, text=highlight.text,
        public_name="Ana García, Customer Care", fingerprint="0" * 64,
    )  # fmt: skip
    model("feed", "HighlightEvent").objects.create(
        highlight=highlight, actor=boss, action="published", from_status="approved",
        to_status="published",
    )  # fmt: skip
    model("feed", "HighlightView").objects.create(highlight=highlight, day=now.date(), count=3)


def tables(apps) -> list[str]:
    """The tables of accounts and feed in `apps`, many-to-many tables included."""
    return sorted(
        {
            model._meta.db_table
            for label in APPS
            for model in apps.get_app_config(label).get_models(include_auto_created=True)
            if not model._meta.proxy
        }
    )


def rows_of(table: str) -> dict[int, dict]:
    quoted = connection.ops.quote_name(table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {quoted}")  # noqa: S608 - a table name from the models
        names = [column[0] for column in cursor.description]
        return {row[names.index("id")]: dict(zip(names, row, strict=True)) for row in cursor}


def test_a_database_made_by_main_at_874cd91_keeps_every_row(migrator):
    """Users, teams, preferences, wins, tags, credits, reactions, comments, reports,
    notifications, emails, highlights, people, consents, events and views written at
    main's last migrations (874cd91) are all there, unchanged, after `migrate`."""
    old = migrator.apply_initial_migration(MAIN_874CD91)
    fill_874cd91(old.apps)
    before = {table: rows_of(table) for table in tables(old.apps)}
    empty = [table for table, rows in before.items() if not rows]
    assert not empty, f"fill_874cd91 leaves these tables empty: {empty}"

    migrator.apply_tested_migration(latest())

    for table, rows in before.items():
        after = rows_of(table)
        assert after.keys() == rows.keys(), f"{table}: rows lost or added"
        for pk, row in rows.items():
            assert {name: after[pk][name] for name in row} == row, f"{table} row {pk} changed"
