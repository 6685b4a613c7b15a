"""Team load: 8 reviewer clients, each its own process, against one real PostgreSQL server,
each making 1,000 title/abstract decisions through the service layer as fast as it can.

    .venv/bin/python tests/bench/bench_team_load.py [--clients 8] [--decisions 1000] [--old 200] [--cli 15]

Runs on a plain server project and on a strict one (each client logs in as its own reviewer
role; row-level security, and triggers keeping the statuses), each with the one-statement
decision (``one``: core/services/decide_server.py) and, as the reference measured in the
same run, the way before it (``old``: decide_fast's Core statements on plain, the ORM on
strict; ``--old`` decisions per client, fewer, since it is slower). Reviewers work in pairs
on the same records, in their own random orders, so pairs collide on records all the time.

Reports throughput, median / p95 / p99 latency per decision, against one client alone on
an idle server (the ratio says what the load costs); the round trips per decision (statements
and BEGIN/COMMIT; no pool ping, see store/liveness.py); the CPU each decision costs (client processes and server), the
load average, and what the server's backends were doing (sampled: running, or waiting on a
lock, a light-weight lock or the client). The machine has 2 cores shared with others, so
8 clients + their 8 backends queue for CPU: the CPU per decision says what 2 idle cores
could do. Then checks that no decision was lost or duplicated (rows and history), and that
the conflicts and every status equal those computed offline, by ``core.screening_rules``,
from the decisions the clients say they made. While the clients work, an owner's client
polls for changes as an open window does (core/services/live.py, every 500 ms): how long
until each decision is seen (the promise is 2 s). Last, whole ``screener decide`` commands
as a user types them (process start-up included). Target: p95 under 50 ms on loopback.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from screener.core.project import Project  # noqa: E402
from screener.core.screening_rules import Vote, stage_outcome  # noqa: E402
from screener.core.services import decide_server  # noqa: E402
from screener.core.services.live import ChangeCursor  # noqa: E402
from tests.bench.machine_info import cpu_model  # noqa: E402
from tests.factories import add_batch, make_record  # noqa: E402
from tests.pg import PostgresServer, pg_bin_dir  # noqa: E402
from tests.team import strict_team, superuser  # noqa: E402

CHOICES = ["include"] * 6 + ["exclude"] * 3 + ["maybe"]


def plan_for(client: int, decisions: int, first_record: int) -> list[tuple[int, str]]:
    """Client ``client`` decides the block of its pair, in an order of its own."""
    rng = random.Random(1000 + client)
    block = list(range(first_record + (client // 2) * decisions, first_record + (client // 2 + 1) * decisions))
    rng.shuffle(block)
    return [(rid, rng.choice(CHOICES)) for rid in block]


def client(url: str, reviewer: str, plan: list[tuple[int, str]], fast: bool, go, out) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import event

    decide_server.ENABLED = fast
    with Project.open(url) as p:
        p.settings.info()  # connected and warm, as a reviewer whose window is open
        trips = Counter[str]()
        engine = p.store.WriteSession.kw["bind"]
        event.listen(engine, "before_cursor_execute", lambda *_a: trips.update(["statement"]))
        event.listen(engine, "commit", lambda *_a: trips.update(["begin", "commit"]))
        real_call = decide_server.call_decide  # the one statement, straight through the driver

        def counted_call(*args, **kwargs):  # type: ignore[no-untyped-def]
            trips.update(["screener_decide"])
            return real_call(*args, **kwargs)

        decide_server.call_decide = counted_call  # type: ignore[assignment]
        go.wait()
        times = []
        start, cpu = time.perf_counter(), time.process_time()
        for rid, choice in plan:
            t = time.perf_counter()
            p.screening.decide(rid, reviewer, choice)
            times.append(time.perf_counter() - t)
        out.put((reviewer, start, time.perf_counter(), times, plan, time.process_time() - cpu, dict(trips)))


def server_cpu(server: PostgresServer) -> float:
    """CPU seconds the server has used: the postmaster, its ended children (counted in its
    own figures once reaped) and its live ones."""
    tick = os.sysconf("SC_CLK_TCK")
    pid = int((server.data / "postmaster.pid").read_text().split()[0])
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    total = sum(int(f) for f in fields[11:15])  # utime, stime, cutime, cstime
    for task in Path(f"/proc/{pid}/task").iterdir():
        for child in (task / "children").read_text().split():
            try:
                total += sum(int(f) for f in Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()[11:13])
            except OSError:
                pass
    return total / tick


def run_clients(urls: list[str], reviewers: list[str], plans: list[list[tuple[int, str]]], fast: bool) -> dict:
    ctx = mp.get_context("spawn")
    go, out = ctx.Event(), ctx.Queue()
    procs = [ctx.Process(target=client, args=(u, r, p, fast, go, out))
             for u, r, p in zip(urls, reviewers, plans, strict=True)]
    for proc in procs:
        proc.start()
    time.sleep(0)  # the clients connect, then wait for ``go``
    ready_deadline = time.monotonic() + 120
    while time.monotonic() < ready_deadline and not all(proc.is_alive() for proc in procs):
        time.sleep(0.05)
    go.set()
    results = [out.get(timeout=1800) for _ in procs]
    for proc in procs:
        proc.join()
        if proc.exitcode:
            raise SystemExit(f"a client failed (exit {proc.exitcode})")
    times = sorted(t for r in results for t in r[3])
    wall = max(r[2] for r in results) - min(r[1] for r in results)
    trips: Counter[str] = Counter()
    for r in results:
        trips.update(r[6])
    return {"times": times, "wall": wall, "made": {r[0]: r[4] for r in results},
            "client_cpu": sum(r[5] for r in results), "trips": sum(trips.values()) / len(times)}


class Watch:
    """While the clients work: what the server's backends are doing (sampled every 20 ms),
    and an owner's client looking for changes as an open window does (every 500 ms)."""

    def __init__(self, server: PostgresServer, database: str, owner_url: str) -> None:
        self.server, self.database, self.owner_url = server, database, owner_url
        self.states: Counter[str] = Counter()
        self.seen: dict[int, datetime] = {}  # event id -> when the watching client first got it
        self.stop = threading.Event()
        self.threads = [threading.Thread(target=self._sample), threading.Thread(target=self._poll)]
        self.load = os.getloadavg()[0]

    def __enter__(self) -> Watch:
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop.set()
        for t in self.threads:
            t.join()
        self.load = max(self.load, os.getloadavg()[0])

    def _sample(self) -> None:
        with superuser(self.server) as conn:
            while not self.stop.wait(0.02):
                for kind, name in conn.execute(
                        "SELECT wait_event_type, wait_event FROM pg_stat_activity WHERE datname = %s "
                        "AND state = 'active' AND pid <> pg_backend_pid()", (self.database,)):
                    self.states["running" if kind is None else f"{kind}:{name}"] += 1

    def _poll(self) -> None:
        with Project.open(self.owner_url) as p:
            live = p.live
            real = live.events_after

            def events_after(*args, **kwargs):  # type: ignore[no-untyped-def]
                events = real(*args, **kwargs)
                at = datetime.now(UTC).replace(tzinfo=None)
                for e in events:
                    self.seen.setdefault(e.id, at)
                return events

            live.events_after = events_after  # type: ignore[method-assign]
            cursor = ChangeCursor(live)
            while not self.stop.wait(0.5):
                cursor.poll()
            time.sleep(0.5)
            cursor.poll()  # the last ones

    def delays(self) -> list[float]:
        """Seconds from each decision's time in the history to the watching client seeing it."""
        with Project.open(self.owner_url) as p, p.store.engine.connect() as conn:
            at = dict(conn.exec_driver_sql(
                "SELECT id, at FROM event WHERE kind = 'decision' AND id > %(first)s",
                {"first": min(self.seen, default=0) - 1}).all())
        return sorted((self.seen[i] - t).total_seconds() for i, t in at.items() if i in self.seen)

    def lock_share(self) -> str:
        total = sum(self.states.values()) or 1
        top = ", ".join(f"{k} {v / total:.0%}" for k, v in self.states.most_common(4))
        return f"{total} samples: {top}"


