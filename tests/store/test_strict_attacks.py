"""Attacks on a strict project with plain SQL, as a reviewer's own login role, through psycopg.

ana has decided record 1 and written notes; bob has not decided it yet. bob, with his
login and psql, tries to read ana's blind work, change it, shorten the history, act as
someone else, and get around the database's rules.
"""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from tests.team import Team, strict_team

SECRET = "ana-secret-7f3c"  # in ana's decision note, her private note and the note event


@pytest.fixture
def team(postgres, tmp_path: Path) -> Team:  # type: ignore[no-untyped-def]
    team = strict_team(postgres, tmp_path)
    with team.open("ana") as ana:
        ana.screening.decide(1, team["ana"], "exclude", reason=f"{SECRET} reason", note=f"{SECRET} decision note")
        ana.records.set_note(1, team["ana"], f"{SECRET} private note")
        ana.screening.decide(2, team["ana"], "include")
        ana.packages.create_package(team["ana"], tmp_path / "ana.screener")
    with team.open("bob") as bob:
        bob.screening.decide(2, team["bob"], "exclude", note="bob on 2")  # record 2: both decided
    return team


def owner_rows(team: Team, sql: str) -> list[tuple]:
    with team.sql() as conn:
        return conn.execute(sql).fetchall()


def every_relation(conn: psycopg.Connection) -> list[str]:
    return [name for (name,) in conn.execute(
        "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'v', 'm', 'p', 'f') ORDER BY 1")]


def test_a_pending_decision_and_notes_are_unreadable_from_every_table_and_view(team: Team) -> None:
    with team.sql() as owner:
        relations = every_relation(owner)
        owner.execute("ANALYZE")  # statistics (pg_stats) would show common values
        # reviewers may not create temporary objects; an admin might allow them all the same
        owner.execute(f'GRANT TEMP ON DATABASE "{team.database}" TO "{team["bob"]}"')
    assert {"decision", "event", "record_note", "stage_status", "package_token"} <= set(relations)
    readable = set()
    with team.sql("bob") as bob:
        for relation in relations:
            try:
                rows = bob.execute(f'SELECT t::text FROM "{relation}" t').fetchall()
            except psycopg.errors.InsufficientPrivilege:
                bob.rollback()
                continue
            readable.add(relation)
            assert not any(SECRET in row[0] for row in rows), relation
        assert readable == set(relations)  # he may read every table: only rows are withheld
        # his own, and ana's on record 2, which both have decided
        assert bob.execute("SELECT record_id, count(*) FROM decision GROUP BY 1").fetchall() == [(2, 2)]
        assert bob.execute("SELECT count(*) FROM decision WHERE record_id = 1").fetchone() == (0,)
        assert bob.execute("SELECT status FROM stage_status WHERE record_id = 1 AND stage = 'title_abstract'"
                           ).fetchone() == ("undecided",)
        stats = bob.execute("SELECT tablename, attname, most_common_vals::text FROM pg_stats "
                            "WHERE schemaname = current_schema()").fetchall()
        assert not any(SECRET in str(row) for row in stats)
        # a function that would print every note it is shown sees only the allowed rows
        bob.execute("CREATE FUNCTION pg_temp.peek(t text) RETURNS boolean LANGUAGE plpgsql "
                    "AS $$ BEGIN RAISE NOTICE 'saw %', t; RETURN true; END $$")
        seen: list[str] = []
        bob.add_notice_handler(lambda d: seen.append(d.message_primary or ""))
        bob.execute("SELECT * FROM decision WHERE pg_temp.peek(note)").fetchall()
        bob.execute("SELECT * FROM record_note n JOIN record r ON r.id = n.record_id WHERE pg_temp.peek(n.text)").fetchall()
        assert seen and not any(SECRET in m for m in seen)
        with bob.cursor().copy("COPY decision TO STDOUT") as copy:
            assert SECRET not in b"".join(bytes(block) for block in copy).decode()
    with team.sql("ana") as ana:  # ana reads her own
        assert ana.execute("SELECT count(*) FROM record_note WHERE text LIKE %s", [f"{SECRET}%"]).fetchone() == (1,)


