"""The order of the Screen tab's list: relevance, file order or random.

The relevance model retrains in the background after each decision: the labels are read and
the list is ranked on a worker thread, and the ranking itself runs in a separate process
(``core.ranking_process``), so training never holds this window's interpreter lock. Decisions
that arrive while it trains are coalesced: when the running job ends, one more starts for all
of them. The new order is applied in place (no reset): the record being read stays where it
is, and so does the selection. Automation never decides; it only orders.

Which decisions the model learns from (the reviewer's own in a blind project, the final
ones otherwise) is the core's ``QueueOrderService.training_set``.
"""

from __future__ import annotations

import sys
import weakref
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QBoxLayout,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from screener.core.ranking_process import RankingProcess, places
from screener.core.services.queue_order import TrainingSet, random_order
from screener.gui.recent import app_settings
from screener.gui.screen_filters import settings_key
from screener.types import Progress, ScreenerError

ORDERS = (("File order", "file"), ("Relevance", "relevance"), ("Random", "random"))
RANDOM_SEED = 1  # the same as ``records --order random`` without --seed
# While a ranking job runs, the worker thread hands the interpreter lock back to the window's
# thread after 0.5 ms instead of Python's 5 ms, so a key press waits at most that long for it.
SWITCH_INTERVAL = 0.0005


@dataclass
class Ranked:
    """What a job found: the list in its new order (None: keep the order), the place of each
    record in it, and the decisions it rests on."""

    mode: str
    key: tuple[str, str]  # (stage, reviewer) it was made for
    order: list[int] | None
    place: dict[int, int] | None
    training: TrainingSet | None
    loads: int = 0  # the list's reload the order was made for
    edits: int = 0  # how many of its edits the order already leaves out


