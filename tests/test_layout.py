"""The architecture a newcomer relies on: core and store never import Qt; widgets never
reach the database directly."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "screener"


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


@pytest.mark.parametrize("layer", ["core", "store"])
def test_core_and_store_import_no_qt(layer: str) -> None:
    offenders = {
        str(p.relative_to(PACKAGE)): sorted(m for m in imported_modules(p) if m.split(".")[0] in ("PySide6", "shiboken6", "PyQt6", "PyQt5"))
        for p in (PACKAGE / layer).rglob("*.py")
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_widgets_use_services_not_the_database() -> None:
    offenders = {
        str(p.relative_to(PACKAGE)): sorted(m for m in imported_modules(p)
                                            if m.startswith(("sqlalchemy", "screener.store")))
        for p in (PACKAGE / "gui").rglob("*.py")
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_no_item_widgets_hold_records() -> None:
    for p in (PACKAGE / "gui").rglob("*.py"):
        text = p.read_text(encoding="utf-8")
        for widget in ("QTableWidget", "QListWidget", "QTreeWidget"):
            assert widget not in text, f"{p.name} uses {widget}; use a lazy item model"


def test_reading_processes_start_without_the_database_layer() -> None:
    # A reading process imports the command line's main module (it is __main__ of the
    # ``screener`` command) and the reading code; neither may pull in SQLAlchemy, whose
    # import alone costs each process half a second of CPU.
    import subprocess
    import sys

    loaded = subprocess.run(
        [sys.executable, "-c", "import sys, screener.cli.main, screener.core.read_ahead; "
         "print(sorted(m for m in sys.modules if m.split('.')[0] in ('sqlalchemy', 'alembic', 'PySide6')))"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()
    assert loaded == "[]"