def test_once_both_decided_the_decisions_are_readable_but_notes_stay_private(team: Team) -> None:
    with team.open("bob") as bob:
        bob.screening.decide(1, team["bob"], "include")
    with team.sql("bob") as conn:
        assert conn.execute("SELECT count(*) FROM decision WHERE record_id = 1").fetchone() == (2,)
        assert conn.execute("SELECT count(*) FROM event WHERE kind = 'decision' AND record_id = 1").fetchone() == (2,)
        assert conn.execute("SELECT count(*) FROM record_note").fetchone() == (0,)
        assert conn.execute("SELECT count(*) FROM event WHERE kind = 'note'").fetchone() == (0,)


def test_updates_and_deletes_of_anothers_rows_change_nothing(team: Team) -> None:
    before = owner_rows(team, "SELECT * FROM decision ORDER BY id") + owner_rows(team, "SELECT * FROM record_note")
    ana_id = owner_rows(team, f"SELECT id FROM reviewer WHERE name = '{team['ana']}'")[0][0]
    with team.sql("bob", autocommit=True) as bob:
        for sql in (f"UPDATE decision SET decision = 'include', note = '' WHERE reviewer_id = {ana_id}",
                    f"DELETE FROM decision WHERE reviewer_id = {ana_id}",  # record 2's is visible to him
                    f"UPDATE record_note SET text = '' WHERE reviewer_id = {ana_id}",
                    f"DELETE FROM record_note WHERE reviewer_id = {ana_id}",
                    "UPDATE package_token SET merged_as = 'x'"):
            assert bob.execute(sql).rowcount == 0, sql
        refused = [
            f"INSERT INTO decision (record_id, reviewer_id, stage, decision, reason, note, decided_at) "
            f"VALUES (3, {ana_id}, 'title_abstract', 'include', '', '', now())",
            f"INSERT INTO decision (record_id, reviewer_id, stage, decision, reason, note, decided_at) "
            f"VALUES (1, {ana_id}, 'title_abstract', 'include', '', '', now()) ON CONFLICT "
            f"(record_id, reviewer_id, stage) DO UPDATE SET decision = 'include'",
            f"UPDATE decision SET reviewer_id = {ana_id}",
            f"INSERT INTO record_note (record_id, reviewer_id, text) VALUES (2, {ana_id}, 'x')",
            "UPDATE stage_status SET status = 'included'",
            "DELETE FROM stage_status",
            "DELETE FROM package_token",
            "UPDATE record SET duplicate_of = 2 WHERE id = 1",
            "INSERT INTO decision (record_id, reviewer_id, stage, decision, reason, note, decided_at) "
            "SELECT 3, id, 'title_abstract', 'banana', '', '', now() FROM reviewer WHERE login = current_user",
        ]
        for sql in refused:
            with pytest.raises(psycopg.Error):
                bob.execute(sql)
    assert owner_rows(team, "SELECT * FROM decision ORDER BY id") + owner_rows(team, "SELECT * FROM record_note") == before


