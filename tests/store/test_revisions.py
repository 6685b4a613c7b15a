"""The schema head read from the migration scripts without Alembic is Alembic's own, and
a project already at head opens without loading Alembic at all."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from alembic.config import Config
from alembic.script import ScriptDirectory

from screener.store import revisions
from screener.store.engine import MIGRATIONS, head_revision, open_store


def test_the_head_is_alembics_head() -> None:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    script = ScriptDirectory.from_config(cfg)
    assert revisions.head() == script.get_current_head() == head_revision()
    assert set(revisions.revisions()) == {s.revision for s in script.walk_revisions()}
    assert {r: d for r, d in revisions.revisions().items()} == {
        s.revision: s.down_revision for s in script.walk_revisions()}


def test_a_project_at_head_opens_without_alembic(tmp_path: Path) -> None:
    target = tmp_path / "p.screener"
    open_store(target, create=True).close()
    code = ("import sys; from screener.store.engine import open_store; "
            f"open_store({str(target)!r}).close(); print('alembic' in sys.modules)")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "False"
