"""
The feed's win cards and its compose box, rendered once and served from the cache.

A page of the feed is twenty cards, and rendering them was most of its cost.
Most of a card is the same for everyone who reads it in the same language and
time zone, so the rendered HTML is kept in the "cards" cache under a key made of
everything it depends on:

- the win and its `revision`, which goes up in the same transaction as every
  change to what the card shows: the win itself, its reactions, comments,
  credits and tags, and the names, pictures and teams of the people it shows
  (`feed.wins.revisions` says where);
- the language and time zone it was rendered in;
- which reactions the reader gave (their buttons are pressed).

What differs from one reader to the next is left as a hole in the cached HTML
and filled in for each request: the CSRF token, the address a reaction returns
to, the reader's own picture by the comment box, and every relative time of the
last week ("5 minutes ago"; older ones are dates, which keep). Holes are HTML
comments, which user text can never contain: it is escaped, and the sanitiser
strips comments.

A card is rendered without the cache, and not stored, when it shows things only
one reader may see: their own win (edit and delete), a win they commented on
(their delete links, their hidden comments), a hidden win.

Keys never need deleting: a change makes a new revision, so the old card is
simply never asked for again and expires.

A page is read in two steps: its wins bare (ids, revisions), then the details
of the cards not in the cache. Anything may change in between, so the second
step starts again from what the reader may see (`Win.objects.visible_to`): a
win hidden from them or narrowed to another team meanwhile is left out, never
rendered from the ids of the first step. And a card is stored only under the
revision it was rendered from, so a reader still holding the older revision
never gets, from the cache, a card of what the win became.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from datetime import datetime

from django.conf import settings
from django.core.cache import caches
from django.db.models import FETCH_PEERS
from django.db.models.fetch_modes import FetchMode
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.template.loader import get_template
from django.utils import timezone, translation
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeString, mark_safe

from accounts.models import User
from feed.wins.forms import WinForm
from feed.wins.models import Reaction, Tag, Win
from feed.wins.selectors import decorate, wins_with_details
from feed.wins.templatetags.win_cards import avatar, since

CARD_TEMPLATE = "components/win_card.html"

# The holes, as the template receives them and as they are found again.
CSRF_HOLE = mark_safe("<!--card:csrf-->")
RETURN_HOLE = mark_safe("<!--card:return-->")
READER_AVATAR_HOLE = mark_safe("<!--card:reader-avatar-->")
# Any of them, or the relative time `{% time_element %}` leaves (`SINCE_HOLE`).
HOLE_PATTERN = re.compile(r"<!--card:(csrf|return|reader-avatar|since:([^>]+))-->")


def _cache():
    return caches["cards"]


def _key(win: Win, *, reactions: Iterable[str]) -> str:
    """The cache key of `win`'s card for a reader who gave `reactions`."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    zone = timezone.get_current_timezone_name()
    mine = ",".join(sorted(reactions))
    raw = f"{win.pk}:{win.revision}:{language}:{zone}:{mine}"
    # Time zone names and languages are short, but keys stay well-formed whatever they hold.
    return "card:" + hashlib.blake2b(raw.encode(), digest_size=16).hexdigest()


def feed_cards(
    request: HttpRequest, wins: Sequence[Win], *, fetch_mode: FetchMode = FETCH_PEERS
) -> list[SafeString]:
    """The HTML of a card for each of `wins`, in order, for `request`'s reader:
    the bare rows of `feed.wins.selectors.feed_page(details=False)`, which say
    whether the reader commented on each (`reader_commented`).

    One query (the reader's reactions) and one round trip to the cache when
    every card is there; the cards missing are loaded with `wins_with_details`
    in one go, from the wins the reader may see now, rendered and stored. A win
    of `wins` the reader can no longer see has no card in the result.
    """
    reader = request.user
    ids = [win.pk for win in wins]
    given: dict[int, set[str]] = {}
    for win_id, kind in Reaction.objects.filter(win_id__in=ids, user=reader).values_list(
        "win_id", "kind"
    ):
        given.setdefault(win_id, set()).add(kind)
    keys = {
        win.pk: _key(win, reactions=given.get(win.pk, ()))
        for win in wins
        if not (win.is_hidden or win.author_id == reader.pk or win.reader_commented)
    }
    cached = _cache().get_many(list(keys.values())) if keys else {}
    html = {pk: cached[key] for pk, key in keys.items() if key in cached}

    missing = [pk for pk in ids if pk not in html]
    if missing:
        html.update(_render_and_store(reader, wins, missing, keys=keys, fetch_mode=fetch_mode))
    holes = {
        CSRF_HOLE: escape(get_token(request)),
        RETURN_HOLE: escape(request.get_full_path()),
        READER_AVATAR_HOLE: avatar(reader, "sm"),
    }
    return [_fill(html[pk], holes) for pk in ids if pk in html]


