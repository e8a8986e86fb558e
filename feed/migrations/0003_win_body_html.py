"""
`Win.body_html`: each win's text rendered once, when it is saved, instead of at
every view (see `feed.text.render_body`).

Existing wins get theirs here, in batches; a database without wins skips it.
Going back drops the column, so the reverse of the fill has nothing to do.

The rendering is `feed.text.render_body` as it was when this migration was
written, copied here with its rules: a later change to `feed.text` (or its
move) never changes what this migration does to an old database. The services
render every win saved afterwards with the live code.
`tests/feed/test_migrations.py` checks both still agree.
"""

import re

import nh3
from django.db import migrations, models
from django.utils.html import escape, urlize
from django.utils.http import urlencode

# Rows rendered and written per UPDATE: large enough to be quick on 200,000 wins,
# small enough to keep each statement and its memory modest.
BATCH_SIZE = 2000

# feed.text at the time.
HASHTAG_RE = re.compile(r"(?<![\w&#/])#([^\W_][\w-]{0,49})", re.UNICODE)
ALLOWED_TAGS = {"a", "br", "p"}
ALLOWED_ATTRIBUTES = {"a": {"href", "class", "title"}}
# The feed's address (`reverse("feed:home")`), where a tag's link filters by it.
FEED_URL = "/"


def _hashtag_link(match):
    name = match.group(1).rstrip("-")
    rest = match.group(1)[len(name) :]
    url = FEED_URL + "?" + urlencode({"tag": name.lower()})
    return f'<a class="tag" href="{escape(url)}">#{name}</a>{rest}'


def _link_outside_anchors(html, pattern, link):
    # Anchors made by urlize are left alone: a `#` in a URL is not a tag.
    parts = re.split(r"(<a [^>]*>.*?</a>)", html)
    for index, part in enumerate(parts):
        if not part.startswith("<a "):
            parts[index] = pattern.sub(link, part)
    return "".join(parts)


def render_body(text):
    """`text` escaped and sanitised, with URLs and `#tags` linked and line breaks kept,
    and `@mentions` left as typed."""
    html = urlize(escape(text), nofollow=True, autoescape=False)
    html = _link_outside_anchors(html, HASHTAG_RE, _hashtag_link)
    paragraphs = [p.replace("\n", "<br>") for p in re.split(r"\n{2,}", html.strip()) if p]
    return nh3.clean(
        "".join(f"<p>{p}</p>" for p in paragraphs),
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        link_rel="nofollow noopener",
        url_schemes={"http", "https", "mailto"},
    )


def fill_body_html(apps, schema_editor):
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
