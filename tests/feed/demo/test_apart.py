"""The demo lives apart: it imports the product, and no product module imports it."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
DEMO = "feed.demo"
# The demo's own package and the command that runs it.
DEMO_PACKAGE = ROOT / "feed" / "demo"
DEMO_COMMAND = ROOT / "feed" / "management" / "commands" / "seed_demo.py"
PRODUCT_PACKAGES = ("wins_net", "accounts", "feed")


def _imported(path: Path) -> Iterator[str]:
    """Every module `path` imports, relative imports resolved; for `from a import b`
    both `a` and `a.b` (b may be a module)."""
    package = list(path.relative_to(ROOT).with_suffix("").parts[:-1])
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            yield module
            yield from (f"{module}.{alias.name}" for alias in node.names)


def _product_modules() -> Iterator[Path]:
    for name in PRODUCT_PACKAGES:
        for path in sorted((ROOT / name).rglob("*.py")):
            if DEMO_PACKAGE not in path.parents and path != DEMO_COMMAND:
                yield path


def test_no_product_module_imports_the_demo():
    """`wins_net`, `accounts` and `feed` outside `feed/demo/` (and `seed_demo`, which runs
    it) never import the demo, so product code cannot come to rely on demo data."""
    modules = list(_product_modules())
    assert len(modules) > 50, "the product's modules were found"
    offenders = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in modules
        for name in _imported(path)
        if name == DEMO or name.startswith(f"{DEMO}.")
    ]
    assert offenders == []
