"""The record title's size in the reading pane: large, unless it is so long that at that
size it would push the abstract below the fold of a small window (700 pixels high)."""

from __future__ import annotations

import math

MAX_LINES = 3  # a title may take this many lines at full size
BOLD_WIDTH = 1.08  # a semi-bold face is about this much wider than the body text


def title_point_size(title: str, body_pt: float, column_chars: float, largest: float = 1.5,
                     smallest: float = 1.05) -> float:
    """The title's point size: ``largest`` × body while the title fits in ``MAX_LINES``
    lines of the column (``column_chars`` body characters wide), smaller as it grows,
    down to ``smallest`` × body."""
    n = len(title.strip())
    if n == 0 or column_chars <= 0:
        return body_pt * largest
    fits = MAX_LINES * column_chars / (n * BOLD_WIDTH)  # the scale at which it takes MAX_LINES lines
    scale = min(largest, max(smallest, fits))
    return body_pt * scale


def title_lines(title: str, body_pt: float, title_pt: float, column_chars: float) -> int:
    """About how many lines the title takes at ``title_pt``."""
    per_line = column_chars * body_pt / (title_pt * BOLD_WIDTH)
    return max(1, math.ceil(len(title.strip()) / max(per_line, 1.0)))
