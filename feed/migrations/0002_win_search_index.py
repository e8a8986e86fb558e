"""
A GIN index on `Win.search_vector`, on PostgreSQL only.

The index is not declared in `Win.Meta.indexes` because SQLite, the embedded
default, has no GIN; this migration does nothing there. Existing wins get
their search documents written once (see `feed.search`).
"""

from django.db import migrations

INDEX = "feed_win_search_gin"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON feed_win USING gin (search_vector)"
    )
    # Only a database that already holds wins needs documents; a fresh one skips
    # this, so later changes to feed.search never replay against an old schema.
    if apps.get_model("feed", "Win").objects.exists():
        from feed.search import win_search_vector_update

        win_search_vector_update()


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
