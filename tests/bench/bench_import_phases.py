"""Where the time of a whole ``screener import`` command goes, process by process.

    .venv/bin/python tests/bench/bench_import_phases.py [--variant databases-lf] [--repeats 3] [--corpus DIR]

Runs ``screener import`` (this file stands in for ``python -m screener``: it wraps a few
functions, then calls the CLI's ``main``) into a new project, and rispy's bare parse of
the same files, alternating. The reading processes, started with "spawn", run this file
too as their main module and wrap their own steps. Every process appends what it did,
with wall-clock times, to a file; the table gives, from the command's launch:

* the importer: interpreter and imports ready, project open (import begins), reading
  processes started, first rows stored, last rows stored, indexes made, event logged
  (then: commit, close), exit; and how its time splits: taking rows (waiting for them;
  unpickling them, where no receiving thread does it meanwhile), storing them;
* each reading process: started, ready (imports done), first task, last task done;
  its CPU split (parse, rows, checksum) and the time its sending thread was blocked
  on the pipe (the importer not taking rows) and its loop waited for tasks.

Medians over the repeats; rispy's parse time is the reference measured in the same run.
"""

from __future__ import annotations

import json
import os
import sys
import time

_T0 = time.time()
_TRACE = os.environ.get("SCREENER_PHASES_DIR")


def _event(kind: str, **values: float) -> None:
    assert _TRACE is not None
    with open(os.path.join(_TRACE, f"{os.getpid()}.jsonl"), "a") as f:
        f.write(json.dumps({"kind": kind, "t": time.time(), "cpu": time.process_time(), **values}) + "\n")


def _reader_patches() -> None:
    """In a reading process: time its steps and its sending."""
    import threading
    from multiprocessing.connection import Connection

    from screener.core import read_ahead

    _event("ready", start=_T0)
    spent = {"parse": 0.0, "rows": 0.0, "hash": 0.0, "send_blocked": 0.0, "recv_wait": 0.0, "tasks": 0}
    lock = threading.Lock()

    def timed(name: str, fn):  # type: ignore[no-untyped-def]
        def wrapper(*args, **kwargs):  # type: ignore[no-untyped-def]
            if not spent["tasks"]:
                _event("first_task")
            t = time.thread_time()
            try:
                return fn(*args, **kwargs)
            finally:
                with lock:
                    spent[name] += time.thread_time() - t
                    if name != "rows":
                        spent["tasks"] += 1
                _event("task_done", **spent)
        return wrapper

    read_ahead.read_piece = timed("parse", read_ahead.read_piece)
    read_ahead.prepare_rows = timed("rows", read_ahead.prepare_rows)
    read_ahead.sha256_of = timed("hash", read_ahead.sha256_of)
    send, recv = Connection.send, Connection.recv

    def timed_send(self, obj):  # type: ignore[no-untyped-def]
        t = time.perf_counter()
        try:
            return send(self, obj)
        finally:
            with lock:
                spent["send_blocked"] += time.perf_counter() - t

    def timed_recv(self):  # type: ignore[no-untyped-def]
        t = time.perf_counter()
        try:
            return recv(self)
        finally:
            with lock:
                spent["recv_wait"] += time.perf_counter() - t

    Connection.send = timed_send  # type: ignore[method-assign]
    Connection.recv = timed_recv  # type: ignore[method-assign]
    try:  # the rows' blob goes after its message, as raw bytes on the pipe
        from screener.core import read_transport
    except ImportError:  # an older tree: everything went through Connection.send
        return
    send_blob = read_transport._send_blob

    def timed_send_blob(*args, **kwargs):  # type: ignore[no-untyped-def]
        t = time.perf_counter()
        try:
            return send_blob(*args, **kwargs)
        finally:
            with lock:
                spent["send_blocked"] += time.perf_counter() - t

    read_transport._send_blob = timed_send_blob


