"""The "When can I stop?" panel: the stopping figures, each with how it was computed and the
method it comes from; the SAFE procedure as a checklist; drawing the random sample for the
stopping test; and recording (or withdrawing) the team's decision to stop.

It recommends nothing without the computation beside it, and decides nothing: a stop is
recorded only when someone asks for it, and is shown with who decided and when. Figures
are computed on the work runner's thread, a moment after the data last changed.
"""

from __future__ import annotations

import html
from collections.abc import Iterator
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFrame,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from screener.core.stopping_report import METHODS, StoppingFigures
from screener.core.stopping_text import (
    help_paragraphs,
    knee_lines,
    pct,
    ranked_lines,
    safe_lines,
    sample_lines,
    share_line,
    streak_line,
)
from screener.gui.context import Workspace
from screener.gui.errors import report_error
from screener.types import Progress, ScreenerError

REFRESH_MS = 1500


def _call(fn: Any, *args: Any, **kw: Any) -> Iterator[Progress]:
    """A service call as work for the runner (off the GUI thread)."""
    yield Progress(0, 1, "")
    return fn(*args, **kw)


def _label(parent: QWidget, text: str = "", *, big: bool = False, name: str = "") -> QLabel:
    lab = QLabel(text, parent)
    lab.setWordWrap(True)
    lab.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    if big:
        f = lab.font()
        f.setPointSizeF(f.pointSizeF() * 1.15)
        f.setBold(True)
        lab.setFont(f)
    if name:
        lab.setAccessibleName(name)
    return lab


def _heading(parent: QWidget, text: str) -> QLabel:
    lab = QLabel(text, parent)
    f = lab.font()
    f.setBold(True)
    lab.setFont(f)
    return lab


