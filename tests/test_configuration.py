"""Every setting read from the environment is documented for operators."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _variables_read_by_settings() -> set[str]:
    source = "\n".join(p.read_text() for p in (ROOT / "wins_net").glob("*.py"))
    return set(re.findall(r"""env(?:\.\w+)?\(\s*["']([A-Z][A-Z0-9_]+)["']""", source))


def test_settings_read_some_variables():
    assert {"DATABASE_URL", "REDIS_URL", "EMAIL_URL", "SECRET_KEY"} <= _variables_read_by_settings()


def test_every_variable_is_in_env_example():
    example = (ROOT / ".env.example").read_text()
    documented = set(re.findall(r"^([A-Z][A-Z0-9_]+)=", example, re.MULTILINE))
    assert _variables_read_by_settings() - documented == set()


def test_every_variable_is_in_the_readme():
    readme = (ROOT / "README.md").read_text()
    missing = {name for name in _variables_read_by_settings() if f"`{name}`" not in readme}
    assert missing == set()