def _importer_patches() -> None:
    """In the importer: mark the phases and time waiting, receiving and storing. Only
    ``read_ahead`` is loaded here (the importing service is wrapped once loaded), so
    that the command starts as it does without these wrappers."""
    from screener.core import read_ahead

    _event("start", start=_T0)
    spent = {"take": 0.0, "store": 0.0, "chunks": 0}
    real_take = read_ahead._Readers._take

    def take(self, index):  # type: ignore[no-untyped-def]
        t = time.perf_counter()
        try:
            return real_take(self, index)
        finally:
            spent["take"] += time.perf_counter() - t

    read_ahead._Readers._take = take  # type: ignore[method-assign]
    readers_init = read_ahead._Readers.__init__

    def readers(self, n):  # type: ignore[no-untyped-def]
        _event("readers_starting")
        readers_init(self, n)
        _event("readers_started")

    read_ahead._Readers.__init__ = readers  # type: ignore[method-assign]
    real_read_files = read_ahead.read_files

    def read_files(*args, **kwargs):  # type: ignore[no-untyped-def]
        _event("import_begins")
        from screener.core.services import importing

        if not getattr(importing, "_phases", False):
            _importing_patches(importing, spent)
        return real_read_files(*args, **kwargs)

    read_ahead.read_files = read_files


def _importing_patches(importing, spent):  # type: ignore[no-untyped-def]
    importing._phases = True
    real_insert, real_indexes, real_log = importing.insert_records, importing.create_indexes, importing.log_event
    service = importing.ImportService
    real_make = getattr(service, "_make_indexes", None)  # the indexes in a transaction of their own

    def insert(*args, **kwargs):  # type: ignore[no-untyped-def]
        t = time.perf_counter()
        try:
            return real_insert(*args, **kwargs)
        finally:
            spent["store"] += time.perf_counter() - t
            spent["chunks"] += 1
            _event("stored", **spent)

    def indexes(*args, **kwargs):  # type: ignore[no-untyped-def]
        _event("last_stored", **spent)  # the first of the events after the rows (kept if first)
        real_indexes(*args, **kwargs)
        _event("indexes_made")

    def log(*args, **kwargs):  # type: ignore[no-untyped-def]
        _event("last_stored", **spent)
        real_log(*args, **kwargs)
        _event("logged")

    def make(*args, **kwargs):  # type: ignore[no-untyped-def]
        _event("rows_committed")
        real_make(*args, **kwargs)
        _event("checkpointed")  # the indexes' commit, and the checkpoint beside them

    importing.insert_records, importing.create_indexes, importing.log_event = insert, indexes, log
    if real_make is not None:
        service._make_indexes = make


if _TRACE and __name__ == "__mp_main__":
    _reader_patches()


def _child(argv: list[str]) -> int:
    _importer_patches()
    from screener.cli.main import main as cli_main

    try:
        return cli_main(argv)
    finally:
        _event("cli_done")


def _trace_of(folder: str, launched: float) -> dict[str, object]:
    """The events of one command: the importer's and each reading process's."""
    importer: dict[str, dict[str, float]] = {}
    readers: list[dict[str, dict[str, float]]] = []
    for name in os.listdir(folder):
        events: dict[str, dict[str, float]] = {}
        with open(os.path.join(folder, name)) as f:
            for line in f:
                e = json.loads(line)
                if e["kind"] in ("stored", "task_done") or e["kind"] not in events:
                    events[e["kind"]] = e  # the last "stored"/"task_done", the first of others
                    if e["kind"] == "stored" and "first_stored" not in events:
                        events["first_stored"] = e
        if "start" in events:
            importer = events
        else:
            readers.append(events)
    return {"launched": launched, "importer": importer, "readers": readers}


