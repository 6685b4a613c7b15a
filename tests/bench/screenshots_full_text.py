"""Screenshots of full-text screening with a PDF open and the terms marked, in a real
window (run by hand, under a display with a window manager, e.g. Xvfb + openbox):

    DISPLAY=:27 .venv/bin/python tests/bench/screenshots_full_text.py --size 1440x900 \
        --out resources/screenshots/screen_full_text.png

Builds the demo project in a temporary folder, includes records at title/abstract, writes
a PDF for each with Qt (title, authors, DOI, the abstract and article-like sections), attaches
them with "Attach PDFs from a folder" (the service), opens the main window on the full-text
stage, jumps to the first term hit, and captures the whole screen with ImageMagick's import.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

SECTIONS = (
    ("Introduction", "Diagnostic accuracy studies are summarised in a systematic review when several "
     "primary studies report the same test. This overview asks whether published meta-analysis "
     "methods were followed, and whether randomized evidence was available for the interventions."),
    ("Methods", "We searched MEDLINE, Embase and the Cochrane Library. Two reviewers screened titles and "
     "abstracts independently; conflicts were resolved by a third. Narrative reviews, an editorial "
     "or a study protocol were excluded, as were studies in mice or rats."),
    ("Results", "Of 1,204 records, 86 full texts were assessed and 31 studies were included. The pooled "
     "sensitivity of the diagnostic test was 0.87 (95% CI 0.81 to 0.91); the randomized trials showed "
     "a consistent effect. Heterogeneity was moderate."),
    ("Discussion", "This systematic review confirms earlier findings. Limitations include the small number "
     "of randomized trials and the risk of bias in diagnostic accuracy studies."),
)


def article_pdf(path: Path, title: str, authors: list[str], doi: str, abstract: str, year: int | None) -> None:
    import html

    from PySide6.QtCore import QMarginsF
    from PySide6.QtGui import QFont, QPageLayout, QPageSize, QPdfWriter, QTextDocument

    writer = QPdfWriter(str(path))
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    writer.setPageMargins(QMarginsF(20, 18, 20, 18), QPageLayout.Unit.Millimeter)
    writer.setTitle(title)
    parts = [f"<p style='font-size:8pt; color:#555'>Journal of Evidence Synthesis {year or ''} · "
             f"https://doi.org/{html.escape(doi)}</p>" if doi else "",
             f"<h1 style='font-size:17pt'>{html.escape(title)}</h1>",
             f"<p><i>{html.escape('; '.join(authors[:6]))}</i></p>",
             "<h3>Abstract</h3>", f"<p>{html.escape(abstract or 'No abstract.')}</p>"]
    for heading, text in SECTIONS:
        parts.append(f"<h3>{heading}</h3>")
        parts += [f"<p style='text-align:justify'>{html.escape(text)} {html.escape(text)}</p>"] * 3
    doc = QTextDocument()
    doc.setDefaultFont(QFont("DejaVu Serif", 10))
    doc.setHtml("".join(parts))
    doc.print_(writer)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", default="1440x900")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--debug", action="store_true")
    parser.add_argument("--root", action="store_true", help="capture the whole screen")
    parser.add_argument("--exclude-term", action="store_true", help="scroll to the first exclude term")
    parser.add_argument("--hit", action="store_true", help="press N: go to the first term hit")
    parser.add_argument("--settle", type=float, default=2.0, help="seconds to let the window draw")
    args = parser.parse_args()
    width, height = (int(v) for v in args.size.split("x"))
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    app = QApplication(sys.argv[:1])
    from screener.core.demo import ensure_demo_project
    from screener.core.project import Project
    from screener.gui.main_window import MainWindow
    from screener.types import run_work

    tmp = Path(tempfile.mkdtemp(prefix="screener-ft-shots-"))
    path = ensure_demo_project(tmp)
    with Project.open(path) as project:
        ids = project.records.ids("title_abstract", sort="id")
        for rid in ids[:30]:
            for who in ("ana", "ben"):
                project.screening.decide(rid, who, "include" if rid % 4 else "exclude")
        folder = tmp / "Zotero" / "storage"
        for rid in project.records.ids("full_text", status="undecided")[:12]:
            d = project.records.detail(rid)
            target = folder / f"K{rid:07d}" / f"{(d.authors or ['Anon'])[0].split(',')[0]} - {d.year} - x.pdf"
            target.parent.mkdir(parents=True, exist_ok=True)
            article_pdf(target, d.title, d.authors, d.doi, d.abstract, d.year)
        report = run_work(project.retrieval.attach_folder(folder, "ana"))
        print(f"attached {report.attached} of {report.files}", file=sys.stderr)
        # show the record whose abstract has the most terms in it
        terms = ("systematic review", "meta-analysis", "diagnostic", "randomized")
        best = max((m.record_id for m in report.matched),
                   key=lambda r: sum(project.records.detail(r).abstract.lower().count(t) for t in terms))
    window = MainWindow()
    window.resize(width, height)
    window.show()
    window.open_project(str(path), "ana")
    window.workspace.stage = "full_text"
    for _ in range(50):
        app.processEvents()
    from screener.gui.screen_view import ScreenView

    screen = window.findChild(ScreenView)
    screen.table.setFocus()
    screen.select_row(screen.model.row_of(best))
    if args.hit:
        QTest.keyClick(screen.table, Qt.Key.Key_N)  # the first term hit
    if args.exclude_term:  # scroll to where the first exclude term is, so both kinds show
        panel = screen.full_text.pdf
        panel.terms.finish()
        first = next(h for h in panel.terms.hits if h.kind == "exc")
        panel.view.show_hit(first)
        panel.view.current_hit = None
    end = time.monotonic() + args.settle
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.02)
    window.activateWindow()
    app.processEvents()
    if args.debug:
        panel = screen.panel
        print("area", panel.parentWidget().height(), "panel", panel.height(), "criteria shown",
              panel.criteria_box.isVisible(), "history bottom", panel.history_button.geometry().bottom(),
              file=sys.stderr)
        area = panel.parentWidget()
        width = max(area.width(), panel.minimumWidth())
        lay = panel.layout()
        print("width", width, "total", lay.totalHeightForWidth(width), "crit", panel.criteria_box.heightForWidth(width),
              "hist", panel.history_slot.geometry().height(), panel.history_slot.count(), "sizehint", lay.totalSizeHint().height(),
              "minhint", lay.totalMinimumSize().height(), file=sys.stderr)
    # the whole screen when the window fills it; else the window alone (without its frame)
    which = "root" if args.root else hex(int(window.winId()))
    subprocess.run(["import", "-window", which, str(args.out)], check=True)
    print("wrote", args.out)
    window.close()


if __name__ == "__main__":
    main()
