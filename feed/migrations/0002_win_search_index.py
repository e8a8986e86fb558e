"""
A GIN index on `Win.search_vector`, on PostgreSQL only.

The index is not declared in `Win.Meta.indexes` because SQLite, the embedded
default, has no GIN; this migration does nothing there. Existing wins get
their search documents written once.

The document is built here as `feed.search.win_document` built it when this
migration was written, from the historical models and with its constants
copied: a later change to `feed.search` (or its move) never changes what this
migration does to an old database. `tests/feed/test_migrations.py` checks the
result is still what the live code writes.
"""

from django.contrib.postgres.search import SearchVector
from django.db import migrations
from django.db.models import F, Func, OuterRef, StringAgg, Subquery, TextField, Value

INDEX = "feed_win_search_gin"

# feed.search at the time: every text in English and Spanish, names also as written.
TEXT_CONFIGS = ("english", "spanish")
NAME_CONFIGS = ("simple", "english", "spanish")
# Accent folding by SQL translate(), as typed and folded.
ACCENTED = "áàâäãåéèêëíìîïóòôöõúùûüýÿñçÁÀÂÄÃÅÉÈÊËÍÌÎÏÓÒÔÖÕÚÙÛÜÝÑÇ"
PLAIN = "aaaaaaeeeeiiiiooooouuuuyyncAAAAAAEEEEIIIIOOOOOUUUUYNC"


def _folded(expression):
    return Func(
        expression, Value(ACCENTED), Value(PLAIN), function="translate", output_field=TextField()
    )


def _document(expression, *, weight, configs):
    vector = None
    for config in configs:
        for form in (expression, _folded(expression)):
            part = SearchVector(form, config=config, weight=weight)
            vector = part if vector is None else vector + part
    return vector


def _names(queryset, field):
    """`field` of the rows of `queryset` (a through table with `win_id`) joined by spaces."""
    return Subquery(
        queryset.filter(win_id=OuterRef("pk"))
        .order_by()
        .values("win_id")
        .annotate(names=StringAgg(field, delimiter=Value(" ")))
        .values("names")[:1],
        output_field=TextField(),
    )


def win_document(apps, using):
    """The full-text document of a win: text and tags (A), author (B), people credited (C)."""
    Win = apps.get_model("feed", "Win")
    User = apps.get_model("accounts", "User")
    Credit = apps.get_model("feed", "Credit")
    tags = _names(Win.tags.through.objects.using(using).all(), "tag__name")
    author = Subquery(User.objects.using(using).filter(pk=OuterRef("author_id")).values("name")[:1])
    credited = _names(Credit.objects.using(using).all(), "user__name")
    return (
        _document(F("body"), weight="A", configs=TEXT_CONFIGS)
        + _document(tags, weight="A", configs=NAME_CONFIGS)
        + _document(author, weight="B", configs=NAME_CONFIGS)
        + _document(credited, weight="C", configs=NAME_CONFIGS)
    )


def create_index(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON feed_win USING gin (search_vector)"
    )
    # Only a database that already holds wins needs documents.
    wins = apps.get_model("feed", "Win").objects.using(connection.alias)
    if not wins.exists():
        return
    wins.update(search_vector=win_document(apps, connection.alias))
    # Every document changed: the planner needs fresh statistics.
    schema_editor.execute("ANALYZE feed_win")


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("feed", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(create_index, drop_index, elidable=False),
    ]