class StoppingPanel(QScrollArea):
    go_to_record = Signal(int)  # the next record of the random sample, to screen it

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.figures: StoppingFigures | None = None
        self.help_dialog: QDialog | None = None
        self._busy = False
        self._again = False
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)  # text wraps
        self.setAccessibleName(self.tr("When can I stop?"))
        body = QWidget(self)
        lay = QVBoxLayout(body)
        lay.setContentsMargins(10, 8, 10, 8)

        levels = QHBoxLayout()
        self.target = QDoubleSpinBox(body)
        self.confidence = QDoubleSpinBox(body)
        for box, label, value in ((self.target, self.tr("Recall target"), 0.95),
                                  (self.confidence, self.tr("Confidence"), 0.95)):
            box.setRange(0.50, 0.99)
            box.setSingleStep(0.01)
            box.setDecimals(2)
            box.setValue(value)
            box.setAccessibleName(label)
            box.valueChanged.connect(lambda _v: self.schedule())
            levels.addWidget(QLabel(label + ":", body))
            levels.addWidget(box)
        levels.addStretch(1)
        lay.addLayout(levels)

        self.stopped = _label(body, name=self.tr("Stop recorded"))
        self.stopped.setStyleSheet("QLabel { background: #fde6cf; color: #5a2600; "
                                   "border-left: 4px solid #D55E00; padding: 6px 8px; }")
        self.stopped.hide()
        lay.addWidget(self.stopped)

        self.streak = _label(body, big=True, name=self.tr("Consecutive irrelevant records"))
        self.share = _label(body, big=True, name=self.tr("Share of screening done"))
        self.remaining = _label(body, big=True, name=self.tr("Relevant records remaining"))
        self.streak_how = _label(body)
        self.share_how = _label(body)
        for w in (self.streak, self.streak_how, self.share, self.share_how, self.remaining):
            lay.addWidget(w)
        lay.addWidget(_heading(body, self.tr("How it was computed")))
        self.sample_how = _label(body, name=self.tr("The random sample's test"))
        self.ranked_how = _label(body, name=self.tr("The test on the ranked screening"))
        self.knee_how = _label(body, name=self.tr("The knee method"))
        for w in (self.sample_how, self.ranked_how, self.knee_how):
            lay.addWidget(w)

        buttons = QHBoxLayout()
        self.draw_button = QPushButton(self.tr("Draw sample"), body)
        self.draw_button.setToolTip(self.tr("The records not yet screened, in a random order: screen "
                                            "them in that order for the stopping test"))
        self.draw_button.clicked.connect(self.draw_sample)
        self.next_button = QPushButton(self.tr("Next in sample"), body)
        self.next_button.clicked.connect(self._go_next)
        self.help_button = QPushButton(self.tr("Methods…"), body)
        self.help_button.setAccessibleName(self.tr("The methods, cited, and their limits"))
        self.help_button.clicked.connect(self.show_help)
        buttons.addWidget(self.draw_button)
        buttons.addWidget(self.next_button)
        buttons.addWidget(self.help_button)
        buttons.addStretch(1)
        lay.addLayout(buttons)

        lay.addWidget(_heading(body, self.tr("SAFE procedure — a checklist, not a rule")))
        self.safe = _label(body, name=self.tr("SAFE checklist"))
        lay.addWidget(self.safe)

        decide = QHBoxLayout()
        self.stop_button = QPushButton(self.tr("Record a stop…"), body)
        self.stop_button.clicked.connect(self.record_stop)
        self.withdraw_button = QPushButton(self.tr("Withdraw stop…"), body)
        self.withdraw_button.clicked.connect(self.withdraw)
        decide.addWidget(self.stop_button)
        decide.addWidget(self.withdraw_button)
        decide.addStretch(1)
        lay.addLayout(decide)
        self.status = _label(body, name=self.tr("Panel status"))
        lay.addWidget(self.status)
        lay.addStretch(1)
        self.setWidget(body)

        # After a change, wait for the reviewer to pause: at 100,000 records the figures take
        # about 2 s of a worker thread, which must not compete with the next key press.
        self._timer = QTimer(self, singleShot=True, interval=REFRESH_MS)
        self._timer.timeout.connect(self.refresh)
        workspace.data_changed.connect(self.schedule)
        workspace.records_changed.connect(lambda _c: self.schedule())
        workspace.stage_changed.connect(lambda _s: self.schedule())
        workspace.reviewer_changed.connect(lambda _r: self.schedule())

    # computing
    def schedule(self) -> None:
        if self.isVisible():
            self._timer.start()

    def showEvent(self, event: Any) -> None:  # noqa: N802
        super().showEvent(event)
        self._timer.start(0)

    def refresh(self) -> None:
        if self._busy:
            self._again = True
            return
        self._busy = True
        self._again = False
        self.status.setText(self.tr("Computing…"))
        ws = self.workspace
        ws.runner.start(_call(ws.project.stopping.figures, ws.reviewer, ws.stage,
                              self.target.value(), self.confidence.value()),
                        on_done=self._computed, on_error=self._failed)

    def _computed(self, f: StoppingFigures) -> None:
        self._busy = False
        if self._again:
            self.refresh()
            return
        self.figures = f
        self.show_figures(f)
        self.status.setText("")

    def _failed(self, error: Exception) -> None:
        self._busy = False
        self.status.setText(self.tr("Could not compute the figures: {0}").format(error))

    # showing
    def show_figures(self, f: StoppingFigures) -> None:
        self.streak.setText(self.tr("{n} consecutive irrelevant since the last include").format(
            n=f"{f.consecutive_irrelevant:,}"))
        self.streak_how.setText(streak_line(f))
        self.share.setText(self.tr("{p} of the screening done").format(p=pct(f.share_screened)))
        self.share_how.setText(share_line(f))
        smp = f.sample
        if smp is None or not smp.screened:
            self.remaining.setText(self.tr("Relevant records remaining: not estimated yet "
                                           "(needs a random sample)"))
        else:
            t = smp.test
            self.remaining.setText(self.tr("About {e} relevant records remain (at most {u} with {c} "
                                           "confidence); test {verdict}, p = {p}").format(
                e=f"{t.remaining_estimate:.1f}", u=t.remaining_upper, c=pct(f.confidence),
                verdict=self.tr("says the target is reached") if t.stop else self.tr("does not say stop"),
                p=f"{t.p_value:.3f}"))
        self.sample_how.setText("\n".join(sample_lines(f)))
        self.ranked_how.setText("\n".join(ranked_lines(f)))
        self.knee_how.setText("\n".join(knee_lines(f)))
        self.safe.setText("\n".join(("☑ " if done else "☐ ") + text for done, text in safe_lines(f)))
        self.next_button.setEnabled(smp is not None and smp.next_record_id is not None)
        stop = f.stop
        if stop is not None:
            self.stopped.setText(self.tr("Screening was stopped on {when} by {who} (method: {m}). {n} "
                                         "records left without a final decision count in PRISMA as marked "
                                         "ineligible by automation tools; nothing is hidden or deleted.")
                                 .format(when=stop.decided_at, who=stop.decided_by, m=stop.method,
                                         n=f"{stop.left:,}"))
        self.stopped.setVisible(stop is not None)
        self.stop_button.setEnabled(stop is None)
        self.withdraw_button.setEnabled(stop is not None)

    def show_help(self) -> None:
        """The methods, cited, and how they did on the shared sets: a scrollable window."""
        dialog = QDialog(self)
        dialog.setWindowTitle(self.tr("When can I stop? — methods"))
        text = QTextBrowser(dialog)
        text.setOpenExternalLinks(True)
        text.setHtml("".join(f"<p>{html.escape(p)}</p>" for p in help_paragraphs()))
        text.setAccessibleName(self.tr("The methods, cited, and their limits"))
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, dialog)
        close.rejected.connect(dialog.reject)
        lay = QVBoxLayout(dialog)
        lay.addWidget(text)
        lay.addWidget(close)
        top = self.window()
        dialog.resize(min(620, top.width()), min(560, max(320, top.height() - 80)))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.help_dialog = dialog
        dialog.open()

    # acting
    def _run(self, fn: Any, *args: Any, done_text: str = "", **kw: Any) -> None:
        def done(_result: object) -> None:
            self.workspace.notify(done_text)
            self.workspace.data_changed.emit()
            self.refresh()

        def failed(error: Exception) -> None:
            if isinstance(error, ScreenerError):
                self.status.setText(str(error))
            else:
                report_error(self, error)

        self.workspace.runner.start(_call(fn, *args, **kw), on_done=done, on_error=failed)

    def draw_sample(self) -> None:
        f = self.figures
        if f is not None and f.sample is not None and QMessageBox.question(
                self, self.tr("Draw a new random sample?"),
                self.tr("A sample was drawn on {0}. A new one replaces it for the test (the old one "
                        "stays in the history).").format(f.sample.started_at)) \
                != QMessageBox.StandardButton.Yes:
            return
        ws = self.workspace
        self._run(ws.project.stopping.draw_sample, ws.reviewer, None, ws.stage,
                  done_text=self.tr("Random sample drawn: screen its records in order (Next in sample)."))

    def _go_next(self) -> None:
        f = self.figures
        if f is not None and f.sample is not None and f.sample.next_record_id is not None:
            self.go_to_record.emit(f.sample.next_record_id)

    def record_stop(self) -> None:
        names = list(METHODS)
        items = [f"{m}: {METHODS[m]}" for m in names]
        item, ok = QInputDialog.getItem(self, self.tr("Record a decision to stop"),
                                        self.tr("The method the team's decision rests on (its figures "
                                                "are recorded with it):"), items, 0, False)
        if not ok:
            return
        method = names[items.index(item)]
        note, ok = QInputDialog.getText(self, self.tr("Record a decision to stop"),
                                        self.tr("Note (why, who agreed):"))
        if not ok:
            return
        f = self.figures
        left = (f.total - f.screened) if f is not None else 0
        if QMessageBox.question(
                self, self.tr("Stop screening?"),
                self.tr("About {n} records without a final decision will count in PRISMA as marked ineligible "
                        "by automation tools, recorded as decided by {who} today. They stay in the "
                        "project and can still be screened; the stop can be withdrawn.").format(
                    n=f"{left:,}", who=self.workspace.reviewer)) != QMessageBox.StandardButton.Yes:
            return
        ws = self.workspace
        self._run(ws.project.stopping.stop, ws.reviewer, method, ws.stage, self.target.value(),
                  self.confidence.value(), note, done_text=self.tr("Stop recorded."))

    def withdraw(self) -> None:
        note, ok = QInputDialog.getText(self, self.tr("Withdraw the stop"), self.tr("Why:"))
        if not ok:
            return
        ws = self.workspace
        self._run(ws.project.stopping.withdraw, ws.reviewer, ws.stage, note,
                  done_text=self.tr("Stop withdrawn."))
