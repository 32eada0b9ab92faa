"""Checking an uploaded sample file against the docs' flat-file specs.

The specs are Frictionless Table Schemas kept as data in `uploads/specs/<name>.json`, one per
docs page (product, inventory, orders, invoice, tracking, allocation). A check is given the
specs a connection request's integrations allow; the file's header picks one of them, and
frictionless validates the rows against it (types, required cells, constraints), reporting
each error with its row and field.

What the platform's own sample files do, and so what real partners send, is accepted:
- header labels are compared trimmed and case-insensitively, a byte-order mark is dropped;
- a field's `aliases` name it too (`retailer_po_number` for `retailer_po`);
- a numbered field (`pricing.1.cost`) also matches `pricing.<n>.cost`, required only as `.1.`;
- rows whose cells only say what a column is ("required", "string", "Required if ...") are
  notes, skipped wherever they are; blank rows are skipped;
- spreadsheet cells are read as the text a CSV would hold: a whole number without ".0",
  a date (an Excel serial date shown as one) as YYYY-MM-DD, a boolean as true/false;
- columns the spec does not name are read and not checked.

CSV/TSV, XLSX and JSON (an array of records) get this check; X12 EDI gets an envelope check
(ISA/GS/ST ... SE/GE/IEA: counts and control numbers agree). A file that cannot be read is a
failed check with the reason. frictionless and openpyxl are imported when a check runs, so
the web process, which only queues checks, never loads them.
"""

import csv
import io
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import BinaryIO

from uploads.models import UploadCheckStatus as Status

SPECS_DIR = Path(__file__).resolve().parent / "specs"
SPEC_NAMES = ("product", "inventory", "orders", "invoice", "tracking", "allocation")
MAX_ERRORS = 100
BATCH_ROWS = 5_000
"""Rows validated per frictionless resource: memory stays bounded for a large file."""

NOTE_WORDS = (
    "required",
    "desired",
    "preferred",
    "dependent",
    "optional",
    "conditional",
    "string",
    "integer",
    "float",
    "decimal",
    "number",
    "boolean",
    "array",
    "object",
    "date",
)
_NUMBERED = re.compile(r"^(.+)\.(\d+)\.([^.]+)$")


