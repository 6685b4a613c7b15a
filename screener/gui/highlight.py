"""Record text as safe rich text, with the project's include and exclude terms marked.

Pure functions, no widgets: every character of the record is escaped, so a title such as
``<b>x</b><script>…`` is shown as those characters, never interpreted. Terms are marked
with colour *and* weight/underline (include) or weight/italic/underline (exclude), from a
palette readable by colour-blind reviewers (blue and orange, Okabe & Ito 2008). The words
of the list's search are marked apart, in a colour of their own (a yellow marker) *and*
a line over them, so a search hit never looks like an include or exclude term.
"""

from __future__ import annotations

import difflib
import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class TermStyle:
    include_fg: str
    include_bg: str
    exclude_fg: str
    exclude_bg: str
    hit_fg: str = "#3d3500"
    hit_bg: str = "#fff07a"


LIGHT = TermStyle(include_fg="#00508a", include_bg="#dcecf9", exclude_fg="#8a3b00", exclude_bg="#fde6cf")
DARK = TermStyle(include_fg="#9fd0ff", include_bg="#17324a", exclude_fg="#ffc58f", exclude_bg="#4a2a10",
                 hit_fg="#fff6b0", hit_bg="#5a4d00")
KIND_LABELS = {"hit": "search hit", "inc": "include term", "exc": "exclude term"}


def escape(text: str) -> str:
    """Plain text as HTML: everything escaped, line breaks kept."""
    return html.escape(text, quote=True).replace("\r\n", "\n").replace("\n", "<br>")


def _term_regex(term: str) -> str:
    """One term as a regex: words matched whole (a plural -s/-es too), any run of spaces
    between them, and a trailing ``*`` meaning "any ending" (``diagnos*`` matches diagnosis,
    diagnostic)."""
    term = term.strip()
    prefix = term.endswith("*")
    words = term.rstrip("*").split()
    if not words:
        return ""
    body = r"\s+".join(re.escape(w) for w in words)
    tail = r"\w*" if prefix else r"(?:e?s)?(?!\w)"
    return rf"(?<!\w){body}{tail}"


def _search_regex(words: Sequence[str]) -> str:
    """The list's search: each word where a word starts (the search finds the last word as
    a prefix while typing; every word is marked as a prefix, as the index matched it)."""
    parts = sorted({re.escape(w) for w in words if w}, key=lambda p: (-len(p), p))
    return rf"(?<!\w)(?:{'|'.join(parts)})\w*" if parts else ""


def term_pattern(include: Iterable[str], exclude: Iterable[str],
                 search: Sequence[str] = ()) -> re.Pattern[str] | None:
    """One case-insensitive pattern with groups ``hit`` (the search's words), ``inc`` and
    ``exc``; a search hit wins over a term, longer terms win, and a term in both lists
    counts as an include term."""

    def alternation(terms: Iterable[str]) -> str:
        parts = {_term_regex(t) for t in terms}
        parts.discard("")
        return "|".join(sorted(parts, key=lambda p: (-len(p), p)))

    hit, inc, exc = _search_regex(search), alternation(include), alternation(exclude)
    groups = [f"(?P<hit>{hit})" if hit else "", f"(?P<inc>{inc})" if inc else "",
              f"(?P<exc>{exc})" if exc else ""]
    joined = "|".join(g for g in groups if g)
    if not joined:
        return None
    if hit:  # marked in two passes: a hit inside a longer term is still a hit
        if len(_PARTS) > 64:  # one per search typed: keep the latest few
            _PARTS.clear()
        terms = "|".join(g for g in groups[1:] if g)
        _PARTS[joined] = (re.compile(groups[0], re.IGNORECASE), re.compile(terms, re.IGNORECASE) if terms else None)
    return re.compile(joined, re.IGNORECASE)


# a pattern with search hits -> (hits alone, terms alone)
_PARTS: dict[str, tuple[re.Pattern[str], re.Pattern[str] | None]] = {}


def match_kind(pattern: re.Pattern[str], m: re.Match[str]) -> str:
    for kind in ("hit", "inc"):
        if kind in pattern.groupindex and m.group(kind):
            return kind
    return "exc"