def pct(times: list[float], q: float) -> float:
    return times[min(len(times) - 1, int(q * len(times)))] * 1000


def verify(owner_url: str, made: dict[str, list[tuple[int, str]]], records: range) -> dict:
    """No decision lost or duplicated; conflicts and statuses as computed offline."""
    with Project.open(owner_url) as p, p.store.engine.connect() as conn:
        rows = conn.exec_driver_sql(
            "SELECT d.record_id, r.name, d.decision FROM decision d JOIN reviewer r ON r.id = d.reviewer_id "
            "WHERE d.stage = 'title_abstract'").all()
        events = conn.exec_driver_sql(
            "SELECT record_id, reviewer, count(*) FROM event WHERE kind = 'decision' "
            f"AND record_id BETWEEN {records.start} AND {records.stop - 1} GROUP BY 1, 2").all()
        statuses = dict(conn.exec_driver_sql(
            "SELECT record_id, status FROM stage_status WHERE stage = 'title_abstract'").all())
        conflicts = [c.record_id for c in p.conflicts.conflicts()]
    expected = {(rid, who): choice for who, plan in made.items() for rid, choice in plan}
    stored = {(rid, who): choice for rid, who, choice in rows}
    votes: dict[int, list[Vote]] = {}
    for (rid, who), choice in sorted(expected.items()):
        votes.setdefault(rid, []).append(Vote(who, choice))
    offline = {rid: stage_outcome("title_abstract", 2, votes.get(rid, [])).status.value for rid in records}
    return {
        "lost": len(set(expected) - set(stored)),
        "duplicated": len(rows) - len(set((r, w) for r, w, _ in rows)),
        "changed": sum(stored.get(k) != v for k, v in expected.items()),
        "history": sum(n for *_, n in events) - len(expected),
        "conflicts_equal": conflicts == sorted(rid for rid, s in offline.items() if s == "conflict"),
        "statuses_equal": {rid: statuses[rid] for rid in records} == offline,
        "conflicts": len(conflicts),
    }


