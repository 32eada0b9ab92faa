"""What an uploaded file is, decided from its bytes, in one streamed pass.

The client's name only *claims* a type (its extension); the bytes must prove it:
- binary formats by magic number (puremagic, pure Python) and, for zip-based Office
  files, by the archive's members;
- text formats by being UTF-8 without NUL bytes and parsing as what the extension says
  (JSON by yajl's streaming parser, XML by expat with DTDs refused, X12 by its ISA header).
Nothing here holds the whole file in memory: it reads fixed-size chunks.
"""

import codecs
import hashlib
import zipfile
from dataclasses import dataclass
from typing import BinaryIO, NamedTuple
from xml.parsers import expat

import ijson
import puremagic
from django.conf import settings

from connect_api.errors import DomainError

CHUNK_SIZE = 64 * 1024
_YAJL = ijson.get_backend("yajl2_c")  # the C backend; ImportError if it is not built


class FileKind(NamedTuple):
    extension: str
    content_type: str
    is_text: bool


KINDS: dict[str, FileKind] = {
    kind.extension: kind
    for kind in [
        FileKind("csv", "text/csv", True),
        FileKind("tsv", "text/tab-separated-values", True),
        FileKind("txt", "text/plain", True),
        FileKind("json", "application/json", True),
        FileKind("xml", "application/xml", True),
        FileKind("edi", "application/edi-x12", True),
        FileKind("x12", "application/edi-x12", True),
        FileKind("pdf", "application/pdf", False),
        FileKind("rtf", "application/rtf", False),
        FileKind("xls", "application/vnd.ms-excel", False),
        FileKind(
            "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", False
        ),
        FileKind(
            "docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            False,
        ),
        FileKind("zip", "application/zip", False),
    ]
}
"""Every type this module can verify; settings.UPLOAD_ALLOWED_EXTENSIONS picks among them."""

# A zip-based Office file is a zip archive holding this member.
OFFICE_MEMBERS = {"xlsx": "xl/workbook.xml", "docx": "word/document.xml"}


class UnsupportedFileType(DomainError):
    status = 415
    code = "unsupported_file_type"


class EmptyFile(DomainError):
    code = "empty_file"


@dataclass(frozen=True)
class Inspection:
    size: int
    sha256: str
    content_type: str


def allowed_extensions() -> list[str]:
    return [extension.lower() for extension in settings.UPLOAD_ALLOWED_EXTENSIONS]


def extension_of(name: str) -> str:
    stem, dot, extension = name.rpartition(".")
    return extension.lower() if dot and stem else ""


def claimed_kind(*names: str) -> FileKind:
    """The type the first name with an extension claims; 415 if it is not allowed."""
    extension = next((extension_of(name) for name in names if extension_of(name)), "")
    allowed = allowed_extensions()
    if extension not in allowed or extension not in KINDS:
        shown = f".{extension}" if extension else "a name without an extension"
        raise UnsupportedFileType(
            f"Files of type {shown} are not accepted.",
            errors={"file": [f"Accepted types: {', '.join(allowed)}."]},
        )
    return KINDS[extension]


def inspect_upload(file: BinaryIO, *, kind: FileKind) -> Inspection:
    """Hash and size the file and prove from its bytes that it is `kind` (else 415).

    Empty -> 400. Reads the file once in chunks for the hash and the text checks, plus the
    head/tail (and a zip's central directory) for binary formats.
    """
    file.seek(0)
    digest = hashlib.sha256()
    size = 0
    text_check = TextCheck(kind.extension) if kind.is_text else None
    while chunk := file.read(CHUNK_SIZE):
        size += len(chunk)
        digest.update(chunk)
        if text_check is not None:
            text_check.feed(chunk)
    if size == 0:
        raise EmptyFile("The submitted file is empty.", errors={"file": ["The file is empty."]})
    if text_check is not None:
        problem = text_check.finish()
    else:
        file.seek(0)
        problem = binary_problem(file, kind.extension)
    file.seek(0)
    if problem:
        raise UnsupportedFileType(
            f"The file's content is not {kind.extension.upper()}: {problem}.",
            errors={"file": [f"Content does not match the .{kind.extension} extension."]},
        )
    return Inspection(size=size, sha256=digest.hexdigest(), content_type=kind.content_type)


def binary_problem(file: BinaryIO, extension: str) -> str:
    """Why the bytes are not a file of this binary `extension` ("" if they are)."""
    try:
        candidates = {match.extension.lower() for match in puremagic.magic_stream(file)}
    except (puremagic.PureError, ValueError):
        candidates = set()
    archive_based = extension in OFFICE_MEMBERS or extension == "zip"
    # puremagic names a zip archive by any of the zip-based formats it knows.
    signatures = {".zip", ".docx", ".xlsx"} if archive_based else {f".{extension}"}
    if not signatures & candidates:
        return "its magic number does not match"
    if archive_based:
        file.seek(0)
        try:
            with zipfile.ZipFile(file) as archive:
                members = set(archive.namelist())
        except (zipfile.BadZipFile, OSError, ValueError):
            return "it is not a readable zip archive"
        member = OFFICE_MEMBERS.get(extension)
        if member and member not in members:
            return f"the archive has no {member}"
    return ""


