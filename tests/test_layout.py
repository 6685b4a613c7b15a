"""The architecture a newcomer relies on: the layers hold (see the import-linter contracts in
pyproject.toml), and no item widget holds records."""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "screener"


def test_import_contracts_hold() -> None:
    # The layers (cli > gui > core > store > shared types), no Qt below the GUI, and no
    # database access from widgets are import-linter contracts in pyproject.toml.
    import subprocess
    import sys

    result = subprocess.run(
        [str(Path(sys.executable).with_name("lint-imports")), "--no-cache"],
        capture_output=True, text=True, cwd=PACKAGE.parent,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


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
