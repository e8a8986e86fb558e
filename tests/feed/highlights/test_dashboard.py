"""The comms dashboard: the funnel, participation and people published, as a page and CSV."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from feed.highlights import services as highlights
from feed.highlights.consents import consent_answer, consent_request
from feed.highlights.dashboard import dashboard_data, month_range
from feed.highlights.views.dashboard import LABEL_CHAR_WIDTH, LABEL_WIDTH, funnel_label_width
from feed.wins.models import Credit
from tests.factories import TeamFactory, UserFactory, WinFactory, comms_user

pytestmark = pytest.mark.django_db

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0"
URL = "/admin/dashboard/"


def _ask_and_answer(highlight, *, comms, approve=True):
    consent_request(highlight=highlight, by=comms)
    for consent in highlight.consents.filter(answer="pending"):
        consent_answer(consent=consent, person=consent.person, approve=approve)
    highlight.refresh_from_db()
    return highlight


def _published(win, *, comms):
    highlight = _ask_and_answer(highlights.highlight_propose(win=win, by=comms), comms=comms)
    return highlights.highlight_publish(highlight=highlight, by=comms)


@pytest.fixture
def scenario(client, settings):
    """Two teams, this month:

    Customer Care (3 active people): a published win crediting a coworker
    (3 public views), a team-only win, a win left in draft. Marta posts nothing.
    Sales (comms and 2 more active, 1 who left): a win published then withdrawn
    (2 views before), a win declined, a win by the person who left.
    """
    settings.MFA_REQUIRED_FOR_STAFF = False
    care, sales = TeamFactory(name="Customer Care"), TeamFactory(name="Sales")
    comms = comms_user(email="comms.dash@example.com", team=sales)
    ana = UserFactory(name="Ana García", team=care)
    luis = UserFactory(name="Luis Pérez", team=care)
    UserFactory(name="Marta Ruiz", team=care)
    bea = UserFactory(name="Bea Soto", team=sales)
    carl = UserFactory(name="Carl Díaz", team=sales)
    gone = UserFactory(name="Gone Person", team=sales, is_active=False)

    win = WinFactory(author=ana, body="A hundred tickets in one day")
    Credit.objects.create(win=win, user=luis)
    story = _published(win, comms=comms)
    WinFactory(author=ana, visibility="team", body="Team-only detail")
    highlights.highlight_propose(win=WinFactory(author=luis), by=comms)

    taken_down = _published(WinFactory(author=bea), comms=comms)
    declined = highlights.highlight_propose(win=WinFactory(author=carl), by=comms)
    _ask_and_answer(declined, comms=comms, approve=False)
    WinFactory(author=gone)

    for _n in range(3):
        client.get(reverse("highlights:detail", args=[story.slug]), headers={"User-Agent": BROWSER})
    for _n in range(2):
        client.get(
            reverse("highlights:detail", args=[taken_down.slug]), headers={"User-Agent": BROWSER}
        )
    highlights.highlight_withdraw(highlight=taken_down, by=comms)
    return {"comms": comms, "care": care, "sales": sales, "ana": ana}


def _totals(page: str) -> list[str]:
    """The cells of the first table's total row, as shown."""
    footer = re.search(r"<tfoot>(.*?)</tfoot>", page, re.S).group(1)
    return [
        " ".join(cell.split()) for cell in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", footer, re.S)
    ]


def _csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def _selected(page: str, name: str) -> str:
    """The text of the option the select `name` shows."""
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', page, re.S).group(1)
    chosen = re.findall(r"<option[^>]*selected[^>]*>(.*?)</option>", select, re.S)
    assert len(chosen) <= 1
    if not chosen:  # a browser shows the first
        chosen = re.findall(r"<option[^>]*>(.*?)</option>", select, re.S)[:1]
    return chosen[0]