@dataclass
class CheckResult:
    status: str
    spec: str | None = None
    rows_checked: int = 0
    error_count: int = 0
    errors: list[dict] = field(default_factory=list)
    reason: str = ""

    def add_error(self, *, row: int | None, field: str | None, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS:
            self.errors.append({"row": row, "field": field, "message": message})


class Unreadable(Exception):
    """The file cannot be read as the format its name claims (the message says why)."""


@cache
def spec_descriptor(name: str) -> dict:
    return json.loads((SPECS_DIR / f"{name}.json").read_text(encoding="utf-8"))


def normalized_label(label) -> str:
    return str(label if label is not None else "").replace("\ufeff", "").strip().lower()


def spec_field_for(name: str, label: str) -> tuple[dict, bool] | None:
    """The spec field a (normalized) header label names, and whether it is required there."""
    by_label = _labels(name)
    if label in by_label:
        found = by_label[label]
        return found, bool(found.get("constraints", {}).get("required"))
    numbered = _NUMBERED.match(label)
    if numbered:
        first = f"{numbered[1]}.1.{numbered[3]}"
        if first in by_label:
            found = by_label[first]
            return found, numbered[2] == "1" and bool(found.get("constraints", {}).get("required"))
    return None


@cache
def _labels(name: str) -> dict[str, dict]:
    labels = {}
    for spec_field in spec_descriptor(name)["fields"]:
        labels[spec_field["name"]] = spec_field
        for alias in spec_field.get("aliases", ()):
            labels[alias] = spec_field
    return labels


def required_names(name: str) -> list[str]:
    return [
        spec_field["name"]
        for spec_field in spec_descriptor(name)["fields"]
        if spec_field.get("constraints", {}).get("required")
    ]


def spec_for_header(header: list[str], specs: Iterable[str]) -> str:
    """Among `specs`, the one whose required columns the header misses least (ties: the one
    whose columns it names most, then the first given)."""

    def score(name: str):
        canonical = {_canonical(name, label) for label in header} - {None}
        missing = len(set(required_names(name)) - canonical)
        return (-missing, len(canonical))

    ordered = list(specs)
    return max(ordered, key=lambda name: (score(name), -ordered.index(name)))


def _canonical(name: str, label: str) -> str | None:
    found = spec_field_for(name, label)
    if found is None:
        return None
    spec_field, _ = found
    # pricing.3.cost is a column of its own; an alias is its field's name.
    return label if _NUMBERED.match(label) else spec_field["name"]


# --- readers: every format becomes a header and rows of text cells ---------------------------


def cell_text(value) -> str:
    """A spreadsheet or JSON cell as the text a CSV would hold."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, dict | list):
        return json.dumps(value)
    if isinstance(value, Decimal | int | float):
        return str(value)
    return str(value)


def read_delimited(file: BinaryIO, *, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    text = io.TextIOWrapper(file, encoding="utf-8-sig", newline="")
    try:
        yield from enumerate(csv.reader(text, delimiter=delimiter), start=1)
    except UnicodeDecodeError as error:
        raise Unreadable(f"the file is not UTF-8 text ({error.reason})") from None
    except csv.Error as error:
        raise Unreadable(f"the CSV cannot be parsed ({error})") from None
    finally:
        text.detach()


def read_xlsx(file: BinaryIO) -> Iterator[tuple[int, list[str]]]:
    """The first worksheet's rows (openpyxl, read-only: streamed)."""
    import warnings
    import zipfile

    import openpyxl

    try:
        book = openpyxl.load_workbook(file, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise Unreadable(f"the workbook cannot be opened ({error})") from None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "Unknown extension is not supported"
            sheet = book.worksheets[0]
            for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
                yield number, [cell_text(value) for value in row]
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise Unreadable(f"the worksheet cannot be read ({error})") from None
    finally:
        book.close()


def read_json_records(file: BinaryIO) -> Iterator[tuple[int, list[str]]]:
    """An array of objects: the header is every key in order of first appearance; record n is
    row n + 1 (the header being row 1)."""
    try:
        records = json.load(file)
    except (ValueError, UnicodeDecodeError) as error:
        raise Unreadable(f"the JSON cannot be parsed ({error})") from None
    if not isinstance(records, list) or not all(isinstance(item, dict) for item in records):
        raise Unreadable("JSON sample files must be an array of objects (one per record)")
    header: dict[str, None] = {}
    for record in records:
        header.update(dict.fromkeys(record))
    labels = list(header)
    yield 1, labels
    for number, record in enumerate(records, start=2):
        yield number, [cell_text(record.get(label)) for label in labels]


def _is_note(row: list[str]) -> bool:
    """Every non-empty cell says what a column is (stops at the first that does not)."""
    seen = False
    for cell in row:
        text = cell.strip()
        if text:
            if not text.lower().startswith(NOTE_WORDS):
                return False
            seen = True
    return seen


# --- the check --------------------------------------------------------------------------------


def check_table(rows: Iterator[tuple[int, list[str]]], specs: list[str]) -> CheckResult:
    """Validate a header and rows against the spec among `specs` that the header picks."""
    from frictionless import Resource, Schema

    header_row = next((item for item in rows if any(cell.strip() for cell in item[1])), None)
    if header_row is None:
        return CheckResult(Status.FAILED, reason="the file has no header row")
    header_number, raw_header = header_row
    header = [normalized_label(label) for label in raw_header]
    spec = spec_for_header(header, specs)
    result = CheckResult(Status.PASSED, spec=spec)

    fields, present = [], set()
    for position, label in enumerate(header, start=1):
        found = spec_field_for(spec, label) if label else None
        name = _canonical(spec, label) if found else None
        if found is None or name in present:
            fields.append({"name": f"column {position}: {raw_header[position - 1]}".strip()})
            continue
        spec_field, required = found
        constraints = dict(spec_field.get("constraints", {}))
        constraints.pop("required", None)
        if required:
            constraints["required"] = True
        column = {"name": name, "type": spec_field["type"]}
        if constraints:
            column["constraints"] = constraints
        fields.append(column)
        present.add(name)
    # Duplicate unknown labels would clash in the schema: make each name unique.
    seen: dict[str, int] = {}
    for item in fields:
        seen[item["name"]] = seen.get(item["name"], 0) + 1
        if seen[item["name"]] > 1:
            item["name"] = f"{item['name']} ({seen[item['name']]})"
    for name in required_names(spec):
        if name not in present:
            result.add_error(
                row=header_number,
                field=name,
                message=f'The required column "{name}" is missing from the header.',
            )
    schema = Schema.from_descriptor({"fields": fields})
    types = {item["name"]: item.get("type", "any") for item in fields}
    labels = [item["name"] for item in fields]
    width = len(fields)

    batch: list[list[str]] = []
    numbers: list[int] = []

    def flush():
        if not batch:
            return
        # Reading the rows casts and checks each cell (Row.errors); Resource.validate would do
        # the same after copying the whole batch for its report.
        with Resource(data=[labels, *batch], schema=schema) as resource:
            for table_row in resource.row_stream:
                for error in table_row.errors:
                    row = numbers[table_row.row_number - 2]
                    field_name = getattr(error, "field_name", None)
                    message = _message(error, row, types.get(field_name))
                    result.add_error(row=row, field=field_name, message=message)
        batch.clear()
        numbers.clear()

    for number, row in rows:
        if not any(cell.strip() for cell in row):
            continue
        if _is_note(row):
            continue
        result.rows_checked += 1
        batch.append(row[:width] + [""] * (width - len(row)) if len(row) != width else row)
        if len(row) > width and any(cell.strip() for cell in row[width:]):
            result.add_error(
                row=number,
                field=None,
                message=f"Row {number} has {len(row)} cells; the header names {width} columns.",
            )
        numbers.append(number)
        if len(batch) >= BATCH_ROWS:
            flush()
    flush()
    if result.error_count:
        result.status = Status.FAILED
    return result


def _message(error, row: int | None, type_name: str | None) -> str:
    """frictionless's note on the cell, with the file's own row number."""
    cell = getattr(error, "cell", None)
    field_name = getattr(error, "field_name", None)
    note = getattr(error, "note", "")
    if error.type == "type-error":
        return f'Row {row}, field "{field_name}": "{cell}" is not of type {type_name}.'
    if error.type == "constraint-error":
        if '"required"' in note:
            return f'Row {row}, field "{field_name}": a value is required.'
        return f'Row {row}, field "{field_name}": "{cell}" breaks the constraint {note}.'
    return error.message


_OPENERS = {"ISA": (None, 13), "GS": ("ISA", 6), "ST": ("GS", 2)}
"""Each envelope header: the envelope it must sit in, and its control number's element."""
_CLOSERS = {"SE": ("ST", "segments"), "GE": ("GS", "transaction sets"), "IEA": ("ISA", "groups")}
"""Each trailer: the header it closes, and what its first element counts."""


@dataclass
class _Envelope:
    tag: str
    control: str
    count: int  # ST: segments so far (ST itself included); GS, ISA: enclosed envelopes


def check_x12(file: BinaryIO) -> CheckResult:
    """The interchange envelope: ISA ... IEA around GS ... GE around ST ... SE, each trailer's
    count (segments, sets, groups) and control number agreeing with its header. The element
    separator and segment terminator are the ISA's own (its 4th and 106th characters)."""
    data = file.read().decode("utf-8", errors="replace").lstrip("\ufeff").lstrip()
    result = CheckResult(Status.PASSED, spec="x12-envelope")
    if not data.startswith("ISA") or len(data) < 106:
        result.add_error(row=1, field="ISA", message="The interchange does not start with ISA.")
        result.status = Status.FAILED
        return result
    separator, terminator = data[3], data[105]
    segments = [segment.strip() for segment in data.split(terminator) if segment.strip()]
    open_envelopes: list[_Envelope] = []
    for number, segment in enumerate(segments, start=1):
        elements = [element.strip() for element in segment.split(separator)]
        tag = elements[0]
        result.rows_checked += 1
        if open_envelopes and open_envelopes[-1].tag == "ST":
            open_envelopes[-1].count += 1
        if tag in _OPENERS:
            parent, control_at = _OPENERS[tag]
            inside = open_envelopes[-1] if open_envelopes else None
            if (inside.tag if inside else None) != parent:
                result.add_error(row=number, field=tag, message=f"{tag} is not inside {parent}.")
            if inside is not None and inside.tag != "ST":  # a group or a set is counted
                inside.count += 1
            control = elements[control_at] if len(elements) > control_at else ""
            open_envelopes.append(_Envelope(tag, control, 1 if tag == "ST" else 0))
        elif tag in _CLOSERS:
            opener, counted = _CLOSERS[tag]
            if not open_envelopes or open_envelopes[-1].tag != opener:
                result.add_error(row=number, field=tag, message=f"{tag} without an open {opener}.")
                continue
            envelope = open_envelopes.pop()
            count = elements[1] if len(elements) > 1 else ""
            control = elements[2] if len(elements) > 2 else ""
            if count.lstrip("0") != str(envelope.count).lstrip("0"):
                result.add_error(
                    row=number,
                    field=f"{tag}01",
                    message=f"{tag}01 says {count or 'nothing'}; "
                    f"the {opener} envelope holds {envelope.count} {counted}.",
                )
            if control.lstrip("0") != envelope.control.lstrip("0"):
                result.add_error(
                    row=number,
                    field=f"{tag}02",
                    message=f"{tag}02 control number {control or '(none)'} does not match "
                    f"{opener}'s {envelope.control}.",
                )
    for envelope in reversed(open_envelopes):
        closer = next(tag for tag, (opener, _) in _CLOSERS.items() if opener == envelope.tag)
        result.add_error(
            row=None, field=closer, message=f"{envelope.tag} is never closed by {closer}."
        )
    if result.error_count:
        result.status = Status.FAILED
    return result


TABLE_READERS = {
    "csv": lambda file: read_delimited(file, delimiter=","),
    "tsv": lambda file: read_delimited(file, delimiter="\t"),
    "xlsx": read_xlsx,
    "json": read_json_records,
}
X12 = ("edi", "x12")


def check_file(file: BinaryIO, *, extension: str, specs: list[str]) -> CheckResult:
    """Check the file (its type named by `extension`) against the spec among `specs` its
    header picks. No specs, or a type without a check: not_applicable, saying why."""
    if extension in X12:
        try:
            return check_x12(file)
        except (IndexError, ValueError) as error:
            return CheckResult(Status.FAILED, reason=f"the interchange cannot be read ({error})")
    if not specs:
        return CheckResult(
            Status.NOT_APPLICABLE, reason="No integration of the request implies a file spec."
        )
    reader = TABLE_READERS.get(extension)
    if reader is None:
        return CheckResult(
            Status.NOT_APPLICABLE, reason=f".{extension} files are not checked against a spec."
        )
    try:
        return check_table(reader(file), specs)
    except Unreadable as error:
        return CheckResult(Status.FAILED, reason=f"The file cannot be read: {error}.")
