"""An installed Screener (``pip install .``, not editable) carries its resources.

The wheel is built from a copy of the sources (so the checkout gets no build/ folder),
installed into a fresh virtual environment, and run from outside the checkout: the demo
project is created from the bundled RIS files, and the PRISMA CSV (from the bundled
template) and SVG are written together. The fresh environment borrows the third-party
dependencies already installed for the tests (PySide6, SQLAlchemy, … through a ``.pth``
line) rather than downloading them again; Screener itself comes only from the wheel.
"""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ("pyproject.toml", "setup.py", "README.md", "LICENSE", "screener", "resources")


def _run(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run([str(a) for a in args], cwd=cwd, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, f"{args}\n{proc.stdout}\n{proc.stderr}"
    return proc


def test_the_installed_wheel_has_its_resources(tmp_path: Path) -> None:
    source = tmp_path / "source"
    source.mkdir()
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(ROOT / name, source / name)
    wheels = tmp_path / "wheels"
    _run(sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", wheels, source, cwd=tmp_path)
    (wheel,) = wheels.glob("screener-*.whl")

    env = tmp_path / "env"
    venv.create(env, with_pip=True)
    python = env / "bin" / "python"
    site = Path(_run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])",
                     cwd=tmp_path).stdout.strip())
    (site / "zz_test_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    _run(python, "-m", "pip", "install", "--no-deps", "-q", wheel, cwd=tmp_path)

    work = tmp_path / "work"  # far from the checkout: nothing can be found there by accident
    work.mkdir()
    where = _run(python, "-c", "import screener, screener.paths as p; print(screener.__file__); "
                 "print(p.resource_root())", cwd=work).stdout.split()
    assert where[0].startswith(str(site)) and where[1] == str(site / "screener" / "resources")
    assert not (site / "resources").exists()  # nothing spilled into site-packages itself

    screener = env / "bin" / "screener"
    project = Path(_run(screener, "demo", "--no-gui", work / "demo", cwd=work).stdout.strip().splitlines()[-1])
    assert project.is_file()
    csv_out, svg_out = work / "prisma.csv", work / "prisma.svg"
    _run(screener, "prisma", project, "--csv", csv_out, "--svg", svg_out, cwd=work)
    with csv_out.open(encoding="utf-8", newline="") as f:
        rows = {row["data"]: row for row in csv.DictReader(f)}
    assert int(rows["database_results"]["n"]) == 201
    assert svg_out.read_text(encoding="utf-8").lstrip().startswith(("<?xml", "<svg"))
    table = _run(screener, "prisma", project, cwd=work).stdout
    assert "Records from databases" in table and "201" in table