def span_styles(style: TermStyle) -> dict[str, str]:
    common = "font-weight:700; text-decoration:underline;"
    return {
        "inc": f"color:{style.include_fg}; background-color:{style.include_bg}; {common}",
        "exc": f"color:{style.exclude_fg}; background-color:{style.exclude_bg}; {common} font-style:italic;",
        "hit": f"color:{style.hit_fg}; background-color:{style.hit_bg}; text-decoration:overline;",
    }


def highlight_html(
    text: str,
    include_terms: Sequence[str] = (),
    exclude_terms: Sequence[str] = (),
    style: TermStyle = LIGHT,
    pattern: re.Pattern[str] | None = None,
) -> str:
    """``text`` as safe HTML with the terms wrapped in styled spans.

    Pass a precompiled ``pattern`` (from :func:`term_pattern`) when highlighting many texts.
    """
    if pattern is None:
        pattern = term_pattern(include_terms, exclude_terms)
    if pattern is None or not text:
        return escape(text)
    styles = span_styles(style)
    parts = _PARTS.get(pattern.pattern)
    if parts is not None:
        hits, terms = parts
        out_parts: list[str] = []
        pos = 0
        for m in hits.finditer(text):
            if m.end() == m.start():
                continue
            out_parts.append(_marked(text[pos : m.start()], terms, styles))
            out_parts.append(f'<span style="{styles["hit"]}" title="{KIND_LABELS["hit"]}">{escape(m.group(0))}</span>')
            pos = m.end()
        out_parts.append(_marked(text[pos:], terms, styles))
        return "".join(out_parts)
    return _marked(text, pattern, styles)


def _marked(text: str, pattern: re.Pattern[str] | None, styles: dict[str, str]) -> str:
    if pattern is None or not text:
        return escape(text)
    out: list[str] = []
    pos = 0
    for m in pattern.finditer(text):
        if m.end() == m.start():
            continue
        kind = match_kind(pattern, m)
        out.append(escape(text[pos : m.start()]))
        out.append(f'<span style="{styles[kind]}" title="{KIND_LABELS[kind]}">{escape(m.group(0))}</span>')
        pos = m.end()
    out.append(escape(text[pos:]))
    return "".join(out)


def count_terms(text: str, pattern: re.Pattern[str] | None) -> tuple[int, int]:
    """How many include and exclude terms occur in ``text`` (search hits aside)."""
    if pattern is None:
        return 0, 0
    inc = exc = 0
    for m in pattern.finditer(text):
        kind = match_kind(pattern, m)
        if kind == "inc":
            inc += 1
        elif kind == "exc":
            exc += 1
    return inc, exc


_TOKEN = re.compile(r"\w+|[^\w\s]+|\s+")
DIFF_STYLE = "background-color:#fde6cf; color:#5a2600; text-decoration:underline;"
DIFF_STYLE_DARK = "background-color:#4a2a10; color:#ffd9b3; text-decoration:underline;"


def word_diff_html(a: str, b: str, mark: str = DIFF_STYLE) -> tuple[str, str]:
    """Both texts as safe HTML, with the words that differ between them marked
    (background and underline). Compared word by word, ignoring case and spacing."""
    ta, tb = _TOKEN.findall(a), _TOKEN.findall(b)
    wa = [(i, t.lower()) for i, t in enumerate(ta) if not t.isspace()]
    wb = [(i, t.lower()) for i, t in enumerate(tb) if not t.isspace()]
    diff_a: set[int] = set()
    diff_b: set[int] = set()
    matcher = difflib.SequenceMatcher(None, [w for _, w in wa], [w for _, w in wb], autojunk=False)
    for op, a0, a1, b0, b1 in matcher.get_opcodes():
        if op != "equal":
            diff_a.update(wa[k][0] for k in range(a0, a1))
            diff_b.update(wb[k][0] for k in range(b0, b1))

    def render(tokens: list[str], marked: set[int]) -> str:
        return "".join(
            f'<span style="{mark}">{escape(t)}</span>' if i in marked else escape(t)
            for i, t in enumerate(tokens)
        )

    return render(ta, diff_a), render(tb, diff_b)
