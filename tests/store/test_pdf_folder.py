"""Attaching a folder of PDFs (as Zotero's storage/ or EndNote's .Data/PDF lay them out)
to the records at full text: by DOI, then title, then file name; never a wrong match,
never twice, never over an existing PDF. The PDFs are real ones, written by Qt."""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
from pathlib import Path

import pytest

from screener.core.pdf import pool
from screener.core.project import Project
from screener.types import run_work
from tests.factories import add_batch, make_record, new_project
from tests.pdf_factory import make_broken_pdf, make_pdf, make_scanned_pdf

TITLES = {
    1: "Peer support workers in community mental health teams: a randomised trial",
    2: "Recovery colleges and personal recovery: a mixed methods evaluation",
    3: "Lived experience practitioners in acute inpatient psychiatry",
    4: "Self-disclosure by peer workers: a qualitative study of service users",
    5: "Peer-led self-management for bipolar disorder: a feasibility study of an online programme for adults",
    6: "Training peer support workers: what works? A systematic review",
    7: "Employment outcomes of peer support workers in the National Health Service",
    8: "Supervision of peer workers in mental health services",
    9: "Peer support in mental health services",
    10: "Peer support in mental health services: a review of reviews",
    11: "Digital peer support for young people with psychosis",
    12: "Peer mentoring for carers of people with dementia",
}
DOIS = {1: "10.1000/peer.2020.001", 2: "10.1000/rc.2019.17", 3: "10.1000/lep.2018.3", 5: "10.1000/bd.2021.44",
        6: "10.1000/tr.2022.9", 7: "10.1000/emp.2017.2", 8: "10.1000/sup.2016.5", 11: "10.1000/xmp.2023.8",
        12: "10.1000/dem.2015.6"}


def full_text_project(target: str, tmp: Path) -> Project:
    project = new_project(target, reviewers=("ana",), per_record=1)
    records = [make_record(i, title=t, doi=DOIS.get(i, ""), pmid="31234567" if i == 4 else "",
                           authors=[f"Author{i}, A."]) for i, t in TITLES.items()]
    add_batch(project, records, tmp=tmp)
    for rid in TITLES:
        project.screening.decide(rid, "ana", "exclude" if rid == 12 else "include")  # 12 never reaches full text
    return project


@pytest.fixture
def library(tmp_path: Path, qapp) -> tuple[Path, dict[str, tuple[int | None, str]]]:  # type: ignore[no-untyped-def]
    """A Zotero-like storage folder and an EndNote-like .Data/PDF folder, and what each file is."""
    root = tmp_path / "library"
    z = root / "Zotero" / "storage"
    e = root / "My EndNote Library.Data" / "PDF"
    expect: dict[str, tuple[int | None, str]] = {}

    def put(path: Path, rid: int | None, by: str) -> Path:
        expect[str(path)] = (rid, by)
        return path

    first = make_pdf(put(z / "AB12CD34" / "download.pdf", 1, "doi"), TITLES[1], dois=(DOIS[1],))
    make_pdf(put(z / "EF56GH78" / "Author2 - 2019 - Recovery.pdf", 2, "doi"), TITLES[2], dois=(DOIS[2],))
    make_pdf(put(e / "1033451206" / "article.pdf", 3, "title"), TITLES[3])  # title only, no DOI printed
    make_scanned_pdf(put(e / "2044" / "31234567.pdf", 4, "filename"))  # a scan, named by its PMID
    make_scanned_pdf(put(z / "JK90LM12" / "Author5 - 2021 - Peer-led self-management for bipolar disorder - "
                         "a feasibility study of an.pdf", 5, "filename"))  # Zotero cut the long title
    make_pdf(put(z / "NP34QR56" / "training.pdf", 6, "doi"), TITLES[6], dois=(DOIS[6], DOIS[7]))  # cites 7
    make_pdf(put(z / "ST78UV90" / "two-dois.pdf", None, "ambiguous"), "", dois=(DOIS[7], DOIS[8]))
    make_pdf(put(e / "3055" / "review.pdf", 10, "title"), TITLES[10])  # also contains title 9
    make_pdf(put(z / "WX12YZ34" / "preprint.pdf", 11, "doi"), "Preprint: not yet peer reviewed",
             xmp_doi=DOIS[11])  # the DOI only in the XMP metadata
    # not reports of any record at full text
    make_pdf(put(z / "DECOY001" / "commentary.pdf", None, "unmatched"),
             f"Commentary on: {TITLES[3]}", dois=("10.9999/comm.1",))  # quotes 3's title, has its own DOI
    make_pdf(put(z / "DECOY002" / "dementia.pdf", None, "unmatched"), TITLES[12], dois=(DOIS[12],))
    make_broken_pdf(put(z / "BROKEN01" / "half.pdf", None, "unmatched"), first)
    not_pdf = put(z / "NOTPDF01" / "snapshot.pdf", None, "unmatched")
    not_pdf.parent.mkdir(parents=True)
    not_pdf.write_text("<html>Access denied</html>")
    make_scanned_pdf(put(z / "SCAN0001" / "scan0001.pdf", None, "unmatched"))
    copy = put(e / "4066" / "download-copy.pdf", 1, "doi")  # the same file twice
    copy.parent.mkdir(parents=True)
    copy.write_bytes(first.read_bytes())
    (z / "AB12CD34" / "._download.pdf").write_bytes(b"\x00\x05\x16\x07 macOS resource fork")  # skipped
    (z / "AB12CD34" / ".zotero-ft-cache").write_text("not a PDF, not looked at")
    return root, expect