def test_page_shows_the_funnel_for_a_known_scenario(client, scenario):
    """Posted counts team-only wins; a withdrawn story stays published in history;
    participation is people who posted of active people; 3 people saw their work out."""
    client.force_login(scenario["comms"])
    response = client.get(URL)
    assert response.status_code == 200
    page = response.text
    #          posted, proposed, asked, approved, published, views, posters, people, rate
    assert _totals(page) == ["Total", "6", "4", "3", "2", "2", "5", "4", "6", "67%"]
    data = response.context["data"]
    assert data.people_published == 3
    by_team = {row.team_name: row for row in data.by_team}
    care, sales = by_team["Customer Care"], by_team["Sales"]
    assert (care.posted, care.proposed, care.consent_asked, care.approved, care.published) == (
        3, 2, 1, 1, 1,
    )  # fmt: skip
    assert (sales.posted, sales.proposed, sales.consent_asked, sales.approved) == (3, 2, 2, 1)
    assert (sales.published, care.views, sales.views) == (1, 3, 2)
    assert (care.posters, care.people, sales.posters, sales.people) == (2, 3, 2, 3)
    assert "team only" in page.lower()
    assert "Download CSV" in page
    assert page.count('class="dashboard-chart"') == 2


def test_funnel_never_widens(client, scenario):
    data = dashboard_data()
    for row in [*data.by_month, *data.by_team, *data.by_month_team, data.total]:
        steps = [row.posted, row.proposed, row.consent_asked, row.approved, row.published]
        assert steps == sorted(steps, reverse=True), row


