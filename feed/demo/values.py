"""
The organisation's values: the tags demo wins carry for what they show.

The ideas (`ideas_es`, `ideas_en`) name them through the constants below;
`ensure_values` makes them tags before any win is written.
"""

from __future__ import annotations

from feed.wins.models import Tag
from feed.wins.tags import tags_for

# (name, description in both languages). One name per value, in the language
# the company coined it in; the description says it in both.
VALUES: list[tuple[str, str]] = [
    (
        "ClientesFelices",
        "Cada cliente se va mejor de lo que llegó. · "
        "Every customer leaves better off than they arrived.",
    ),
    (
        "Aprendizaje",
        "Aprendemos haciendo y enseñamos lo aprendido. · "
        "We learn by doing and teach what we learn.",
    ),
    (
        "Teamwork",
        "Nadie gana solo: damos el mérito a quien ayudó. · "
        "Nobody wins alone: we credit whoever helped.",
    ),
    (
        "KeepItSimple",
        "Quitar un paso vale más que añadir tres. · Removing one step beats adding three.",
    ),
    (
        "Transparencia",
        "Contamos lo que pasa, también lo que falta. · We share what happens, gaps included.",
    ),
]
CUSTOMER, LEARNING, TEAMWORK, SIMPLE, OPEN = (name for name, _description in VALUES)


def ensure_values() -> int:
    """The organisation's values as `Tag(is_value=True)`, with descriptions. Returns how
    many were created or changed; running it again changes nothing."""
    changed = 0
    for name, description in VALUES:
        tag = tags_for(names=[name])[0]
        if not tag.is_value or not tag.description:
            Tag.objects.filter(pk=tag.pk).update(
                is_value=True, description=tag.description or description
            )
            changed += 1
    return changed
