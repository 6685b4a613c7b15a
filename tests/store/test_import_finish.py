"""How an import ends after its rows' commit: stopped (Ctrl-C) or failing while it makes
the indexes it dropped, it is imported all the same and says so truthfully; and every
import leaves the write-ahead log copied into the project file, so that the window's first
decision does not pay for copying the import."""

from __future__ import annotations

import queue
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from screener.core.project import Project
from screener.store import bulk
from screener.store.sqlite_file import DEFERRED_INDEXES
from screener.types import run_work

RIS = Path(__file__).parent.parent / "data" / "ris"
LENS = RIS / "lens_baseline__asreview.ris"

# The real CLI; the only changes: these few records count as a large import, and between the
# two commits the child marks that its rows are committed and waits until the test holds the
# write lock (as another window saving a decision at that moment would).
CHILD = r"""
import sys, time
from pathlib import Path
from screener.store import bulk
from screener.core.services import importing
bulk.DEFER_INDEXES_FROM = 0
real = importing.ImportService._make_indexes
def make(self, statements, report):
    Path(sys.argv[1]).write_text("rows committed")
    deadline = time.monotonic() + 60
    while not Path(sys.argv[1] + ".locked").exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    return real(self, statements, report)
importing.ImportService._make_indexes = make
from screener.cli.main import main
sys.exit(main(["import", sys.argv[2], sys.argv[3], "--source", "Lens"]))
"""


def _record_indexes(path: Path) -> set[str]:
    with sqlite3.connect(path) as c:
        return {n for (n,) in c.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'record'")}


def test_ctrl_c_while_the_indexes_wait_for_the_lock_reports_the_import_truthfully(tmp_path: Path) -> None:
    project, marker = tmp_path / "p.screener", tmp_path / "reached"
    Project.create(project, title="T").close()
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(marker), str(project), str(LENS)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lines: queue.Queue[str] = queue.Queue()
    out: list[str] = []
    reader = threading.Thread(target=lambda: [lines.put(line) for line in child.stderr], daemon=True)  # type: ignore[union-attr]
    reader.start()
    holder = sqlite3.connect(project, isolation_level=None)
    try:
        deadline = time.monotonic() + 120
        while not marker.exists():
            assert child.poll() is None, "the import ended before its rows were committed"
            assert time.monotonic() < deadline
            time.sleep(0.02)
        holder.execute("BEGIN IMMEDIATE")  # another window writing
        Path(str(marker) + ".locked").write_text("x")
        while not any("wait" in line.lower() for line in out):  # the child says it waits for the lock
            assert time.monotonic() < deadline, out
            assert child.poll() is None, out
            try:
                out.append(lines.get(timeout=0.5))
            except queue.Empty:
                pass
        child.send_signal(signal.SIGINT)  # the user gives up
        child.wait(timeout=60)
        stdout = child.stdout.read()  # type: ignore[union-attr]
    finally:
        if holder.in_transaction:
            holder.execute("ROLLBACK")
        holder.close()
        child.kill()
        child.wait()
    reader.join(timeout=10)
    while not lines.empty():
        out.append(lines.get())
    said = stdout + "".join(out)
    assert child.returncode == 0, said
    assert "nothing was changed" not in said
    assert "indexes were not made" in said
    assert not DEFERRED_INDEXES.keys() & _record_indexes(project)
    with Project.open(project) as p:
        assert p.records.ids()  # the batch is imported
        p.settings.add_reviewer("alice")  # the project's next change makes them
    assert DEFERRED_INDEXES.keys() <= _record_indexes(project)


@pytest.mark.parametrize("large", [False, True])
def test_every_import_leaves_the_log_copied_into_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                            large: bool) -> None:
    if large:
        monkeypatch.setattr(bulk, "DEFER_INDEXES_FROM", 0)
    project = tmp_path / "p.screener"
    with Project.create(project, title="T") as p:
        p.store.checkpoint()
        wal = project.with_name(project.name + "-wal")
        size = project.stat().st_size
        run_work(p.imports.import_files([str(LENS)], source="Lens"))
        assert wal.stat().st_size > 0  # the import went through the log
        assert project.stat().st_size > size  # and its pages are in the file already
