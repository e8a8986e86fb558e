"""
What a demo win is written from: an idea, with the blanks the planner fills.

The ideas themselves are in `ideas_es` and `ideas_en`, by team; `texts`
gathers them with the comments people leave. `GENERAL` stands for the ideas
anyone may write, whatever their team.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Idea:
    """A win someone might post. Placeholders: {mate} and {mate2} (teammates),
    {other} (someone from another team), {client}, {n}; each person becomes an
    `@mention`, and so a credit."""

    text: str
    values: tuple[str, ...] = ()
    card: str = ""  # a short headline: the win's picture is a card showing it
    chart: bool = False  # ...drawn as a rising bar chart
    n: tuple[int, int] = (3, 9)
    hours: tuple[int, int] | None = None  # posted at unusual hours (on call)


def idea(text: str, *values: str, **options) -> Idea:
    """An `Idea` with `text`, tagged with the organisation's `values` (`feed.demo.values`)."""
    return Idea(text=text, values=values, **options)


CLIENTS = [
    "Ferretería Luna", "Clínica Alameda", "Northwind Tea", "Hotel Mirador del Sur",
    "Cooperativa Valle Verde", "Bright Lane Books", "Talleres Ibarra", "Harbour Dental",
    "Escuela Sol de Mayo", "Greenfield Bikes", "Panadería La Espiga", "Quayside Logistics",
    "Bodegas Río Claro", "Maple & Finch", "Academia Delta", "Óptica Horizonte",
]  # fmt: skip

GENERAL = "*"
