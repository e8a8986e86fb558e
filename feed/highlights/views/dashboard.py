"""
The comms dashboard in the admin area: the funnel of honest marketing,
participation and people published, as a page and as CSV (`?format=csv`).

An admin page: `wins_net.urls` routes it through `admin.site.admin_view`, so
anyone who is not signed in as active staff goes to the admin's login (and the
staff two-factor middleware applies, as on every admin page). Among staff,
Communications only (`is_comms`): others get 403. The numbers come from
`feed.highlights.dashboard`; this module only reads the filters and lays them out. The
charts are SVG drawn on the server: the CSP allows no inline script or style.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import formats, timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from accounts.models import Team
from feed.highlights.dashboard import (
    DEFAULT_MONTHS,
    MONTH_CHOICES,
    Dashboard,
    FunnelRow,
    dashboard_data,
)
from feed.wins.access import is_comms
from feed.wins.exports import csv_safe

# The drawing area of the charts, in SVG user units (they scale to the page width).
CHART_WIDTH = 720
BAR_HEIGHT = 28
BAR_GAP = 10
# The funnel's labels sit left of the bars, right-aligned at 8 units before
# them: the column is as wide as the longest label in the active language
# (13 px text is under 8 units a character), never narrower than this.
LABEL_WIDTH = 150
LABEL_CHAR_WIDTH = 8
LABEL_GAP = 8
MONTH_CHART_HEIGHT = 180


class DashboardFilters(forms.Form):
    """Which team and how many months. Kept beside its only view."""

    team = forms.ModelChoiceField(
        label=gettext_lazy("Team"),
        queryset=Team.objects.order_by("name"),
        required=False,
        empty_label=gettext_lazy("All teams"),
    )
    months = forms.TypedChoiceField(
        label=gettext_lazy("Period"), coerce=int, required=False, empty_value=DEFAULT_MONTHS
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["months"].choices = [
            (n, ngettext("Last %(count)s month", "Last %(count)s months", n) % {"count": n})
            for n in MONTH_CHOICES
        ]

    def values(self) -> tuple[Team | None, int]:
        """The team and months asked for; the defaults for anything invalid."""
        if self.is_valid():
            return self.cleaned_data["team"], self.cleaned_data["months"]
        return None, DEFAULT_MONTHS


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    y: int
    width: int
    text_x: int
    text_y: int


@dataclass(frozen=True)
class Column:
    label: str
    posted: int
    published: int
    x: int
    width: int
    center: int
    posted_y: int
    posted_height: int
    published_y: int
    published_height: int


def _step_labels() -> list[str]:
    return [_("Wins posted"), _("Proposed"), _("Consent asked"), _("Approved"), _("Published")]


def funnel_label_width() -> int:
    """The width of the funnel's label column, from its longest label as translated
    ("Consentimiento pedido" does not fit in the English width)."""
    longest = max(len(label) for label in _step_labels())
    return max(LABEL_WIDTH, longest * LABEL_CHAR_WIDTH + LABEL_GAP * 2)


def funnel_bars(row: FunnelRow, *, label_width: int = LABEL_WIDTH) -> list[Bar]:
    """Horizontal bars for the steps of `row`, scaled to the wins posted, starting
    `label_width` units from the left."""
    values = [getattr(row, step) for step in FunnelRow.STEPS]
    top = max(values[0], 1)
    room = CHART_WIDTH - label_width - 60
    bars = []
    for index, (label, value) in enumerate(zip(_step_labels(), values, strict=True)):
        width = round(room * value / top) if value else 0
        bars.append(
            Bar(
                label=label,
                value=value,
                y=index * (BAR_HEIGHT + BAR_GAP),
                width=max(width, 2 if value else 0),
                text_x=label_width + width + 6,
                text_y=index * (BAR_HEIGHT + BAR_GAP) + BAR_HEIGHT // 2 + 5,
            )
        )
    return bars


def month_columns(rows: list[FunnelRow]) -> list[Column]:
    """One column per month: the wins posted, with those published drawn over them."""
    top = max([row.posted for row in rows] + [1])
    slot = CHART_WIDTH / max(len(rows), 1)
    width = max(round(slot * 0.7), 4)
    columns = []
    for index, row in enumerate(rows):
        posted = round(MONTH_CHART_HEIGHT * row.posted / top)
        published = round(MONTH_CHART_HEIGHT * row.published / top)
        published = max(published, 2) if row.published else 0
        x = round(index * slot + (slot - width) / 2)
        columns.append(
            Column(
                label=formats.date_format(row.month, "M y"),
                posted=row.posted,
                published=row.published,
                x=x,
                width=width,
                center=x + width // 2,
                posted_y=MONTH_CHART_HEIGHT - posted,
                posted_height=posted,
                published_y=MONTH_CHART_HEIGHT - published,
                published_height=published,
            )
        )
    return columns


def _csv_filename(data: Dashboard) -> str:
    first, last = data.months[0], data.months[-1]
    team = f"-{slugify(data.team.name) or data.team.pk}" if data.team else ""
    return f"wins-dashboard-{first:%Y-%m}-to-{last:%Y-%m}{team}.csv"


def _rate(row: FunnelRow) -> float | str:
    rate = row.participation
    return "" if rate is None else round(rate, 4)


def dashboard_csv(data: Dashboard) -> HttpResponse:
    """One line per month and team: numbers as numbers, the rate from 0 to 1.

    UTF-8 with a byte order mark: without it Excel (on Windows) reads the file
    in the system's code page and garbles accents ("GarcÃ­a")."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_csv_filename(data)}"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(
        [
            _("Month"),
            _("Team"),
            *_step_labels(),
            _("Public views"),
            _("People who posted"),
            _("Active people"),
            _("Participation rate"),
        ]
    )
    for row in data.by_month_team:
        writer.writerow(
            [
                f"{row.month:%Y-%m}",
                csv_safe(row.team_name or _("No team")),
                *(getattr(row, step) for step in FunnelRow.STEPS),
                row.views,
                row.posters,
                row.people,
                _rate(row),
            ]
        )
    return response


@never_cache
@require_safe
def comms_dashboard(request: HttpRequest) -> HttpResponse:
    """The dashboard for comms staff: `?team=<id>&months=<n>` filter it, and
    `&format=csv` downloads the same numbers."""
    if not is_comms(request.user):
        raise PermissionDenied
    filters = DashboardFilters(request.GET or None)
    team, months = filters.values()
    # The filters as used, whatever was asked (nothing, part, or something
    # invalid): the selects show the team and months of the numbers below.
    form = DashboardFilters(initial={"team": team, "months": months})
    label_width = funnel_label_width()
    data = dashboard_data(months=months, team=team)
    if request.GET.get("format") == "csv":
        return dashboard_csv(data)
    return render(
        request,
        "admin/comms_dashboard.html",
        {
            **admin.site.each_context(request),
            "title": _("Comms dashboard"),
            "form": form,
            "filters_invalid": filters.is_bound and not filters.is_valid(),
            "data": data,
            "bars": funnel_bars(data.total, label_width=label_width),
            "columns": month_columns(data.by_month),
            "chart_width": CHART_WIDTH,
            "label_width": label_width,
            "bar_height": BAR_HEIGHT,
            "funnel_height": len(FunnelRow.STEPS) * (BAR_HEIGHT + BAR_GAP),
            "month_chart_height": MONTH_CHART_HEIGHT,
            "time_zone": timezone.get_default_timezone_name(),
        },
    )
