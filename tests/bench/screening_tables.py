"""The tables of ``bench_screening.py``: one run's figures against issue 19's targets, the
machine they were measured on, and the median of several runs."""

from __future__ import annotations

import os
import statistics
from pathlib import Path

# issue 19's targets: key -> next record painted, undo, sort, search, and no long full GC pause
TARGETS = {"open": 1500.0, "key_median": 8.0, "key_p95": 16.0, "key_max": 50.0, "undo": 16.0, "sort": 200.0,
           "search": 100.0, "gc_pause": 16.0, "rss": 400.0}
FILTERED = {"sources": ["Scopus", "PubMed", "Web of Science"], "year_from": 1995, "year_to": 2024,
            "types": ["JOUR"], "final": ["undecided"]}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def spread(values: list[float]) -> str:
    return f"median {statistics.median(values):.1f} ms · p95 {percentile(values, 95):.1f} · max {max(values):.1f}"


def report(r: dict[str, object], n: int) -> None:
    lat: list[float] = r["lat"]  # type: ignore[assignment]
    burst: list[float] = r["burst"]  # type: ignore[assignment]
    base: list[float] = r["baseline"]  # type: ignore[assignment]
    searches: dict[str, tuple[float, int]] = r["searches"]  # type: ignore[assignment]
    worst_search = max(ms for ms, _ in searches.values())

    def verdict(ok: bool) -> str:
        return "ok" if ok else "MISSED"

    rows = [
        ("open project → first record painted", f"{r['open_ms']:.0f} ms", "< 1,500 ms",
         verdict(r["open_ms"] < TARGETS["open"])),  # type: ignore[operator]
        ("baseline: empty event-loop round trip", f"median {statistics.median(base):.3f} ms · p95 "
         f"{percentile(base, 95):.3f} ms", "", ""),
        (f"key → next record painted ({len(lat)} keys)", f"median {statistics.median(lat):.1f} ms · p95 "
         f"{percentile(lat, 95):.1f} ms · max {max(lat):.1f} ms", "< 16 / < 50 ms",
         verdict(statistics.median(lat) < TARGETS["key_median"] and percentile(lat, 95) < TARGETS["key_p95"])),
        ("  GUI thread's CPU time per key (load-independent)", f"median {statistics.median(r['cpu']):.1f} ms · p95 "  # type: ignore[arg-type]
         f"{percentile(r['cpu'], 95):.1f} ms", "", ""),  # type: ignore[arg-type]
        (f"  keys back to back, no reading ({len(burst)} keys)", f"median {statistics.median(burst):.1f} ms · p95 "
         f"{percentile(burst, 95):.1f} ms", "", ""),
        ("  key → whole frame painted (list, scroll bars too)", spread(r.get("frame") or [float("nan")]), "", ""),
        (f"Ctrl+Z after a decision ({len(r['undo'])}) → record painted", spread(r["undo"]), "", ""),  # type: ignore[arg-type]
        ("  Ctrl+Z → whole frame painted (row back in the list)", spread(r["undo_frame"]), "< 16 ms",  # type: ignore[arg-type]
         verdict(statistics.median(r["undo_frame"]) < TARGETS["undo"])),  # type: ignore[arg-type]
        ("  GUI thread's CPU time per undo", spread(r["undo_cpu"]), "", ""),  # type: ignore[arg-type]
        (f"  Ctrl+Z {len(r['row_frame'])} in a row → whole frame painted", spread(r["row_frame"])  # type: ignore[arg-type]
         + f" · CPU {statistics.median(r['row_cpu']):.1f}", "< 16 ms",  # type: ignore[arg-type]
         verdict(statistics.median(r["row_frame"]) < TARGETS["undo"])),  # type: ignore[arg-type]
        ("  each undo: row back, current, shown; decision gone", "yes" if r["undone_ok"] else "NO", "yes",
         verdict(bool(r["undone_ok"]))),
        ("sort the list by title (header click)", f"{r['sort_ms']:.0f} ms · CPU {r['sort_cpu']:.0f} ms", "< 200 ms",
         verdict(r["sort_ms"] < TARGETS["sort"])),  # type: ignore[operator]
        ("scroll the whole list, page by page", f"{r['rows']:,} rows · {r['pages']:,} pages in {r['scroll_s']:.1f} s "
         f"({1000 * r['scroll_s'] / r['pages']:.2f} ms/page)", "", ""),  # type: ignore[operator]
        ("  rows built · summaries() calls", f"{r['rows_built']:,} · {r['fetches']:,}", "≈ rows / 64", ""),
        ("  largest row cache", f"{r['largest_cache']} rows (cap {r['cache_cap']})", "bounded",
         verdict(r["largest_cache"] <= r["cache_cap"])),  # type: ignore[operator]
    ]
    for q, (ms, hits) in searches.items():
        rows.append((f"search “{q}”", f"{ms:.0f} ms · CPU {r['search_cpu'][q]:.0f} ms · {hits:,} records",  # type: ignore[index]
                     "< 100 ms", verdict(ms < TARGETS["search"])))
    rows.append(("resident memory after all of it", f"{r['rss']:.0f} MB", "< 400 MB", verdict(r["rss"] < TARGETS["rss"])))  # type: ignore[operator]
    if r["filters"]:
        rows.insert(2, ("apply the combined filters (list queried)", f"{r['filter_ms']:.0f} ms", "", ""))
        rows.insert(3, ("count each filter's values (worker)", f"{r['counts_ms']:.0f} ms", "", ""))
    with_filters = " with filters " + ", ".join(f"{k}={v}" for k, v in FILTERED.items()) if r["filters"] else ""
    print(f"\nScreening benchmark: {n:,} records, queue {r['queue']:,}{with_filters}, "
          f"decisions committed: {r['decided_ok']}; load average (1 min) {r['load'][0]:.2f} at the start, "  # type: ignore[index]
          f"{r['load'][1]:.2f} at the end\n")
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    head = ("measure", "result", "target", "")
    print("  ".join(h.ljust(w) for h, w in zip(head, widths, strict=True)))
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)))
    worst = sorted(range(len(lat)), key=lambda i: -lat[i])[:3]
    print("\nslowest key presses: " + ", ".join(f"#{i + 1} {lat[i]:.0f} ms" for i in worst)
          + f" · worst search {worst_search:.0f} ms")
    full: list[float] = r["gc_full"]  # type: ignore[assignment]
    print(f"full garbage collections during the {len(lat)} keys: {len(full)}"
          + (f", longest {max(full):.0f} ms" if full else ""))


