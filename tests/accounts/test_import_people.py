"""`import_people` brings IT's CSV of people, teams and reporting lines into Wins.

Every line is checked first; one bad line and nothing is written. New people
are invited by email, after the commit, once.
"""

from __future__ import annotations

import re
from io import StringIO
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Team, User
from accounts.services.people_csv import people_csv_read
from accounts.services.people_import import people_import
from tests.factories import TeamFactory, UserFactory
from wins_net.emails import email_render

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
HEADER = "email,name,team,manager_email\n"


def _file(tmp_path: Path, text: str, *, header: str = HEADER, encoding: str = "utf-8") -> Path:
    path = tmp_path / "people.csv"
    path.write_text(header + text, encoding=encoding)
    return path


@pytest.fixture
def run_import(django_capture_on_commit_callbacks):
    """Run the command and its after-commit work; return (stdout, stderr)."""

    def run(path: Path | str, *args: str) -> tuple[str, str]:
        out, err = StringIO(), StringIO()
        with django_capture_on_commit_callbacks(execute=True):
            call_command("import_people", str(path), *args, stdout=out, stderr=err)
        return out.getvalue(), err.getvalue()

    return run


def _state() -> tuple:
    """Everything the import may write, to compare before and after."""
    return (
        sorted(
            User.objects.values_list("email", "name", "team__name", "manager__email", "password")
        ),
        sorted(Team.objects.values_list("name", flat=True)),
        sorted(EmailAddress.objects.values_list("email", "verified", "primary")),
    )


def _manager_of(email: str) -> str | None:
    manager = User.objects.get(email=email).manager
    return manager.email if manager else None


def test_creates_people_teams_and_reporting_lines(tmp_path, run_import):
    """People, new teams and reporting lines are created; a manager may come later in the file."""
    path = _file(
        tmp_path,
        "Ana.Gil@Example.com,Ana Gil,Ventas,boss@example.com\n"
        "boss@example.com,Carmen Ortega,Dirección,\n"
        "tom@example.com,Tom Price,,ana.gil@example.com\n",
    )

    out, _err = run_import(path)

    assert "3 created, 0 updated, 0 unchanged, 0 rejected" in out
    ana = User.objects.get(email="ana.gil@example.com")
    assert ana.name == "Ana Gil"
    assert ana.team.name == "Ventas"
    assert _manager_of("ana.gil@example.com") == "boss@example.com"
    assert _manager_of("boss@example.com") is None
    assert _manager_of("tom@example.com") == "ana.gil@example.com"
    assert User.objects.get(email="tom@example.com").team is None
    assert sorted(Team.objects.values_list("name", flat=True)) == ["Dirección", "Ventas"]
    assert not ana.has_usable_password()
    address = EmailAddress.objects.get(user=ana)
    assert (address.email, address.verified, address.primary) == ("ana.gil@example.com", True, True)


def test_second_import_reports_everyone_unchanged_and_invites_nobody(tmp_path, run_import):
    """Idempotent: the same file again changes nothing and sends nothing."""
    path = _file(
        tmp_path,
        "ana@example.com,Ana Gil,Ventas,\nbea@example.com,Bea Ruiz,Ventas,ana@example.com\n",
    )
    run_import(path)
    before = _state()
    mail.outbox.clear()

    out, _err = run_import(path)

    assert "0 created, 0 updated, 2 unchanged, 0 rejected; 0 new teams" in out
    assert _state() == before
    assert mail.outbox == []


def test_changed_name_team_and_manager_are_updated(tmp_path, run_import):
    """Existing people take the name, team and manager of the file; others stay as they are."""
    old_boss = UserFactory(email="old@example.com")
    new_boss = UserFactory(email="new@example.com")
    bystander = UserFactory(email="bystander@example.com", manager=old_boss)
    UserFactory(
        email="ana@example.com", name="Ana", team=TeamFactory(name="Sales"), manager=old_boss
    )

    out, _err = run_import(_file(tmp_path, "ANA@example.com,Ana Gil,Marketing,new@example.com\n"))

    assert "0 created, 1 updated, 0 unchanged, 0 rejected; 1 new teams" in out
    ana = User.objects.get(email="ana@example.com")
    assert (ana.name, ana.team.name, ana.manager) == ("Ana Gil", "Marketing", new_boss)
    bystander.refresh_from_db()
    assert bystander.manager == old_boss
    assert mail.outbox == []


def test_empty_cells_keep_name_and_team_but_clear_the_manager(tmp_path, run_import):
    """Empty name or team keep the existing value; an empty manager_email means no manager."""
    sales = TeamFactory(name="Sales")
    UserFactory(email="ana@example.com", name="Ana Gil", team=sales, manager=UserFactory())

    run_import(_file(tmp_path, "ana@example.com,,,\n"))

    ana = User.objects.get(email="ana@example.com")
    assert (ana.name, ana.team, ana.manager) == ("Ana Gil", sales, None)


