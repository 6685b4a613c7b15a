"""No control characters in stored text, on SQLite and PostgreSQL alike.

PostgreSQL refuses a NUL byte in text where SQLite stores it, so a note pasted with a NUL
would be saved in a project file and refused on a team server. Before every flush, the
text of each new or changed row (JSON values included) loses its control characters
(``screener.text``), so both backends store the same thing. Only values already loaded
are looked at: nothing is fetched for the check. Imports write through ``store.bulk``,
not the ORM; their records were cleaned by the readers.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from screener.text import has_controls, strip_controls


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return strip_controls(value) if has_controls(value) else value
    if isinstance(value, list):
        return [_clean(v) for v in value]
    if isinstance(value, dict):
        return {_clean(k): _clean(v) for k, v in value.items()}
    return value


def _dirty(value: Any) -> bool:
    if isinstance(value, str):
        return has_controls(value)
    if isinstance(value, list):
        return any(map(_dirty, value))
    if isinstance(value, dict):
        return any(_dirty(k) or _dirty(v) for k, v in value.items())
    return False


def clean_pending_text(session: Session, _context: Any = None, _instances: Any = None) -> None:
    for obj in (*session.new, *session.dirty):
        state = inspect(obj)
        loaded = state.dict
        for column in state.mapper.column_attrs:
            value = loaded.get(column.key)
            if value is not None and not isinstance(value, int | float) and _dirty(value):
                setattr(obj, column.key, _clean(value))


event.listen(Session, "before_flush", clean_pending_text)