class TextCheck:
    """Streaming proof that bytes are UTF-8 text of one format (csv, json, xml, x12 ...)."""

    def __init__(self, extension: str):
        self.extension = extension
        self.decoder = codecs.getincrementaldecoder("utf-8")(errors="strict")
        self.problem = ""
        self.started = False
        self.head = ""
        self.json = JsonSyntaxCheck() if extension == "json" else None
        self.xml = _xml_parser() if extension == "xml" else None

    def feed(self, chunk: bytes, *, final: bool = False) -> None:
        if self.problem:
            return
        if b"\x00" in chunk:
            self.problem = "it contains NUL bytes"
            return
        try:
            text = self.decoder.decode(chunk, final)
        except UnicodeDecodeError:
            self.problem = "it is not valid UTF-8 text"
            return
        if not self.started:
            self.started = True
            text = text.removeprefix("\ufeff")
        if self.extension in ("edi", "x12") and len(self.head) < 3:
            self.head += text.lstrip() if not self.head else text
            if len(self.head) >= 3 and not self.head.startswith("ISA"):
                self.problem = "X12 interchanges start with an ISA segment"
        try:
            if self.json is not None:
                self.json.feed(text, final=final)
            if self.xml is not None:
                self.xml.Parse(chunk, final)
        except ValueError as error:
            self.problem = f"it is not well-formed JSON ({error})"
        except expat.ExpatError as error:
            self.problem = f"it is not well-formed XML ({expat.errors.messages[error.code]})"
        except _ForbiddenXml as error:
            self.problem = f"XML with {error} is not accepted"

    def finish(self) -> str:
        self.feed(b"", final=True)
        if not self.problem and self.extension in ("edi", "x12") and self.head[:3] != "ISA":
            self.problem = "X12 interchanges start with an ISA segment"
        return self.problem


class _ForbiddenXml(Exception):
    pass


def _xml_parser():
    """expat, fed chunk by chunk; any DTD (and so any entity declaration) is refused, which
    rules out entity-expansion and external-entity attacks, as defusedxml's forbid_dtd does."""
    parser = expat.ParserCreate()

    def refuse(what):
        def handler(*args):
            raise _ForbiddenXml(what)

        return handler

    parser.StartDoctypeDeclHandler = refuse("a DOCTYPE declaration")
    parser.EntityDeclHandler = refuse("an entity declaration")
    parser.ExternalEntityRefHandler = refuse("an external entity")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    return parser


class JsonSyntaxCheck:
    """Streaming JSON syntax check (RFC 8259, strict: no NaN, one value) fed text in pieces.

    The parsing is yajl's, through ijson's C backend (yajl2_c): it keeps only the nesting
    state and a partial token, so a 25 MB file is checked in well under a second in about
    1 MB. The parse events are dropped as they come.
    """

    # A number or literal cut by chunk borders is re-read whole at every chunk, so an endless
    # one would make the check quadratic; Python's json refuses integers of over 4,300 digits.
    MAX_SCALAR_LENGTH = 10_000
    _SCALAR_CHARS = b"-+.0123456789eE"

    def __init__(self):
        self._events = ijson.sendable_list()
        self._parser = None  # made at the first non-blank byte, which says what the value is
        self._scalar_values = None  # values seen so far, for a document that is one scalar
        self._run = 0  # length of the number-like run the data so far ends with

    def _start(self, first: bytes) -> None:
        self._parser = _YAJL.basic_parse_coro(self._events, use_float=True)
        if first not in b"{[":
            # yajl ends a top-level scalar at any byte and ignores what follows ('3"x' would
            # pass), so a scalar document is checked as the one element of an array.
            self._scalar_values = 0
            self._parser.send(b"[")

    def feed(self, text: str | bytes, *, final: bool = False) -> None:
        data = text.encode() if isinstance(text, str) else text
        if self._parser is None:
            data = data.lstrip(b" \t\n\r")
            if data:
                self._start(data[:1])
            elif final:
                raise ValueError("the document is empty")
            else:
                return
        if data:
            tail = len(data) - len(data.rstrip(self._SCALAR_CHARS))
            self._run = self._run + tail if tail == len(data) else tail
            if self._run > self.MAX_SCALAR_LENGTH:
                raise ValueError("a number or literal is too long")
        try:
            if data:
                self._parser.send(data)
            if final:
                if self._scalar_values is not None:
                    self._parser.send(b"]")
                self._parser.close()
        except ijson.JSONError as error:
            raise ValueError(str(error).splitlines()[0]) from None
        except (ValueError, SystemError):  # a number Python cannot hold
            raise ValueError("a number is too large") from None
        if self._scalar_values is not None:
            # [ value ]: start_array, the scalar, end_array; anything more is a second value.
            self._scalar_values += len(self._events)
            if self._scalar_values > 3:
                raise ValueError("trailing garbage after the value")
        self._events.clear()
