"""Views refresh on data changes only while they are shown; a hidden one refreshes when
it is next shown. A change a view made itself (``_own_change``) is not refreshed twice."""

from __future__ import annotations

from typing import Any


class RefreshWhenVisible:
    """Mixin for a QWidget view with a ``refresh()`` that resets ``_dirty``. Put it first
    among the bases, so its ``showEvent`` runs before the widget's own."""

    _dirty = False
    _own_change = False

    def refresh(self) -> None:  # pragma: no cover - every view defines it
        raise NotImplementedError

    def _data_changed(self) -> None:
        if self._own_change:
            return
        if self.isVisible():  # type: ignore[attr-defined]
            self.refresh()
        else:
            self._dirty = True

    def showEvent(self, event: Any) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)  # type: ignore[misc]
        if self._dirty:
            self.refresh()
