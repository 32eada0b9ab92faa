"""Sample files checked against the docs' flat-file specs: the specs match the docs' pages,
the docs' own sample files pass, and the same files with a fault fail naming row and field."""

import csv
import io
import json
from pathlib import Path

import openpyxl
import pytest

from tests.uploads.docs_pages import DOCS, PAGES, docs_columns
from uploads.checks import SPEC_NAMES, check_file, spec_descriptor
from uploads.models import UploadCheckStatus as Status

# How a docs type is checked in a flat file: arrays are delimited text ('A:1;;B:2'), not JSON.
TYPES = {
    "string": "string",
    "string, ISO Alpha-2": "string",
    "string, alphanumeric, underscores": "string",
    "integer": "integer",
    "float": "number",
    "decimal": "number",
    "boolean": "boolean",
    "array": "string",
    "object": "string",
}
# Where the schema departs from the page's type, on purpose (docs/upload_checks.md says why).
DEPARTURES = {("orders", "quantity"): "integer", ("allocation", "quantity_accepted"): "integer"}

SAMPLES = sorted((DOCS / "csv").glob("*.csv")) + sorted((DOCS / "xlsx").glob("*.xlsx"))
EXPECTED_SPEC = {path: path.name.split("_sample")[0] for path in SAMPLES}
# Each spec's integer quantity column (the non-integer mutation's target).
QUANTITY = {
    "inventory": "quantity_in_stock",
    "orders": "quantity",
    "invoice": "quantity_invoiced",
    "tracking": "quantity_shipped",
    "allocation": "quantity_rejected",
    "product": "quantity_in_stock",
}


def test_every_docs_page_has_its_schema():
    assert set(PAGES) == set(SPEC_NAMES)


@pytest.mark.parametrize("spec", SPEC_NAMES)
def test_schema_matches_the_docs_page(spec):
    """Same columns in the same order, each with the page's type and Required mark."""
    fields = spec_descriptor(spec)["fields"]
    columns = docs_columns(spec)
    assert [f["name"] for f in fields] == [c.name for c in columns]
    for spec_field, column in zip(fields, columns, strict=True):
        assert spec_field["docsType"] == column.type
        expected = DEPARTURES.get((spec, column.name), TYPES[column.type])
        assert spec_field["type"] == expected, column.name
        assert bool(spec_field.get("constraints", {}).get("required")) == column.required


def run(path_or_bytes, extension, specs=SPEC_NAMES):
    data = path_or_bytes.read_bytes() if isinstance(path_or_bytes, Path) else path_or_bytes
    return check_file(io.BytesIO(data), extension=extension, specs=list(specs))


@pytest.mark.parametrize("path", SAMPLES, ids=lambda path: path.name)
def test_the_docs_sample_files_pass_their_spec(path):
    result = run(path, path.suffix[1:])
    assert (result.status, result.errors, result.reason) == (Status.PASSED, [], "")
    assert result.spec == EXPECTED_SPEC[path]


def test_the_header_picks_among_the_integrations_specs():
    inventory = DOCS / "csv" / "inventory_sample.csv"
    assert run(inventory, "csv", ["product", "inventory"]).spec == "inventory"
    # an order integration only: inventory is not among its specs, so the file fails
    result = run(inventory, "csv", ["orders", "invoice"])
    assert result.status == Status.FAILED
    assert result.spec == "orders"
    assert {error["field"] for error in result.errors} == {"retailer_po"}


# --- CSV mutations: the docs' samples, each given valid rows first ---------------------------


def csv_table(spec):
    """The docs' CSV sample of `spec` (header and rows), with two valid rows if it has none."""
    text = (DOCS / "csv" / f"{spec}_sample.csv").read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    header = rows[0]
    if len(rows) == 1:
        rows += [valid_row(spec, header, n) for n in (1, 2)]
    return rows


def valid_row(spec, header, n):
    types = {f["name"]: f["type"] for f in spec_descriptor(spec)["fields"]}
    values = {"integer": str(n), "number": "1.5", "boolean": "true"}
    row = []
    for label in header:
        name = label.strip()
        if name.endswith("country_of_origin") or name.endswith("_country"):
            row.append("US")
        elif name.startswith("pricing.") and not name.startswith("pricing.1."):
            row.append("")
        else:
            row.append(values.get(types.get(name, "string"), f"v{n}"))
    return row


def as_csv(rows) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return ("\ufeff" + out.getvalue()).encode()


SPECS_WITH_ROWS = ["inventory", "orders", "invoice", "tracking", "allocation", "product"]


@pytest.mark.parametrize("spec", SPECS_WITH_ROWS)
def test_the_samples_with_rows_pass(spec):
    result = run(as_csv(csv_table(spec)), "csv")
    assert (result.status, result.spec, result.errors) == (Status.PASSED, spec, [])
    assert result.rows_checked == len(csv_table(spec)) - 1


