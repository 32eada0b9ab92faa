"""Dependencies run one way: apps -> organizations -> connect_api, nothing back up."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def imported_packages(app: str) -> dict[str, set[str]]:
    """Top-level package of every import in the app's Python files (migrations included),
    by file."""
    found: dict[str, set[str]] = {}
    for path in sorted((ROOT / app).rglob("*.py")):
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                found.setdefault(name.split(".")[0], set()).add(str(path.relative_to(ROOT)))
    return found


@pytest.mark.parametrize(
    ("app", "forbidden"),
    [
        ("uploads", {"connections", "outreach"}),
        ("organizations", {"connections", "uploads", "outreach"}),
    ],
)
def test_lower_apps_never_import_higher_ones(app, forbidden):
    imports = imported_packages(app)
    assert imports, f"no Python files found under {app}/"
    assert {package: imports[package] for package in forbidden & set(imports)} == {}


@pytest.mark.parametrize("app", ["uploads", "organizations"])
def test_not_even_as_text(app):
    """The same as plain text: no file names the package (a dynamic import would show here)."""
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / app).rglob("*.py")
        if "import connections" in path.read_text() or "from connections" in path.read_text()
    ]
    assert offenders == []


def test_the_checks_see_an_import_when_there_is_one():
    assert "organizations" in imported_packages("uploads")
    assert "connect_api" in imported_packages("organizations")