def test_csv_has_a_line_per_month_and_team_with_numbers(client, scenario):
    client.force_login(scenario["comms"])
    response = client.get(URL, {"format": "csv", "months": "3"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="wins-dashboard-')
    assert disposition.endswith('.csv"')
    rows = _csv(response)
    assert rows[0] == [
        "Month", "Team", "Wins posted", "Proposed", "Consent asked", "Approved", "Published",
        "Public views", "People who posted", "Active people", "Participation rate",
    ]  # fmt: skip
    assert len(rows) == 1 + 3 * 2  # 3 months × 2 teams (nobody is without a team)
    this_month = f"{month_range(months=1).months[0]:%Y-%m}"
    mine = {row[1]: row for row in rows[1:] if row[0] == this_month}
    assert mine["Customer Care"][2:] == ["3", "2", "1", "1", "1", "3", "2", "3", "0.6667"]
    assert mine["Sales"][2:] == ["3", "2", "2", "1", "1", "2", "2", "3", "0.6667"]
    earlier = [row for row in rows[1:] if row[0] != this_month]
    assert all(row[2:9] == ["0"] * 7 for row in earlier)


def test_csv_header_follows_the_language(client, scenario):
    """The header is translated at request time (here: the month column in Spanish)."""
    client.force_login(scenario["comms"])
    client.cookies["django_language"] = "es"
    rows = _csv(client.get(URL, {"format": "csv"}))
    assert rows[0][0] in {"Month", "Mes"}  # "Mes" once the catalogue has it
    assert len(rows[0]) == 11


def test_team_filter(client, scenario):
    client.force_login(scenario["comms"])
    response = client.get(URL, {"team": scenario["care"].pk})
    assert _totals(response.text) == ["Total", "3", "2", "1", "1", "1", "3", "2", "3", "67%"]
    assert response.context["data"].people_published == 2  # Ana and Luis
    assert "By team, whole period" not in response.text
    rows = _csv(client.get(URL, {"team": scenario["care"].pk, "format": "csv", "months": "6"}))
    assert {row[1] for row in rows[1:]} == {"Customer Care"}
    assert len(rows) == 1 + 6
    assert (
        "customer-care"
        in client.get(URL, {"team": scenario["care"].pk, "format": "csv"})["Content-Disposition"]
    )


def test_bad_filters_fall_back_to_the_defaults(client, scenario):
    client.force_login(scenario["comms"])
    response = client.get(URL, {"team": "nope", "months": "999"})
    assert response.status_code == 200
    assert len(response.context["data"].months) == 12
    assert "defaults are shown" in response.text
    # The filters show what the numbers use, not the first choice.
    assert _selected(response.text, "months") == "Last 12 months"
    assert _selected(response.text, "team") == "All teams"


def test_the_period_shown_is_the_period_used(client, scenario):
    client.force_login(scenario["comms"])
    page = client.get(URL).text
    assert _selected(page, "months") == "Last 12 months"
    assert "defaults are shown" not in page
    page = client.get(URL, {"months": "6", "team": scenario["care"].pk}).text
    assert _selected(page, "months") == "Last 6 months"
    assert _selected(page, "team") == "Customer Care"
    # Only the team asked for: the period is still the default, and says so.
    assert _selected(client.get(URL, {"team": scenario["care"].pk}).text, "months") == (
        "Last 12 months"
    )


def test_csv_starts_with_a_byte_order_mark_for_excel(client, scenario):
    client.force_login(scenario["comms"])
    response = client.get(URL, {"format": "csv"})
    assert response.content.startswith(b"\xef\xbb\xbfMonth,Team,")
    assert response.content.decode("utf-8-sig").count("\ufeff") == 0  # only one, at the start


def test_page_layout_breadcrumbs_totals_and_scrolling_tables(client, scenario):
    client.force_login(scenario["comms"])
    page = client.get(URL).text
    # The stock breadcrumbs of Django's admin, which its CSS styles.
    crumbs = re.search(r'<ol class="breadcrumbs">(.*?)</ol>', page, re.S).group(1)
    assert f'<a href="{reverse("admin:index")}">Home</a>' in crumbs
    assert '<li aria-current="page">Comms dashboard</li>' in crumbs
    # Each table scrolls inside its own box on a narrow screen.
    assert page.count('class="dashboard-table-scroll"') == 2
    scroll = r'class="dashboard-table-scroll"[^>]*>\s*<table class="dashboard-table">'
    assert len(re.findall(scroll, page)) == 2


def test_css_styles_totals_as_bold_rows_and_scrolls_tables():

    css = (Path(settings.BASE_DIR) / "static/css/dashboard.css").read_text()
    footer = re.search(r"\.dashboard-table tfoot td \{(.*?)\}", css, re.S).group(1)
    assert "font-weight: 700" in footer
    assert "font-size: 0.8125rem" in footer
    assert "color: var(--body-fg)" in footer
    scroll = re.search(r"\.dashboard-table-scroll \{(.*?)\}", css, re.S).group(1)
    assert "overflow-x: auto" in scroll


def test_funnel_labels_fit_in_spanish(client, scenario):
    """The label column grows with the longest label: "Consentimiento pedido" in Spanish."""

    client.force_login(scenario["comms"])
    client.cookies["django_language"] = "es"
    response = client.get(URL)
    labels = [bar.label for bar in response.context["bars"]]
    width = response.context["label_width"]
    assert width >= LABEL_WIDTH
    assert width - 8 >= max(len(label) for label in labels) * LABEL_CHAR_WIDTH
    assert f'x="{width}"' in response.text

    with translation.override("es"):
        assert funnel_label_width() >= len("Consentimiento pedido") * LABEL_CHAR_WIDTH + 8


def test_months_are_whole_months_in_the_org_time_zone(settings, db):
    """Europe/Madrid: 22:30 UTC on 31 March is already April there."""
    settings.TIME_ZONE = "Europe/Madrid"
    author = UserFactory()
    for moment in [
        datetime(2026, 1, 31, 22, 59, tzinfo=UTC),  # 23:59 on 31 Jan: before the range
        datetime(2026, 1, 31, 23, 30, tzinfo=UTC),  # 00:30 on 1 Feb
        datetime(2026, 2, 28, 23, 30, tzinfo=UTC),  # 00:30 on 1 Mar
        datetime(2026, 3, 31, 21, 59, tzinfo=UTC),  # 23:59 on 31 Mar (summer time)
        datetime(2026, 3, 31, 22, 30, tzinfo=UTC),  # 00:30 on 1 Apr
    ]:
        WinFactory(author=author, created_at=moment)
    now = datetime(2026, 4, 15, 12, tzinfo=UTC)
    span = month_range(months=3, now=now)
    assert span.months == [date(2026, 2, 1), date(2026, 3, 1), date(2026, 4, 1)]
    assert span.start == datetime(2026, 1, 31, 23, tzinfo=UTC)
    assert span.end == datetime(2026, 4, 30, 22, tzinfo=UTC)
    data = dashboard_data(months=3, now=now)
    assert [(row.month, row.posted) for row in data.by_month] == [
        (date(2026, 2, 1), 1),
        (date(2026, 3, 1), 2),
        (date(2026, 4, 1), 1),
    ]
    assert data.total.posted == 4


def test_month_range_crosses_the_year(db):
    span = month_range(months=12, now=datetime(2026, 2, 10, 12, tzinfo=UTC))
    assert span.months[0] == date(2025, 3, 1)
    assert span.months[-1] == date(2026, 2, 1)


def test_constant_queries_whatever_the_months_and_teams(db, django_assert_max_num_queries):
    """The same number of queries for 1 month and 1 team as for 24 months and 8 teams."""

    def count(**kwargs) -> int:
        with CaptureQueriesContext(connection) as queries:
            dashboard_data(**kwargs)
        return len(queries)

    WinFactory()
    small = count(months=1)
    for _n in range(8):
        author = UserFactory()
        WinFactory(author=author)
        WinFactory(author=author, visibility="team")
    assert count(months=24) == small
    with django_assert_max_num_queries(7):
        dashboard_data(months=24)


def test_page_queries_do_not_grow(client, scenario, django_assert_max_num_queries):
    client.force_login(scenario["comms"])
    with CaptureQueriesContext(connection) as few:
        client.get(URL, {"months": "3"})
    for _n in range(6):
        WinFactory(author=UserFactory(team=TeamFactory()))
    with CaptureQueriesContext(connection) as many:
        client.get(URL, {"months": "24"})
    assert len(many) == len(few)


def test_empty_state(client, settings, db):
    settings.MFA_REQUIRED_FOR_STAFF = False
    client.force_login(comms_user(email="comms.empty@example.com"))
    response = client.get(URL)
    assert response.status_code == 200
    assert "Nothing to show yet" in response.text
    assert "dashboard-chart" not in response.text


def _goes_to_admin_login(response) -> bool:
    return (
        response.status_code == 302
        and response["Location"].startswith(reverse("admin:login"))
        and "next=/admin/dashboard/" in response["Location"]
    )


def test_anonymous_goes_to_the_admin_login(client, db):
    assert _goes_to_admin_login(client.get(URL))
    assert _goes_to_admin_login(client.get(URL, {"format": "csv"}))


@pytest.mark.parametrize("kind", ["employee", "manager", "comms_not_staff"])
def test_people_who_are_not_staff_go_to_the_admin_login(client, settings, db, kind):
    """As on every admin page: even a member of Communications needs to be staff."""
    settings.MFA_REQUIRED_FOR_STAFF = False
    if kind == "comms_not_staff":
        person = comms_user(email="comms.nostaff@example.com")
        person.is_staff = False
        person.save(update_fields=["is_staff"])
    else:
        person = UserFactory()
    if kind == "manager":
        UserFactory(manager=person, team=person.team)
    client.force_login(person)
    assert _goes_to_admin_login(client.get(URL))
    assert _goes_to_admin_login(client.get(URL, {"format": "csv"}))


def test_staff_outside_comms_get_403(client, settings, db):
    settings.MFA_REQUIRED_FOR_STAFF = False
    client.force_login(UserFactory(is_staff=True))
    assert client.get(URL).status_code == 403
    assert client.get(URL, {"format": "csv"}).status_code == 403


def test_comms_staff_without_two_factor_are_sent_to_set_it_up(client, settings, db):
    settings.MFA_REQUIRED_FOR_STAFF = True
    client.force_login(comms_user(email="comms.nomfa@example.com"))
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


def test_superuser_sees_it(client, settings, db):
    settings.MFA_REQUIRED_FOR_STAFF = False
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert client.get(URL).status_code == 200


def test_admin_index_links_it_for_comms_only(client, settings, db):
    settings.MFA_REQUIRED_FOR_STAFF = False
    client.force_login(comms_user(email="comms.index@example.com"))
    assert URL in client.get(reverse("admin:index")).text
    client.force_login(UserFactory(is_staff=True))
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    assert URL not in response.text
    # The same rule as the page: a superuser sees the link, and staff who were
    # given the permission to change highlights (but are not comms) do not.
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert URL in client.get(reverse("admin:index")).text

    editor = UserFactory(is_staff=True)
    editor.user_permissions.add(Permission.objects.get(codename="change_highlight"))
    client.force_login(editor)
    assert URL not in client.get(reverse("admin:index")).text
    assert client.get(URL).status_code == 403


def test_page_has_no_inline_style_or_script(client, scenario):
    """The CSP forbids them: the charts are SVG with classes, styled from a file."""
    client.force_login(scenario["comms"])
    page = client.get(URL).text
    main = page[page.index('id="content-main"') :]
    assert "style=" not in main
    assert "<script" not in main
