"""A long import in another process is in nobody's way: the project opens and reads as
usual, a decision waits for the import and says so (never failing after a fixed time),
and killing the import leaves no process behind and lets its pipeline end."""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import time
from pathlib import Path

import pytest

from screener.core.project import Project
from screener.store.sqlite_file import import_running
from screener.types import run_work
from tests.long_imports import ImportInAnotherWindow, screener_command, write_export

RIS = Path(__file__).parent.parent / "data" / "ris" / "lens_baseline__asreview.ris"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    path = tmp_path / "review.screener"
    with Project.create(path, title="Peer support") as p:
        p.settings.add_reviewer("ana")
        run_work(p.imports.import_files([RIS], source="Lens"))
    return path


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_export(tmp_path_factory.mktemp("export") / "big.ris", 80_000)


def line_within(stream, seconds: float) -> str:  # type: ignore[no-untyped-def]
    ready, _, _ = select.select([stream], [], [], seconds)
    assert ready, f"nothing said in {seconds} s"
    return stream.readline()


def test_reading_and_deciding_during_a_long_import_in_another_process(project: Path, export: Path) -> None:
    other = ImportInAnotherWindow(project, export)
    try:
        other.wait_until_storing()
        other.hold()  # it keeps the write lock for as long as this test likes
        listed = subprocess.run(screener_command("records", str(project), "--json"), capture_output=True,
                                text=True, timeout=120)
        assert listed.returncode == 0 and len(json.loads(listed.stdout)) == 100
        with Project.open(project) as p:  # a second window opens the project
            assert len(p.records.ids()) == 100 and [b.source for b in p.imports.batches()] == ["Lens"]
        decide = subprocess.Popen(screener_command("decide", str(project), "1", "include", "--reviewer", "ana"),
                                  stderr=subprocess.PIPE, text=True)
        try:
            said = line_within(decide.stderr, 60)
            assert said == "screener: waiting for an import in another window to finish…\n"
            with pytest.raises(subprocess.TimeoutExpired):
                decide.wait(timeout=16)  # it waits longer than the 15 s after which it used to fail
            other.go_on()
            _, rest = decide.communicate(timeout=300)
        finally:
            if decide.poll() is None:
                decide.kill()
        assert decide.returncode == 0 and rest == "record 1: ana included at title_abstract\n"
        out, _ = other.finish()
    finally:
        other.kill()
    assert json.loads(out)["records"] == 80_000
    with Project.open(project) as p:
        assert [d.decision for d in p.screening.decisions_of(1)] == ["include"]
        assert [b.records for b in p.imports.batches()] == [100, 80_000]


def _descendants(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        parent = todo.pop()
        try:
            for task in os.listdir(f"/proc/{parent}/task"):
                with open(f"/proc/{parent}/task/{task}/children") as handle:
                    children = [int(c) for c in handle.read().split()]
                found += children
                todo += children
        except OSError:
            continue
    return found


def _running(pid: int) -> bool:
    """Alive and not a zombie (a dead process its new parent has not yet reaped)."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _journal_bytes(project: Path) -> int:
    wal = project.with_name(project.name + "-wal")
    return wal.stat().st_size if wal.exists() else 0


# The moments of the import at which it is killed, each seen from outside as a user would
# see it: its reading processes running; the project's write lock taken; some 16 MB of its
# records written to the project's journal (an 80,000-record import writes about 75 MB).
MOMENTS = {
    "reading": lambda project: True,
    "storing": lambda project: import_running(str(project)),
    "midway": lambda project: _journal_bytes(project) >= 16 * 2**20,
}


@pytest.mark.parametrize("moment", list(MOMENTS))
def test_killing_an_import_leaves_no_process_behind_and_ends_its_pipeline(
    project: Path, export: Path, moment: str
) -> None:
    cat = subprocess.Popen(["cat"], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL)
    assert cat.stdin is not None
    importer = subprocess.Popen(screener_command("import", str(project), str(export), "--source", "Big"),
                                stdout=cat.stdin, stderr=subprocess.PIPE, text=True)
    cat.stdin.close()  # only the import (and what it started) writes to cat now
    try:
        deadline = time.monotonic() + 120
        while len(_descendants(importer.pid)) < 2:  # a reading process and multiprocessing's tracker
            assert importer.poll() is None and time.monotonic() < deadline, "the reading processes never started"
            time.sleep(0.02)
        reached = MOMENTS[moment]
        while not reached(project):  # kill it the moment it gets there
            assert importer.poll() is None and time.monotonic() < deadline, f"the import never got to {moment}"
            time.sleep(0.002)
        left_behind = _descendants(importer.pid)  # the reading processes and multiprocessing's tracker
        os.kill(importer.pid, signal.SIGKILL)
        importer.wait()
        gone_by = time.monotonic() + 5
        while any(_running(pid) for pid in left_behind) and time.monotonic() < gone_by:
            time.sleep(0.02)
        assert [pid for pid in left_behind if _running(pid)] == []
        cat.wait(timeout=max(0.1, gone_by - time.monotonic()))  # its pipeline ends
        said = importer.stderr.read() if importer.stderr else ""
        assert "Traceback" not in said and "BrokenPipeError" not in said
    finally:
        for process in (importer, cat):
            if process.poll() is None:
                process.kill()
    with Project.open(project) as p:  # nothing of the killed import was kept
        assert [b.source for b in p.imports.batches()] == ["Lens"] and len(p.records.ids()) == 100
