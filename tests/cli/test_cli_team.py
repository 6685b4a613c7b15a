"""The team rows of the scripting contract, as an admin and reviewers type them, on a server
that asks every role for its password: ``new URL --strict``, ``reviewer add URL NAME
--login --password-file FILE``, the login as identity, ``settings``, ``copy``."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from screener.cli.main import main
from tests.pg import PostgresServer, lead_server

RIS = Path(__file__).parent.parent / "data" / "ris" / "cff_scopus__citation-file-formatting.ris"


@pytest.fixture(scope="module")
def server():  # type: ignore[no-untyped-def]
    yield from lead_server("review", "review_copy")


def run(capsys: pytest.CaptureFixture[str], *args: object) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def test_an_admin_sets_up_a_strict_project_and_each_reviewer_is_their_login(  # noqa: PLR0915
        server: PostgresServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    def url(role: str, password: str, db: str = "review") -> str:
        return f"postgresql+psycopg://{role}:{password}@127.0.0.1:{server.port}/{db}"

    owner = url("lead", "lead-pw")
    code, _, err = run(capsys, "new", owner, "--title", "Peer roles", "--strict", "--reviewers-per-record", "2",
                       "--reason", "Wrong population")
    assert code == 0 and "in strict mode" in err and "warning" not in err, err
    assert run(capsys, "import", owner, RIS, "--source", "Scopus")[0] == 0
    for name, role in (("ana", "reviewer"), ("bob", "reviewer"), ("carla", "resolver")):
        (tmp_path / f"{name}.pw").write_text(f"{name}-s3cret\n")
        code, _, err = run(capsys, "reviewer", "add", owner, name, "--login", "--password-file",
                           tmp_path / f"{name}.pw", "--role", role)
        assert code == 0 and f"logs in as database role {name}" in err, err
    ana, bob, carla = (url(n, f"{n}-s3cret") for n in ("ana", "bob", "carla"))

    code, _, err = run(capsys, "decide", url("ana", "wrong"), "1", "include")
    assert code == 1 and "refused the password for 'ana'" in err and err.count("\n") == 1
    assert run(capsys, "decide", ana, "1", "include")[2].startswith("record 1: ana included")
    code, _, err = run(capsys, "decide", ana, "2", "include", "--reviewer", "bob")
    assert code == 1 and err == "screener: error: on this strict project you are 'ana' (you logged in as " \
                                "'ana'); you cannot act as 'bob'\n"
    code, _, err = run(capsys, "decide", owner, "2", "include", "--reviewer", "bob")
    assert code == 1 and "role 'lead' is not a reviewer here" in err
    (tmp_path / "bulk.csv").write_text("record_id,reviewer,stage,decision,reason,note\n"
                                       "2,ana,title_abstract,include,,\n3,bob,title_abstract,exclude,,\n")
    code, _, err = run(capsys, "decide", ana, "--from-csv", tmp_path / "bulk.csv")
    assert code == 1 and "bulk.csv, line 3" in err and "cannot act as 'bob'" in err
    assert run(capsys, "decide", bob, "1", "exclude", "--note", "bob's reasons")[0] == 0

    code, out, _ = run(capsys, "conflicts", carla, "--json")
    assert [c["record_id"] for c in json.loads(out)] == [1]
    code, out, _ = run(capsys, "conflicts", url("ana", "ana-s3cret"), "--json")
    assert {d["reviewer"] for d in json.loads(out)[0]["decisions"]} == {"ana", "bob"}  # both decided
    code, _, err = run(capsys, "resolve", carla, "1", "include")
    assert code == 0 and "by carla" in err and "party" not in err

    code, out, _ = run(capsys, "settings", ana, "--json")
    assert json.loads(out) == {"title": "Peer roles", "strict": True, "resolve_by": "consensus",
                               "reviewers_per_record": {"title_abstract": 2, "full_text": 2},
                               "blind": True, "you_are": "ana"}
    code, _, err = run(capsys, "settings", ana, "--resolve-by", "resolver")
    assert code == 1 and "only the project's owner can change the settings" in err and err.count("\n") == 1
    assert run(capsys, "settings", owner, "--resolve-by", "third-party")[0] == 0

    code, _, err = run(capsys, "copy", ana, tmp_path / "leak.screener")
    assert code == 1 and "only the project's owner can copy it whole" in err
    code, out, err = run(capsys, "copy", owner, url("lead", "lead-pw", "review_copy"), "--json")
    assert code == 0 and json.loads(out)["strict"] is True and json.loads(out)["rows"]["decision"] == 2
    copy_ana = url("ana", "ana-s3cret", "review_copy")
    assert run(capsys, "decide", copy_ana, "4", "maybe")[0] == 0  # her login works on the copy too


def test_team_options_refuse_what_they_cannot_do(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "r.screener"
    code, _, err = run(capsys, "new", path, "--title", "T", "--strict")
    assert code == 1 and "strict mode needs a PostgreSQL server" in err and not path.exists()
    assert run(capsys, "new", path, "--title", "T", "--resolve-by", "resolver")[0] == 0
    (tmp_path / "pw").write_text("x\n")
    code, _, err = run(capsys, "reviewer", "add", path, "ana", "--password-file", tmp_path / "pw")
    assert code == 1 and "--password-file goes with --login" in err
    code, _, err = run(capsys, "reviewer", "add", path, "ana", "--login", "--password-file", tmp_path / "pw")
    assert code == 1 and "--login needs a strict project on a PostgreSQL server" in err
    (tmp_path / "empty").write_text("\n")
    code, _, err = run(capsys, "reviewer", "add", path, "ana", "--login", "--password-file", tmp_path / "empty")
    assert code == 1 and "first line is empty" in err
    code, _, err = run(capsys, "resolve", path, "1", "include")
    assert code == 1 and "--reviewer NAME is needed" in err
    code, out, _ = run(capsys, "settings", path, "--json")
    assert json.loads(out)["resolve_by"] == "resolver" and json.loads(out)["strict"] is False


def test_a_forged_package_is_refused_in_one_line_without_a_traceback(tmp_path: Path,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "r.screener"
    run(capsys, "new", path, "--title", "T", "--reviewers-per-record", "2")
    run(capsys, "import", path, RIS, "--source", "Scopus")
    for name in ("ana", "ben"):
        run(capsys, "reviewer", "add", path, name)
    assert run(capsys, "package", path, "--reviewer", "ana", "-o", tmp_path / "ana.screener")[0] == 0
    import sqlite3

    with sqlite3.connect(tmp_path / "ana.screener") as conn:
        conn.execute("PRAGMA ignore_check_constraints = ON")
        conn.execute("INSERT INTO decision (record_id, reviewer_id, stage, decision, reason, note, decided_at) "
                     "SELECT 1, id, 'title_abstract', 'banana', '', '', '2030-01-01' FROM reviewer WHERE name = 'ana'")
    result = subprocess.run([sys.executable, "-m", "screener", "merge-package", str(path), str(tmp_path / "ana.screener")],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 1 and result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert "has decision 'banana'; a decision is include, exclude or maybe; nothing was merged" in result.stderr
    code, out, _ = run(capsys, "agreement", path, "--json")
    assert code == 0 and json.loads(out) == []