@pytest.mark.parametrize("spec", SPECS_WITH_ROWS)
def test_a_dropped_required_column_fails_on_the_header(spec):
    rows = csv_table(spec)
    dropped = "sku_id"
    at = [label.strip() for label in rows[0]].index(dropped)
    rows = [row[:at] + row[at + 1 :] for row in rows]
    result = run(as_csv(rows), "csv", [spec])
    assert result.status == Status.FAILED
    assert {"row": 1, "field": dropped} in [
        {"row": e["row"], "field": e["field"]} for e in result.errors
    ]


@pytest.mark.parametrize("spec", SPECS_WITH_ROWS)
def test_a_non_integer_quantity_fails_naming_row_and_field(spec):
    rows = csv_table(spec)
    column = QUANTITY[spec]
    rows[2][[label.strip() for label in rows[0]].index(column)] = "2.5"
    result = run(as_csv(rows), "csv")
    assert result.status == Status.FAILED
    assert result.error_count == 1
    assert result.errors[0]["row"] == 3
    assert result.errors[0]["field"] == column
    assert "2.5" in result.errors[0]["message"]


@pytest.mark.parametrize("spec", SPECS_WITH_ROWS)
def test_an_empty_required_cell_fails_naming_row_and_field(spec):
    rows = csv_table(spec)
    rows[1][[label.strip() for label in rows[0]].index("sku_id")] = ""
    result = run(as_csv(rows), "csv")
    assert result.status == Status.FAILED
    assert [(e["row"], e["field"]) for e in result.errors] == [(2, "sku_id")]


# --- XLSX: note rows skipped, the file's own row numbers reported -----------------------------


def xlsx_with(path, edit) -> bytes:
    book = openpyxl.load_workbook(path)
    edit(book.worksheets[0])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_xlsx_non_integer_quantity_is_reported_at_its_sheet_row():
    """inventory_sample.xlsx: header, two note rows, data on row 4."""
    path = DOCS / "xlsx" / "inventory_sample.xlsx"
    data = xlsx_with(path, lambda sheet: sheet.cell(row=4, column=3, value=2.5))
    result = run(data, "xlsx")
    assert result.status == Status.FAILED
    assert [(e["row"], e["field"]) for e in result.errors] == [(4, "quantity_in_stock")]


def test_xlsx_empty_required_cell_and_dropped_column():
    path = DOCS / "xlsx" / "tracking_sample.xlsx"
    result = run(xlsx_with(path, lambda sheet: setattr(sheet["D2"], "value", None)), "xlsx")
    assert [(e["row"], e["field"]) for e in result.errors] == [(2, "sku_id")]
    result = run(xlsx_with(path, lambda sheet: sheet.delete_cols(4)), "xlsx", ["tracking"])
    assert (1, "sku_id") in [(e["row"], e["field"]) for e in result.errors]


# --- JSON, X12, unreadable files --------------------------------------------------------------


def test_json_array_of_records():
    records = [
        {"item_id": "A", "sku_id": "A-1", "quantity_in_stock": 3},
        {"item_id": "A", "sku_id": "A-2", "quantity_in_stock": "many"},
    ]
    result = run(json.dumps(records).encode(), "json", ["product", "inventory"])
    assert (result.spec, result.rows_checked) == ("inventory", 2)
    assert [(e["row"], e["field"]) for e in result.errors] == [(3, "quantity_in_stock")]
    result = run(b'{"item_id": "A"}', "json")
    assert result.status == Status.FAILED
    assert "array of objects" in result.reason


ISA = (
    "ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       "
    "*210101*1200*U*00401*000000905*0*T*>~"
)
INTERCHANGE = (
    ISA + "GS*PO*S*R*20210101*1200*905*X*004010~ST*850*0001~BEG*00*SA*PO1**20210101~"
    "SE*3*0001~GE*1*905~IEA*1*000000905~"
)


def test_x12_envelope():
    assert run(INTERCHANGE.encode(), "edi").status == Status.PASSED
    broken = INTERCHANGE.replace("SE*3*0001", "SE*4*0002").replace("GE*1*905~", "")
    result = run(broken.encode(), "x12")
    assert result.status == Status.FAILED
    fields = [e["field"] for e in result.errors]
    assert fields[:2] == ["SE01", "SE02"]
    assert "IEA" in fields  # IEA closes ISA while GS is still open


@pytest.mark.parametrize(
    ("data", "extension"),
    [
        (b"PK\x03\x04 not really a workbook", "xlsx"),
        (b"\xff\xfe\x00 not utf-8", "csv"),
        (b"", "csv"),
        (b'[{"a": 1', "json"),
    ],
)
def test_a_file_that_cannot_be_read_is_a_failed_check_with_the_reason(data, extension):
    result = run(data, extension)
    assert result.status == Status.FAILED
    assert result.reason


def test_no_spec_and_unchecked_types_are_not_applicable():
    assert run(b"a,b\n1,2\n", "csv", []).status == Status.NOT_APPLICABLE
    assert run(b"%PDF-1.4", "pdf").status == Status.NOT_APPLICABLE
