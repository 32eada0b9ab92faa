"""What an uploaded file is, decided from its bytes, in one streamed pass.

The client's name only *claims* a type (its extension); the bytes must prove it:
- binary formats by magic number (puremagic, pure Python) and, for zip-based Office
  files, by the archive's members;
- text formats by being UTF-8 without NUL bytes and parsing as what the extension says
  (JSON by a streaming syntax check, XML by expat with DTDs refused, X12 by its ISA header).
Nothing here holds the whole file in memory: it reads fixed-size chunks.
"""

import codecs
import hashlib
import re
import zipfile
from dataclasses import dataclass
from typing import BinaryIO, NamedTuple
from xml.parsers import expat

import puremagic
from django.conf import settings

from connect_api.errors import DomainError

CHUNK_SIZE = 64 * 1024


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
    """A pushdown JSON syntax checker fed text in pieces (RFC 8259, strict: no NaN).

    `json.load` would build the whole document in memory (several times the file's size);
    this only keeps the nesting stack and a partial token across chunk borders.
    """

    _WHITESPACE = re.compile(r"[ \t\n\r]*")
    _STRING_BODY = re.compile(r'(?:[^"\\\x00-\x1f]+|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*')
    _SCALAR_RUN = re.compile(r"[-+.0-9a-zA-Z]+")
    _SCALAR = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?|true|false|null")

    # A run this long is kept whole across chunk borders, so an endless one would make the
    # check quadratic and hold the file in memory; Python's json refuses integers of over
    # 4,300 digits anyway.
    MAX_SCALAR_LENGTH = 10_000

    # What may come next.
    VALUE, VALUE_OR_CLOSE, KEY, KEY_OR_CLOSE, COLON, COMMA_OR_CLOSE, END = range(7)

    def __init__(self):
        self.stack: list[str] = []
        self.expect = self.VALUE
        self.in_string = False
        self.string_is_key = False
        self.pending = ""

    def feed(self, text: str, *, final: bool = False) -> None:
        buffer = self.pending + text
        position = self._consume(buffer, final)
        self.pending = buffer[position:]
        if final:
            if self.pending or self.in_string:
                raise ValueError("unexpected end of document")
            if self.expect != self.END:
                raise ValueError("document is incomplete")

    def _consume(self, buffer: str, final: bool) -> int:
        position = 0
        end = len(buffer)
        while position < end:
            if self.in_string:
                position = self._STRING_BODY.match(buffer, position).end()
                if position == end:
                    break
                if buffer[position] == '"':
                    self.in_string = False
                    position += 1
                    self._after_string()
                    continue
                if buffer[position] == "\\" and end - position < 6 and not final:
                    break  # an escape cut by the chunk border
                raise ValueError("invalid character or escape in a string")
            position = self._WHITESPACE.match(buffer, position).end()
            if position == end:
                break
            char = buffer[position]
            if char == '"' and self.expect in (
                self.VALUE,
                self.VALUE_OR_CLOSE,
                self.KEY,
                self.KEY_OR_CLOSE,
            ):
                self.in_string = True
                self.string_is_key = self.expect in (self.KEY, self.KEY_OR_CLOSE)
                position += 1
            elif char in "{[" and self.expect in (self.VALUE, self.VALUE_OR_CLOSE):
                self.stack.append(char)
                self.expect = self.KEY_OR_CLOSE if char == "{" else self.VALUE_OR_CLOSE
                position += 1
            elif char in "}]" and self._closes(char):
                self.stack.pop()
                self._after_value()
                position += 1
            elif char == ":" and self.expect == self.COLON:
                self.expect = self.VALUE
                position += 1
            elif char == "," and self.expect == self.COMMA_OR_CLOSE:
                self.expect = self.KEY if self.stack[-1] == "{" else self.VALUE
                position += 1
            elif self.expect in (self.VALUE, self.VALUE_OR_CLOSE):
                run = self._SCALAR_RUN.match(buffer, position)
                if run is None:
                    raise ValueError(f"unexpected character {char!r}")
                if run.end() == end and not final:
                    if end - position > self.MAX_SCALAR_LENGTH:
                        raise ValueError("a number or literal is too long")
                    break  # a number or literal cut by the chunk border
                if not self._SCALAR.fullmatch(run.group()):
                    raise ValueError(f"invalid value {run.group()[:20]!r}")
                self._after_value()
                position = run.end()
            else:
                raise ValueError(f"unexpected character {char!r}")
        return position

    def _closes(self, char: str) -> bool:
        if not self.stack or self.stack[-1] != {"}": "{", "]": "["}[char]:
            return False
        if char == "}":
            return self.expect in (self.KEY_OR_CLOSE, self.COMMA_OR_CLOSE)
        return self.expect in (self.VALUE_OR_CLOSE, self.COMMA_OR_CLOSE)

    def _after_string(self) -> None:
        if self.string_is_key:
            self.expect = self.COLON
        else:
            self._after_value()

    def _after_value(self) -> None:
        self.expect = self.COMMA_OR_CLOSE if self.stack else self.END
