"""Turn a file's bytes into text with "\\n" line ends, or refuse a file that is not text.

Encodings: a BOM decides (UTF-8, UTF-16 LE/BE, UTF-32); BOM-less UTF-16 is recognised by
its NUL bytes; then UTF-8; then a legacy code page. For the legacy case charset-normalizer
is asked, but its answer is only taken for non-Western code pages (Cyrillic, CJK, …):
for Western text it guesses cp1250 about as often as cp1252, and bibliographic exports in
a Western code page are nearly always cp1252 (a superset of the printable Latin-1), so
those are decoded as cp1252, or Latin-1 when the bytes are not valid cp1252.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field

import charset_normalizer

from screener.types import ImportFormatError

SNIFF_BYTES = 65536

# Leading bytes of common non-text files, and how to describe them to the user.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "this is a PDF, not a reference export"),
    (b"PK\x03\x04", "this is a ZIP archive (or a .docx/.xlsx file), not a reference export"),
    (b"\xd0\xcf\x11\xe0", "this is an old Microsoft Office file (.xls/.doc), not a reference export"),
    (b"\x1f\x8b", "this is a gzip-compressed file: decompress it first"),
    (b"\x89PNG", "this is a PNG image, not a reference export"),
    (b"\xff\xd8\xff", "this is a JPEG image, not a reference export"),
    (b"GIF8", "this is a GIF image, not a reference export"),
    (b"SQLite format 3\x00", "this is an SQLite database, not a reference export"),
    (b"{\\rtf", "this is an RTF document, not a reference export"),
)
# (BOM, codec that strips it, name reported in ReadResult.encoding); UTF-32 LE before UTF-16 LE.
_BOMS: tuple[tuple[bytes, str, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32", "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32", "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig", "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16", "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16", "utf-16-be"),
)
_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 11, 12, 13))
# What ``has_control_chars`` looks for: C0 but tab and line ends, VT, FF, DEL; C1 in UTF-8.
_STRIPPED_BYTES = bytes(b for b in range(32) if b not in (9, 10, 13)) + b"\x7f"
_UTF8_C1 = re.compile(rb"\xc2[\x80-\x9f]")


def has_utf8_c1(data: bytes) -> bool:
    """Whether UTF-8 ``data`` holds a C1 control character (looked for only where a 0xC2
    byte is: a quick scan of the bytes finds none in most files)."""
    return b"\xc2" in data and _UTF8_C1.search(data) is not None

# charset-normalizer answers for which cp1252 (or Latin-1) is the better reading.
_WESTERN = {
    "ascii", "cp1252", "latin_1", "iso8859_15", "cp1250", "iso8859_2", "mac_roman",
    "mac_latin2", "cp850", "cp858", "cp437", "iso8859_3", "iso8859_4", "iso8859_9",
    "iso8859_10", "iso8859_13", "iso8859_14", "iso8859_16", "cp1254", "cp1257",
    "mac_iceland", "mac_turkish", "hp_roman8", "cp1258", "cp1256",
}


# Characters str.splitlines() also breaks at, besides \n, \r and \r\n.
_OTHER_LINE_BREAKS = "\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
_CONTROL_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


@dataclass
class DecodedText:
    text: str  # the file's text without BOM; line ends as in the file
    encoding: str
    warnings: list[str] = field(default_factory=list)
    has_control_chars: bool = False  # control characters other than tab, CR and LF (C0, DEL, C1)

    def lines(self) -> list[str]:
        """The lines, split at LF, CRLF and bare CR only (what a text editor shows)."""
        text = self.text
        if not any(ch in text for ch in _OTHER_LINE_BREAKS):
            return text.splitlines()  # one C pass; same result when no other breaks occur
        lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        if lines[-1] == "":
            lines.pop()  # as splitlines(): a final line break ends the last line
        return lines

    def take_lines(self) -> list[str]:
        """The lines, letting go of the text: a large file is then not held twice."""
        lines = self.lines()
        self.text = ""
        return lines


def _utf16_without_bom(sample: bytes) -> str | None:
    """'utf-16-le'/'utf-16-be' when every other byte is NUL, as in BOM-less UTF-16 text."""
    if len(sample) < 8:
        return None
    even_nuls = sample[0::2].count(0)
    odd_nuls = sample[1::2].count(0)
    half = len(sample) // 2
    if odd_nuls > 0.4 * half and even_nuls < 0.05 * half:
        return "utf-16-le"
    if even_nuls > 0.4 * half and odd_nuls < 0.05 * half:
        return "utf-16-be"
    return None


def _refuse_binary(path: str, data: bytes) -> None:
    if not data or data.isspace():
        raise ImportFormatError(path, "the file is empty")
    for magic, message in _MAGIC:
        if data.startswith(magic):
            raise ImportFormatError(path, message)
    sample = data[:SNIFF_BYTES]
    if sample.startswith(tuple(bom for bom, _, _ in _BOMS)) or _utf16_without_bom(sample):
        return
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    if sample.count(0) > max(2, len(sample) // 200) or controls > max(8, len(sample) // 20):
        raise ImportFormatError(path, "this is a binary file, not a text reference export")


def _decode_legacy(data: bytes, warnings: list[str]) -> tuple[str, str]:
    sample = data[:SNIFF_BYTES]
    best = charset_normalizer.from_bytes(sample).best()
    guess = best.encoding if best is not None else None
    if guess and guess not in _WESTERN and not guess.startswith("utf"):
        try:
            return data.decode(guess), guess
        except (UnicodeDecodeError, LookupError):
            pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        warnings.append("read as Latin-1: the file is neither UTF-8 nor Windows-1252")
        return data.decode("latin-1"), "latin-1"


def _decode_utf8_or_legacy(data: bytes, warnings: list[str]) -> tuple[str, str]:
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    non_ascii = len(text) - len(text.encode("ascii", errors="ignore")) - bad
    # A UTF-8 file with a few damaged bytes has many good multi-byte characters and few bad
    # ones; a cp1252 file read as UTF-8 has (nearly) only bad ones.
    if non_ascii >= 2 * bad:
        warnings.append(f"{bad} invalid UTF-8 byte sequence(s) replaced by '\ufffd'")
        return text, "utf-8"
    return _decode_legacy(data, warnings)


def decode_bytes(path: str, data: bytes) -> DecodedText:
    """Decode a whole file; raise ImportFormatError for empty and binary files."""
    _refuse_binary(path, data)
    warnings: list[str] = []
    for bom, codec, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(codec)
            except UnicodeDecodeError:
                text = data.decode(codec, errors="replace")
                warnings.append(f"invalid {encoding} byte sequence(s) replaced by '\ufffd'")
            break
    else:
        utf16 = _utf16_without_bom(data[:SNIFF_BYTES])
        if utf16:
            text, encoding = data.decode(utf16, errors="replace"), utf16
        else:
            text, encoding = _decode_utf8_or_legacy(data, warnings)
    if "\ufeff" in text:  # BOMs left inside (e.g. concatenated exports)
        text = text.replace("\ufeff", "")
    if not text or text.isspace():
        raise ImportFormatError(path, "the file is empty")
    if encoding.startswith(("utf-16", "utf-32")) or encoding not in ("utf-8", "utf-8-sig", "cp1252"):
        has_control = _CONTROL_TEXT.search(text) is not None
    else:  # C0 and DEL are single bytes, C1 two in UTF-8 (none in cp1252); bytes are quicker
        has_control = len(data.translate(None, _STRIPPED_BYTES)) != len(data) or (
            encoding != "cp1252" and has_utf8_c1(data))
    return DecodedText(text, encoding, warnings, has_control)


def read_text(path: str) -> DecodedText:
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as err:
        raise ImportFormatError(path, f"cannot read the file: {err.strerror or err}") from err
    return decode_bytes(path, data)