def main() -> None:
    import argparse
    import statistics
    import subprocess
    import tempfile
    from pathlib import Path

    here = Path(__file__).resolve().parent
    sys.path.insert(0, str(here))
    from bench_import import RISPY, ROOT, compile_code, run
    from corpus_variants import VARIANTS, build

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--variant", default="databases-lf", choices=list(VARIANTS))
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--corpus", type=Path, default=Path(tempfile.gettempdir()) / "screener-import-corpus")
    args = parser.parse_args()
    files = [str(f) for f in build(args.variant, args.corpus)]
    compile_code(ROOT)  # as installed; and this checkout's code runs, named on PYTHONPATH
    code_env = dict(os.environ, PYTHONPATH=str(ROOT))
    print(f"{args.variant}; load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    rows: list[dict[str, float]] = []
    for _ in range(args.repeats):
        _, _, out, _ = run([sys.executable, "-c", RISPY, *files])
        rispy = json.loads(out.strip().splitlines()[-1])["seconds"]
        with tempfile.TemporaryDirectory() as work:
            project = os.path.join(work, "p.screener")
            subprocess.run([sys.executable, "-m", "screener", "new", project, "--title", "t"], check=True,
                           capture_output=True, env=code_env)
            trace = os.path.join(work, "trace")
            os.mkdir(trace)
            env = dict(code_env, SCREENER_PHASES_DIR=trace)
            launched = time.time()
            subprocess.run([sys.executable, __file__, "--child", "import", project, *files, "--source", "B",
                            "--json"], check=True, capture_output=True, env=env, cwd=work)
            ended = time.time()
            t = _trace_of(trace, launched)
        imp: dict[str, dict[str, float]] = t["importer"]  # type: ignore[assignment]
        rd: list[dict[str, dict[str, float]]] = t["readers"]  # type: ignore[assignment]
        row = {"rispy": rispy, "total": ended - launched, "python": imp["start"]["start"] - launched}
        for key in ("start", "import_begins", "readers_started", "first_stored", "last_stored", "indexes_made",
                    "logged", "rows_committed", "checkpointed", "cli_done"):
            row[key] = imp[key]["t"] - launched if key in imp else float("nan")
        last = imp["last_stored"]
        row.update(take=last["take"], store=last["store"], importer_cpu=imp["cli_done"]["cpu"])
        for i, r in enumerate(sorted(rd, key=lambda r: r["ready"]["t"])):
            done = r.get("task_done", {})
            row.update({f"r{i}_ready": r["ready"]["t"] - launched,
                        f"r{i}_first": r.get("first_task", r["ready"])["t"] - launched,
                        f"r{i}_last": done.get("t", float("nan")) - launched,
                        f"r{i}_parse": done.get("parse", 0.0), f"r{i}_rows": done.get("rows", 0.0),
                        f"r{i}_hash": done.get("hash", 0.0), f"r{i}_blocked": done.get("send_blocked", 0.0),
                        f"r{i}_idle": done.get("recv_wait", 0.0), f"r{i}_cpu": done.get("cpu", 0.0)})
        rows.append(row)
    med = {k: statistics.median(r[k] for r in rows) for k in rows[0]}
    print(f"rispy parse {med['rispy']:.2f} s; command {med['total']:.2f} s = {med['total'] / med['rispy']:.2f}x "
          f"(medians of {args.repeats}); seconds from launch:")
    for key in ("python", "start", "import_begins", "readers_started", "first_stored", "last_stored",
                "logged", "rows_committed", "indexes_made", "checkpointed", "cli_done", "total"):
        print(f"  importer {key:<16}{med[key]:>7.2f}")
    print(f"  importer: taking rows (waiting, and receiving them where no thread of its own has) "
          f"{med['take']:.2f} s, storing {med['store']:.2f} s, CPU {med['importer_cpu']:.2f} s")
    i = 0
    while f"r{i}_ready" in med:
        print(f"  reader {i + 1}: ready {med[f'r{i}_ready']:.2f}, first task {med[f'r{i}_first']:.2f}, last done "
              f"{med[f'r{i}_last']:.2f}; CPU {med[f'r{i}_cpu']:.2f} s (parse {med[f'r{i}_parse']:.2f}, rows "
              f"{med[f'r{i}_rows']:.2f}, hash {med[f'r{i}_hash']:.2f}); sending blocked {med[f'r{i}_blocked']:.2f} s, "
              f"waiting for tasks {med[f'r{i}_idle']:.2f} s")
        i += 1
    print(f"load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        sys.exit(_child(sys.argv[2:]))
    main()
