"""Screenshots of the "When can I stop?" panel from the real app under Xvfb (run by hand):

    Xvfb :33 -screen 0 1280x800x24 &  DISPLAY=:33 openbox &
    .venv/bin/python tests/bench/screenshots_stopping.py --display :33 [--out DIR]

Builds a project from a shared labelled set (Kitchenham_2010, 1,704 records), screens it as
a reviewer following the ranking model would (the simulated order, with the true labels),
then draws the random sample and screens part of it in drawn order. Starts ``screener gui``
on it in its own process with a fresh home folder, opens Review ▸ When can I stop?
(Ctrl+Shift+S) and captures the screen with ImageMagick's ``import -window root``: at
1280 x 800 (docked beside the tabs), then with the window at 1024 x 700 (floating over
its right side, as there is no room to dock).
"""

from __future__ import annotations

import argparse
import csv
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
SET = ROOT.parent.parent / "shared" / "fixtures" / "labelled" / "Kitchenham_2010.csv"


def build(folder: Path, ranked: int, sampled: int) -> Path:
    from screener.core.project import Project
    from screener.core.ranking import simulate
    from screener.core.simulation import read_labelled
    from screener.types import ParsedRecord, ReadResult, run_work

    texts, labels = read_labelled(SET)
    with open(SET, newline="", encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    path = folder / "kitchenham.screener"
    p = Project.create(path, title="Systematic reviews in software engineering",
                       include_criteria=["A systematic literature review"],
                       exclude_criteria=["Not a review"], reviewers_per_record=1)
    p.settings.add_reviewer("ana")
    records = [ParsedRecord(position=i, line=i + 1, type="JOUR", title=r.get("title") or "(no title)",
                            abstract=r.get("abstract") or "", authors=[], year=None)
               for i, r in enumerate(rows, start=1)]
    export = folder / "kitchenham.csv"
    export.write_text("placeholder\n", encoding="utf-8")
    run_work(p.imports.store_batch([ReadResult(str(export), "csv", "utf-8", records)], "Scopus"))
    order = simulate(texts, labels, 1).order
    for i in order[:ranked]:
        p.screening.decide(i + 1, "ana", "include" if labels[i] else "exclude")
    p.stopping.draw_sample("ana", seed=1)
    for rid in p.stopping.sample_queue()[:sampled]:
        p.screening.decide(rid, "ana", "include" if labels[rid - 1] else "exclude")
    p.close()
    return path


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--display", default=":33")
    ap.add_argument("--out", default=str(ROOT / "resources" / "screenshots"))
    ap.add_argument("--ranked", type=int, default=700)
    ap.add_argument("--sampled", type=int, default=600)
    ap.add_argument("--methods", default="", help="x,y of the Methods… button, to capture its help")
    args = ap.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "DISPLAY": args.display}

    def xdo(*a: str) -> str:
        return subprocess.run(["xdotool", *a], env=env, capture_output=True, text=True).stdout

    def shot(name: str) -> None:
        subprocess.run(["import", "-window", "root", str(out / name)], env=env, check=True)
        print("wrote", out / name)

    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "home"
        home.mkdir()
        project = build(Path(tmp), args.ranked, args.sampled)
        gui = subprocess.Popen([str(ROOT / ".venv" / "bin" / "screener"), "gui", str(project)],
                               env={**env, "HOME": str(home), "XDG_CONFIG_HOME": str(home / ".config")})
        try:
            end = time.monotonic() + 60
            wid: list[str] = []
            while time.monotonic() < end and not wid:
                wid = xdo("search", "--name", "Systematic reviews").split()
                time.sleep(0.5)
            if not wid:
                raise SystemExit("the window did not appear")
            w = wid[0]
            xdo("windowactivate", "--sync", w)
            xdo("windowmove", w, "0", "0")
            xdo("windowsize", w, "1280", "780")
            time.sleep(2)
            xdo("key", "ctrl+shift+s")
            time.sleep(4)
            shot("stopping_panel.png")
            xdo("mousemove", "1100", "500")
            for _ in range(15):
                xdo("click", "5")  # scroll the panel to its end: SAFE and the stop buttons
            time.sleep(1)
            shot("stopping_panel_end.png")
            xdo("key", "ctrl+shift+s")
            time.sleep(0.5)
            xdo("key", "ctrl+shift+s")  # shown again, scrolled to the top
            time.sleep(3)
            found = xdo("search", "--name", "^Screener$|Systematic reviews")
            if args.methods:
                subprocess.run(["xdotool", "mousemove", *args.methods.split(","), "click", "1"], env=env)
                time.sleep(2)
                shot("stopping_methods.png")
                xdo("key", "Escape")
                time.sleep(1)
            del found
            xdo("mousemove", "1100", "400")
            for _ in range(15):
                xdo("click", "4")  # back to the top of the panel
            xdo("key", "ctrl+shift+s")  # hide it, make the window small, show it again
            time.sleep(1)
            xdo("windowsize", w, "1024", "700")
            time.sleep(2)
            xdo("windowactivate", "--sync", w)
            xdo("key", "ctrl+shift+s")
            time.sleep(4)
            shot("stopping_panel_1024x700.png")
        finally:
            gui.terminate()
            gui.wait(10)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