def test_teams_and_emails_match_whatever_their_case(tmp_path, run_import):
    """`sales` joins the existing team `Sales` rather than creating a near-duplicate."""
    sales = TeamFactory(name="Sales")

    out, _err = run_import(
        _file(
            tmp_path,
            "ana@example.com,Ana Gil,sales,\nbea@example.com,Bea Ruiz,SALES,Ana@Example.com\n",
        )
    )

    assert "0 new teams" in out
    assert Team.objects.count() == 1
    assert set(sales.members.values_list("email", flat=True)) == {
        "ana@example.com",
        "bea@example.com",
    }
    assert _manager_of("bea@example.com") == "ana@example.com"


def test_dry_run_lists_what_would_change_and_writes_and_sends_nothing(tmp_path, run_import):
    """--dry-run checks and reports, with the same counts, but writes nothing."""
    UserFactory(email="ana@example.com", name="Ana", team=TeamFactory(name="Sales"))
    UserFactory(email="same@example.com", name="Same Person", team=None)
    before = _state()

    out, _err = run_import(
        _file(
            tmp_path,
            "ana@example.com,Ana Gil,Sales,\nnew@example.com,New Person,Legal,ana@example.com\n"
            "same@example.com,Same Person,,\n",
        ),
        "--dry-run",
    )

    assert "1 to create, 1 to update, 1 unchanged, 0 rejected; 1 new teams" in out
    assert "line 3: create new@example.com" in out
    assert "line 2: update ana@example.com: name “Ana” → “Ana Gil”" in out
    assert "same@example.com" not in out
    assert _state() == before
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("lines", "bad_line", "reason"),
    [
        (",Nobody,Sales,\n", 3, "The email address is missing."),
        ("not-an-email,Ana,Sales,\n", 3, "“not-an-email” is not a valid email address."),
        ("OK@example.com,Again,Sales,\n", 3, "ok@example.com is already on line 2"),
        ("ana@example.com,,Sales,\n", 3, "A name is required for a new person."),
        (
            "ana@elsewhere.org,Ana,Sales,\n",
            3,
            "ana@elsewhere.org is not an address of the organisation",
        ),
        (
            "ana@example.com,Ana,Sales,ghost@example.com\n",
            3,
            "The manager ghost@example.com is neither in the file nor an existing person.",
        ),
        ("ana@example.com,Ana,Sales,ana@example.com\n", 3, "A person cannot be their own manager."),
        (
            "ana@example.com,Ana,Sales,boss@\n",
            3,
            "The manager's email address “boss@” is not valid.",
        ),
        ("ana@example.com,Ana\n", 3, "This line has 2 values where the header has 4."),
        (f"ana@example.com,{'A' * 151},Sales,\n", 3, "The name is longer than 150 characters."),
        (f"ana@example.com,Ana,{'T' * 101},\n", 3, "The team name is longer than 100 characters."),
        (
            "ana@example.com,Ana,Sales,bea@example.com\nbea@example.com,Bea,Sales,ana@example.com\n",
            3,
            "reporting cycle: ana@example.com → bea@example.com → ana@example.com",
        ),
    ],
    ids=[
        "missing-email",
        "bad-email",
        "duplicate",
        "no-name",
        "outside-domain",
        "unknown-manager",
        "own-manager",
        "bad-manager-email",
        "wrong-value-count",
        "long-name",
        "long-team",
        "cycle",
    ],
)
def test_bad_line_is_reported_with_its_number_and_nothing_is_written(
    tmp_path, run_import, lines, bad_line, reason
):
    """Each kind of bad line is named with its number and reason; nothing is written."""
    UserFactory(email="existing@example.com", name="Existing Person")
    before = _state()
    path = _file(tmp_path, "ok@example.com,Okay Person,Sales,existing@example.com\n" + lines)
    err = StringIO()

    with pytest.raises(CommandError, match="Fix the lines above and run again") as error:
        call_command("import_people", str(path), stdout=StringIO(), stderr=err)

    assert "nothing was written" in str(error.value)
    reported = [line for line in err.getvalue().splitlines() if reason in line]
    assert reported, err.getvalue()
    assert re.match(rf"Line {bad_line}\b", reported[0])
    assert _state() == before
    assert mail.outbox == []


def test_every_rejected_line_is_listed_on_stderr(tmp_path):
    """All bad lines are reported in one run, each with its line number, not only the first."""
    err = StringIO()
    path = _file(
        tmp_path,
        "ok@example.com,Okay,Sales,\nnot-an-email,Ana,Sales,\n\nme@example.com,Me,,me@example.com\n",
    )

    with pytest.raises(CommandError, match="2 of 3 lines rejected"):
        call_command("import_people", str(path), stdout=StringIO(), stderr=err)

    assert err.getvalue().splitlines() == [
        "Line 3 (not-an-email): “not-an-email” is not a valid email address.",
        "Line 5 (me@example.com): A person cannot be their own manager.",
    ]
    assert not User.objects.exists()


