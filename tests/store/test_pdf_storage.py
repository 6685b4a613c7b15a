"""Where attached PDFs live, and that a stored path can never lead outside the project's
PDF folder: not through an absolute path, not through "..", not through a symbolic link,
whoever wrote it into the project file or the database."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from screener.core.project import Project
from screener.types import ScreenerError
from tests.factories import add_batch, make_record, new_project
from tests.pdf_factory import make_pdf


@pytest.fixture
def project(project_target: str, tmp_path: Path):  # type: ignore[no-untyped-def]
    p = new_project(project_target, reviewers=("ana",), per_record=1)
    add_batch(p, [make_record(i) for i in range(1, 5)], tmp=tmp_path)
    for rid in range(1, 5):
        p.screening.decide(rid, "ana", "include")
    yield p
    p.close()


@pytest.fixture
def pdf(tmp_path: Path, qapp) -> Path:  # type: ignore[no-untyped-def]
    return make_pdf(tmp_path / "downloads" / "Smith 2020.pdf", "Randomised trial 1 of peer support",
                    dois=("10.1000/a.1",))


def test_an_attached_pdf_is_a_copy_kept_by_the_project(project: Project, pdf: Path, tmp_path: Path) -> None:
    change = project.retrieval.set_retrieval(1, True, pdf, reviewer="ana")
    data = pdf.read_bytes()
    pdf.unlink()  # the download folder is cleaned up: the project still has its copy
    assert project.retrieval.pdf_bytes(1) == data
    info = project.retrieval.pdf(1)
    assert info is not None and info.name == "Smith 2020.pdf" and not info.problem
    if project.retrieval.in_database:
        assert change.pdf == "database" and info.path is None
        other = Project.open(project.target)  # another reviewer's Screener sees it too
        assert other.retrieval.pdf_bytes(1) == data
        other.close()
        opened = project.retrieval.open_path(1)  # a private copy for another program
        assert opened.read_bytes() == data and oct(opened.parent.stat().st_mode & 0o777) == "0o700"
    else:
        folder = Path(project.target).with_name("review_files") / "pdfs"
        assert info.path is not None and info.path.parent == folder and change.pdf.startswith("pdfs/")
        assert project.retrieval.open_path(1) == info.path


def test_a_record_keeps_its_pdf_unless_it_is_replaced_explicitly(project: Project, pdf: Path, tmp_path: Path) -> None:
    project.retrieval.set_retrieval(1, True, pdf)
    other = make_pdf(tmp_path / "other.pdf", "Another version", paragraphs=2)
    with pytest.raises(ScreenerError, match="already has a PDF .*replace it explicitly"):
        project.retrieval.set_retrieval(1, True, other)
    assert project.retrieval.pdf_bytes(1) == pdf.read_bytes()
    project.retrieval.set_retrieval(1, True, other, replace=True)
    assert project.retrieval.pdf_bytes(1) == other.read_bytes()
    with pytest.raises(ScreenerError, match="already attached to record 1"):
        project.retrieval.set_retrieval(2, True, other)
    assert project.retrieval.pdf(2) is None


def test_what_is_not_a_pdf_is_refused_and_changes_nothing(project: Project, tmp_path: Path) -> None:
    page = tmp_path / "paywall.pdf"
    page.write_text("<html><body>Please log in</body></html>")
    with pytest.raises(ScreenerError, match="not a PDF"):
        project.retrieval.set_retrieval(1, True, page)
    with pytest.raises(ScreenerError, match="no such file|cannot read"):
        project.retrieval.set_retrieval(1, True, tmp_path / "missing.pdf")
    assert project.retrieval.retrieval(1) == (None, None)


def _hostile(project: Project, value: str) -> None:
    """Write a stored path as someone editing the project file would."""
    with sqlite3.connect(project.target) as conn:
        conn.execute("UPDATE retrieval SET pdf_path = ? WHERE record_id = 1", (value,))


@pytest.mark.parametrize("stored", [
    "/etc/passwd",
    "pdf_files/../../../../etc/passwd",
    "pdfs/../../../../etc/passwd",
    "pdfs/../../outside.pdf",
    "..\\..\\outside.pdf",
    "C:\\Windows\\win.ini",
    "pdfs/link.pdf",  # a symbolic link to a file outside
    "pdfs",
])
def test_a_stored_path_that_escapes_the_pdf_folder_is_refused(tmp_path: Path, pdf: Path, stored: str) -> None:
    project = new_project(str(tmp_path / "review.screener"), reviewers=("ana",), per_record=1)
    add_batch(project, [make_record(1)], tmp=tmp_path)
    project.screening.decide(1, "ana", "include")
    project.retrieval.set_retrieval(1, True, pdf)
    outside = tmp_path / "outside.pdf"
    outside.write_bytes(pdf.read_bytes())
    (tmp_path / "review_files" / "pdfs" / "link.pdf").symlink_to(outside)
    _hostile(project, stored)
    info = project.retrieval.pdf(1)
    assert info is not None and "was refused" in info.problem and info.path is None
    assert project.retrieval.retrieval(1) == (True, None)  # never handed to anyone
    for call in (project.retrieval.pdf_bytes, project.retrieval.open_path):
        with pytest.raises(ScreenerError, match="was refused"):
            call(1)
    project.close()


def test_a_pdf_folder_that_is_a_link_elsewhere_is_not_written_through(tmp_path: Path, pdf: Path) -> None:
    project = new_project(str(tmp_path / "review.screener"), reviewers=("ana",), per_record=1)
    add_batch(project, [make_record(1)], tmp=tmp_path)
    project.screening.decide(1, "ana", "include")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (tmp_path / "review_files").mkdir()
    (tmp_path / "review_files" / "pdfs").symlink_to(elsewhere)
    with pytest.raises(ScreenerError, match="link to somewhere else"):
        project.retrieval.set_retrieval(1, True, pdf)
    assert list(elsewhere.iterdir()) == [] and project.retrieval.retrieval(1) == (None, None)
    project.close()


def test_a_missing_or_damaged_pdf_says_so(tmp_path: Path, pdf: Path) -> None:
    project = new_project(str(tmp_path / "review.screener"), reviewers=("ana",), per_record=1)
    add_batch(project, [make_record(1), make_record(2)], tmp=tmp_path)
    for rid in (1, 2):
        project.screening.decide(rid, "ana", "include")
    project.retrieval.set_retrieval(1, True, pdf)
    stored = project.retrieval.pdf(1).path  # type: ignore[union-attr]
    stored.unlink()  # type: ignore[union-attr]
    assert "is missing" in project.retrieval.pdf(1).problem  # type: ignore[union-attr]
    with pytest.raises(ScreenerError, match="is missing"):
        project.retrieval.pdf_bytes(1)
    with pytest.raises(ScreenerError, match="has no PDF attached"):
        project.retrieval.pdf_bytes(2)
    stored.write_text("overwritten by something else")  # type: ignore[union-attr]
    with pytest.raises(ScreenerError, match="cannot be shown: .*not a PDF"):
        project.retrieval.pdf_bytes(1)
    project.close()


def test_a_server_project_never_follows_a_path_from_the_database(postgres, tmp_path: Path, pdf: Path) -> None:  # type: ignore[no-untyped-def]
    url = postgres.new_database()
    project = new_project(url, reviewers=("ana",), per_record=1)
    add_batch(project, [make_record(1), make_record(2)], tmp=tmp_path)
    for rid in (1, 2):
        project.screening.decide(rid, "ana", "include")
    project.retrieval.set_retrieval(1, True, pdf)
    import psycopg

    with psycopg.connect(url.replace("postgresql+psycopg", "postgresql")) as conn:
        conn.execute("INSERT INTO retrieval (record_id, retrieved, pdf_path, updated_at, pdf_sha256, pdf_name) "
                     "VALUES (2, true, '/etc/passwd', now(), '', 'passwd')")
        conn.execute("UPDATE retrieval SET pdf_path = '../../etc/passwd' WHERE record_id = 1")
    assert project.retrieval.pdf(2) is None  # a path is never what a server project's PDF is
    assert project.retrieval.pdf_bytes(1) == pdf.read_bytes()  # the PDF itself, from the database
    with psycopg.connect(url.replace("postgresql+psycopg", "postgresql")) as conn:
        conn.execute("DELETE FROM stored_pdf")
    with pytest.raises(ScreenerError, match="missing from the project database"):
        project.retrieval.pdf_bytes(1)
    project.close()


def test_a_full_disk_leaves_no_half_written_pdf_and_no_row(tmp_path: Path, pdf: Path) -> None:
    """The copy fails for want of space (a file-size limit stands in for a full disk)."""
    project = new_project(str(tmp_path / "review.screener"), reviewers=("ana",), per_record=1)
    add_batch(project, [make_record(1)], tmp=tmp_path)
    project.screening.decide(1, "ana", "include")
    project.close()
    limit = pdf.stat().st_size // 2
    script = (
        "import resource, signal, sys\n"
        "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
        "from screener.core.project import Project\n"
        "p = Project.open(sys.argv[1])\n"
        f"resource.setrlimit(resource.RLIMIT_FSIZE, ({limit}, {limit}))\n"
        "try:\n"
        "    p.retrieval.set_retrieval(1, True, sys.argv[2])\n"
        "except Exception as e:\n"
        "    print(e)\n"
        "    sys.exit(3)\n"
    )
    run = subprocess.run([sys.executable, "-c", script, str(tmp_path / "review.screener"), str(pdf)],
                         capture_output=True, text=True, cwd=Path(__file__).parents[2], timeout=120,
                         env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[2])})
    assert run.returncode == 3 and "cannot write the PDF" in run.stdout
    assert list((tmp_path / "review_files" / "pdfs").iterdir()) == []
    with Project.open(tmp_path / "review.screener") as p:
        assert p.retrieval.retrieval(1) == (None, None)


def test_two_reviewers_attaching_one_pdf_to_two_records_at_once_attach_it_once(project: Project, pdf: Path) -> None:
    import threading

    other = Project.open(project.target)
    start = threading.Barrier(2)
    outcomes: dict[int, str] = {}

    def attach(p: Project, rid: int) -> None:
        start.wait()
        try:
            p.retrieval.set_retrieval(rid, True, pdf)
            outcomes[rid] = "attached"
        except ScreenerError as e:
            outcomes[rid] = str(e)

    threads = [threading.Thread(target=attach, args=(project, 1)), threading.Thread(target=attach, args=(other, 2))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    other.close()
    assert sorted(outcomes.values())[0] == "attached"
    assert "never attached to two records" in sorted(outcomes.values())[1]
    assert sum(project.retrieval.pdf(rid) is not None for rid in (1, 2)) == 1


def test_a_wrong_pdf_can_be_taken_off_and_another_attached(project: Project, pdf: Path, tmp_path: Path) -> None:
    project.retrieval.set_retrieval(1, True, pdf)
    assert project.retrieval.remove_pdf(1, "ana") is True
    assert project.retrieval.pdf(1) is None and project.retrieval.retrieval(1)[0] is True
    assert project.retrieval.remove_pdf(1) is False
    assert "pdf_removed" in [e.kind for e in project.history.history(1)]
    project.retrieval.set_retrieval(2, True, pdf)  # now free for the record it belongs to
    assert project.retrieval.pdf_bytes(2) == pdf.read_bytes()
