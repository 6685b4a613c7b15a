"""Builds the team project that the workspace screenshots show (run by hand):

    .venv/bin/python tests/bench/workspace_project.py OUT.screener [--update-file OUT.ris]

Real exports from tests/data/ris: the first 60 records of a Lens export as the review's
search, with Embase and PubMed exports beside it; four reviewers sharing the records in
pairs with a tenth for everyone; decisions, a resolved conflict, labels and tags made
through the services. ``--update-file`` writes the re-run search (the 100-record Zotero
export of the same collection) where the screenshot driver can import it as an update.
"""

from __future__ import annotations

import argparse
import re
import shutil
from pathlib import Path

RIS = Path(__file__).resolve().parents[1] / "data" / "ris"


def first_records(path: Path, n: int, out: Path) -> Path:
    text = path.read_text(encoding="utf-8-sig")
    records = [r for r in re.split(r"(?m)^ER  -.*$", text) if r.strip()][:n]
    out.write_text("".join(r.strip("\r\n") + "\r\nER  - \r\n\r\n" for r in records), encoding="utf-8")
    return out


def build(target: Path) -> None:
    from screener.core.project import Project
    from screener.types import run_work

    for suffix in ("", "-wal", "-shm"):
        Path(str(target) + suffix).unlink(missing_ok=True)
    p = Project.create(target, title="Evidence on diagnostic imaging (team demo)",
                       question="What do systematic reviews of diagnostic imaging conclude?",
                       include_criteria=["Systematic review or meta-analysis", "Diagnostic or imaging question"],
                       exclude_criteria=["Primary study", "Protocol only"],
                       reasons=["Not a systematic review", "Wrong population", "Wrong outcome"],
                       reviewers_per_record=2)
    for name in ("ana", "ben", "cara", "dan"):
        p.settings.add_reviewer(name)
    p.settings.add_reviewer("carla", "resolver")
    p.settings.update(include_terms=["systematic review", "meta-analysis", "diagnos*"],
                      exclude_terms=["protocol", "mice"])
    p.labels.set_labels(["Meta-analysis", "Diagnostic accuracy", "Oncology", "Check later"])
    lens = first_records(RIS / "lens_baseline__asreview.ris", 60, target.parent / "lens_2024-01.ris")
    run_work(p.imports.import_files([lens], source="Lens", search_date="2024-01-10",
                                    search_string='TITLE-ABS("systematic review")'))
    run_work(p.imports.import_files([RIS / "embase__asreview.ris"], source="Embase", search_date="2024-01-11"))
    run_work(p.imports.import_files([RIS / "pubmed_via_zotero__asreview.ris"], source="PubMed",
                                    search_date="2024-01-11"))
    p.allocation.assign(["ana", "ben", "cara", "dan"], 2, 0.1, seed=7)
    queues = {n: p.records.ids(view="my_queue", reviewer=n) for n in ("ana", "ben", "cara", "dan")}
    for n, share in (("ana", 30), ("ben", 24), ("cara", 12), ("dan", 5)):
        for i, rid in enumerate(queues[n][:share]):
            d = "include" if (rid + i) % 4 == 0 else "exclude"
            reason = "" if d == "include" else ["Not a systematic review", "Wrong population", ""][rid % 3]
            p.screening.decide(rid, n, d, reason=reason)
    for c in p.conflicts.conflicts()[:1]:
        p.conflicts.resolve(c.record_id, "include", "carla", note="Meets both criteria on a second read")
    ids = p.records.ids()
    for rid in ids[2:9:2]:
        p.labels.toggle(rid, "ana", "Meta-analysis")
    p.labels.toggle(ids[5], "ana", "Oncology")
    p.bulk.tag(ids[10:14], "ask the librarian", "ana")
    p.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("target", type=Path)
    parser.add_argument("--update-file", type=Path)
    args = parser.parse_args()
    build(args.target)
    if args.update_file:
        shutil.copyfile(RIS / "zotero_baseline__asreview.ris", args.update_file)
    print(args.target)


if __name__ == "__main__":
    main()
