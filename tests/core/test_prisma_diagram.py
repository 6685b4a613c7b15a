"""The PRISMA 2020 flow diagram SVG: every number in its box, escaping, markers, variants."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any

import pytest

from screener.core.prisma_boxes import BOX_KEYS, PENDING_BOX
from screener.core.prisma_diagram import render_svg
from screener.core.prisma_text import format_count, text_width, wrap

SVG = "{http://www.w3.org/2000/svg}"
LIST_KEYS = {
    "database_specific_results",
    "register_specific_results",
    "dbr_excluded",
    "other_excluded",
}
SCALAR_KEYS = [k for keys in BOX_KEYS.values() for k in keys if k not in LIST_KEYS]


def golden_counts() -> dict[str, Any]:
    """Every count a distinct number (with a thousands separator), every list two entries."""
    counts: dict[str, Any] = {key: 1001 + 111 * i for i, key in enumerate(SCALAR_KEYS)}
    counts["database_specific_results"] = [["Scopus", 71], ["Web of Science", 72]]
    counts["register_specific_results"] = [["ClinicalTrials.gov", 73], ["ICTRP", 74]]
    counts["dbr_excluded"] = [["Wrong population", 75], ["Wrong design", 76]]
    counts["other_excluded"] = [["Wrong outcome", 77], ["No full text", 78]]
    counts["pending"] = {"title_abstract": 0, "full_text": 0, "retrieval": 0}
    counts["manual"] = []
    return counts


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def groups(root: ET.Element) -> dict[str, ET.Element]:
    return {g.get("id", ""): g for g in root.iter(f"{SVG}g") if g.get("id")}


def box_text(root: ET.Element, box_id: str) -> str:
    group = groups(root)[box_id]
    return "\n".join("".join(t.itertext()) for t in group.iter(f"{SVG}text"))


def all_text(root: ET.Element) -> str:
    return "\n".join("".join(t.itertext()) for t in root.iter(f"{SVG}text"))


def n(value: int) -> str:
    return f"(n = {value:,})"


def test_every_count_is_in_its_own_box_and_nowhere_else() -> None:
    counts = golden_counts()
    root = parse(render_svg(counts, updated_review=True, show_other_methods=True))
    texts = {box_id: box_text(root, box_id) for box_id in BOX_KEYS}
    for box_id, keys in BOX_KEYS.items():
        for key in keys:
            entries = counts[key] if key in LIST_KEYS else [[None, counts[key]]]
            for name, value in entries:
                assert n(value) in texts[box_id], (key, box_id)
                if name is not None:
                    assert f"{name} {n(value)}" in texts[box_id]
                elsewhere = [b for b, t in texts.items() if b != box_id and n(value) in t]
                assert elsewhere == [], (key, elsewhere)


def test_numbers_have_thousands_separators() -> None:
    counts = golden_counts() | {"database_results": 1204, "records_screened": 1234567}
    text = box_text(parse(render_svg(counts)), "box-records_identified")
    assert "Databases (n = 1,204)" in text
    assert "(n = 1,234,567)" in box_text(parse(render_svg(counts)), "box-records_screened")
    assert format_count(None) == "\u2013"
    assert format_count(12.0) == "12"


def test_template_wording_of_a_new_review() -> None:
    root = parse(render_svg(golden_counts(), show_other_methods=True))
    text = all_text(root)
    for phrase in [
        "Identification of studies via databases and registers",
        "Identification of studies via other methods",
        "Identification",
        "Screening",
        "Included",
        "Records identified from*:",
        "Records removed before screening:",
        "Records screened",
        "Records excluded**",
        "Reports sought for retrieval",
        "Reports not retrieved",
        "Reports assessed for eligibility",
        "Reports excluded:",
        "Records identified from:",
        "Studies included in review (n = ",
        "Reports of included studies (n = ",
    ]:
        assert phrase in text, phrase
    removed = " ".join(box_text(root, "box-records_removed").split())
    assert "Duplicate records removed (n = " in removed
    assert "Records marked as ineligible by automation tools (n = " in removed
    assert "Records removed for other reasons (n = " in removed
    assert "Previous studies" not in text
    assert "box-previous_studies" not in groups(root)
    assert "box-total_studies" not in groups(root)


def test_updated_review_shows_previous_and_total_boxes() -> None:
    counts = golden_counts()
    root = parse(render_svg(counts, updated_review=True))
    found = groups(root)
    assert {"header-previous", "box-previous_studies", "box-total_studies"} <= set(found)
    previous = " ".join(box_text(root, "box-previous_studies").split())
    assert (
        f"Studies included in previous version of review {n(counts['previous_studies'])}"
        in previous
    )
    assert (
        f"Reports of studies included in previous version of review "
        f"{n(counts['previous_reports'])}" in previous
    )
    new = " ".join(box_text(root, "box-new_studies").split())
    assert f"New studies included in review {n(counts['new_studies'])}" in new
    assert f"Reports of new included studies {n(counts['new_reports'])}" in new
    total = " ".join(box_text(root, "box-total_studies").split())
    assert f"Total studies included in review {n(counts['total_studies'])}" in total
    assert f"Reports of total included studies {n(counts['total_reports'])}" in total
    assert "Identification of new studies via databases and registers" in all_text(root)


def test_user_text_is_escaped_and_the_svg_parses() -> None:
    counts = golden_counts()
    counts["database_specific_results"] = [['PubMed <MEDLINE> & "co"', 5], ["Bad\x00\x1fname", 6]]
    counts["dbr_excluded"] = [["</text><script>x</script>", 7]]
    svg = render_svg(counts)
    assert "<script>" not in svg
    root = parse(svg)
    identified = box_text(root, "box-records_identified")
    assert 'PubMed <MEDLINE> & "co" (n = 5)' in identified
    assert "Bad name (n = 6)" in identified
    assert "</text><script>x</script> (n = 7)" in " ".join(
        box_text(root, "box-dbr_excluded").split()
    )


def test_pending_records_shown_in_their_box_and_not_added_to_counts() -> None:
    counts = golden_counts()
    counts["pending"] = {"title_abstract": 1037, "full_text": 5, "retrieval": 2,
                         "other_title_abstract": 12, "other_full_text": 3}
    root = parse(render_svg(counts, show_other_methods=True))
    wanted = {"title_abstract": "(+ 1,037 awaiting a final decision)",
              "full_text": "(+ 5 awaiting a final decision)",
              "retrieval": "(+ 2 awaiting a final decision)",
              "other_title_abstract": "(+ 12 awaiting a final decision)",
              "other_full_text": "(+ 3 awaiting a final decision)"}  # fmt: skip
    for kind, box_id in PENDING_BOX.items():
        text = box_text(root, box_id)
        assert wanted[kind] in text
        (key,) = BOX_KEYS[box_id]
        assert n(counts[key]) in text  # the box's own count is unchanged
    pending_lines = [t for t in root.iter(f"{SVG}text") if re.match(r"\(\+ \d", "".join(t.itertext()))]
    assert len(pending_lines) == 5 and all(t.get("font-style") == "italic" for t in pending_lines)
    assert "not counted in the n" in box_text(root, "footnotes")


def test_no_pending_line_or_note_when_nothing_is_pending() -> None:
    svg = render_svg(golden_counts())
    assert "awaiting" not in svg


def test_manual_counts_get_a_dagger_and_a_footnote() -> None:
    counts = golden_counts()
    counts["manual"] = ["records_screened", "dbr_excluded", "website_results"]
    root = parse(render_svg(counts, show_other_methods=True))
    assert f"{n(counts['records_screened'])}\u2020" in box_text(root, "box-records_screened")
    assert "Reports excluded:\u2020" in box_text(root, "box-dbr_excluded")
    assert f"Websites {n(counts['website_results'])}\u2020" in box_text(
        root, "box-other_identified"
    )
    assert f"{n(counts['records_excluded'])}\u2020" not in box_text(root, "box-records_excluded")
    assert "\u2020 entered by hand" in box_text(root, "footnotes")
    assert "\u2020" not in render_svg(golden_counts())


OTHER_BOXES = {
    "header-other",
    "box-other_identified",
    "box-other_sought_reports",
    "box-other_notretrieved_reports",
    "box-other_assessed",
    "box-other_excluded",
}


def zero_other(counts: dict[str, Any]) -> dict[str, Any]:
    for key in ("website_results", "organisation_results", "citations_results",
                "other_sought_reports", "other_notretrieved_reports", "other_assessed"):  # fmt: skip
        counts[key] = 0
    counts["other_excluded"] = []
    return counts


def test_other_methods_column_only_when_it_has_counts() -> None:
    hidden = zero_other(golden_counts())
    assert not OTHER_BOXES & set(groups(parse(render_svg(hidden))))
    shown = zero_other(golden_counts()) | {"citations_results": 3}
    assert OTHER_BOXES <= set(groups(parse(render_svg(shown))))
    forced = render_svg(hidden, show_other_methods=True)
    assert OTHER_BOXES <= set(groups(parse(forced)))
    suppressed = render_svg(golden_counts(), show_other_methods=False)
    assert not OTHER_BOXES & set(groups(parse(suppressed)))


def test_empty_exclusion_lists_and_missing_keys() -> None:
    root = parse(render_svg({"pending": {}, "manual": []}))
    assert "Reports excluded\n(n = 0)" in box_text(root, "box-dbr_excluded")
    assert "(n = 0)" in box_text(root, "box-records_screened")


def rects(root: ET.Element) -> dict[str, tuple[float, float, float, float]]:
    out = {}
    for box_id, group in groups(root).items():
        rect = group.find(f"{SVG}rect")
        if rect is not None:
            out[box_id] = tuple(float(rect.get(a, "0")) for a in ("x", "y", "width", "height"))
    return out  # type: ignore[return-value]


@pytest.mark.parametrize("updated", [False, True])
def test_boxes_do_not_overlap_and_fit_in_the_view(updated: bool) -> None:
    svg = render_svg(golden_counts(), updated_review=updated, show_other_methods=True)
    root = parse(svg)
    width, height = float(root.get("width", "0")), float(root.get("height", "0"))
    assert root.get("viewBox") == f"0 0 {width:.0f} {height:.0f}"
    boxes = rects(root)
    for box_id, (x, y, w, h) in boxes.items():
        assert 0 <= x and x + w <= width and 0 <= y and y + h <= height, box_id
    items = list(boxes.items())
    for i, (a, (ax, ay, aw, ah)) in enumerate(items):
        for b, (bx, by, bw, bh) in items[i + 1 :]:
            if a.startswith("bar-") and b.startswith("bar-"):
                continue
            overlap = ax < bx + bw and bx < ax + aw and ay < by + bh and by < ay + ah
            assert not overlap, (a, b)


def test_text_is_wrapped_to_the_box_width_and_boxes_grow() -> None:
    counts = golden_counts()
    counts["database_specific_results"] = [
        [f"A database with a very long name indeed, number {i}", i] for i in range(15)
    ]
    counts["dbr_excluded"] = [["x" * 120, 1]]  # one unbreakable word
    root = parse(render_svg(counts))
    boxes = rects(root)
    for box_id in ("box-records_identified", "box-dbr_excluded"):
        x, _, w, h = boxes[box_id]
        lines = list(groups(root)[box_id].iter(f"{SVG}text"))
        assert h >= 16 * len(lines)
        for t in lines:
            assert float(t.get("x", "0")) + text_width("".join(t.itertext())) <= x + w, box_id
    short = rects(parse(render_svg(golden_counts())))["box-records_identified"][3]
    assert boxes["box-records_identified"][3] > short + 15 * 16


def test_wrap_keeps_counts_whole() -> None:
    lines = wrap("Records marked as ineligible by automation tools (n = 1,234)\u2020", 150)
    assert lines[-1].endswith("(n = 1,234)\u2020")
    assert all(text_width(line) <= 150 for line in lines)
    assert wrap("", 100) == [""]


def test_arrows_use_a_marker() -> None:
    root = parse(render_svg(golden_counts(), updated_review=True, show_other_methods=True))
    marker = root.find(f"{SVG}defs/{SVG}marker")
    assert marker is not None and marker.get("id") == "arrowhead"
    arrows = [p for p in root.iter(f"{SVG}polyline") if p.get("marker-end") == "url(#arrowhead)"]
    # 6 sideways, 5 down the database column, 2 down other methods, other->included,
    # previous->total.
    assert len(arrows) == 15
    plain = parse(render_svg(zero_other(golden_counts())))
    assert len(list(plain.iter(f"{SVG}polyline"))) == 8


def test_svg_root_attributes() -> None:
    svg = render_svg(golden_counts())
    root = parse(svg)
    assert root.tag == f"{SVG}svg"
    assert re.fullmatch(r"\d+", root.get("width", "")) and re.fullmatch(
        r"\d+", root.get("height", "")
    )
    assert "DejaVu Sans" in root.get("font-family", "")