def _render_and_store(
    reader: User,
    wins: Sequence[Win],
    missing: list[int],
    *,
    keys: dict[int, str],
    fetch_mode: FetchMode,
) -> dict[int, str]:
    """The cards of the wins with ids `missing` that `reader` may still see, by id,
    with holes; each stored under its key in `keys` when it may be shared."""
    # Visibility again: `wins` were selected a moment ago, perhaps before a change.
    details = wins_with_details(
        Win.objects.visible_to(reader).filter(pk__in=missing),
        viewer=reader,
        fetch_mode=fetch_mode,
    )
    template = get_template(CARD_TEMPLATE)
    context = {
        "user": reader,
        "full": False,
        "csrf_token": CSRF_HOLE,
        "card_return_url": RETURN_HOLE,
        "reader_avatar": READER_AVATAR_HOLE,
        "card_holes": True,
    }
    listed = {win.pk: win.revision for win in wins}
    html: dict[int, str] = {}
    fresh = {}
    for win in decorate(list(details), viewer=reader):
        html[win.pk] = template.render({**context, "win": win})
        # A win that changed since it was listed is shown as it is now, but its
        # card does not belong under the key of the revision listed.
        if win.pk in keys and win.revision == listed[win.pk] and not win.is_hidden:
            fresh[keys[win.pk]] = html[win.pk]
    if fresh:
        _cache().set_many(fresh, timeout=settings.CARD_CACHE_SECONDS)
    return html


def _fill(html: str, holes: dict[str, str]) -> SafeString:
    """`html` with its holes filled, in one pass: the reader's from `holes`, and
    the relative times as `since` says them now."""

    def fill(match: re.Match) -> str:
        if match.group(2) is not None:
            return conditional_escape(since(datetime.fromisoformat(match.group(2))))
        return holes[match.group(0)]

    # Rendered by the template; every value put in a hole is escaped.
    return mark_safe(HOLE_PATTERN.sub(fill, html))  # noqa: S308


# --------------------------------------------------------------------------
# The compose box at the top of the feed
# --------------------------------------------------------------------------
COMPOSE_TEMPLATE = "wins/win_form.html#compose"


def compose_box(request: HttpRequest) -> SafeString:
    """The empty compose box of the feed's first page, for `request`'s reader.

    Its form (a dozen widgets) costs as much to render as a handful of cards,
    and it is the same every time for one reader: their name in the question,
    their team among the audiences, the organisation's values to pick from. The
    key is made of exactly these, so it needs no invalidation: a new name, team
    or value makes a new key. The CSRF token is a hole, as in the cards.
    """
    reader = request.user
    values = list(
        Tag.objects.filter(is_value=True).order_by("name").values_list("pk", "name", "description")
    )
    team = reader.team.name if reader.team_id else ""
    language = translation.get_language() or settings.LANGUAGE_CODE
    raw = repr((language, reader.pk, reader.get_short_name(), team, values))
    key = "compose:" + hashlib.blake2b(raw.encode(), digest_size=16).hexdigest()
    html = _cache().get(key)
    if html is None:
        form = WinForm(author=reader)
        html = get_template(COMPOSE_TEMPLATE).render(
            {"compose_form": form, "csrf_token": CSRF_HOLE, "user": reader}
        )
        _cache().set(key, html, timeout=settings.CARD_CACHE_SECONDS)
    return mark_safe(html.replace(CSRF_HOLE, escape(get_token(request))))  # noqa: S308 - as _fill
