"""The README's Scripting example works as written: run from the repository's folder in a
shell, after ``make`` has put Screener into ``.venv``, every command succeeds."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def scripting_block() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Scripting", 1)[1].split("\n## ", 1)[0]
    (block,) = re.findall(r"```sh\n(.*?)```", section, re.DOTALL)
    return block


def test_the_scripting_example_runs_as_written(tmp_path: Path) -> None:
    block = scripting_block()
    assert block.startswith(". .venv/bin/activate\n")
    # A copy of the repository's folder as the example needs it: .venv and resources/.
    (tmp_path / ".venv").symlink_to(Path(sys.prefix))
    (tmp_path / "resources").symlink_to(ROOT / "resources")
    proc = subprocess.run(["bash", "-euo", "pipefail", "-c", block], cwd=tmp_path, capture_output=True,
                          text=True, timeout=300, env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)})
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert (tmp_path / "prisma.svg").is_file() and (tmp_path / "prisma.csv").is_file()
    assert "Wrong design" in (tmp_path / "screening-log.csv").read_text(encoding="utf-8")
    assert (tmp_path / "included.ris").read_text(encoding="utf-8").startswith("TY  - ")
