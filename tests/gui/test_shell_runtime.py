"""The Qt binding itself must survive a long screening session.

PySide6-Essentials 6.12.0 on Python 3.11 releases a reference to ``None`` on every
Python call of a void Qt method (``setText``, ``processEvents``…) and one to ``True`` on
every signal ``emit``. ``None`` is not immortal before Python 3.12, so after some tens of
thousands of calls (an hour or two of screening) the interpreter aborts with
"deallocating None". PySide6 6.11.3 on 3.11, and 6.12.0 on 3.12, keep the counts steady.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QLabel


class _Emitter(QObject):
    changed = Signal(int)


def test_qt_calls_keep_the_reference_counts_of_none_and_true(qtbot):  # type: ignore[no-untyped-def]
    label = QLabel()
    qtbot.addWidget(label)
    emitter = _Emitter()
    emitter.changed.connect(lambda _n: None)
    none_before, true_before = sys.getrefcount(None), sys.getrefcount(True)
    for i in range(60):  # few: on a faulty binding each call eats a reference for good
        label.setText(str(i))
        emitter.changed.emit(i)
    assert abs(sys.getrefcount(None) - none_before) < 30
    assert abs(sys.getrefcount(True) - true_before) < 30