def test_the_history_cannot_be_shortened_or_rewritten_and_is_written_in_ones_own_name(team: Team) -> None:
    before = owner_rows(team, "SELECT * FROM event ORDER BY id")
    with team.sql("ana", autocommit=True) as ana:  # even ana, about her own events
        for sql in ("DELETE FROM event", "TRUNCATE event", "UPDATE event SET detail = '{}'",
                    f"DELETE FROM event WHERE reviewer = '{team['ana']}'",
                    f"INSERT INTO event (at, kind, record_id, reviewer, stage, detail) VALUES "
                    f"(now(), 'decision', 1, '{team['bob']}', 'title_abstract', '{{}}')",
                    "COPY event FROM STDIN"):
            with pytest.raises(psycopg.Error):
                ana.execute(sql)
        for kind in ("import", "merge", "settings_changed", "reviewer_added"):  # the owner's doings
            with pytest.raises(psycopg.Error, match="row-level security"):
                ana.execute(f"INSERT INTO event (at, kind, record_id, reviewer, stage, detail) VALUES "
                            f"(now(), '{kind}', 1, '{team['ana']}', '', '{{}}')")
        for kind, claim in (("decision", "decided on record 5"), ("resolution", "resolved record 5")):
            with pytest.raises(psycopg.Error, match=f"the history says {team['ana']} {claim}, but there is no such"):
                ana.execute(f"INSERT INTO event (at, kind, record_id, reviewer, stage, detail) VALUES "
                            f"(now(), '{kind}', 5, '{team['ana']}', 'title_abstract', '{{}}')")
        ana.execute(f"INSERT INTO event (at, kind, record_id, reviewer, stage, detail) VALUES "
                    f"('2001-01-01', 'tags', 1, '{team['ana']}', '', '{{}}')")
    after = owner_rows(team, "SELECT * FROM event ORDER BY id")
    assert after[:len(before)] == before and len(after) == len(before) + 1
    assert after[-1][1].year > 2001  # stamped by the server's clock, not the client's


def test_a_decision_changed_with_plain_sql_must_be_in_the_history(team: Team) -> None:
    with team.sql("ana") as ana:
        ana.execute("UPDATE decision SET decision = 'include', reason = '' WHERE record_id = 2")
        with pytest.raises(psycopg.Error, match="must be recorded in the history"):
            ana.commit()
    assert owner_rows(team, "SELECT decision FROM decision d JOIN reviewer r ON r.id = d.reviewer_id "
                            f"WHERE record_id = 2 AND r.name = '{team['ana']}'") == [("include",)]
    with team.sql("ana") as ana:  # said in the history, the same change is taken
        ana.execute("UPDATE decision SET decision = 'exclude', decided_at = '2001-01-01' WHERE record_id = 2")
        ana.execute(f"INSERT INTO event (at, kind, record_id, reviewer, stage, detail) VALUES (now(), "
                    f"'decision', 2, '{team['ana']}', 'title_abstract', '{{\"decision\": \"exclude\"}}')")
    assert owner_rows(team, "SELECT status FROM stage_status WHERE record_id = 2 AND stage = 'title_abstract'"
                      ) == [("excluded",)]  # and the database recomputed the status
    assert owner_rows(team, "SELECT min(decided_at) > '2020-01-01' FROM decision") == [(True,)]


def test_no_one_can_become_someone_else(team: Team) -> None:
    with team.sql("bob", autocommit=True) as bob:
        for sql in (f'SET ROLE "{team["ana"]}"', f'SET ROLE "{team.owner}"', "SET ROLE postgres",
                    f'SET SESSION AUTHORIZATION "{team["ana"]}"',
                    f"UPDATE reviewer SET login = '{team['bob']}' WHERE name = '{team['ana']}'",
                    f"UPDATE reviewer SET role = 'resolver' WHERE name = '{team['bob']}'",
                    "INSERT INTO reviewer (name, role, login) VALUES ('eve', 'resolver', 'eve')",
                    f'GRANT "{team["ana"]}" TO "{team["bob"]}"',
                    f'ALTER ROLE "{team["bob"]}" BYPASSRLS'):
            with pytest.raises(psycopg.Error):
                bob.execute(sql)
        bob.execute("SET row_security = off")
        with pytest.raises(psycopg.Error, match="row-level security"):
            bob.execute("SELECT * FROM decision")