def cli_decide(url: str, reviewer: str | None, rid: int, n: int) -> float:
    times = []
    for i in range(n):
        args = [sys.executable, "-m", "screener", "decide", url, str(rid + i), "include"]
        if reviewer:
            args += ["--reviewer", reviewer]
        t = time.perf_counter()
        subprocess.run(args, check=True, capture_output=True, cwd=ROOT)
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1000


def one_mode(server: PostgresServer, strict: bool, fast: bool, clients: int, decisions: int, cli_runs: int) -> dict:
    tmp = Path(tempfile.mkdtemp())
    names = {f"r{i}": "reviewer" for i in range(clients + 1)}  # the last one is the reference
    team = strict_team(server, tmp, records=0, strict=strict, reviewers=names)
    blocks = clients // 2 + 1
    with team.open() as owner:
        add_batch(owner, [make_record(i) for i in range(1, blocks * decisions + cli_runs + 1)], tmp=tmp)
    reviewers = [team[f"r{i}"] for i in range(clients)]
    url = team.url if strict else (lambda _role: team.url())
    # reference: one client alone, on records of its own
    ref_plan = [(rid, c) for rid, c in plan_for(0, decisions, 1 + (blocks - 1) * decisions)]
    ref = run_clients([url(team[f"r{clients}"])], [team[f"r{clients}"]], [ref_plan], fast)
    before = server_cpu(server)
    with Watch(server, team.database, team.url()) as watch:
        load = run_clients([url(r) for r in reviewers], reviewers, [plan_for(i, decisions, 1) for i in range(clients)],
                           fast)
    load["server_cpu"] = server_cpu(server) - before
    checks = verify(team.url(), load["made"], range(1, (blocks - 1) * decisions + 1))
    cli = cli_decide(url(reviewers[0]), None if strict else reviewers[0], blocks * decisions + 1, cli_runs) \
        if fast and cli_runs else float("nan")
    return {"mode": ("strict" if strict else "plain") + (" one" if fast else " old"), "ref": ref, "load": load,
            "checks": checks, "cli": cli, "watch": watch, "delays": watch.delays()}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--decisions", type=int, default=1000)
    ap.add_argument("--old", type=int, default=200, help="decisions per client the old way (the reference)")
    ap.add_argument("--cli", type=int, default=15, help="whole 'screener decide' commands to time")
    args = ap.parse_args()
    bindir = pg_bin_dir()
    if bindir is None:
        raise SystemExit("PostgreSQL server binaries are not installed")
    server = PostgresServer(bindir)
    server.start()
    try:
        results = [one_mode(server, strict, fast, args.clients, args.decisions if fast else args.old, args.cli)
                   for strict in (False, True) for fast in (True, False) if args.old or fast]
    finally:
        server.stop()
    print(f"\n{args.clients} clients x {args.decisions} decisions ({args.old} the old way), one PostgreSQL on "
          f"loopback, {os.cpu_count()} cores (shared): {cpu_model()}\n")
    head = ("mode / path", "decisions/s", "p50 ms", "p95 ms", "p99 ms", "alone p50", "alone p95", "p95 ratio",
            "trips/dec", "load avg", "CLI ms")
    print("  ".join(f"{h:>12}" for h in head))
    for r in results:
        t, ref = r["load"]["times"], r["ref"]["times"]
        row = (r["mode"], f"{len(t) / r['load']['wall']:.0f}", f"{pct(t, .5):.1f}", f"{pct(t, .95):.1f}",
               f"{pct(t, .99):.1f}", f"{pct(ref, .5):.1f}", f"{pct(ref, .95):.1f}",
               f"{pct(t, .95) / pct(ref, .95):.2f}", f"{r['load']['trips']:.1f}", f"{r['watch'].load:.1f}",
               f"{r['cli']:.0f}")
        print("  ".join(f"{c:>12}" for c in row))
    one = {r["mode"].split()[0]: r for r in results if r["mode"].endswith("one")}
    for r in results:
        if r["mode"].endswith("old"):
            new = one[r["mode"].split()[0]]
            print(f"  {r['mode'].split()[0]}: p95 old / one = "
                  f"{pct(r['load']['times'], .95) / pct(new['load']['times'], .95):.1f}x, throughput one / old = "
                  f"{len(new['load']['times']) / new['load']['wall'] / (len(r['load']['times']) / r['load']['wall']):.1f}x")
    print("\nCPU per decision under load (what the machine must supply, whoever else is using it):")
    for r in results:
        n = len(r["load"]["times"])
        client_ms, server_ms = r["load"]["client_cpu"] / n * 1000, r["load"]["server_cpu"] / n * 1000
        print(f"  {r['mode']:>10}: client {client_ms:.1f} ms + server {server_ms:.1f} ms; that is "
              f"{os.cpu_count() * 1000 / (client_ms + server_ms):.0f} decisions/s on "
              f"{os.cpu_count()} idle cores; the run got {len(r['load']['times']) / r['load']['wall']:.0f}/s "
              f"(load average {r['watch'].load:.1f})")
    print("\nwhat the server's backends were doing under load (pg_stat_activity, active backends):")
    for r in results:
        print(f"  {r['mode']:>10}: {r['watch'].lock_share()}")
    print("\nlive updates under load: decision in the history -> seen by an owner's client polling every 500 ms")
    for r in results:
        d = r["delays"]
        if d:
            print(f"  {r['mode']:>10}: {len(d)} seen, median {statistics.median(d) * 1000:.0f} ms, "
                  f"p95 {d[min(len(d) - 1, int(.95 * len(d)))] * 1000:.0f} ms, max {d[-1] * 1000:.0f} ms, "
                  f"over 2 s: {sum(x > 2 for x in d)}")
    print("\nchecks (lost, duplicated, changed and extra history events must be 0):")
    for r in results:
        c = r["checks"]
        print(f"  {r['mode']:>10}: lost {c['lost']}, duplicated {c['duplicated']}, changed {c['changed']}, "
              f"history {c['history']:+d}, conflicts {c['conflicts']} equal to offline: {c['conflicts_equal']}, "
              f"every status equal to offline: {c['statuses_equal']}")
    ok = all(not (c := r["checks"])["lost"] and not c["duplicated"] and not c["changed"] and not c["history"]
             and c["conflicts_equal"] and c["statuses_equal"] for r in results)
    print("\nall checks passed" if ok else "\nCHECKS FAILED")
    if not ok:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
