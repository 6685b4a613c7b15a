"""What the CLI prints: one JSON document on stdout, progress and messages on stderr."""

from __future__ import annotations

import dataclasses
import json
import sys
import time
from typing import Any

from screener.text import CONTROL
from screener.types import Progress, Work, run_work

# JSON escapes C0 itself; DEL and C1 (a one-byte ESC[ among them) it would write raw.
_JSON_ESCAPES = {c: f"\\u{c:04x}" for c in range(0x7F, 0xA0)}


def emit_json(value: Any) -> None:
    text = json.dumps(_plain(value), ensure_ascii=False, indent=2)
    sys.stdout.write(text.translate(_JSON_ESCAPES))
    sys.stdout.write("\n")


def safe(text: object) -> str:
    """Text for a terminal: control characters that could drive it (colours, window title,
    clearing the screen) removed, whatever the project holds."""
    return CONTROL.sub("", str(text))


def say(text: object) -> None:
    """One line of human-readable output on stdout."""
    print(safe(text))


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {k: _plain(v) for k, v in dataclasses.asdict(value).items()}
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def info(message: str) -> None:
    print(safe(message), file=sys.stderr)


def table(rows: list[list[Any]], header: list[str]) -> None:
    cells = [header] + [["" if c is None else " ".join(safe(c).split()) for c in row] for row in rows]
    widths = [min(60, max(len(r[i]) for r in cells)) for i in range(len(header))]
    for row in cells:
        print("  ".join(c[:60].ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())


class TerminalProgress:
    """A one-line progress bar on stderr (only on a terminal; quiet otherwise)."""

    def __init__(self) -> None:
        self.tty = sys.stderr.isatty()
        self.last = 0.0

    def __call__(self, p: Progress) -> None:
        if not self.tty:
            return
        now = time.monotonic()
        if now - self.last < 0.1 and p.done < p.total:
            return
        self.last = now
        frac = p.done / p.total if p.total else 0.0
        bar = "#" * int(frac * 30)
        sys.stderr.write(f"\r[{bar:<30}] {p.done:>8,}/{p.total:<8,} {p.message[:40]:<40}")
        if p.total and p.done >= p.total:
            sys.stderr.write("\n")
        sys.stderr.flush()


def run_with_progress(work: Work[Any]) -> Any:
    return run_work(work, TerminalProgress())
