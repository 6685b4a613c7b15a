"""``screener dedup`` killed with SIGKILL at moments spread over its run leaves the project
as it was or with the whole result: never half the merges, never a link to a record that
is itself merged, never a merged record still in the screening queue."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from screener.core.project import Project
from tests.trap_corpus import build, write

CLI = [sys.executable, "-m", "screener.cli.main"]


def _state(path: Path) -> tuple[dict[int, int], dict[int, str]]:
    with Project.open(path) as project:
        links = {m.record_id: m.canonical_id for m in project.dedup.merged()}
        statuses = {r.record_id: r.status for r in project.records.listing(status="duplicate")}
    return links, statuses


def test_a_killed_dedup_leaves_all_or_nothing(tmp_path: Path) -> None:
    paths = write(build(3, articles=60), tmp_path / "exports")
    base = tmp_path / "base.screener"
    subprocess.run([*CLI, "new", str(base), "--title", "killed"], check=True, capture_output=True)
    for database in ("pubmed", "embase", "scopus", "wos"):
        if database in paths:
            subprocess.run([*CLI, "import", str(base), str(tmp_path / "exports" / f"{database}.ris"),
                            "--source", database], check=True, capture_output=True)
    whole = tmp_path / "whole.screener"
    shutil.copy(base, whole)
    start = time.perf_counter()
    subprocess.run([*CLI, "dedup", str(whole)], check=True, capture_output=True)
    duration = time.perf_counter() - start
    full_links, _ = _state(whole)
    assert len(full_links) > 100

    outcomes = set()
    for step in range(6):
        copy = tmp_path / f"killed-{step}.screener"
        shutil.copy(base, copy)
        process = subprocess.Popen([*CLI, "dedup", str(copy)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(duration * (0.35 + 0.12 * step))  # the attack: a moment within the run
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        links, statuses = _state(copy)
        assert links in ({}, full_links)  # nothing, or all of it
        assert all(canonical not in links for canonical in links.values())
        assert set(statuses) == set(links)  # merged records, and only they, left the queue
        outcomes.add(bool(links))
    assert outcomes  # at least one kill landed (the run may finish before the last ones)
