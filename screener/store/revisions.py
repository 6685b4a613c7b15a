"""The schema revisions that the migrations define, read without importing Alembic.

Opening a project whose schema is already at head is the common case: it only needs to
compare two strings. Importing Alembic for that costs about a third of a CLI command's
start-up, so the head is read here straight from the ``revision`` and ``down_revision``
lines of ``migrations/versions/*.py``; Alembic is imported only when there is something
to migrate. tests/store/test_project_file.py checks that this agrees with Alembic's own
reading of the scripts.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

VERSIONS = Path(__file__).with_name("migrations") / "versions"
_ASSIGNMENT = re.compile(
    r"""^(revision|down_revision)\s*(?::[^=]*)?=\s*(?:['"]([^'"]+)['"]|None)""", re.MULTILINE
)


@cache
def revisions() -> dict[str, str | None]:
    """Every revision with the one it follows (``None`` for the first)."""
    found: dict[str, str | None] = {}
    for script in sorted(VERSIONS.glob("*.py")):
        values = {m.group(1): m.group(2) for m in _ASSIGNMENT.finditer(script.read_text("utf-8"))}
        if values.get("revision"):
            found[values["revision"]] = values.get("down_revision")  # type: ignore[assignment]
    return found


def head() -> str | None:
    """The one revision no other follows, or ``None`` when that is not a single one (then
    the caller asks Alembic, which reports the problem properly)."""
    known = revisions()
    heads = set(known) - {down for down in known.values() if down}
    return heads.pop() if len(heads) == 1 else None