def machine() -> str:
    """What the figures were measured on: they hold for this kind of machine only."""
    import platform
    import sqlite3

    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor() or "?") if Path("/proc/cpuinfo").exists() \
        else platform.processor()
    try:
        import PySide6
        from PySide6.QtCore import qVersion

        qt = f"PySide6 {PySide6.__version__}, Qt {qVersion()}"
    except ImportError:
        qt = "no Qt"
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    return (f"CPU {cpu} × {os.cpu_count()} · load average {load} · Python {platform.python_version()} · "
            f"{qt} · SQLite {sqlite3.sqlite_version}")


def summary(runs: list[dict[str, object]]) -> None:
    """Each run's key figures, and the median of the runs' medians against the targets."""
    def worst_search(r: dict[str, object]) -> float:
        return max(ms for ms, _ in r["searches"].values())  # type: ignore[attr-defined]

    def longest_gc(r: dict[str, object]) -> float:
        return max(r["gc_full"], default=0.0)  # type: ignore[type-var, arg-type]

    measures = [  # (name, per run, target, unit)
        ("key → next record, median", lambda r: statistics.median(r["lat"]), TARGETS["key_median"]),
        ("key → next record, p95", lambda r: percentile(r["lat"], 95), TARGETS["key_p95"]),
        ("key → next record, max", lambda r: max(r["lat"]), TARGETS["key_max"]),
        ("key: GUI thread CPU, median", lambda r: statistics.median(r["cpu"]), None),
        ("key: GUI thread CPU, p95", lambda r: percentile(r["cpu"], 95), None),
        ("keys back to back, median", lambda r: statistics.median(r["burst"]), None),
        ("key → whole frame, median", lambda r: statistics.median(r.get("frame") or [float("nan")]), None),
        ("Ctrl+Z → whole frame, median", lambda r: statistics.median(r["undo_frame"]), TARGETS["undo"]),
        ("Ctrl+Z → whole frame, p95", lambda r: percentile(r["undo_frame"], 95), None),
        ("Ctrl+Z → whole frame, max", lambda r: max(r["undo_frame"]), None),
        ("Ctrl+Z → record painted, median", lambda r: statistics.median(r["undo"]), None),
        ("Ctrl+Z: GUI thread CPU, median", lambda r: statistics.median(r["undo_cpu"]), None),
        ("Ctrl+Z 20 in a row → frame, median", lambda r: statistics.median(r["row_frame"]), TARGETS["undo"]),
        ("sort by title", lambda r: r["sort_ms"], TARGETS["sort"]),
        ("slowest search", worst_search, TARGETS["search"]),
        ("longest full GC pause (keys)", longest_gc, TARGETS["gc_pause"]),
        ("open → first record", lambda r: r["open_ms"], TARGETS["open"]),
        ("resident memory (MB)", lambda r: r["rss"], TARGETS["rss"]),
    ]
    print(f"\n=== {len(runs)} runs: median of the runs' figures (ms unless said) ===\n{machine()}\n")
    head = ["measure", *[f"run {i + 1}" for i in range(len(runs))], "median", "target", ""]
    table = []
    for name, get, target in measures:
        values = [float(get(r)) for r in runs]  # type: ignore[no-untyped-call]
        mid = statistics.median(values)
        table.append([name, *[f"{v:.1f}" for v in values], f"{mid:.1f}",
                      f"< {target:g}" if target else "", ("ok" if mid < target else "MISSED") if target else ""])
    table.append(["load average (1 min), start–end", *[f"{r['load'][0]:.1f}–{r['load'][1]:.1f}" for r in runs],  # type: ignore[index]
                  "", "", ""])
    table.append(["every undo checked (row, shown, gone)", *["yes" if r["undone_ok"] else "NO" for r in runs], "", "", ""])
    table.append(["full GCs during the keys", *[str(len(r["gc_full"])) for r in runs], "", "", ""])  # type: ignore[arg-type]
    widths = [max(len(str(row[i])) for row in [head, *table]) for i in range(len(head))]
    print("  ".join(h.ljust(w) for h, w in zip(head, widths, strict=True)))
    print("  ".join("-" * w for w in widths))
    for row in table:
        print("  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)))