class OrderBar(QWidget):
    """"Order: [Relevance ▾]" above the list (Alt+O), and a line saying why it is not ranked."""

    chosen = Signal(str)
    leave = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.combo = QComboBox(self)
        self.combo.setAccessibleName(self.tr("Screening order"))
        self.combo.setToolTip(self.tr("The order of the list: the most likely relevant first once you have "
                                      "one include and one exclude, the files' order, or a random order"))
        for label, mode in ORDERS:
            self.combo.addItem(self.tr(label), mode)
        label = QLabel(self.tr("&Order:"), self)
        label.setBuddy(self.combo)
        self.note = QLabel(self)
        self.note.setWordWrap(True)
        self.note.setAccessibleName(self.tr("Why the list is in this order"))
        self.note.setStyleSheet("QLabel { color: palette(placeholder-text); }")
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(label)
        row.addWidget(self.combo, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 2, 8, 2)
        layout.setSpacing(1)
        layout.addLayout(row)
        layout.addWidget(self.note)
        self.combo.activated.connect(lambda i: self.chosen.emit(self.combo.itemData(i)))
        self.combo.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Return or Escape in the order box goes back to the list (and the decision keys)."""
        if watched is self.combo and event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent) \
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Escape):
            self.leave.emit()
            return True
        return super().eventFilter(watched, event)

    def mode(self) -> str:
        return str(self.combo.currentData())

    def set_mode(self, mode: str) -> None:
        self.combo.setCurrentIndex(max(0, self.combo.findData(mode)))

    def say(self, text: str) -> None:
        self.note.setText(text)
        self.note.setVisible(bool(text))


class ScreenOrder(QObject):
    """Orders a ``ScreenView``'s list; the view calls ``changed()`` after each decision."""

    applied = Signal()  # a new order reached the list (for tests and the bench)

    def __init__(self, view: Any, list_layout: QBoxLayout, status_layout: QBoxLayout) -> None:
        super().__init__(view)
        self.view = view
        self.model = view.model
        self.workspace = view.workspace
        self.mode = "file"
        self.seed = RANDOM_SEED
        self.place: dict[int, int] | None = None  # record id -> its place in the last order
        self.training: TrainingSet | None = None
        self.running = False
        self.pending = False
        self.jobs = 0  # ranking jobs started (coalescing keeps it far below the decisions)
        self.error = ""
        self._chosen = False
        self._switch: float | None = None  # the interpreter's switch interval, while lowered
        self.job: Any = None  # the running job (a WorkRunnable)
        self.progress = ""  # "preparing relevance ranking… 40%" while the features are built
        self.process = RankingProcess()
        weakref.finalize(self, self.process.close)
        view.destroyed.connect(self.process.close)
        self.bar = OrderBar(view)
        list_layout.insertWidget(list_layout.indexOf(view.table), self.bar)
        self.status = QLabel(view)
        self.status.setAccessibleName(self.tr("What the order rests on"))
        status_layout.insertWidget(0, self.status)
        self.cancel_button = QPushButton(self.tr("Cancel"), view)
        self.cancel_button.setToolTip(self.tr("Stop preparing the relevance order (what is built so far is "
                                              "kept) and go back to file order"))
        self.cancel_button.setVisible(False)
        self.cancel_button.clicked.connect(self.cancel)
        status_layout.insertWidget(1, self.cancel_button)
        self.bar.chosen.connect(self.set_mode)
        self.bar.leave.connect(view.table.setFocus)
        self.workspace.data_changed.connect(self._data_changed)
        self.workspace.reviewer_changed.connect(lambda _n: self._restore() or self._restart())
        self.workspace.stage_changed.connect(lambda _s: self._restart())
        self._say()
        QTimer.singleShot(0, self._restore)  # once the list is there

    # choosing
    def _settings_key(self) -> str:
        return settings_key(self.view.project.target, self.workspace.reviewer) + "/order"

    def _restore(self) -> bool:
        """The order this reviewer chose last time in this project (each reviewer their own)."""
        mode = app_settings().value(self._settings_key(), "file")
        if mode in dict((m, m) for _, m in ORDERS) and mode != self.mode:
            self.set_mode(str(mode))
            return True
        return False

    def set_mode(self, mode: str, seed: int | None = None) -> None:
        self.bar.set_mode(mode)
        if mode == self.mode and (seed is None or seed == self.seed):
            return
        app_settings().setValue(self._settings_key(), mode)
        self.mode = mode
        self.seed = self.seed if seed is None else seed
        self._chosen = True  # the first list in the new order starts at its top
        self.place = None
        self.training = None
        self.model.order_key = None
        header = self.view.table.horizontalHeader()
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)  # the order replaces a header sort
        if self.model.sort_key != "id" or self.model.descending:
            self.model.sort_key, self.model.descending = "id", False
        if mode == "file":
            self.view._requery()
        else:
            self.changed()
        self._say()

    def _restart(self) -> None:
        self.place = None
        self.training = None
        self.model.order_key = None
        self.changed()
        self._say()

    def _data_changed(self) -> None:
        if not self.view._own_change:  # others' changes (ours come through changed())
            self.changed()

    # retraining
    def changed(self) -> None:
        """A decision (or other change) was made: rank again, or once more after the running job."""
        if self.mode not in ("relevance", "random"):
            return
        if self.running:
            self.pending = True
            return
        self._start()

    def _start(self) -> None:
        self.running, self.pending = True, False
        self.jobs += 1
        key = (self.workspace.stage, self.workspace.reviewer)
        if self._switch is None:  # the window's thread gets the lock back sooner meanwhile
            self._switch = sys.getswitchinterval()
            sys.setswitchinterval(min(self._switch, SWITCH_INTERVAL))
        work = self._work(list(self.model.ids), self.mode, self.seed, key, (self.model.loads, len(self.model.edits)))
        self.progress = ""
        self.job = self.workspace.runner.start(work, self._done, self._failed, self._progress, self._cancelled)
        self._say()

    def _progress(self, done: int, total: int, _message: str) -> None:
        if total > 0 and self.running:
            self.progress = self.tr("preparing relevance ranking… {percent}%").format(
                percent=min(100, 100 * done // total))
            self._say()

    def cancel(self) -> None:
        """Stop preparing the relevance order (what was built is kept for next time): file order."""
        if self.job is not None and self.running:
            self.job.cancel()

    def _cancelled(self) -> None:
        self._ended()
        self.pending = False
        self.set_mode("file")
        self.bar.say(self.tr("Relevance ranking cancelled; the features built so far are kept, so choosing "
                             "Relevance again goes on from there."))

    def _ended(self) -> None:
        self.running = False
        self.job = None
        self.progress = ""
        if self._switch is not None:
            sys.setswitchinterval(self._switch)
            self._switch = None

    def _work(self, ids: list[int], mode: str, seed: int, key: tuple[str, str],
              token: tuple[int, int]) -> Iterator[Progress]:
        """On the worker thread: read what the order rests on and rank (in the ranking process)."""
        yield Progress(0, 0, "ranking")
        if mode == "random":
            order = random_order(ids, seed)
            return self._catch_up(Ranked(mode, key, order, places(order), None), token)
        service = self.view.project.queue_order
        training = service.training_set(key[0], key[1] or None)
        if not training.ready:
            return Ranked(mode, key, None, None, training)
        process = self.process
        if not process.prepared or process.missing([*ids, *training.labels]):
            # the first time, or records imported since: the features from the cache file,
            # updated, or built (with progress; Cancel keeps what was built for next time)
            project = self.view.project
            yield from process.prepare(service, project.target if project.store.is_sqlite else None)
            process.known.update(ids, training.labels)  # asked once, even for a record without text
        order = self.process.order(training.labels, ids)
        return self._catch_up(Ranked(mode, key, order, places(order), training), token)

    def _catch_up(self, ranked: Ranked, token: tuple[int, int]) -> Ranked:
        """Still on the worker thread: leave out of the new order the records that left the
        list while it was made (decided), so the window has only the last few to leave out."""
        ranked.loads, ranked.edits = token
        edits = self.model.edits[token[1]:]  # a copy, taken at once
        if ranked.order is None or self.model.loads != token[0] or any(e < 0 for e in edits):
            return ranked  # reloaded, or records came back: the window ranks again
        gone = set(edits)
        if gone:
            ranked.order = [rid for rid in ranked.order if rid not in gone]
        ranked.edits += len(edits)
        return ranked

    def _done(self, ranked: Ranked) -> None:
        self._ended()
        self.error = ""
        current = ranked.mode == self.mode and ranked.key == (self.workspace.stage, self.workspace.reviewer)
        if current:
            chosen = self._chosen
            if ranked.order is None:  # not ranked yet: when it is, the record read stays
                self._chosen = False
            self.training = ranked.training
            if ranked.place is not None:
                self.place = ranked.place
                place, end = ranked.place, len(ranked.place)
                self.model.order_key = lambda rid: place.get(rid, end + rid)
            order = self._up_to_date(ranked)
            if order is not None and self.model.sort_key == "id" and len(self.view.selected_ids()) <= 1:
                self._chosen = False
                self.model.apply_order(order, keep=None if chosen else self.view.current_id())
                self.view._ahead = None  # the next record may be another one now
                if chosen:
                    self.view.select_row(0)
                QTimer.singleShot(0, self.view._read_ahead)
                self.applied.emit()
        self._say()
        if self.pending or not current:
            self.changed()

    def _up_to_date(self, ranked: Ranked) -> list[int] | None:
        """The new order less the records decided since the worker caught up (a few); None
        if the list changed otherwise (it is ranked again)."""
        if ranked.order is None:
            return None
        later = self.model.edits[ranked.edits:]
        if self.model.loads != ranked.loads or any(e < 0 for e in later):
            self.pending = True
            return None
        order = ranked.order
        for rid in later:
            order.remove(rid)
        if len(order) != self.model.rowCount():
            self.pending = True
            return None
        return order

    def _failed(self, error: Exception) -> None:
        self._ended()
        self.error = str(error) if isinstance(error, ScreenerError) else f"{type(error).__name__}: {error}"
        self._say()
        if self.pending:
            self.changed()

    # saying what the order rests on
    def _say(self) -> None:
        self.bar.say(self.list_note())
        self.status.setText(self.status_text())
        self.cancel_button.setVisible(bool(self.progress))

    def list_note(self) -> str:
        """What the list says about its order (why it is not ranked, when it is not)."""
        if self.mode == "file":
            return self.tr("Not ranked: in the order the records were imported.")
        if self.mode == "random":
            return self.tr("Not ranked: random order (seed {seed}), as for a calibration or a random "
                           "sample.").format(seed=self.seed)
        t = self.training
        if t is None:
            return self.tr("Ranking…") if self.running else ""
        if not t.ready:
            return self._why_not(t)
        return self.tr("Most likely relevant first.")

    def _why_not(self, t: TrainingSet) -> str:
        whose = self.tr("your decisions") if t.own else self.tr("the final decisions")
        return self.tr("Not ranked yet: relevance starts after one include and one exclude among {whose} "
                       "({inc} so far, {exc}).").format(
            whose=whose, inc=self._n(t.includes, "include"), exc=self._n(t.excludes, "exclude"))

    def _n(self, n: int, word: str) -> str:
        forms = {"include": ("{n} include", "{n} includes"), "exclude": ("{n} exclude", "{n} excludes"),
                 "decision": ("{n} decision", "{n} decisions")}[word]
        return self.tr(forms[0] if n == 1 else forms[1]).format(n=f"{n:,}")

    def status_text(self) -> str:
        """The status line: what the order rests on, e.g. "ranked by relevance · trained on
        212 decisions (9 includes)"."""
        busy = self.tr(" · retraining…") if self.running else ""
        if self.error:
            return self.tr("relevance order failed ({error}); the list keeps its order").format(error=self.error)
        if self.mode == "file":
            return self.tr("file order")
        if self.mode == "random":
            return self.tr("random order (seed {seed})").format(seed=self.seed)
        if self.progress:
            return self.progress
        t = self.training
        if t is None:
            return self.tr("preparing the relevance order…")
        if not t.ready:
            return self.tr("not ranked yet: needs one include and one exclude") + busy
        return self.tr("ranked by relevance · trained on {n} ({inc})").format(
            n=self._n(len(t.labels), "decision"), inc=self._n(t.includes, "include")) + busy
