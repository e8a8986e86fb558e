"""
Moments for machines: the `datetime` attribute of `<time>`.

HTML allows at most three digits of a second's fraction in a `datetime`
value, and `{{ value|date:"c" }}` or `isoformat()` write six whenever the
moment has microseconds, as every timestamp the database sets has. Pages write
`<time datetime="{{ value|iso_datetime }}">` instead.
"""

from __future__ import annotations

from datetime import date, datetime

from django import template

register = template.Library()


@register.filter(expects_localtime=True)
def iso_datetime(value: datetime | date | None) -> str:
    """`value` in ISO 8601 in the current time zone, as `date:"c"` gives it, with the
    fraction of a second cut to milliseconds (never rounded up into the next second).

    A date stays a date; None and "" give "".
    """
    if not value:
        return ""
    if not isinstance(value, datetime):
        return value.isoformat()
    return value.isoformat(timespec="milliseconds" if value.microsecond else "seconds")
