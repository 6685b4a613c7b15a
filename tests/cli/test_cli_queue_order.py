"""``records PROJECT --order relevance|file|random [--seed N] [--reviewer NAME] --json``: a
reviewer's queue in the order they choose, in the shape ``records --json`` always had."""

from __future__ import annotations

import json
import statistics
from pathlib import Path

import pytest

from screener.cli.main import main

DATA = Path(__file__).parent.parent / "data" / "ranking"
INCLUDED = {int(x) for x in (DATA / "kitchenham_300_included.txt").read_text().split()}


def run(capsys: pytest.CaptureFixture[str], *args: object) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def project(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    path = str(tmp_path / "review.screener")
    assert run(capsys, "new", path, "--title", "Tertiary study", "--reviewers-per-record", "2")[0] == 0
    for name in ("ana", "ben"):
        assert run(capsys, "reviewer", "add", path, name)[0] == 0
    assert run(capsys, "import", path, DATA / "kitchenham_300.ris", "--source", "Scopus")[0] == 0
    return path


def queue(capsys: pytest.CaptureFixture[str], path: str, *args: object) -> tuple[list[dict[str, object]], str]:
    code, out, err = run(capsys, "records", path, "--json", *args)
    assert code == 0, err
    return json.loads(out), err


def mean_place_of_includes(rows: list[dict[str, object]]) -> float:
    return statistics.mean(i for i, r in enumerate(rows) if r["record_id"] in INCLUDED)


def test_relevance_puts_the_likely_includes_first_once_there_is_an_include_and_an_exclude(
        project: str, capsys: pytest.CaptureFixture[str]) -> None:
    file_order, _ = queue(capsys, project, "--order", "file", "--reviewer", "ana")
    assert [r["record_id"] for r in file_order] == list(range(1, 301))
    assert set(file_order[0]) == {"record_id", "title", "year", "first_author", "status"}

    include, exclude = min(INCLUDED), 1
    assert run(capsys, "decide", project, include, "include", "--reviewer", "ana")[0] == 0
    not_yet, err = queue(capsys, project, "--order", "relevance", "--reviewer", "ana")
    assert [r["record_id"] for r in not_yet] == [i for i in range(1, 301) if i != include]
    assert "not ranked yet" in err and "1 include, 0 excludes" in err

    assert run(capsys, "decide", project, exclude, "exclude", "--reviewer", "ana")[0] == 0
    ranked, err = queue(capsys, project, "--order", "relevance", "--reviewer", "ana")
    assert "ranked by relevance · trained on 2 decisions (1 include)" in err
    ids = [r["record_id"] for r in ranked]
    assert sorted(ids) == [i for i in range(1, 301) if i not in (include, exclude)]  # the queue, nothing else
    in_file_order = [r for r in file_order if r["record_id"] not in (include, exclude)]
    # 44 includes among 298 records: in file order they sit around the middle; ranked, far earlier
    assert mean_place_of_includes(ranked) < 0.75 * mean_place_of_includes(in_file_order)
    top = sum(1 for r in ranked[:30] if r["record_id"] in INCLUDED)
    assert top >= 9, top  # about 4 by chance
    assert {r["status"] for r in ranked} == {"undecided"}  # automation orders, it never decides
    again, _ = queue(capsys, project, "--order", "relevance", "--reviewer", "ana")
    assert again == ranked


def test_random_order_is_the_same_for_the_same_seed_and_keeps_its_order_as_records_leave(
        project: str, capsys: pytest.CaptureFixture[str]) -> None:
    a, _ = queue(capsys, project, "--order", "random", "--seed", "7", "--reviewer", "ana")
    b, _ = queue(capsys, project, "--order", "random", "--seed", "7", "--reviewer", "ana")
    c, _ = queue(capsys, project, "--order", "random", "--seed", "8", "--reviewer", "ana")
    ids = [r["record_id"] for r in a]
    assert ids == [r["record_id"] for r in b] and sorted(ids) == list(range(1, 301))
    assert ids != [r["record_id"] for r in c] and ids != sorted(ids)
    assert run(capsys, "decide", project, ids[3], "exclude", "--reviewer", "ana")[0] == 0
    after, _ = queue(capsys, project, "--order", "random", "--seed", "7", "--reviewer", "ana")
    assert [r["record_id"] for r in after] == ids[:3] + ids[4:]


def test_in_a_blind_project_relevance_learns_only_from_the_reviewers_own_decisions(
        project: str, capsys: pytest.CaptureFixture[str]) -> None:
    includes = sorted(INCLUDED)
    for rid in includes[:3]:  # ben, not ana, has found includes
        assert run(capsys, "decide", project, rid, "include", "--reviewer", "ben")[0] == 0
    for rid in (1, 2):
        assert run(capsys, "decide", project, rid, "exclude", "--reviewer", "ben")[0] == 0
    rows, err = queue(capsys, project, "--order", "relevance", "--reviewer", "ana")
    assert "not ranked yet" in err and "among your decisions (0 includes, 0 excludes" in err
    assert [r["record_id"] for r in rows] == list(range(1, 301))  # ben's decisions change nothing for ana
    benq, err = queue(capsys, project, "--order", "relevance", "--reviewer", "ben")
    assert "trained on 5 decisions (3 includes)" in err and len(benq) == 295


def test_order_words_and_names_are_checked(project: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as bad:
        main(["records", project, "--order", "best", "--json"])
    assert bad.value.code == 2 and "invalid choice: 'best'" in capsys.readouterr().err
    code, out, err = run(capsys, "records", project, "--order", "random", "--reviewer", "zoe", "--json")
    assert code == 1 and out == "" and "zoe" in err and err.count("\n") == 1


@pytest.fixture(scope="module")
def server():  # type: ignore[no-untyped-def]
    from tests.pg import lead_server

    yield from lead_server("review")


def test_on_a_strict_project_the_queue_is_the_login_roles_own(  # type: ignore[no-untyped-def]
        server, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    def url(role: str, password: str) -> str:
        return f"postgresql+psycopg://{role}:{password}@127.0.0.1:{server.port}/review"

    owner = url("lead", "lead-pw")
    assert run(capsys, "new", owner, "--title", "Tertiary study", "--strict", "--reviewers-per-record", "2")[0] == 0
    assert run(capsys, "import", owner, DATA / "kitchenham_300.ris", "--source", "Scopus")[0] == 0
    for name in ("ana", "bob"):
        (tmp_path / f"{name}.pw").write_text(f"{name}-s3cret\n")
        assert run(capsys, "reviewer", "add", owner, name, "--login", "--password-file", tmp_path / f"{name}.pw")[0] == 0
    ana, bob = url("ana", "ana-s3cret"), url("bob", "bob-s3cret")
    include = min(INCLUDED)
    for rid, decision in ((include, "include"), (1, "exclude")):
        assert run(capsys, "decide", bob, rid, decision)[0] == 0
    rows, err = queue(capsys, ana, "--order", "relevance")  # --reviewer is ana, the login
    assert len(rows) == 300 and "not ranked yet" in err and "your decisions (0 includes" in err
    rows, err = queue(capsys, bob, "--order", "relevance")
    assert len(rows) == 298 and "trained on 2 decisions (1 include)" in err
    a, _ = queue(capsys, ana, "--order", "random", "--seed", "3", "--reviewer", "ana")
    b, _ = queue(capsys, ana, "--order", "random", "--seed", "3")
    assert a == b and [r["record_id"] for r in a] != list(range(1, 301))
    code, out, err = run(capsys, "records", ana, "--order", "file", "--reviewer", "bob", "--json")
    assert code == 1 and out == "" and err == \
        "screener: error: on this strict project you are 'ana'; you cannot list the queue of 'bob'\n"