def test_the_database_machinery_cannot_be_called_or_switched_off(team: Team) -> None:
    with team.sql("bob", autocommit=True) as bob:
        for sql in ("SELECT screener_refresh_status(ARRAY[1], 'title_abstract')",
                    "SELECT screener_on_decision()",
                    "ALTER TABLE decision DISABLE ROW LEVEL SECURITY",
                    "ALTER TABLE decision DISABLE TRIGGER ALL",
                    "DROP POLICY screener_decision_0 ON decision",
                    "CREATE POLICY mine ON decision FOR SELECT USING (true)",
                    "CREATE TABLE public.decision_copy AS SELECT 1",
                    "CREATE OR REPLACE FUNCTION public.screener_refresh_status(integer[], text) "
                    "RETURNS void LANGUAGE sql AS 'SELECT 1'",
                    "UPDATE project SET resolve_policy = 'consensus', reviewers_per_record_ta = 1",
                    "INSERT INTO criterion (kind, text, position) VALUES ('include', 'x', 9)",
                    "DELETE FROM batch"):
            with pytest.raises(psycopg.Error):
                bob.execute(sql)


def test_a_reviewer_cannot_resolve_against_the_setting_even_with_plain_sql(postgres, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    team = strict_team(postgres, tmp_path, resolve_by="resolver")
    for who, choice in (("ana", "include"), ("bob", "exclude")):
        with team.open(who) as p:
            p.screening.decide(1, team[who], choice)

    def resolve(who: str) -> None:
        with team.sql(who) as conn:
            conn.execute(
                "INSERT INTO resolution (record_id, stage, decision, reason, note, reviewer_id, resolved_at) "
                "SELECT 1, 'title_abstract', 'include', '', '', id, now() FROM reviewer WHERE login = current_user")
            conn.execute("INSERT INTO event (at, kind, record_id, reviewer, stage, detail) SELECT now(), "
                         "'resolution', 1, name, 'title_abstract', '{}' FROM reviewer WHERE login = current_user")

    with pytest.raises(psycopg.Error, match="row-level security"):
        resolve("ana")
    with team.sql("carla") as conn:  # not without saying so in the history
        conn.execute("INSERT INTO resolution (record_id, stage, decision, reason, note, reviewer_id, resolved_at) "
                     "SELECT 1, 'title_abstract', 'include', '', '', id, now() FROM reviewer WHERE login = current_user")
        with pytest.raises(psycopg.Error, match="must be recorded in the history"):
            conn.commit()
    resolve("carla")
    assert owner_rows(team, "SELECT status FROM stage_status WHERE record_id = 1 AND stage = 'title_abstract'"
                      ) == [("included",)]
    with team.sql("ana", autocommit=True) as conn:  # nor undo it
        assert conn.execute("DELETE FROM resolution").rowcount == 0


def test_plain_sql_cannot_break_the_rules_the_services_check(team: Team) -> None:
    with team.sql("bob", autocommit=True) as bob:
        me = "(SELECT id FROM reviewer WHERE login = current_user)"
        for sql, message in (
            (f"INSERT INTO decision (record_id, reviewer_id, stage, decision, reason, note, decided_at) "
             f"VALUES (3, {me}, 'full_text', 'include', '', '', now())", "not included at title/abstract"),
            (f"INSERT INTO decision (record_id, reviewer_id, stage, decision, reason, note, decided_at) "
             f"VALUES (3, {me}, 'elsewhere', 'include', '', '', now())", "ck_decision_stage"),
            (f"INSERT INTO resolution (record_id, stage, decision, reason, note, reviewer_id, resolved_at) "
             f"VALUES (3, 'title_abstract', 'include', '', '', {me}, now())", "row-level security"),
        ):
            with pytest.raises(psycopg.Error, match=message):
                bob.execute(sql)


def test_a_reviewer_of_another_project_cannot_even_connect(team: Team, postgres, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    other = strict_team(postgres, tmp_path / "..", reviewers={"eve": "reviewer"})
    with pytest.raises(psycopg.OperationalError, match="permission denied for database"):
        psycopg.connect(host="127.0.0.1", port=postgres.port, user=other["eve"], dbname=team.database)
