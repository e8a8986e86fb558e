"""
`Win.body_html`: each win's text rendered once, when it is saved, instead of at
every view (see `feed.text.render_body`).

Existing wins get theirs here, in batches; a database without wins skips it.
Going back drops the column, so the reverse of the fill has nothing to do.
"""

from django.db import migrations, models

# Rows rendered and written per UPDATE: large enough to be quick on 200,000 wins,
# small enough to keep each statement and its memory modest.
BATCH_SIZE = 2000


def fill_body_html(apps, schema_editor):
    from feed.text import render_body

    Win = apps.get_model("feed", "Win")
    connection = schema_editor.connection
    update = "UPDATE {} SET {} = %s WHERE {} = %s".format(
        *map(connection.ops.quote_name, [Win._meta.db_table, "body_html", "id"])
    )
    wins = Win.objects.using(connection.alias).order_by("pk").values_list("pk", "body")
    last_pk = 0
    while batch := list(wins.filter(pk__gt=last_pk)[:BATCH_SIZE]):
        with connection.cursor() as cursor:
            cursor.executemany(update, [(render_body(body), pk) for pk, body in batch])
        last_pk = batch[-1][0]


class Migration(migrations.Migration):
    dependencies = [
        ("feed", "0002_win_search_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="win",
            name="body_html",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.RunPython(fill_body_html, migrations.RunPython.noop, elidable=True),
    ]