def test_a_folder_is_matched_by_doi_title_and_file_name_and_attached_once(
        project_target: str, tmp_path: Path, library) -> None:  # type: ignore[no-untyped-def]
    root, expect = library
    project = full_text_project(project_target, tmp_path)
    report = run_work(project.retrieval.attach_folder(root, "ana"))
    out = report.to_json()
    assert out["files"] == len(expect)  # every *.pdf, recursively; "._" shadows skipped
    got = {m["file"]: (m["record_id"], m["by"]) for m in out["matched"]}
    assert got == {f: e for f, e in expect.items() if e[0] is not None}  # no false match
    assert set(out["ambiguous"]) == {f for f, e in expect.items() if e[1] == "ambiguous"}
    assert set(out["unmatched"]) == {f for f, e in expect.items() if e[1] == "unmatched"}
    assert "records 7 and 8" in out["why"][str(root / "Zotero/storage/ST78UV90/two-dois.pdf")]
    assert "damaged" in out["why"][str(root / "Zotero/storage/BROKEN01/half.pdf")]
    assert "not a PDF" in out["why"][str(root / "Zotero/storage/NOTPDF01/snapshot.pdf")]
    attached = {m["record_id"] for m in out["matched"] if m["attached"]}
    assert attached == {1, 2, 3, 4, 5, 6, 10, 11} and out["attached"] == 8
    twice = [m for m in out["matched"] if m["record_id"] == 1 and not m["attached"]]
    assert len(twice) == 1 and "same PDF as" in twice[0]["note"]
    for m in out["matched"]:
        if m["attached"]:
            assert project.retrieval.pdf_bytes(m["record_id"]) == Path(m["file"]).read_bytes()
            assert project.retrieval.retrieval(m["record_id"])[0] is True
    # again: nothing new is attached, and nothing is copied twice
    files = sorted((Path(project.target).parent / "review_files" / "pdfs").glob("*")) if "://" not in project.target \
        else []
    again = run_work(project.retrieval.attach_folder(root, "ana")).to_json()
    assert again["attached"] == 0
    assert {m["note"] for m in again["matched"]} <= {"already attached to this record"} | {
        m["note"] for m in again["matched"] if "same PDF" in m["note"]}
    if files:
        assert sorted(files[0].parent.glob("*")) == files
    project.close()


def test_a_pdf_a_record_has_is_kept_and_one_pdf_is_never_attached_to_two_records(
        tmp_path: Path, library) -> None:  # type: ignore[no-untyped-def]
    root, _ = library
    project = full_text_project(str(tmp_path / "review.screener"), tmp_path)
    own = make_pdf(tmp_path / "mine.pdf", TITLES[2], dois=(DOIS[2],), paragraphs=2)
    project.retrieval.set_retrieval(2, True, own)
    report = run_work(project.retrieval.attach_folder(root, "ana"))
    kept = next(m for m in report.matched if m.record_id == 2)
    assert not kept.attached and "already has a PDF (mine.pdf); it was kept" in kept.note
    assert project.retrieval.pdf_bytes(2) == own.read_bytes()
    # the PDF attached to record 1 cannot then be attached to record 3 as well
    from screener.types import ScreenerError

    with pytest.raises(ScreenerError, match="already attached to record 1"):
        project.retrieval.set_retrieval(3, True, root / "Zotero/storage/AB12CD34/download.pdf", replace=True)
    project.close()


def test_cancelling_attaches_nothing_and_stops_the_readers(tmp_path: Path, library) -> None:  # type: ignore[no-untyped-def]
    root, _ = library
    project = full_text_project(str(tmp_path / "review.screener"), tmp_path)
    work = project.retrieval.attach_folder(root, "ana")
    next(work)
    next(work)  # a PDF has been read; others are being read
    work.close()  # what Cancel does
    assert all(project.retrieval.pdf(rid) is None for rid in TITLES)
    assert not list((tmp_path / "review_files").glob("pdfs/*"))
    assert not [p for p in multiprocessing.active_children() if p.name.startswith("screener-pdf-reader")]
    project.close()


def test_a_pdf_reader_killed_with_a_signal_costs_only_the_file_it_was_reading(
        tmp_path: Path, library) -> None:  # type: ignore[no-untyped-def]
    root, expect = library
    project = full_text_project(str(tmp_path / "review.screener"), tmp_path)
    work = project.retrieval.attach_folder(root, "ana", workers=1)
    next(work)
    next(work)  # the first PDF is read; the reader waits for the next one
    reader = next(p for p in multiprocessing.active_children() if p.name.startswith("screener-pdf-reader"))
    os.kill(reader.pid, signal.SIGSTOP)  # it is given the next PDF and never answers...
    threading.Timer(1.0, os.kill, (reader.pid, signal.SIGKILL)).start()  # ...until it is killed
    report = run_work(work)
    crashed = [f for f, why in report.why.items() if "stopped on this file (signal 9)" in why]
    assert len(crashed) == 1 and report.files == len(expect)
    lost = {expect[f][0] for f in crashed}
    assert {m.record_id for m in report.matched} | lost >= {1, 2, 3, 4, 5, 6, 10, 11}
    project.close()


