"""Text helpers for the PRISMA flow diagram: width estimates, wrapping, cleaning, numbers.

Pure Python (no Qt): widths come from a table of DejaVu Sans advance widths, the widest of the
fonts the diagram names, so text measured here also fits when Arial is used instead.
"""

from __future__ import annotations

import re
import unicodedata

FONT_SIZE = 12.0

# Advance widths of DejaVu Sans (regular, per 1000 em) for ASCII 32..126, measured with Qt.
_ASCII_W = (
    318, 401, 460, 838, 636, 950, 780, 275, 390, 390, 500, 838, 318, 361, 318, 337,
    636, 636, 636, 636, 636, 636, 636, 636, 636, 636, 337, 337, 838, 838, 838, 531,
    1000, 684, 686, 698, 770, 632, 575, 775, 752, 295, 295, 656, 557, 863, 748, 787,
    603, 787, 695, 635, 611, 732, 684, 989, 685, 611, 685, 390, 337, 390, 838, 500,
    500, 613, 635, 550, 635, 615, 352, 635, 634, 278, 278, 579, 278, 974, 634, 612,
    635, 635, 411, 521, 392, 634, 592, 818, 592, 592, 525, 636, 337, 636, 838,
)  # fmt: skip
_BOLD_FACTOR = 1.1  # DejaVu Sans Bold is at most about 10% wider
_OTHER_W = 640  # Latin letters with accents and most other scripts
_WIDE_W = 1000  # East Asian wide and full-width characters

# Characters that XML 1.0 forbids (C0 controls but tab/LF/CR, lone surrogates, U+FFFE/U+FFFF)
# and DEL; each becomes a space.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
# Words for wrapping: "(n = 1,234)" with a trailing dagger stays one word.
_TOKEN = re.compile(r"\(n = [^)]*\)\S*|\S+")


def text_width(text: str, size: float = FONT_SIZE, bold: bool = False) -> float:
    """Estimated width in px of ``text`` set in DejaVu Sans at ``size`` px."""
    total = 0
    for ch in text:
        code = ord(ch)
        if 32 <= code < 127:
            total += _ASCII_W[code - 32]
        elif unicodedata.combining(ch):
            continue
        elif unicodedata.east_asian_width(ch) in ("W", "F"):
            total += _WIDE_W
        else:
            total += _OTHER_W
    return total * size / 1000 * (_BOLD_FACTOR if bold else 1.0)


def wrap(text: str, width: float, size: float = FONT_SIZE, bold: bool = False) -> list[str]:
    """Greedy word wrap to ``width`` px. "(n = 1,234)" is never split; over-long words are."""
    lines: list[str] = []
    current = ""
    for token in _TOKEN.findall(text):
        candidate = f"{current} {token}" if current else token
        if text_width(candidate, size, bold) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
        current = ""
        for ch in token:  # a single word wider than the line: break it between characters
            if current and text_width(current + ch, size, bold) > width:
                lines.append(current)
                current = ""
            current += ch
    if current or not lines:
        lines.append(current)
    return lines


def clean_text(value: object) -> str:
    """User text made safe for one line of SVG: XML-illegal characters gone, spaces collapsed.

    Markup characters (<, &, ...) are kept; the SVG writer escapes them.
    """
    return " ".join(_ILLEGAL.sub(" ", str(value)).split())


def format_count(value: object) -> str:
    """``1204`` -> ``"1,204"``; None (unknown) -> an en dash; other text is cleaned."""
    if value is None:
        return "\u2013"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        return f"{value:,}"
    return clean_text(value)
