"""
Step 1 of the people import (`accounts.services.people_import`): CSV text into rows.

`people_csv_read` reads what IT exports from the directory or a spreadsheet;
each line becomes a `PersonRow`, checked later by `people_import_plan`. Only a
file that cannot be used at all is refused here (`PeopleFileError`).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _

PEOPLE_COLUMNS = ("email", "name", "team", "manager_email")


class PeopleFileError(ValueError):
    """The file as a whole cannot be imported (no header, missing columns, not CSV)."""


@dataclass(frozen=True)
class PersonRow:
    """One line of the file, values stripped of surrounding spaces.

    `line` is the line number in the file (the header is line 1). `problem` is
    set when the line could not be split into the header's columns.
    """

    line: int
    email: str
    name: str = ""
    team: str = ""
    manager_email: str = ""
    problem: str = ""


def people_csv_read(*, lines: Iterable[str]) -> list[PersonRow]:
    """Parse CSV text (an open text file, or any iterable of lines) into rows.

    The first line is the header; it must name the columns `email`, `name`,
    `team` and `manager_email` in any order and case (other columns are
    ignored). Fields are separated by commas, or by semicolons as spreadsheets
    write them in Spanish, told apart by the header. A leading byte-order mark
    is ignored and blank lines are skipped. Raises PeopleFileError when the
    file cannot be used at all; problems of single lines are left to the plan.
    """
    iterator = iter(lines)
    header_line = next(iterator, "")
    # Blank lines before the header are tolerated, as they are after it.
    offset = 0
    while header_line and not header_line.strip():
        header_line = next(iterator, "")
        offset += 1
    header_line = header_line.lstrip("\ufeff")
    if not header_line.strip():
        raise PeopleFileError(
            _("The file is empty: its first line must be the header %(columns)s.")
            % {"columns": ",".join(PEOPLE_COLUMNS)}
        )
    delimiter = ";" if header_line.count(";") > header_line.count(",") else ","
    reader = csv.reader(_chain(header_line, iterator), delimiter=delimiter)
    rows: list[PersonRow] = []
    try:
        header = [column.strip().lower() for column in next(reader)]
        missing = [column for column in PEOPLE_COLUMNS if column not in header]
        if missing:
            raise PeopleFileError(
                _(
                    "The header (line %(line)s) lacks the column(s) %(missing)s. "
                    "It must name the columns %(columns)s."
                )
                % {
                    "line": offset + 1,
                    "missing": ", ".join(missing),
                    "columns": ",".join(PEOPLE_COLUMNS),
                }
            )
        index = {column: header.index(column) for column in PEOPLE_COLUMNS}
        # A record may span lines (a quoted line break): it is numbered by its first line.
        line = offset + reader.line_num + 1
        for record in reader:
            if any(value.strip() for value in record):
                rows.append(_person_row(record=record, header=header, index=index, line=line))
            line = offset + reader.line_num + 1
    except csv.Error as error:
        raise PeopleFileError(
            _("Line %(line)s is not valid CSV: %(error)s")
            % {"line": offset + reader.line_num, "error": error}
        ) from error
    return rows


def _chain(first: str, rest: Iterable[str]) -> Iterable[str]:
    yield first
    yield from rest


def _person_row(*, record: list[str], header: list[str], index: dict, line: int) -> PersonRow:
    values = {column: record[i].strip() if i < len(record) else "" for column, i in index.items()}
    problem = ""
    if len(record) != len(header):
        problem = _("This line has %(found)s values where the header has %(expected)s.") % {
            "found": len(record),
            "expected": len(header),
        }
    return PersonRow(line=line, problem=problem, **values)