def test_a_cycle_through_existing_reporting_lines_is_rejected(tmp_path, run_import):
    """A -> B in the file with B -> C -> A already in Wins would loop: refused, nothing written."""
    ana = UserFactory(email="ana@example.com")
    carla = UserFactory(email="carla@example.com", manager=ana)
    UserFactory(email="bea@example.com", manager=carla)
    before = _state()
    err = StringIO()

    with pytest.raises(CommandError, match="1 of 1 lines rejected"):
        call_command(
            "import_people",
            str(_file(tmp_path, "ana@example.com,Ana,,bea@example.com\n")),
            stdout=StringIO(),
            stderr=err,
        )

    assert err.getvalue().strip() == (
        "Line 2 (ana@example.com): This line makes a reporting cycle: "
        "ana@example.com → bea@example.com → carla@example.com → ana@example.com."
    )
    assert _state() == before


def test_moving_a_manager_under_someone_outside_their_branch_is_accepted(tmp_path, run_import):
    """Reversing a line in the same file (B no longer reports to A) is not a cycle."""
    ana = UserFactory(email="ana@example.com")
    UserFactory(email="bea@example.com", manager=ana)

    run_import(_file(tmp_path, "ana@example.com,,,bea@example.com\nbea@example.com,,,\n"))

    assert _manager_of("ana@example.com") == "bea@example.com"
    assert _manager_of("bea@example.com") is None


def test_an_address_owned_by_someone_else_is_rejected(tmp_path):
    """A new person cannot take an address that is another person's secondary address."""
    owner = UserFactory(email="owner@example.com")
    EmailAddress.objects.create(user=owner, email="alias@example.com", verified=True)
    err = StringIO()

    with pytest.raises(CommandError):
        call_command(
            "import_people",
            str(_file(tmp_path, "alias@example.com,Alias,,\n")),
            stdout=StringIO(),
            stderr=err,
        )

    assert "alias@example.com is already an address of another person, owner@example.com" in (
        err.getvalue()
    )
    assert not User.objects.filter(email="alias@example.com").exists()


def test_new_people_get_one_invitation_whose_link_sets_their_password(tmp_path, run_import, client):
    """Only new people are invited, once; the link opens the set-password form and works once."""
    UserFactory(email="existing@example.com")
    path = _file(
        tmp_path,
        "existing@example.com,Existing Person,,\nsiobhan@example.com,Siobhán O'Neill,Sales,\n",
    )

    run_import(path)
    run_import(path)

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["siobhan@example.com"]
    assert "Siobhán" in message.body  # the text part is not HTML-escaped
    html = message.alternatives[0].content
    assert message.alternatives[0].mimetype == "text/html"
    link = re.search(r"https?://\S+/accounts/password/reset/key/\S+/", message.body).group(0)
    assert f'href="{link}"' in html
    assert link.startswith("http://127.0.0.1:8000/")  # absolute, with SITE_URL

    path = urlsplit(link).path
    response = client.get(path)
    assert response.status_code == 302  # a valid key is swapped for a session, as allauth does
    form_url = response["Location"]
    form_page = client.get(form_url)
    assert form_page.status_code == 200
    assert not form_page.context.get("token_fail")
    assert 'name="password1"' in form_page.content.decode()
    response = client.post(
        form_url, {"password1": "a-Brand-new-passw0rd", "password2": "a-Brand-new-passw0rd"}
    )
    assert response.status_code == 302
    person = User.objects.get(email="siobhan@example.com")
    assert person.check_password("a-Brand-new-passw0rd")

    client.logout()
    used_again = client.get(path)
    assert used_again.status_code == 200
    assert used_again.context.get("token_fail")


def test_email_render_uses_the_recipients_language_and_time_zone(tmp_path, settings):
    """The shared helper renders the triple under the recipient's language and time zone."""
    probe = tmp_path / "emails" / "probe"
    probe.mkdir(parents=True)
    (probe / "subject.txt").write_text("Subject\n  for {{ recipient.name }}\n")
    (probe / "body.txt").write_text(
        "{% load i18n tz %}{% autoescape off %}{% get_current_language as lang %}"
        "{% get_current_timezone as tz %}{{ lang }} {{ tz }} {{ recipient.name }}"
        " {{ extra }}{% endautoescape %}"
    )
    (probe / "body.html").write_text("<p>{{ recipient.name }}</p>")
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}
    ]
    person = UserFactory(name="Íñigo O'Neill", language="es", time_zone="America/Bogota")

    message = email_render(template="probe", to=person, context={"extra": "more"})

    assert message.subject == "Subject for Íñigo O&#x27;Neill"  # subjects need autoescape off
    assert message.body == "es America/Bogota Íñigo O'Neill more"
    assert message.alternatives[0].content == "<p>Íñigo O&#x27;Neill</p>"
    assert message.to == [person.email]


