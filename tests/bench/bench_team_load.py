"""Team load: 8 reviewer clients, each its own process, against one real PostgreSQL server,
each making 1,000 title/abstract decisions through the service layer as fast as it can.

    .venv/bin/python tests/bench/bench_team_load.py [--clients 8] [--decisions 1000] [--cli 15]

Runs twice: on a plain server project (the Python path keeps the statuses) and on a
strict one (each client logs in as its own reviewer role; row-level security, and
triggers keeping the statuses). Reviewers work in pairs on the same records, in their
own random orders, so pairs collide on records all the time.

Reports throughput, median / p95 / p99 latency per decision, against the reference
measured in the same run: one client alone on an idle server (the ratio says what the
load costs). Then checks that no decision was lost or duplicated (rows and history), and
that the conflicts and every status equal those computed offline, by
``core.screening_rules``, from the decisions the clients say they made. Last, whole
``screener decide`` commands as a user types them (process start-up included).
Target: p95 under 50 ms on loopback.
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
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from screener.core.project import Project  # noqa: E402
from screener.core.screening_rules import Vote, stage_outcome  # noqa: E402
from tests.factories import add_batch, make_record  # noqa: E402
from tests.pg import PostgresServer, pg_bin_dir  # noqa: E402
from tests.team import strict_team  # noqa: E402

CHOICES = ["include"] * 6 + ["exclude"] * 3 + ["maybe"]


def plan_for(client: int, decisions: int, first_record: int) -> list[tuple[int, str]]:
    """Client ``client`` decides the block of its pair, in an order of its own."""
    rng = random.Random(1000 + client)
    block = list(range(first_record + (client // 2) * decisions, first_record + (client // 2 + 1) * decisions))
    rng.shuffle(block)
    return [(rid, rng.choice(CHOICES)) for rid in block]


def client(url: str, reviewer: str, plan: list[tuple[int, str]], go, out) -> None:  # type: ignore[no-untyped-def]
    with Project.open(url) as p:
        p.settings.info()  # connected and warm, as a reviewer whose window is open
        go.wait()
        times = []
        start, cpu = time.perf_counter(), time.process_time()
        for rid, choice in plan:
            t = time.perf_counter()
            p.screening.decide(rid, reviewer, choice)
            times.append(time.perf_counter() - t)
        out.put((reviewer, start, time.perf_counter(), times, plan, time.process_time() - cpu))


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


def run_clients(urls: list[str], reviewers: list[str], plans: list[list[tuple[int, str]]]) -> dict:
    ctx = mp.get_context("spawn")
    go, out = ctx.Event(), ctx.Queue()
    procs = [ctx.Process(target=client, args=(u, r, p, go, out)) for u, r, p in zip(urls, reviewers, plans, strict=True)]
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
    return {"times": times, "wall": wall, "made": {r[0]: r[4] for r in results},
            "client_cpu": sum(r[5] for r in results)}


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


def one_mode(server: PostgresServer, strict: bool, clients: int, decisions: int, cli_runs: int) -> dict:
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
    ref = run_clients([url(team[f"r{clients}"])], [team[f"r{clients}"]], [ref_plan])
    before = server_cpu(server)
    load = run_clients([url(r) for r in reviewers], reviewers, [plan_for(i, decisions, 1) for i in range(clients)])
    load["server_cpu"] = server_cpu(server) - before
    checks = verify(team.url(), load["made"], range(1, (blocks - 1) * decisions + 1))
    cli = cli_decide(url(reviewers[0]), None if strict else reviewers[0], blocks * decisions + 1, cli_runs)
    return {"mode": "strict" if strict else "plain", "ref": ref, "load": load, "checks": checks, "cli": cli}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--decisions", type=int, default=1000)
    ap.add_argument("--cli", type=int, default=15, help="whole 'screener decide' commands to time")
    args = ap.parse_args()
    bindir = pg_bin_dir()
    if bindir is None:
        raise SystemExit("PostgreSQL server binaries are not installed")
    server = PostgresServer(bindir)
    server.start()
    try:
        results = [one_mode(server, strict, args.clients, args.decisions, args.cli) for strict in (False, True)]
    finally:
        server.stop()
    print(f"\n{args.clients} clients x {args.decisions} decisions, one PostgreSQL on loopback, "
          f"{os.cpu_count()} cores (shared)\n")
    head = ("mode", "decisions/s", "p50 ms", "p95 ms", "p99 ms", "ref p50", "ref p95", "p95 ratio",
            "CLI decide ms")
    print("  ".join(f"{h:>13}" for h in head))
    for r in results:
        t, ref = r["load"]["times"], r["ref"]["times"]
        row = (r["mode"], f"{len(t) / r['load']['wall']:.0f}", f"{pct(t, .5):.1f}", f"{pct(t, .95):.1f}",
               f"{pct(t, .99):.1f}", f"{pct(ref, .5):.1f}", f"{pct(ref, .95):.1f}",
               f"{pct(t, .95) / pct(ref, .95):.2f}", f"{r['cli']:.0f}")
        print("  ".join(f"{c:>13}" for c in row))
    print("\nCPU per decision under load (what the machine must supply, whoever else is using it):")
    for r in results:
        n = len(r["load"]["times"])
        client_ms, server_ms = r["load"]["client_cpu"] / n * 1000, r["load"]["server_cpu"] / n * 1000
        print(f"  {r['mode']:>6}: client {client_ms:.1f} ms + server {server_ms:.1f} ms; that is "
              f"{os.cpu_count() * 1000 / (client_ms + server_ms):.0f} decisions/s on "
              f"{os.cpu_count()} idle cores; the run got {len(r['load']['times']) / r['load']['wall']:.0f}/s "
              f"(load average {os.getloadavg()[0]:.1f})")
    print("\nchecks (lost, duplicated, changed and extra history events must be 0):")
    for r in results:
        c = r["checks"]
        print(f"  {r['mode']:>6}: lost {c['lost']}, duplicated {c['duplicated']}, changed {c['changed']}, "
              f"history {c['history']:+d}, conflicts {c['conflicts']} equal to offline: {c['conflicts_equal']}, "
              f"every status equal to offline: {c['statuses_equal']}")
    ok = all(not (c := r["checks"])["lost"] and not c["duplicated"] and not c["changed"] and not c["history"]
             and c["conflicts_equal"] and c["statuses_equal"] for r in results)
    print("\nall checks passed" if ok else "\nCHECKS FAILED")
    if not ok:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
