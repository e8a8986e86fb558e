"""The Spanish translation is complete and its compiled .mo is up to date.

Runs Django's `makemessages` on a copy of the source, so a string added to the
code without a Spanish translation fails here, in CI, not in front of a user.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import unavailable

ROOT = Path(__file__).resolve().parents[1]
PO = ROOT / "locale" / "es" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
SOURCES = ["manage.py", "wins_net", "accounts", "feed", "templates", "locale"]


@pytest.fixture(scope="module")
def gettext_tools() -> None:
    for tool in ("msgfmt", "msgattrib", "msgcmp", "xgettext"):
        if not shutil.which(tool):
            unavailable(f"{tool} is missing: apt-get install gettext")


@pytest.fixture(scope="module")
def fresh_po(gettext_tools, tmp_path_factory) -> Path:
    """The .po that `makemessages` makes from the current source."""
    copy = tmp_path_factory.mktemp("source")
    for name in SOURCES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, copy / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, copy / name)
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "es", "--no-obsolete"],
        cwd=copy,
        env={"PATH": "/usr/bin:/bin", "DEBUG": "true", "SECRET_KEY": "translations-test"},
        check=True,
        capture_output=True,
    )
    return copy / "locale" / "es" / "LC_MESSAGES" / "django.po"


def test_every_string_of_the_source_is_in_the_spanish_po(fresh_po):
    """Run `make messages` and translate what it adds when this fails."""
    result = subprocess.run(["msgcmp", "--use-untranslated", str(PO), str(fresh_po)],
                            capture_output=True, text=True)  # fmt: skip
    assert result.returncode == 0, result.stderr


def test_every_spanish_string_is_translated_and_not_fuzzy(gettext_tools):
    untranslated = subprocess.run(
        ["msgattrib", "--untranslated", "--no-obsolete", str(PO)],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    fuzzy = subprocess.run(
        ["msgattrib", "--only-fuzzy", "--no-obsolete", str(PO)],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert untranslated.strip() == "", "untranslated:\n" + untranslated
    assert fuzzy.strip() == "", "fuzzy:\n" + fuzzy


def test_compiled_mo_matches_the_po(gettext_tools, tmp_path):
    """Run `make messages` (it compiles too) when this fails."""
    compiled = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "--check", "-o", str(compiled), str(PO)], check=True)
    assert MO.read_bytes() == compiled.read_bytes()
