"""
"My wins": a person's own wins and the wins they were credited on, as a brag
document for a review (Markdown) or a spreadsheet (CSV).

Only the person's own record, and only what they may see (`visible_to`
applies: their own team-only wins are in, a team-only win of another team
that somehow credits them is not). Lines are produced one by one from a
chunked iterator, so a long history streams in constant memory. Dates are in
the person's time zone and the text in their language, whatever request or
thread ends up streaming them.
"""

from __future__ import annotations

import csv
import html
import zoneinfo
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db.models import Prefetch, Q, QuerySet
from django.utils import formats, timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from feed.wins.models import Credit, Win

# Rows fetched (with their tags and credits) per round trip while streaming.
EXPORT_CHUNK_SIZE = 500
# A spreadsheet runs a cell starting with one of these as a formula (OWASP "CSV injection").
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def brag_wins(*, person: User) -> QuerySet[Win]:
    """Wins `person` posted or was credited on and may see, newest first, with
    their tags and credited people."""
    credit_ids = Credit.objects.filter(user=person).values("win_id")
    return (
        Win.objects.visible_to(person)
        .filter(Q(author_id=person.pk) | Q(pk__in=credit_ids))
        .select_related("author")
        .prefetch_related(
            "tags", Prefetch("credits", queryset=Credit.objects.select_related("user"))
        )
        .order_by("-created_at", "-id")
    )


def csv_safe(value: str) -> str:
    """`value`, quoted with a leading apostrophe when a spreadsheet would run it as a formula."""
    return f"'{value}" if value.startswith(FORMULA_PREFIXES) else value


@contextmanager
def _as(person: User) -> Iterator[zoneinfo.ZoneInfo]:
    try:
        zone = zoneinfo.ZoneInfo(person.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    with translation.override(person.language), timezone.override(zone):
        yield zone


def export_filename(*, person: User, extension: str) -> str:
    """`wins-<handle>-<today in their time zone>.<extension>`: plain ASCII, safe in a header."""
    handle = slugify(person.email.split("@", 1)[0].replace(".", "-")) or "me"
    with _as(person):
        today = timezone.localdate()
    return f"wins-{handle}-{today:%Y-%m-%d}.{extension}"


def _wins(queryset: QuerySet[Win]) -> Iterator[Win]:
    return queryset.iterator(chunk_size=EXPORT_CHUNK_SIZE)


def _tags(win: Win) -> str:
    return " ".join(f"#{tag.name}" for tag in win.tags.all())


def _credited(win: Win) -> str:
    return ", ".join(credit.user.display_name for credit in win.credits.all())


# --------------------------------------------------------------------------
# CSV
# --------------------------------------------------------------------------
class _Line:
    """A file-like that hands back what `csv.writer` writes, so rows can be yielded."""

    def write(self, value: str) -> str:
        return value


def export_csv(*, person: User, link: Callable[[Win], str]) -> Iterator[str]:
    """CSV lines (header first) of `person`'s brag list; `link` makes a win's absolute URL.

    Starts with a UTF-8 byte order mark so that spreadsheets read accents right.
    """
    writer = csv.writer(_Line())
    with _as(person) as zone:
        yield "\ufeff" + writer.writerow(
            [
                _("Date"),
                _("Role"),
                _("Author"),
                _("Text"),
                _("Tags"),
                _("Credited"),
                _("Visible to"),
                _("Reactions"),
                _("Comments"),
                _("Link"),
            ]
        )
        for win in _wins(brag_wins(person=person)):
            role = _("Posted") if win.author_id == person.pk else _("Credited")
            cells = [
                f"{timezone.localtime(win.created_at, zone):%Y-%m-%d %H:%M}",
                role,
                win.author.display_name,
                win.body,
                _tags(win),
                _credited(win),
                str(win.get_visibility_display()),
            ]
            yield writer.writerow(
                [csv_safe(cell) for cell in cells]
                + [win.reaction_count, win.comment_count, link(win)]
            )


# --------------------------------------------------------------------------
# Markdown
# --------------------------------------------------------------------------
def _md(text: str) -> str:
    """People's text with `<`, `>` and `&` as entities: Markdown renders inline HTML."""
    return html.escape(text, quote=False)


def _quote(text: str) -> str:
    """`text` as a Markdown block quote: whatever it contains stays inside the quote."""
    return "\n".join(f"> {_md(line)}".rstrip() for line in text.splitlines()) + "\n"


def _markdown_win(win: Win, *, person: User, link: Callable[[Win], str], zone) -> str:
    date = formats.date_format(timezone.localtime(win.created_at, zone), "DATE_FORMAT")
    title = (
        date
        if win.author_id == person.pk
        else _("%(date)s, by %(name)s") % {"date": date, "name": _md(win.author.display_name)}
    )
    facts = []
    if tags := _tags(win):
        facts.append(_("Tags: %(tags)s") % {"tags": _md(tags)})
    if credited := _credited(win):
        facts.append(_("With: %(names)s") % {"names": _md(credited)})
    facts.append(
        ngettext("%(count)d reaction", "%(count)d reactions", win.reaction_count)
        % {"count": win.reaction_count}
    )
    facts.append(
        ngettext("%(count)d comment", "%(count)d comments", win.comment_count)
        % {"count": win.comment_count}
    )
    if win.visibility == Win.Visibility.TEAM:
        facts.append(_("Team only"))
    if win.is_hidden:
        facts.append(_("Hidden by moderators: %(reason)s") % {"reason": _md(win.hidden_reason)})
    facts.append(f"[{_('Link')}]({link(win)})")
    return f"### {title}\n\n{_quote(win.body)}\n{' · '.join(facts)}\n\n"


def export_markdown(*, person: User, link: Callable[[Win], str]) -> Iterator[str]:
    """A Markdown document of `person`'s wins, then the wins they were credited on."""
    wins = brag_wins(person=person)
    posted = wins.filter(author_id=person.pk)
    credited = wins.exclude(author_id=person.pk)
    with _as(person) as zone:
        yield "# " + _("Wins of %(name)s") % {"name": _md(person.display_name)} + "\n\n"
        yield (
            _("Exported on %(date)s.")
            % {"date": formats.date_format(timezone.localdate(), "DATE_FORMAT")}
            + "\n\n"
        )
        for heading, section, empty in (
            (_("Wins I posted"), posted, _("No wins posted yet.")),
            (_("Wins I was credited on"), credited, _("Not credited on any win yet.")),
        ):
            yield f"## {heading}\n\n"
            found = False
            for win in _wins(section):
                found = True
                yield _markdown_win(win, person=person, link=link, zone=zone)
            if not found:
                yield f"{empty}\n\n"
