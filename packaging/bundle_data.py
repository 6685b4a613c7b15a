"""The data files the PyInstaller bundle carries, as (source file, folder in the bundle) pairs.

Used by screener.spec, and by tests/test_packaging.py to check, without building, that every
file the frozen app looks for is put where it looks:

* ``screener.paths.resource_root()`` is ``sys._MEIPASS/resources`` when frozen;
* ``screener.store.engine.MIGRATIONS`` is ``Path(__file__).with_name("migrations")``, and a
  frozen module's ``__file__`` is ``sys._MEIPASS/screener/store/engine.pyc``, so Alembic reads
  env.py, script.py.mako and versions/*.py from ``sys._MEIPASS/screener/store/migrations``.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Folders of resources/ the app reads at run time (screenshots are for the metainfo only).
RESOURCE_DIRS = ("demo", "prisma", "icons")
MIGRATIONS = Path("screener") / "store" / "migrations"


def tree(src: Path, dest: Path | str) -> list[tuple[str, str]]:
    """(file, destination folder) for every file under ``src``, without Python caches."""
    pairs = []
    for path in sorted(src.rglob("*")):
        if path.is_dir() or "__pycache__" in path.parts or path.suffix in (".pyc", ".pyo"):
            continue
        pairs.append((str(path), (Path(dest) / path.relative_to(src).parent).as_posix()))
    return pairs


def bundle_datas(root: Path = ROOT) -> list[tuple[str, str]]:
    datas: list[tuple[str, str]] = []
    for name in RESOURCE_DIRS:
        folder = root / "resources" / name
        if folder.is_dir():
            datas += tree(folder, Path("resources") / name)
    datas += tree(root / MIGRATIONS, MIGRATIONS)
    return datas
