"""
Finding wins by their words, tags and people.

On PostgreSQL each win carries a full-text document, `Win.search_vector`,
kept up to date by the services that write wins (`win_search_vector_update`)
and indexed with GIN (migration 0002). The product is bilingual and people mix
languages, so the document holds every text in the English *and* Spanish
configurations ("shipped" finds "shipping", "clientes" finds "cliente"), and
tag and people names also in `simple`, which keeps them as written.

Accents: people type "reunion" for "reunión" and the reverse. The `unaccent`
extension is not always installable, so each text is indexed twice, as
written and folded with the built-in `translate()` (`ACCENTED` → `PLAIN`),
and the query is folded the same way in Python. Both sides see the same
characters, so no extension is needed.

Weights: the text and its tags are what a win is about (A), its author is who
it is by (B), the people credited are who helped (C). Results are ranked by
`SearchRank`, then newest first.

Ranked results cannot be cut by the (created_at, id) cursor the feed uses, so
search pages by number with a bounded LIMIT/OFFSET: at most
`SEARCH_MAX_PAGES` pages of `SEARCH_PAGE_SIZE`. Past that, people refine
their words, which serves them better than page 40 would.

On SQLite (the embedded default) there is no full-text search: every word must
appear, case-insensitively, in the text, a tag name or the author's name.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import (
    Exists,
    F,
    Func,
    OuterRef,
    Q,
    QuerySet,
    StringAgg,
    Subquery,
    TextField,
    Value,
)

from accounts.models import User
from feed.wins.models import Credit, Tag, Win
from feed.wins.selectors import decorate, wins_with_details

# Longer queries are cut here (and the reader told): a search box is not an essay,
# and every word becomes a term PostgreSQL must look up.
SEARCH_MAX_LENGTH = 200
SEARCH_PAGE_SIZE = 20
# The OFFSET never passes SEARCH_PAGE_SIZE * SEARCH_MAX_PAGES rows.
SEARCH_MAX_PAGES = 10
# SQLite fallback: words beyond this many are ignored (each one is a LIKE on three columns).
FALLBACK_MAX_TERMS = 8

# Text-search configurations every document is written in, and every query read in.
TEXT_CONFIGS = ("english", "spanish")
NAME_CONFIGS = ("simple", "english", "spanish")
QUERY_CONFIGS = ("english", "spanish", "simple")

# Accent folding shared by the index (SQL translate()) and the query (str.translate).
ACCENTED = "áàâäãåéèêëíìîïóòôöõúùûüýÿñçÁÀÂÄÃÅÉÈÊËÍÌÎÏÓÒÔÖÕÚÙÛÜÝÑÇ"
PLAIN = "aaaaaaeeeeiiiiooooouuuuyyncAAAAAAEEEEIIIIOOOOOUUUUYNC"
FOLD = str.maketrans(ACCENTED, PLAIN)

# Control characters (NUL above all) cannot reach PostgreSQL in a string literal.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_WORD_RE = re.compile(r"\w+(?:['’.-]\w+)*", re.UNICODE)


def fold_accents(text: str) -> str:
    """`text` with the accents `ACCENTED` lists replaced, exactly as the index folds them."""
    return text.translate(FOLD)


@dataclass(frozen=True)
class SearchTerms:
    """What the reader asked for, cleaned: `text` is safe to hand to the database."""

    text: str
    truncated: bool = False

    @classmethod
    def parse(cls, raw: str | None) -> SearchTerms:
        text = unicodedata.normalize("NFC", _CONTROL_RE.sub(" ", raw or ""))
        text = " ".join(text.split())
        truncated = len(text) > SEARCH_MAX_LENGTH
        return cls(text=text[:SEARCH_MAX_LENGTH].strip(), truncated=truncated)

    def __bool__(self) -> bool:
        return bool(self.text)


@dataclass
class SearchPage:
    wins: list[Win]
    page: int
    has_more: bool
    # True when there would be more, but SEARCH_MAX_PAGES was reached.
    capped: bool = False


def uses_full_text() -> bool:
    return connection.vendor == "postgresql"


# --------------------------------------------------------------------------
# Writing documents (PostgreSQL)
# --------------------------------------------------------------------------
def _folded(expression) -> Func:
    return Func(
        expression, Value(ACCENTED), Value(PLAIN), function="translate", output_field=TextField()
    )


def _document(expression, *, weight: str, configs: Iterable[str]) -> SearchVector:
    vector = None
    for config in configs:
        for form in (expression, _folded(expression)):
            part = SearchVector(form, config=config, weight=weight)
            vector = part if vector is None else vector + part
    return vector


def _names(queryset: QuerySet, field: str) -> Subquery:
    """`field` of the rows of `queryset` (a through table with `win_id`) joined by spaces."""
    return Subquery(
        queryset.filter(win_id=OuterRef("pk"))
        .order_by()
        .values("win_id")
        .annotate(names=StringAgg(field, delimiter=Value(" ")))
        .values("names")[:1],
        output_field=TextField(),
    )


def win_document() -> SearchVector:
    """The full-text document of a win, as an expression over a `Win` row."""
    tags = _names(Win.tags.through.objects.all(), "tag__name")
    author = Subquery(User.objects.filter(pk=OuterRef("author_id")).values("name")[:1])
    credited = _names(Credit.objects.all(), "user__name")
    return (
        _document(F("body"), weight="A", configs=TEXT_CONFIGS)
        + _document(tags, weight="A", configs=NAME_CONFIGS)
        + _document(author, weight="B", configs=NAME_CONFIGS)
        + _document(credited, weight="C", configs=NAME_CONFIGS)
    )


def win_search_vector_update(*win_ids: int) -> None:
    """Rewrite the search documents of the given wins (of every win when none is given).

    One UPDATE, whatever the number of wins. Call it after anything that changes
    a win's text, tags, credits or its people's names; a no-op on SQLite.
    """
    if not uses_full_text():
        return
    wins = Win.objects.filter(pk__in=win_ids) if win_ids else Win.objects.all()
    wins.update(search_vector=win_document())
    if not win_ids:
        # Every document changed: without fresh statistics the planner guesses that
        # common words match a handful of wins, and picks nested loops that crawl.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE feed_win")


# --------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------
def search_query(text: str) -> SearchQuery:
    """`text` as web-search syntax ("quoted phrases", or, -not) in every configuration,
    as typed and with accents folded: a win matches when any reading matches."""
    query = None
    for form in dict.fromkeys((text, fold_accents(text))):
        for config in QUERY_CONFIGS:
            part = SearchQuery(form, config=config, search_type="websearch")
            query = part if query is None else query | part
    return query


def _fallback_terms(text: str) -> list[str]:
    return list(dict.fromkeys(m.group(0) for m in _WORD_RE.finditer(text)))[:FALLBACK_MAX_TERMS]


def search_wins(*, wins: QuerySet[Win], terms: SearchTerms) -> QuerySet[Win]:
    """`wins` narrowed to those matching `terms`, best first. Never raises for any text.

    `wins` must already be what the reader may see (`Win.objects.visible_to`).
    """
    if not terms:
        return wins.none()
    if uses_full_text():
        query = search_query(terms.text)
        return (
            wins.filter(search_vector=query)
            .annotate(rank=SearchRank(F("search_vector"), query))
            .order_by("-rank", "-created_at", "-id")
        )
    words = _fallback_terms(terms.text)
    if not words:
        return wins.none()
    for word in words:
        wins = wins.filter(
            Q(body__icontains=word)
            | Q(author__name__icontains=word)
            | Exists(Tag.objects.filter(wins=OuterRef("pk"), name__icontains=word))
        )
    return wins.order_by("-created_at", "-id")


def search_page(*, viewer: User, terms: SearchTerms, page: int = 1) -> SearchPage:
    """One numbered page of the wins `viewer` may see that match `terms`, with
    everything a win card shows. `page` is clamped to 1..SEARCH_MAX_PAGES."""
    page = min(max(page, 1), SEARCH_MAX_PAGES)
    matches = search_wins(wins=Win.objects.visible_to(viewer), terms=terms)
    start = (page - 1) * SEARCH_PAGE_SIZE
    rows = list(wins_with_details(matches, viewer=viewer)[start : start + SEARCH_PAGE_SIZE + 1])
    more = len(rows) > SEARCH_PAGE_SIZE
    return SearchPage(
        wins=decorate(rows[:SEARCH_PAGE_SIZE], viewer=viewer),
        page=page,
        has_more=more and page < SEARCH_MAX_PAGES,
        capped=more and page >= SEARCH_MAX_PAGES,
    )
