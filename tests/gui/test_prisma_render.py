"""Rendering the PRISMA diagram to PNG (300 dpi) and vector PDF, offscreen, without a window."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
import zlib
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtGui import QColor, QImage

from screener.core.prisma_diagram import render_svg
from screener.gui.prisma_render import (
    ensure_gui_application,
    render_pdf,
    render_png,
    save_diagram,
    svg_size,
)


def counts() -> dict[str, Any]:
    return {
        "database_results": 1204,
        "database_specific_results": [["Scopus", 700], ["PubMed <MEDLINE> & co", 504]],
        "register_results": 20,
        "duplicates": 310,
        "records_screened": 914,
        "records_excluded": 800,
        "dbr_sought_reports": 114,
        "dbr_notretrieved_reports": 4,
        "dbr_assessed": 110,
        "dbr_excluded": [["Wrong population", 60], ["Wrong design", 25]],
        "citations_results": 9,
        "other_sought_reports": 9,
        "other_assessed": 9,
        "other_excluded": [["Wrong population", 5]],
        "new_studies": 25,
        "new_reports": 29,
        "pending": {"title_abstract": 12, "full_text": 0, "retrieval": 0},
        "manual": ["citations_results"],
    }


@pytest.fixture
def svg(qapp: Any) -> str:
    return render_svg(counts())


def svg_px(svg: str) -> tuple[int, int]:
    root = ET.fromstring(svg)
    return int(root.get("width", "0")), int(root.get("height", "0"))


def test_ensure_gui_application_reuses_the_running_one(qapp: Any) -> None:
    assert ensure_gui_application() is qapp


def test_png_is_300_dpi_and_the_svg_size_scaled(svg: str, tmp_path: Path) -> None:
    out = render_png(svg, tmp_path / "d.png")
    assert out.stat().st_size > 20_000
    image = QImage(str(out))
    width, height = svg_px(svg)
    assert svg_size(svg) == (width, height)
    assert (image.width(), image.height()) == (round(width * 300 / 96), round(height * 300 / 96))
    assert abs(image.dotsPerMeterX() - 300 / 0.0254) < 1
    assert abs(image.dotsPerMeterY() - 300 / 0.0254) < 1
    # Drawn, not blank: a white corner, black box borders and the blue side bar.
    assert image.pixelColor(2, 2) == QColor("white")
    colours = {
        image.pixelColor(x, y).name()
        for x in range(0, image.width(), 7)
        for y in range(0, image.height(), 7)
    }
    assert "#000000" in colours and "#9dc3e6" in colours and len(colours) > 20


def test_png_at_another_dpi(svg: str, tmp_path: Path) -> None:
    image = QImage(str(render_png(svg, tmp_path / "d.png", dpi=96)))
    assert (image.width(), image.height()) == svg_px(svg)


def test_pdf_is_vector_with_the_diagram_page_size(svg: str, tmp_path: Path) -> None:
    out = render_pdf(svg, tmp_path / "d.pdf")
    data = out.read_bytes()
    assert data.startswith(b"%PDF")
    assert len(data) > 10_000
    assert b"/Subtype /Image" not in data  # no bitmap: boxes, lines and text are vectors
    assert b"/FontFile2" in data  # the text is text, with its font embedded
    media = re.search(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", data)
    assert media is not None
    width, height = svg_px(svg)
    assert abs(float(media.group(1)) - width * 0.75) <= 1
    assert abs(float(media.group(2)) - height * 0.75) <= 1
    streams = [
        zlib.decompress(m)
        for m in re.findall(rb"stream\r?\n(.*?)endstream", data, re.S)
        if m[:1] == b"x"
    ]
    assert any(b" re\n" in s or b" re " in s for s in streams)  # rectangles as paths


def test_save_diagram_by_suffix(svg: str, tmp_path: Path) -> None:
    assert save_diagram(svg, tmp_path / "d.svg").read_text(encoding="utf-8") == svg
    assert save_diagram(svg, tmp_path / "d.PNG").read_bytes().startswith(b"\x89PNG")
    assert save_diagram(svg, tmp_path / "d.pdf").read_bytes().startswith(b"%PDF")
    with pytest.raises(ValueError, match=r"\.svg, \.png or \.pdf"):
        save_diagram(svg, tmp_path / "d.jpg")


def test_invalid_svg_is_refused(qapp: Any, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="SVG"):
        render_png("<not svg", tmp_path / "x.png")