def test_a_pdf_that_hangs_the_reader_is_stopped_after_the_time_limit(tmp_path: Path, qapp, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    files = [make_pdf(tmp_path / f"p{i}.pdf", f"{TITLES[i]}", dois=(DOIS.get(i, "10.1/x"),)) for i in (1, 2, 3, 6)]
    reader = pool.read_many(files, workers=1, timeout=2.0)
    first = next(reader)
    assert not first.error
    frozen = next(p for p in multiprocessing.active_children() if p.name.startswith("screener-pdf-reader"))
    os.kill(frozen.pid, signal.SIGSTOP)  # as if PDFium were stuck on the next file
    rest = list(reader)
    assert len(rest) == 3
    stuck = [f for f in rest if "took longer than 2 s" in f.error]
    assert len(stuck) == 1  # the file it was on; a new reader read the others
    assert all(not f.error for f in rest if f not in stuck)
    assert not frozen.is_alive()


def test_where_reading_processes_cannot_start_the_pdfs_are_read_in_this_process(tmp_path: Path, qapp) -> None:  # type: ignore[no-untyped-def]
    """A program fed on standard input cannot start "spawn" processes (they die at once):
    then every PDF is read in the calling process, and none is blamed for it."""
    import subprocess
    import sys

    files = [make_pdf(tmp_path / f"p{i}.pdf", TITLES[i], dois=(DOIS[i],)) for i in (1, 2, 3, 5, 6)]
    script = ("import sys\nfrom screener.core.pdf.pool import read_many\n"
              "facts = list(read_many(sys.argv[1:]))\n"
              "print(len(facts), sum(1 for f in facts if f.error), sorted(d for f in facts for d in f.text_dois))\n")
    run = subprocess.run([sys.executable, "-", *map(str, files)], input=script, capture_output=True, text=True,
                         cwd=Path(__file__).parents[2], timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.split("[")[0].split() == ["5", "0"]
    assert all(DOIS[i] in run.stdout for i in (1, 2, 3, 5, 6))


def test_a_pdf_missing_from_the_project_is_put_back_from_the_folder(tmp_path: Path, library) -> None:  # type: ignore[no-untyped-def]
    """The project file was copied without its _files folder, say: attaching the same folder
    again brings each record's own PDF back (and only those)."""
    root, _ = library
    project = full_text_project(str(tmp_path / "review.screener"), tmp_path)
    run_work(project.retrieval.attach_folder(root, "ana"))
    lost = project.retrieval.pdf(3)
    assert lost is not None and lost.path is not None
    lost.path.unlink()
    assert "missing" in project.retrieval.pdf(3).problem  # type: ignore[union-attr]
    again = run_work(project.retrieval.attach_folder(root, "ana"))
    back = [m for m in again.matched if m.attached]
    assert [(m.record_id, m.note) for m in back] == [(3, "the project's copy of this PDF was missing; it is back")]
    assert project.retrieval.pdf_bytes(3) == (root / "My EndNote Library.Data/PDF/1033451206/article.pdf").read_bytes()
    assert project.retrieval.pdf(3).name == "article.pdf"  # type: ignore[union-attr]
    project.close()


def test_a_command_killed_at_any_moment_leaves_a_project_whose_pdfs_all_hold(tmp_path: Path, library) -> None:  # type: ignore[no-untyped-def]
    """kill -9 the attaching command at three moments (seeded): each time every PDF the
    project records is there with its checksum; then one full run attaches each once."""
    import hashlib
    import random
    import subprocess
    import sys
    import time

    root, _ = library
    path = tmp_path / "review.screener"
    full_text_project(str(path), tmp_path).close()
    rng = random.Random(17)
    for _ in range(3):
        proc = subprocess.Popen([sys.executable, "-m", "screener", "retrieval", str(path), "--from-folder", str(root),
                                 "--json"], cwd=Path(__file__).parents[2], stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.3, 2.5))  # the moment of the kill, not something waited for
        proc.kill()
        proc.wait()
        with Project.open(path) as p:
            for rid in TITLES:
                info = p.retrieval.pdf(rid)
                if info is not None:
                    assert not info.problem and hashlib.sha256(p.retrieval.pdf_bytes(rid)).hexdigest() == info.sha256
    with Project.open(path) as p:
        run_work(p.retrieval.attach_folder(root, "ana"))
        attached = {rid for rid in TITLES if p.retrieval.pdf(rid) is not None}
        assert attached == {1, 2, 3, 4, 5, 6, 10, 11}
        shas = [p.retrieval.pdf(rid).sha256 for rid in attached]  # type: ignore[union-attr]
        assert len(set(shas)) == len(shas)