def test_invitation_subject_and_text_are_not_html_escaped(user):
    """The invitation's text parts keep apostrophes and accents as they are."""
    user.name = "Siobhán O'Neill"
    user.set_unusable_password()
    user.save()

    message = email_render(
        template="invitation",
        to=user,
        context={"set_password_url": "http://x/", "valid_days": 3, "reset_url": "http://y/"},
    )

    assert "Hello Siobhán," in message.body
    assert "&#x27;" not in message.subject + message.body


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match=r"no such file\. Check the path and run again"):
        call_command("import_people", str(tmp_path / "nope.csv"), stdout=StringIO())


def test_a_folder_is_not_a_file(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_people", str(tmp_path), stdout=StringIO())


def test_missing_columns_are_named(tmp_path):
    """The header must name all four columns; the message says which are missing."""
    path = _file(tmp_path, "ana@example.com,Ana\n", header="Email,Name\n")

    with pytest.raises(CommandError) as error:
        call_command("import_people", str(path), stdout=StringIO())

    assert "lacks the column(s) team, manager_email" in str(error.value)
    assert "email,name,team,manager_email" in str(error.value)
    assert not User.objects.exists()


def test_empty_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="The file is empty"):
        call_command("import_people", str(_file(tmp_path, "", header="")), stdout=StringIO())


def test_a_file_that_is_not_utf8_is_a_clear_error(tmp_path):
    path = _file(tmp_path, "ana@example.com,Ana Muñoz,,\n", encoding="latin-1")

    with pytest.raises(CommandError, match=r"not UTF-8 text.*CSV UTF-8"):
        call_command("import_people", str(path), stdout=StringIO())


def test_byte_order_mark_semicolons_and_column_order_are_accepted(tmp_path, run_import):
    """Spreadsheets in Spanish save "CSV UTF-8" with a BOM and semicolons."""
    path = tmp_path / "people.csv"
    path.write_bytes(
        "\ufeffManager_Email;Team;Name;Email\r\n;Ventas;Ana Muñoz;ana@example.com\r\n".encode()
    )

    out, _err = run_import(path)

    assert "1 created" in out
    assert User.objects.get(email="ana@example.com").name == "Ana Muñoz"


def test_line_numbers_count_the_header_blank_lines_and_quoted_line_breaks():
    """Line numbers are those of the file, as a text editor shows them."""
    rows = people_csv_read(
        lines=StringIO(HEADER + 'a@example.com,"Ana\nGil",,\n\nb@example.com,Bea,,\n')
    )

    assert [(row.line, row.email) for row in rows] == [(2, "a@example.com"), (5, "b@example.com")]


def test_the_sample_file_in_docs_imports_cleanly(run_import):
    """docs/people.sample.csv is a working example."""
    out, err = run_import(ROOT / "docs" / "people.sample.csv")

    assert err == ""
    assert re.search(r"Done: \d+ created, 0 updated, 0 unchanged, 0 rejected", out)
    assert User.objects.count() >= 10
    assert User.objects.filter(manager__isnull=True).count() == 1
    assert len(mail.outbox) == User.objects.count()


def test_large_files_report_progress(tmp_path):
    """Long imports show progress lines, then the summary."""
    lines = "".join(
        f"p{n}@example.com,Person {n},Team {n % 7},boss@example.com\n" for n in range(1200)
    )
    out = StringIO()

    call_command(
        "import_people",
        str(_file(tmp_path, "boss@example.com,The Boss,,\n" + lines)),
        stdout=out,
    )

    assert "lines checked 1201/1201 (100%)" in out.getvalue()
    assert "rows written" in out.getvalue()
    assert "1201 created" in out.getvalue()
    assert User.objects.filter(manager__email="boss@example.com").count() == 1200


def test_queries_do_not_grow_with_the_number_of_people():
    """Reads and writes are batched: 5 or 50 people cost the same number of queries."""

    def queries(count: int, prefix: str) -> int:
        rows = people_csv_read(
            lines=StringIO(
                HEADER
                + "".join(
                    f"{prefix}{n}@example.com,Person {n},Sales,{prefix}0@example.com\n"
                    for n in range(1, count + 1)
                )
                + f"{prefix}0@example.com,Boss,Sales,\n"
            )
        )
        with CaptureQueriesContext(connection) as captured:
            people_import(rows=rows)
        return len(captured)

    TeamFactory(name="Sales")
    assert queries(5, "small") == queries(50, "large")
