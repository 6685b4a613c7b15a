"""The ``screener`` command starts quickly: it loads only what the command needs.

``--version`` and ``--help`` load no database layer, GUI or model at all; a command on a
project at the current schema never loads Alembic (the stored revision is compared
with the head read from the migration scripts), and none loads scikit-learn or Qt, nor,
on a project file, SQLAlchemy's PostgreSQL dialect. A command that needs only Core
(``dedup`` on a project file) never loads SQLAlchemy's ORM or the models.
Then the whole command, process start-up included, is timed against the floor it cannot
beat, measured in the same run: a Python process that only imports SQLAlchemy's ORM (for
the commands whose services use it), or only SQLAlchemy (for ``dedup``).
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.factories import add_batch, make_record, new_project

HEAVY = ("sqlalchemy", "alembic", "rapidfuzz", "sklearn", "numpy", "PySide6", "rispy", "charset_normalizer",
         "psycopg", "mako", "pygments")
# Which heavy packages each command may load.
ALLOWED = {
    "--version": set(),
    "--help": set(),
    "records": {"sqlalchemy"},
    "batches": {"sqlalchemy", "rispy", "charset_normalizer"},  # the import service reads files too
    "conflicts": {"sqlalchemy"},
    "prisma": {"sqlalchemy"},
    "dedup": {"sqlalchemy", "rapidfuzz"},
}
# Commands that load neither SQLAlchemy's ORM nor the models (nor Alembic) on a project file.
NO_ORM = {"--version", "--help", "dedup"}
ORM_MODULES = ("sqlalchemy.orm", "screener.store.models", "alembic")
LOADED = (
    "import json, sys, contextlib, io\n"
    "from screener.cli.main import main\n"
    "with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):\n"
    "    try:\n"
    "        main(sys.argv[1:])\n"
    "    except SystemExit:\n"
    "        pass\n"
    "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))\n"
    "print(json.dumps(sorted(sys.modules)))\n"
)


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # as installed: byte code cached
    return env


@pytest.fixture(scope="module")
def project_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("startup")
    project = new_project(str(folder / "p.screener"))
    add_batch(project, [make_record(i) for i in range(1, 21)], tmp=folder)
    project.close()
    return folder / "p.screener"


@pytest.mark.parametrize("command", sorted(ALLOWED))
def test_a_command_loads_only_what_it_needs(command: str, project_file: Path) -> None:
    args = [command] if command.startswith("--") else [command, str(project_file)]
    out = subprocess.run([sys.executable, "-c", LOADED, *args], capture_output=True, text=True, check=True,
                         env=_env()).stdout
    loaded = set(json.loads(out.strip().splitlines()[-2]))
    assert loaded & set(HEAVY) <= ALLOWED[command], sorted(loaded & set(HEAVY))
    # A project file never needs SQLAlchemy's PostgreSQL dialect (a quarter of the start-up).
    modules = json.loads(out.strip().splitlines()[-1])
    assert not [m for m in modules if m.startswith("sqlalchemy.dialects.postgresql")]
    if command in NO_ORM:
        assert not [m for m in modules if m.startswith(ORM_MODULES)], [m for m in modules if m.startswith(ORM_MODULES)]


def _median_wall(argv: list[str], runs: int) -> float:
    return _median_times(argv, runs)[0]


def _median_times(argv: list[str], runs: int) -> tuple[float, float]:
    """Median wall and CPU (user + system) seconds of ``runs`` fresh processes."""
    walls, cpus = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(argv, capture_output=True, check=True, env=_env())
        walls.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return statistics.median(walls), statistics.median(cpus)


def test_whole_commands_start_close_to_the_floor(project_file: Path) -> None:
    python = sys.executable
    screener = [python, "-m", "screener.cli.main"]
    _median_wall([*screener, "records", str(project_file)], 1)  # byte code written once
    floor = _median_wall([python, "-c", "import sqlalchemy.orm"], 5)
    version = _median_wall([*screener, "--version"], 5)
    records = _median_wall([*screener, "records", str(project_file)], 5)
    bare = _median_wall([python, "-c", "pass"], 5)
    # --version needs no database layer: about a bare interpreter. A command on a project
    # costs the ORM's import plus a little: generous margins, the machine is shared.
    assert version <= bare + 0.5 * max(floor - bare, 0.05) + 0.15, (version, bare, floor)
    assert records <= 1.6 * floor + 0.25, (records, floor)


def test_dedup_starts_close_to_sqlalchemy_core(project_file: Path) -> None:
    """``screener dedup`` on a project file costs importing SQLAlchemy (Core) plus a
    little: loading the ORM and the models as well (about half as much again) fails."""
    python = sys.executable
    dedup = [python, "-m", "screener.cli.main", "dedup", str(project_file), "--json"]
    _median_wall(dedup, 1)  # byte code written once
    core_wall, core_cpu = _median_times([python, "-c", "import sqlalchemy"], 5)
    wall, cpu = _median_times(dedup, 5)
    # CPU time is what the load on a shared machine disturbs least; wall time as a user feels it.
    assert cpu <= 1.25 * core_cpu + 0.06, (cpu, core_cpu)
    assert wall <= 1.4 * core_wall + 0.15, (wall, core_wall)
