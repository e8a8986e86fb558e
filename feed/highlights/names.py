"""
Whom a highlight's public title and text name, and whether each of them was asked.

A public story may name only people who consented to it. The title and text are
searched for `@handles` and for the full names of the people of the
organisation, active or not; anyone they name who is not among the people the
highlight names (`HighlightPerson`: the people asked for consent) is reported,
so comms see them on the draft, and `feed.highlights.services` refuses to ask for consent
or to publish until the text no longer names them or they were added and asked.

A full name counts when it has at least two words and appears as whole words,
in any case: a single first name says nothing about who is meant. A name
written inside the name of someone asked ("María García" in "Ana María
García") is theirs. An `@handle` of nobody in the organisation names nobody.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db.models import F, Q, TextField, Value

from accounts.models import User
from feed.highlights.models import Highlight
from feed.wins.text import MENTION_RE, handle_for


@dataclass(frozen=True)
class UnaskedPerson:
    """Someone the public text names who was not asked, and how it names them."""

    user: User
    written: str  # "@marta.ruiz" or "Marta Ruiz", as in the text

    @property
    def label(self) -> str:
        """Their name, and the handle the text uses when it is one."""
        if self.written.startswith("@"):
            return f"{self.user.display_name} ({self.written})"
        return self.user.display_name

    @property
    def left(self) -> bool:
        """Whether they left the organisation, and so can no longer be asked."""
        return not self.user.is_active


def _name_re(name: str) -> re.Pattern:
    words = (re.escape(word) for word in name.split())
    return re.compile(r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)", re.IGNORECASE)


def people_unasked(
    *, highlight: Highlight, title: str | None = None, text: str | None = None
) -> list[UnaskedPerson]:
    """The people of the organisation whom `title` and `text` (by default the
    highlight's own) name by `@handle` or full name, but who are not among
    the people `highlight` names; in the order the text first names them, each
    once. Two queries.
    """
    title = highlight.title if title is None else title
    text = highlight.text if text is None else text
    written = f"{title}\n{text}"
    asked = list(highlight.people.select_related("user"))
    asked_ids = {person.user_id for person in asked}
    asked_handles = {handle_for(person.user.email) for person in asked}
    handles: dict[str, int] = {}  # handle: where the text first uses it
    for match in MENTION_RE.finditer(written):
        handle = match.group(1).rstrip(".").lower()
        if handle not in asked_handles:
            handles.setdefault(handle, match.start())

    # Where the names of the people asked are written: a name inside one is theirs.
    taken: list[tuple[int, int]] = []
    for person in asked:
        for name in {person.user.display_name, person.public_name}:
            if name.strip():
                taken += [match.span() for match in _name_re(name).finditer(written)]

    named = Q(name__contains=" ", written__icontains=F("name"))
    for handle in handles:
        named |= Q(email__istartswith=f"{handle}@")
    candidates = (
        # One space between words, as in the names (the pattern allows any).
        User.objects.alias(written=Value(" ".join(written.split()), output_field=TextField()))
        .filter(named)
        .exclude(pk__in=asked_ids)
        .order_by("pk")
    )
    found: dict[int, tuple[int, UnaskedPerson]] = {}
    for user in candidates:
        handle = handle_for(user.email)
        spots = []
        if handle in handles:
            spots.append((handles[handle], f"@{handle}"))
        if " " in user.name.strip():
            for match in _name_re(user.name).finditer(written):
                start, end = match.span()
                if not any(s <= start and end <= e for s, e in taken):
                    spots.append((start, match.group(0)))
                    break
        if spots:
            position, as_written = min(spots)
            found[user.pk] = (position, UnaskedPerson(user=user, written=as_written))
    return [person for _, person in sorted(found.values(), key=lambda pair: pair[0])]
