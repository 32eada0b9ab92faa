"""The rules that decide a file's type from its bytes, and display names."""

import io
import json
import random
import zipfile

import pytest

from uploads.filenames import display_name
from uploads.inspection import (
    KINDS,
    EmptyFile,
    JsonSyntaxCheck,
    UnsupportedFileType,
    claimed_kind,
    inspect_upload,
)


def zip_with(*members: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for member in members:
            archive.writestr(member, "<x/>")
    return buffer.getvalue()


ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 56
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600
X12 = b"ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       ~GS*IN~"

ACCEPTED = [
    ("csv", b"sku,quantity\nA-1,3\n", "text/csv"),
    ("tsv", b"sku\tquantity\nA-1\t3\n", "text/tab-separated-values"),
    ("txt", "Grüße aus Köln\n".encode(), "text/plain"),
    ("csv", b"\xef\xbb\xbfsku,qty\n", "text/csv"),
    ("json", b'{"items": [{"sku": "A-1", "qty": 3}], "ok": true}', "application/json"),
    ("json", b"\xef\xbb\xbf[]", "application/json"),
    (
        "xml",
        b'<?xml version="1.0" encoding="UTF-8"?><items><item sku="A-1"/></items>',
        "application/xml",
    ),
    ("edi", X12, "application/edi-x12"),
    ("x12", b"\r\n" + X12, "application/edi-x12"),
    ("pdf", b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n", "application/pdf"),
    ("rtf", b"{\\rtf1\\ansi Hello}", "application/rtf"),
    ("xls", OLE2, "application/vnd.ms-excel"),
    (
        "xlsx",
        zip_with("[Content_Types].xml", "xl/workbook.xml"),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    (
        "docx",
        zip_with("[Content_Types].xml", "word/document.xml"),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    ("zip", zip_with("feed/items.csv"), "application/zip"),
]

CONTRADICTING = [
    ("csv", ELF, "NUL"),
    ("txt", b"\xff\xfe\x00h", "NUL"),
    ("csv", b"caf\xe9,1\n", "UTF-8"),
    ("json", b'{"items": [1, 2,]}', "JSON"),
    ("json", b"{'single': 'quotes'}", "JSON"),
    ("json", b"NaN", "JSON"),
    # yajl alone would stop after a top-level scalar and ignore the rest
    ("json", b'3"5e-07', "JSON"),
    ("json", b"3,4", "JSON"),
    ("json", b'"a" "b', "JSON"),
    ("json", b"[1] x", "JSON"),
    ("json", b"  ", "JSON"),
    ("json", b"[" + b"1" * 5_000 + b"]", "JSON"),
    ("xml", b"<items><item></items>", "XML"),
    ("xml", b"plain text", "XML"),
    ("xml", b'<!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>', "DOCTYPE"),
    ("xml", b'<!DOCTYPE x SYSTEM "file:///etc/passwd"><x/>', "DOCTYPE"),
    ("edi", b"GS*IN*SENDER~", "ISA"),
    ("x12", b"IS", "ISA"),
    ("pdf", b"sku,quantity\n", "magic"),
    ("pdf", ELF, "magic"),
    ("xls", b"%PDF-1.7\n", "magic"),
    ("rtf", b"{not rtf}", "magic"),
    ("xlsx", zip_with("word/document.xml"), "xl/workbook.xml"),
    ("docx", zip_with("xl/workbook.xml"), "word/document.xml"),
    ("docx", b"%PDF-1.7\n", "magic"),
    ("zip", b"PK\x03\x04 truncated archive", "zip archive"),
    ("zip", ELF, "magic"),
]


@pytest.mark.parametrize(("extension", "content", "content_type"), ACCEPTED)
def test_bytes_that_prove_the_extension_are_accepted(extension, content, content_type):
    inspection = inspect_upload(io.BytesIO(content), kind=claimed_kind(f"file.{extension}"))
    assert inspection.content_type == content_type
    assert inspection.size == len(content)


@pytest.mark.parametrize(("extension", "content", "reason"), CONTRADICTING)
def test_bytes_contradicting_the_extension_are_415(extension, content, reason):
    with pytest.raises(UnsupportedFileType) as raised:
        inspect_upload(io.BytesIO(content), kind=KINDS[extension])
    assert raised.value.status == 415
    assert reason in raised.value.message


def test_empty_file_is_400():
    with pytest.raises(EmptyFile) as raised:
        inspect_upload(io.BytesIO(b""), kind=KINDS["csv"])
    assert raised.value.status == 400


def test_checks_span_chunk_borders(monkeypatch):
    """Multi-byte characters and JSON tokens cut by a chunk border are still read right."""
    monkeypatch.setattr("uploads.inspection.CHUNK_SIZE", 3)
    content = json.dumps({"naïve": [1.25e-3, True, None, "日本語"]}, ensure_ascii=False).encode()
    assert inspect_upload(io.BytesIO(content), kind=KINDS["json"]).size == len(content)


def test_a_number_cut_by_chunk_borders_is_kept_up_to_a_bound(monkeypatch):
    """A long number spanning many chunks is still read whole; an endless one is refused
    instead of being re-scanned at every chunk (quadratic) and held in memory."""
    monkeypatch.setattr("uploads.inspection.CHUNK_SIZE", 1000)
    long_float = b"[0." + b"1" * 5_000 + b"]"
    assert inspect_upload(io.BytesIO(long_float), kind=KINDS["json"]).size == len(long_float)

    with pytest.raises(UnsupportedFileType) as raised:
        inspect_upload(io.BytesIO(b"1" * 1_000_000), kind=KINDS["json"])
    assert "too long" in raised.value.message


@pytest.mark.parametrize(
    "names",
    [("program.exe",), ("items",), ("archive.tar.gz",), ("",), ("...",), ("items.CSV.exe",)],
)
def test_extension_outside_the_allow_list_is_415(names):
    with pytest.raises(UnsupportedFileType):
        claimed_kind(*names)


def test_allow_list_comes_from_settings(settings):
    settings.UPLOAD_ALLOWED_EXTENSIONS = ["csv"]
    assert claimed_kind("ITEMS.CSV").extension == "csv"
    with pytest.raises(UnsupportedFileType) as raised:
        claimed_kind("report.pdf")
    assert raised.value.errors == {"file": ["Accepted types: csv."]}


def test_first_name_with_an_extension_claims_the_type():
    assert claimed_kind("Q3 report", "q3.pdf").extension == "pdf"
    assert claimed_kind("items.json", "items.csv").extension == "json"


def test_json_check_agrees_with_the_json_module_on_random_documents():
    rng = random.Random(4)

    def document(depth=0):
        roll = rng.random()
        if depth > 3 or roll < 0.3:
            return rng.choice([0, -12, 3.5e-7, 'a "quoted" \\ é', True, False, None])
        if roll < 0.6:
            return [document(depth + 1) for _ in range(rng.randint(0, 3))]
        return {f"key {index}\t": document(depth + 1) for index in range(rng.randint(0, 3))}

    for _ in range(200):
        text = json.dumps(document(), indent=rng.choice([None, 2]), ensure_ascii=False)
        position = rng.randrange(len(text))
        mutated = text[:position] + rng.choice('{}[]:,"x1 ') + text[position + 1 :]
        for candidate in (text, mutated):
            try:
                json.loads(candidate)
                expected = True
            except ValueError:
                expected = False
            check = JsonSyntaxCheck()
            try:
                size = rng.randint(1, 8)
                for start in range(0, len(candidate), size):
                    check.feed(candidate[start : start + size])
                check.feed("", final=True)
                accepted = True
            except ValueError:
                accepted = False
            assert accepted == expected, candidate


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("items.csv", "items.csv"),
        ("../../x.csv", "x.csv"),
        ("..\\..\\windows\\x.csv", "x.csv"),
        ("/etc/passwd", "passwd"),
        ("evil\x00name\x07.csv", "evilname.csv"),
        ("line\r\nbreak.csv", "linebreak.csv"),
        ("right\u202etxt.csv", "righttxt.csv"),
        ("  spaced   out .csv  ", "spaced out .csv"),
        ('quote"s<and>pipes|.csv', "quote_s_and_pipes_.csv"),
        ("...", ""),
        (".", ""),
        ("..", ""),
        (".hidden.csv", "hidden.csv"),
        ("trailing.csv...", "trailing.csv"),
        ("Überweisung März.csv", "Überweisung März.csv"),
    ],
)
def test_display_name_is_sanitised(raw, expected):
    assert display_name(raw) == expected


def test_long_display_name_keeps_its_extension_within_255_characters():
    name = display_name("a" * 1000 + ".csv")
    assert len(name) == 255
    assert name.endswith("aaa.csv")
    assert len(display_name("b" * 1000)) == 255
