"""The right-hand column of the screen: criteria, the decision buttons with their keys,
full-text exclusion reasons (1–9), retrieval, and the History toggle.

It holds no data and calls no service: it shows what it is given and emits what the
reviewer asked for. The screen view does the deciding.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QObject, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QStyle,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from screener.core.services.screening import DecisionInfo
from screener.gui.highlight import escape
from screener.gui.record_list_model import status_icon
from screener.types import Stage

CHOICE_LABELS = {"include": "Include", "exclude": "Exclude", "maybe": "Maybe"}
CHOICE_KEYS = {"include": "I", "exclude": "E", "maybe": "M"}


class KeyButton(QPushButton):
    """A button that shows its keyboard key as a small chip at its right edge."""

    def __init__(self, text: str, key: str, icon: QIcon | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(f"{text} ({key})")
        self.setToolTip(f"{text} — key {key}")
        self.setMinimumHeight(38)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # keys drive the loop; focus stays on the list
        row = QHBoxLayout(self)
        row.setContentsMargins(10, 4, 8, 4)
        row.setSpacing(8)
        if icon is not None:
            pic = QLabel(self)
            pic.setPixmap(icon.pixmap(QSize(16, 16), self.devicePixelRatioF()))
            pic.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
            row.addWidget(pic)
        self.text_label = QLabel(text, self)
        chip = QLabel(key, self)
        chip.setObjectName("keyChip")
        chip.setAlignment(Qt.AlignmentFlag.AlignCenter)
        chip.setMinimumWidth(24)
        chip.setStyleSheet(
            "QLabel#keyChip { border: 1px solid palette(mid); border-radius: 4px; padding: 1px 6px;"
            " font-family: monospace; }"
        )
        for label in (self.text_label, chip):
            label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        row.addWidget(self.text_label, 1)
        row.addWidget(chip)


def _heading(text: str, parent: QWidget) -> QLabel:
    label = QLabel(text, parent)
    f = label.font()
    f.setBold(True)
    label.setFont(f)
    return label


def _bullets(items: list[str], empty: str) -> str:
    if not items:
        return f"<i>{escape(empty)}</i>"
    return "".join(f"<div style='margin:2px 0 4px 0'>•&nbsp;{escape(i)}</div>" for i in items)


class LabelsBox(QWidget):
    """The project's labels as toggles, the first nine with their keys (Alt+1–9). Shows
    the viewer's own labels on the record; emits a label's name when one is pressed."""

    toggled = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.names: list[str] = []
        self.buttons: list[QPushButton] = []
        self.box = QVBoxLayout(self)
        self.box.setContentsMargins(0, 8, 0, 0)
        self.box.setSpacing(2)
        self.heading = _heading(self.tr("Labels"), self)
        self.box.addWidget(self.heading)
        self.hide()

    def set_labels(self, names: list[str]) -> None:
        if names == self.names:
            return
        self.names = list(names)
        for b in self.buttons:
            b.deleteLater()
        self.buttons = []
        for i, name in enumerate(self.names, 1):
            key = f"Alt+{i}" if i <= 9 else ""
            b = QPushButton(f"{name}    {key}".rstrip(), self)
            b.setCheckable(True)
            b.setFlat(True)
            b.setStyleSheet("QPushButton { text-align: left; padding: 3px 6px; } "
                            "QPushButton:checked { font-weight: bold; border: 1px solid palette(mid); "
                            "border-radius: 4px; }")
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            b.setAccessibleName(self.tr("Label {name}").format(name=name) + (f" ({key})" if key else ""))
            b.clicked.connect(lambda _=False, n=name: self.toggled.emit(n))
            self.box.addWidget(b)
            self.buttons.append(b)
        self.setVisible(bool(self.names))

    def show_mine(self, mine: list[str]) -> None:
        """Check the labels on the record (✓ and bold: not colour alone)."""
        for name, b in zip(self.names, self.buttons, strict=True):
            on = name in mine
            b.blockSignals(True)
            b.setChecked(on)
            b.blockSignals(False)
            i = self.names.index(name) + 1
            key = f"    Alt+{i}" if i <= 9 else ""
            b.setText(("✓ " if on else "   ") + name + key)


class DecisionPanel(QWidget):
    decided = Signal(str, str)  # choice, reason ("" unless a full-text exclusion)
    exclude_pressed = Signal()
    not_retrieved_toggled = Signal(bool)
    attach_pdf_requested = Signal()
    open_pdf_requested = Signal()
    attach_folder_requested = Signal()
    history_toggled = Signal(bool)
    label_toggled = Signal(str)  # a label's name: put it on the record, or take it off

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.stage = Stage.TITLE_ABSTRACT.value
        self.reasons: list[str] = []
        self.ta_reason_required = False  # the project requires a reason for exclusions at title/abstract
        self.awaiting_reason = False
        self._styled_awaiting: bool | None = None
        self.setMinimumWidth(240)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 14, 12, 12)
        layout.setSpacing(6)

        # The criteria fold behind a toggle when the column is too short for every control.
        self.criteria_toggle = QToolButton(self)
        self.criteria_toggle.setText(self.tr("Criteria ▸"))
        self.criteria_toggle.setCheckable(True)
        self.criteria_toggle.setAutoRaise(True)
        self.criteria_toggle.setAccessibleName(self.tr("Show the criteria"))
        self.criteria_toggle.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.criteria_toggle.toggled.connect(self._criteria_toggled)
        self.criteria_toggle.hide()
        layout.addWidget(self.criteria_toggle, 0, Qt.AlignmentFlag.AlignLeft)
        self._criteria_wanted: bool | None = None  # what the reviewer chose with the toggle
        self._fit_timer = QTimer(self, singleShot=True, interval=0)
        self._fit_timer.timeout.connect(self.fit_height)
        self.criteria_box = QWidget(self)
        cb = QVBoxLayout(self.criteria_box)
        cb.setContentsMargins(0, 0, 0, 0)
        cb.setSpacing(6)
        self.question_label = QLabel(self.criteria_box)
        self.question_label.setWordWrap(True)
        self.question_label.setTextFormat(Qt.TextFormat.RichText)
        self.question_label.hide()
        cb.addWidget(self.question_label)
        cb.addWidget(_heading(self.tr("Inclusion criteria"), self.criteria_box))
        self.include_label = QLabel(self.criteria_box)
        self.include_label.setWordWrap(True)
        cb.addWidget(self.include_label)
        cb.addSpacing(4)
        cb.addWidget(_heading(self.tr("Exclusion criteria"), self.criteria_box))
        self.exclude_label = QLabel(self.criteria_box)
        self.exclude_label.setWordWrap(True)
        cb.addWidget(self.exclude_label)
        cb.addSpacing(4)
        layout.addWidget(self.criteria_box)

        self.buttons: dict[str, KeyButton] = {}
        for choice in ("include", "exclude", "maybe"):
            b = KeyButton(self.tr(CHOICE_LABELS[choice]), CHOICE_KEYS[choice], status_icon(choice), self)
            b.clicked.connect(lambda _=False, c=choice: self._button(c))
            self.buttons[choice] = b
            layout.addWidget(b)
        self.mine_label = QLabel(self)
        self.mine_label.setWordWrap(True)
        self.mine_label.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.mine_label)
        self.resolution_label = QLabel(self)
        self.resolution_label.setWordWrap(True)
        self.resolution_label.setTextFormat(Qt.TextFormat.RichText)
        self.resolution_label.setAccessibleName(self.tr("Resolution"))
        self.resolution_label.hide()
        layout.addWidget(self.resolution_label)

        # full text only
        self.reason_box = QFrame(self)
        self.reason_box.setObjectName("reasonBox")
        rb = QVBoxLayout(self.reason_box)
        rb.setContentsMargins(8, 8, 8, 8)
        rb.setSpacing(2)
        self.reason_prompt = QLabel(self.tr("Exclusion reason: press 1–9"), self.reason_box)
        self.reason_prompt.setWordWrap(True)
        rb.addWidget(self.reason_prompt)
        self.reason_buttons_layout = rb
        self.reason_buttons: list[QPushButton] = []
        layout.addWidget(self.reason_box)

        self.retrieval_box = QWidget(self)
        rl = QVBoxLayout(self.retrieval_box)
        rl.setContentsMargins(0, 6, 0, 0)
        self.not_retrieved = QPushButton(self.tr("Report not retrieved"), self.retrieval_box)
        self.not_retrieved.setCheckable(True)
        self.not_retrieved.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.not_retrieved.toggled.connect(self.not_retrieved_toggled)
        pdf_row = QHBoxLayout()
        pdf_row.setSpacing(4)
        self.attach_pdf = QPushButton(self.tr("Attach…"), self.retrieval_box)
        self.attach_pdf.setToolTip(self.tr("Attach a PDF to this record"))
        self.attach_pdf.setAccessibleName(self.tr("Attach PDF…"))
        self.attach_folder = QPushButton(self.tr("Folder…"), self.retrieval_box)
        self.attach_folder.setToolTip(self.tr("Attach the PDFs of a folder (Zotero storage, EndNote .Data…) "
                                              "to the records they match"))
        self.attach_folder.setAccessibleName(self.tr("Attach PDFs from a folder…"))
        self.open_pdf = QPushButton(self.tr("Open"), self.retrieval_box)
        self.open_pdf.setToolTip(self.tr("Open the PDF in another application"))
        self.open_pdf.setAccessibleName(self.tr("Open PDF"))
        for b in (self.attach_pdf, self.attach_folder, self.open_pdf):
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            pdf_row.addWidget(b)
        self.attach_pdf.clicked.connect(self.attach_pdf_requested)
        self.attach_folder.clicked.connect(self.attach_folder_requested)
        self.open_pdf.clicked.connect(self.open_pdf_requested)
        rl.addWidget(self.not_retrieved)
        rl.addLayout(pdf_row)
        layout.addWidget(self.retrieval_box)

        self.labels_box = LabelsBox(self)
        self.labels_box.toggled.connect(self.label_toggled)
        layout.addWidget(self.labels_box)

        self.history_button = QToolButton(self)
        self.history_button.setText(self.tr("History ▸"))
        self.history_button.setCheckable(True)
        self.history_button.setAutoRaise(True)
        self.history_button.setAccessibleName(self.tr("Show the record's history"))
        self.history_button.toggled.connect(self._history)
        layout.addSpacing(6)
        layout.addWidget(self.history_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.history_slot = QVBoxLayout()
        layout.addLayout(self.history_slot, 1)
        layout.addStretch(0)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        self.set_stage(self.stage)

    # set-up
    def set_criteria(self, include: list[str], exclude: list[str], question: str = "") -> None:
        self.question_label.setText(f"<i>{escape(question)}</i>")
        self.question_label.setVisible(bool(question))
        self.include_label.setText(_bullets(include, self.tr("None set (Settings)")))
        self.exclude_label.setText(_bullets(exclude, self.tr("None set (Settings)")))
        self.fit_height()

    def set_reasons(self, reasons: list[str]) -> None:
        if reasons == self.reasons and self.reason_buttons:
            return
        self.reasons = list(reasons)
        for b in self.reason_buttons:
            b.deleteLater()
        self.reason_buttons = []
        for i, reason in enumerate(self.reasons[:9], 1):
            b = QPushButton(f"{i}   {reason}", self.reason_box)
            b.setFlat(True)
            b.setStyleSheet("text-align: left; padding: 2px 4px;")
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            b.setAccessibleName(self.tr("Exclude: {reason} (key {n})").format(reason=reason, n=i))
            b.clicked.connect(lambda _=False, n=i: self.pick_reason(n))
            self.reason_buttons_layout.addWidget(b)
            self.reason_buttons.append(b)
        if not self.reasons:
            self.reason_prompt.setText(self.tr("No exclusion reasons yet: add them in Settings."))
        else:
            self.reason_prompt.setText(self._stage_words().format(n=min(9, len(self.reasons))))
        self.reason_box.setVisible(self.stage == Stage.FULL_TEXT.value or bool(self.reasons))
        self._style_reason_box()
        self.fit_height()

    def set_stage(self, stage: str) -> None:
        self.stage = stage
        full = stage == Stage.FULL_TEXT.value
        self.reason_box.setVisible(full or bool(self.reasons))  # reasons at title/abstract too
        self.retrieval_box.setVisible(full)
        self._styled_awaiting = None
        self.cancel_reason_wait()
        self.fit_height()

    # every full-text control in view, even on a small screen
    def fit_height(self) -> None:
        """Fold the criteria behind "Criteria ▸" when the column (the scroll area's
        viewport) is too short to show them and every control at once."""
        area = self.parentWidget()
        fold = False
        if area is not None and self.stage == Stage.FULL_TEXT.value:
            # Measured at the width the panel has with a scroll bar beside it, so that the
            # scroll bar coming or going cannot make the answer flip back and forth.
            bar = self.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)
            scroll = area.parentWidget()
            shown_bar = isinstance(scroll, QAbstractScrollArea) and scroll.verticalScrollBar().isVisible()
            width = max(area.width() + (bar if shown_bar else 0) - bar, self.minimumWidth())
            lay = self.layout()
            total = lay.totalHeightForWidth(width) if lay.hasHeightForWidth() else lay.totalSizeHint().height()
            box = self.criteria_box
            criteria = (box.heightForWidth(width) if box.hasHeightForWidth() else box.sizeHint().height()) + 6
            toggle = self.criteria_toggle.sizeHint().height() + 6
            shown = [self.history_slot.itemAt(i).widget() for i in range(self.history_slot.count())]
            history = sum(w.height() for w in shown if w is not None and w.isVisibleTo(self))
            if box.isVisibleTo(self):
                rest = total - criteria - history
            else:
                rest = total - (toggle if self.criteria_toggle.isVisibleTo(self) else 0) - history
            folded = self.criteria_toggle.isVisibleTo(self)
            fold = rest + criteria + (8 if folded else 0) > area.height()  # a little reluctant to unfold
        show = not fold or bool(self._criteria_wanted)
        if self.criteria_toggle.isVisibleTo(self) != fold:
            self.criteria_toggle.setVisible(fold)
        if self.criteria_box.isVisibleTo(self) != show:
            self.criteria_box.setVisible(show)
        self.criteria_toggle.blockSignals(True)
        self.criteria_toggle.setChecked(show and fold)
        self.criteria_toggle.blockSignals(False)
        text = self.tr("Criteria ▾") if show else self.tr("Criteria ▸")
        if self.criteria_toggle.text() != text:
            self.criteria_toggle.setText(text)

    def _criteria_toggled(self, shown: bool) -> None:
        self._criteria_wanted = shown
        self.fit_height()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.parentWidget() and event.type() == QEvent.Type.Resize:
            self._fit_timer.start()
        return super().eventFilter(watched, event)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.LayoutRequest and self.stage == Stage.FULL_TEXT.value:
            self._fit_timer.start()  # a part grew or shrank (styles, reasons, history)
        return super().event(event)

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        area = self.parentWidget()
        if area is not None and getattr(self, "_watching", None) is not area:
            area.installEventFilter(self)
            self._watching = area
        self.fit_height()

    def needs_reason(self) -> bool:
        """Whether an exclusion at this stage waits for a reason (1–9)."""
        return self.stage == Stage.FULL_TEXT.value or self.ta_reason_required

    def _stage_words(self) -> str:
        if self.stage == Stage.FULL_TEXT.value:
            return self.tr("Exclusion reason: press 1–{n}")
        if self.ta_reason_required:
            return self.tr("Exclusion reason (required): press 1–{n}")
        return self.tr("Exclude with a reason (optional): press 1–{n}")

    # the record shown
    def show_state(
        self,
        decisions: list[DecisionInfo],
        viewer: str,
        retrieved: bool | None = None,
        pdf: str | None = None,
        enabled: bool = True,
        resolutions: list[DecisionInfo] | None = None,
    ) -> None:
        for b in self.buttons.values():
            b.setEnabled(enabled)
        final = [r for r in resolutions or [] if r.stage == self.stage]
        if final:
            r = final[0]
            what = self.tr(CHOICE_LABELS.get(r.decision, r.decision))
            reason = f" — {escape(r.reason)}" if r.reason else ""
            note = f"<br><i>{escape(r.note)}</i>" if r.note else ""
            self.resolution_label.setText(self.tr("<b>Resolved</b>: {what}{reason} (by {who}){note}").format(
                what=escape(what), reason=reason, who=escape(r.reviewer), note=note))
        self.resolution_label.setVisible(bool(final))
        here = [d for d in decisions if d.stage == self.stage]
        lines = []
        for d in sorted(here, key=lambda d: (d.reviewer != viewer, d.reviewer)):
            who = self.tr("You") if d.reviewer == viewer else escape(d.reviewer)
            what = self.tr(CHOICE_LABELS.get(d.decision, d.decision))
            reason = f" — {escape(d.reason)}" if d.reason else ""
            lines.append(f"<b>{who}</b>: {escape(what)}{reason}")
        self.mine_label.setText("<br>".join(lines))
        self.mine_label.setVisible(bool(lines))
        self.not_retrieved.blockSignals(True)
        self.not_retrieved.setChecked(retrieved is False)
        self.not_retrieved.blockSignals(False)
        self.open_pdf.setEnabled(bool(pdf))
        self.cancel_reason_wait()

    # full-text exclusion
    def begin_reason_wait(self) -> None:
        self.awaiting_reason = True
        n = min(9, len(self.reasons))
        self.reason_prompt.setText(
            self.tr("Exclude — why? Press 1–{n} · Esc cancels").format(n=n)
            if n else self.tr("No exclusion reasons yet: add them in Settings.")
        )
        self._style_reason_box()

    def cancel_reason_wait(self) -> None:
        if not self.awaiting_reason and self._styled_awaiting is False:
            return
        self.awaiting_reason = False
        if self.reasons:
            self.reason_prompt.setText(self._stage_words().format(n=min(9, len(self.reasons))))
        self._style_reason_box()

    def pick_reason(self, number: int) -> bool:
        """Exclude with reason ``number`` (1-based); False if there is no such reason."""
        if not 1 <= number <= min(9, len(self.reasons)):
            return False
        self.cancel_reason_wait()  # the prompt goes back to its resting wording
        self.decided.emit("exclude", self.reasons[number - 1])
        return True

    def _style_reason_box(self) -> None:
        if self._styled_awaiting == self.awaiting_reason:
            return  # style sheets are costly to set: only on a change
        self._styled_awaiting = self.awaiting_reason
        if self.awaiting_reason:
            self.reason_box.setStyleSheet(
                "QFrame#reasonBox { border: 2px solid #D55E00; border-radius: 6px; }"
            )
        else:
            self.reason_box.setStyleSheet(
                "QFrame#reasonBox { border: 1px solid palette(mid); border-radius: 6px; }"
            )
        f = self.reason_prompt.font()
        f.setBold(self.awaiting_reason)
        self.reason_prompt.setFont(f)

    def _button(self, choice: str) -> None:
        if choice == "exclude" and self.needs_reason():
            self.exclude_pressed.emit()
            return
        self.decided.emit(choice, "")

    def _history(self, shown: bool) -> None:
        self.history_button.setText(self.tr("History ▾") if shown else self.tr("History ▸"))
        self.history_toggled.emit(shown)
