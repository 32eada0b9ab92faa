"""The docs' flat-file spec pages read as (column, type, required) rows."""

import re
from pathlib import Path
from typing import NamedTuple

DOCS = Path(__file__).resolve().parent.parent / "fixtures" / "crux_docs"
PAGES = {
    "product": "product.md",
    "inventory": "inventory.md",
    "orders": "orders.md",
    "invoice": "invoice.md",
    "tracking": "tracking.md",
    "allocation": "allocation.md",
}

# A column: its name on one line, then ": (type) [***Required***] description".
_COLUMN = re.compile(r"^([a-z0-9_.]+)\n: \(([^)]*)\)(.*)$", re.MULTILINE)


class DocsColumn(NamedTuple):
    name: str
    type: str
    required: bool


def docs_columns(spec: str) -> list[DocsColumn]:
    text = (DOCS / "pages" / PAGES[spec]).read_text(encoding="utf-8")
    body = text.split("\n---\n", 1)[1]  # after the front matter
    return [
        DocsColumn(name, kind.strip(), "***Required***" in rest)
        for name, kind, rest in _COLUMN.findall(body)
    ]
