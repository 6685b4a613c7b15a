"""Projects in awkward places: paths that are not files, read-only folders, a full disk.

Read-only folders and full disks are real: a read-only bind mount and a small tmpfs,
mounted for the test (this needs root, as CI runs; elsewhere these tests are skipped).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from screener.core.project import Project
from screener.store.engine import ProjectVersionError, open_store
from screener.types import ImportFormatError, ScreenerError, run_work

DATA = Path(__file__).parent.parent / "data"
RIS = DATA / "ris" / "lens_baseline__asreview.ris"
OLD_PROJECT = DATA / "projects" / "schema_0001.screener"


def screener(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "screener", *args], capture_output=True, text=True,
                          timeout=timeout)


def _mount(*args: str) -> None:
    done = subprocess.run(["mount", *args], capture_output=True, text=True)
    if done.returncode:
        pytest.skip(f"cannot mount a filesystem here (root is needed, as in CI): {done.stderr.strip()}")


def _unmount(path: Path) -> None:
    if subprocess.run(["umount", str(path)], capture_output=True).returncode:
        subprocess.run(["umount", "-l", str(path)], check=True)  # still in use: detach it now


@pytest.fixture
def read_only_copy(tmp_path: Path) -> Iterator[tuple[Path, Path]]:
    """(writable folder, the same folder mounted read-only)."""
    source, view = tmp_path / "source", tmp_path / "read-only"
    source.mkdir()
    view.mkdir()
    _mount("--bind", str(source), str(view))
    try:
        _mount("-o", "remount,ro,bind", str(view))
        yield source, view
    finally:
        _unmount(view)


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    disk = tmp_path / "disk"
    disk.mkdir()
    _mount("-t", "tmpfs", "-o", "size=8m", "tmpfs", str(disk))
    try:
        yield disk
    finally:
        _unmount(disk)


def fill(disk: Path) -> None:
    with open(disk / "filler", "wb", buffering=0) as handle:
        try:
            while True:
                handle.write(b"\0" * 65536)
        except OSError:
            pass
        try:
            while True:
                handle.write(b"\0" * 512)
        except OSError:
            pass


def make_project(path: Path) -> None:
    with Project.create(path, title="Peer support") as p:
        p.settings.add_reviewer("ana")
        run_work(p.imports.import_files([RIS], source="Lens"))


# -- paths that are not project files (issue 15, items 8 and 9) ---------------------------


def within(seconds: float, fifo: Path, work):  # type: ignore[no-untyped-def]
    """What ``work()`` raises, or None; fails the test if it has not ended in ``seconds``
    (opening a named pipe for reading waits for a writer for ever)."""
    outcome: list[BaseException | None] = []

    def run() -> None:
        try:
            work()
            outcome.append(None)
        except BaseException as error:  # noqa: BLE001 - the test looks at what it was
            outcome.append(error)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(timeout=seconds)
    if thread.is_alive():
        with open(fifo, "wb"):  # let the blocked open go on, then fail
            pass
        pytest.fail("a named pipe blocked")
    return outcome[0]


def test_a_named_pipe_given_as_the_project_is_refused_at_once(tmp_path: Path) -> None:
    fifo = tmp_path / "review.screener"
    os.mkfifo(fifo)
    error = within(20, fifo, lambda: Project.open(fifo).close())
    assert isinstance(error, ScreenerError)
    assert str(error) == f"{fifo}: is not a regular file (a named pipe), not a Screener project file"


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda p: p.mkdir(), "is a directory"),
        (lambda p: os.mkfifo(p), "is not a regular file (a named pipe)"),
        (lambda p: (p.symlink_to(p.with_name("b")), p.with_name("b").symlink_to(p)), "is a symlink loop"),
        (lambda p: None, "no such file"),
    ],
    ids=["directory", "fifo", "symlink-loop", "missing"],
)
def test_a_path_that_is_not_a_file_is_named_for_what_it_is(tmp_path: Path, make, words: str) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "a"
    make(path)
    project = tmp_path / "p.screener"
    make_project(project)
    with Project.open(project) as p:
        error = within(20, path, lambda: run_work(p.imports.import_files([path], source="X")))
    assert isinstance(error, ImportFormatError) and str(error) == f"{path}: {words}"
    done = screener("import", str(project), str(path), "--source", "X")
    assert done.returncode == 1 and done.stderr.strip() == f"screener: error: {path}: {words}"
    opened = screener("records", str(path))
    expected = "no such project file" if words == "no such file" else f"{words}, not a Screener project file"
    assert opened.returncode == 1 and opened.stderr.strip() == f"screener: error: {path}: {expected}"


@pytest.mark.parametrize(("device", "words"), [("/dev/null", "is not a regular file (a device)"),
                                               ("/dev/zero", "is not a regular file (a device)")])
def test_devices_are_not_files_to_import_or_projects(tmp_path: Path, device: str, words: str) -> None:
    project = tmp_path / "p.screener"
    make_project(project)
    done = screener("import", str(project), device, "--source", "X")
    assert done.returncode == 1 and done.stderr.strip() == f"screener: error: {device}: {words}"
    for command in (["records", device], ["new", device, "--title", "T"]):
        done = screener(*command)
        assert done.returncode == 1 and f"{device}: {words}" in done.stderr


# -- a read-only project (item 12) ---------------------------------------------------------


def test_a_project_in_a_read_only_folder_opens_for_reading_and_says_so(read_only_copy: tuple[Path, Path]) -> None:
    source, view = read_only_copy
    make_project(source / "review.screener")
    path = view / "review.screener"
    with Project.open(path) as p:
        assert p.read_only == "its folder is read-only"
        assert len(p.records.ids()) == 100 and p.imports.batches()[0].records == 100
        with pytest.raises(ScreenerError, match="opened for reading only .its folder is read-only.; nothing can be changed"):
            p.screening.decide(p.records.ids()[0], "ana", "include")
    listed = screener("records", str(path), "--json")
    assert listed.returncode == 0 and listed.stdout.count('"record_id"') == 100
    assert f"screener: note: {path} is open for reading only (its folder is read-only)" in listed.stderr
    decided = screener("decide", str(path), "1", "include", "--reviewer", "ana")
    assert decided.returncode == 1 and "opened for reading only" in decided.stderr
    assert sorted(os.listdir(source)) == ["review.screener"]  # nothing was written beside it


def test_a_read_only_project_with_changes_still_in_its_log_is_refused_with_the_reason(
    read_only_copy: tuple[Path, Path],
) -> None:
    source, view = read_only_copy
    make_project(source / "review.screener")
    (source / "review.screener-wal").write_bytes(b"\1" * 4096)  # as a crash would leave it
    with pytest.raises(ScreenerError, match="changes not yet written into the file wait in review.screener-wal"):
        Project.open(view / "review.screener")


def test_a_read_only_project_of_an_older_schema_says_it_needs_a_migration(
    read_only_copy: tuple[Path, Path],
) -> None:
    source, view = read_only_copy
    shutil.copy(OLD_PROJECT, source / "old.screener")
    with pytest.raises(ProjectVersionError, match=r"older version of Screener \(schema 0001\) and needs a migration"):
        open_store(view / "old.screener")
    done = screener("records", str(view / "old.screener"))
    assert done.returncode == 1 and "needs a migration" in done.stderr and "its folder is read-only" in done.stderr


# -- a full disk (item 11) -------------------------------------------------------------------


def test_on_a_full_disk_reading_works_and_a_change_says_the_disk_is_full(small_disk: Path) -> None:
    path = small_disk / "review.screener"
    make_project(path)
    with Project.open(path) as open_before:  # a window open when the disk fills
        first = open_before.records.ids()[0]
        fill(small_disk)
        assert len(open_before.records.ids()) == 100
        with pytest.raises(ScreenerError, match="the disk is full; nothing was changed"):
            open_before.screening.decide(first, "ana", "include")
        assert open_before.screening.decisions_of(first) == []
    with Project.open(path) as p:  # a window opened on the full disk
        assert p.read_only == "the disk is full"
        assert len(p.records.ids()) == 100
    listed = screener("records", str(path), "--json")
    assert listed.returncode == 0 and listed.stdout.count('"record_id"') == 100
    assert "open for reading only (the disk is full)" in listed.stderr
    decided = screener("decide", str(path), str(first), "include", "--reviewer", "ana")
    assert decided.returncode == 1 and "the disk is full" in decided.stderr
    (small_disk / "filler").unlink()  # space again: the project is whole and writable
    with Project.open(path) as p:
        assert p.read_only == ""
        p.screening.decide(first, "ana", "include")
        assert [d.decision for d in p.screening.decisions_of(first)] == ["include"]
