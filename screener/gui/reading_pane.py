"""The reading pane: one record, laid out to be read for hours.

A large title; authors, journal and year on one line; DOI and PMID links that open in the
system browser; where the record came from; the abstract at a comfortable size in a
column of about 85 characters with generous line spacing; keywords; include and exclude
terms marked. Below it, the reviewer's private note and the record's tags.

Record text is always escaped (``highlight``): nothing in a record is ever interpreted as
markup, and the browser never loads any resource or follows a link by itself.
"""

from __future__ import annotations

import html
import re
from collections import OrderedDict
from dataclasses import replace
from typing import Any
from urllib.parse import quote

from PySide6.QtCore import QEvent, QObject, QTimer, QUrl, Signal
from PySide6.QtGui import (
    QColor,
    QDesktopServices,
    QFont,
    QFontMetricsF,
    QPalette,
    QTextDocument,
    QTextFrameFormat,
)
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from screener.core.services.records import RecordDetail
from screener.gui.highlight import DARK, LIGHT, escape, highlight_html, term_pattern
from screener.gui.title_fit import title_point_size
from screener.gui.widgets import KeyboardExit

LINE_CHARS = 86  # characters per line of the abstract
SAFE_SCHEMES = ("http", "https")


def _mix(a: QColor, b: QColor, t: float) -> str:
    return QColor(
        round(a.red() * (1 - t) + b.red() * t),
        round(a.green() * (1 - t) + b.green() * t),
        round(a.blue() * (1 - t) + b.blue() * t),
    ).name()


def doi_url(doi: str) -> str:
    return "https://doi.org/" + quote(doi.strip(), safe="/:;()._-<>[]")


def pmid_url(pmid: str) -> str:
    return "https://pubmed.ncbi.nlm.nih.gov/" + quote(pmid.strip(), safe="") + "/"


def author_line(authors: list[str], limit: int = 6) -> str:
    if len(authors) <= limit:
        return "; ".join(authors)
    # limit - 1 first authors, then the last: the rest are "more"
    return "; ".join(authors[: limit - 1]) + f"; … {authors[-1]} (+{len(authors) - limit} more)"


class RecordBrowser(QTextBrowser):
    """A QTextBrowser that never loads a resource and never follows a link itself."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.anchorClicked.connect(self._open)
        self._text_width = 640.0

    def loadResource(self, type: int, name: QUrl | str) -> Any:  # noqa: A002
        return None  # no images, style sheets or anything else, local or remote

    def _open(self, url: QUrl) -> None:
        if url.scheme().lower() in SAFE_SCHEMES:
            QDesktopServices.openUrl(url)

    def set_text_width(self, width: float) -> None:
        self._text_width = width
        self._apply_margins(self.document())

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        self._apply_margins(self.document())

    def _apply_margins(self, doc: QTextDocument) -> None:
        """Centre a column of the text width in the viewport."""
        side = max(20.0, (self.viewport().width() - self._text_width) / 2)
        root = doc.rootFrame()
        fmt: QTextFrameFormat = root.frameFormat()
        if abs(fmt.leftMargin() - side) > 0.5 or fmt.topMargin() != 22:
            fmt.setLeftMargin(side)
            fmt.setRightMargin(side)
            fmt.setTopMargin(22)
            fmt.setBottomMargin(28)
            root.setFrameFormat(fmt)

    def make_document(self, html: str) -> QTextDocument:
        """A document for ``html``, laid out for this browser's width, ready to be shown."""
        doc = QTextDocument(self)
        doc.setDefaultFont(self.document().defaultFont())
        doc.setUndoRedoEnabled(False)
        doc.setHtml(html)
        self._apply_margins(doc)
        doc.setTextWidth(self.viewport().width())
        doc.documentLayout().documentSize()  # lays it out now, not at the next paint
        return doc

    def show_document(self, doc: QTextDocument) -> None:
        old = self.document()
        self.setDocument(doc)
        if old is not doc and isValid(old) and old.parent() is self:
            old.deleteLater()
        self.verticalScrollBar().setValue(0)


BEHIND = 24  # documents kept for steps back: Ctrl+Z a few times in a row shows each at once


def _text_of(d: RecordDetail) -> RecordDetail:
    """What a record's document is made of: the detail less what the document does not show
    (decisions and statuses change with an undo, the text does not)."""
    return replace(d, status={}, decisions=[], resolutions=[], note="", tags=[])


class ReadingPane(QWidget):
    note_edited = Signal(int, str)  # record id, text (debounced, and on leaving the field)
    tags_edited = Signal(int, list)  # record id, tags
    leave = Signal()  # Esc in the note or tags, or Tab in the note: back to the record list

    def __init__(self, parent: QWidget | None = None, editable: bool = True) -> None:
        super().__init__(parent)
        self.record_id: int | None = None
        self._note_saved = ""
        self._tags_saved: list[str] = []
        self._pattern: re.Pattern[str] | None = None
        self._terms: tuple[tuple[str, ...], tuple[str, ...]] = ((), ())
        self._search: tuple[str, ...] = ()  # the list's search words, marked as hits
        self._last: RecordDetail | None = None
        self._prepared: tuple[tuple[RecordDetail, int], QTextDocument] | None = None
        # The documents shown before the current one, newest last, kept for steps back (each
        # undo brings a record back): by record, what its text was made of and the document.
        self._behind: OrderedDict[int, tuple[tuple[RecordDetail, int], QTextDocument]] = OrderedDict()
        self._shown: tuple[RecordDetail, int] | None = None
        self.browser = RecordBrowser(self)
        self.browser.setAccessibleName(self.tr("Record"))
        self.note = QPlainTextEdit(self)
        self.note.setPlaceholderText(self.tr("Your note on this record (private, saved as you type)"))
        self.note.setAccessibleName(self.tr("Note"))
        self.note.setTabChangesFocus(True)
        self.note.setFixedHeight(round(self.note.fontMetrics().lineSpacing() * 3.2 + 12))
        self.tags = QLineEdit(self)
        self.tags.setPlaceholderText(self.tr("Tags, separated by commas"))
        self.tags.setAccessibleName(self.tr("Tags"))
        self._note_timer = QTimer(self, singleShot=True, interval=800)
        self._note_timer.timeout.connect(self.flush_note)
        self.note.textChanged.connect(self._note_timer.start)
        self.note.installEventFilter(self)
        self.tags.editingFinished.connect(self._emit_tags)
        KeyboardExit(self.note, self._leave, on_tab=True)  # Tab would land in the tags field
        KeyboardExit(self.tags, self._leave)

        bottom = QWidget(self)
        bottom.setObjectName("readingPaneNotes")
        form = QHBoxLayout(bottom)
        form.setContentsMargins(16, 6, 16, 10)
        note_label = QLabel(self.tr("&Notes"), bottom)
        note_label.setBuddy(self.note)
        tag_label = QLabel(self.tr("&Tags"), bottom)
        tag_label.setBuddy(self.tags)
        form.addWidget(note_label)
        form.addWidget(self.note, 3)
        form.addSpacing(12)
        form.addWidget(tag_label)
        form.addWidget(self.tags, 2)
        bottom.setVisible(editable)
        self.notes_bar = bottom

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.browser, 1)
        layout.addWidget(bottom)
        self._update_fonts()

    # fonts and colours follow the system
    def _update_fonts(self) -> None:
        base = QFont(self.font())
        size = base.pointSizeF() if base.pointSizeF() > 0 else 10.0
        self.body_pt = max(12.0, size * 1.25)
        self.title_pt = self.body_pt * 1.5
        body = QFont(base)
        body.setPointSizeF(self.body_pt)
        self.browser.setFont(body)
        self.browser.document().setDefaultFont(body)
        self.browser.set_text_width(QFontMetricsF(body).averageCharWidth() * LINE_CHARS)
        self._drop_prepared()

    def _drop_prepared(self) -> None:
        if self._prepared is not None:
            self._prepared[1].deleteLater()
            self._prepared = None
        for _key, doc in self._behind.values():
            doc.deleteLater()
        self._behind.clear()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.PaletteChange, QEvent.Type.StyleChange):
            self._update_fonts()
            if self.record_id is not None and self._last is not None:
                self._render(self._last)

    def set_terms(self, include: list[str], exclude: list[str]) -> None:
        terms = (tuple(include), tuple(exclude))
        if terms != self._terms:
            self._terms = terms
            self._pattern = term_pattern(include, exclude, self._search)
            self._drop_prepared()

    def set_search(self, words: list[str]) -> bool:
        """Mark these words (the list's search) as hits; True if that changed anything."""
        if tuple(words) == self._search:
            return False
        self._search = tuple(words)
        self._pattern = term_pattern(*self._terms, self._search)
        self._drop_prepared()
        return True

    # showing a record
    def show_record(self, detail: RecordDetail | None) -> None:
        """Show ``detail`` (None: clear). Flushes the note of the record shown before."""
        self.flush_note()
        self._emit_tags()
        self._last = detail
        if detail is None:
            self.record_id = None
            self._shown = None  # the document is emptied in place
            self.browser.clear()
            self._set_fields("", [])
            self.setEnabled(False)
            return
        self.setEnabled(True)
        self.record_id = detail.record_id
        self._render(detail)
        self._set_fields(detail.note, detail.tags)

    def _set_fields(self, note: str, tags: list[str]) -> None:
        self.note.blockSignals(True)
        self.note.setPlainText(note)
        self.note.blockSignals(False)
        self._note_timer.stop()
        self._note_saved = note
        self._tags_saved = list(tags)
        self.tags.setText(", ".join(tags))

    def _render(self, d: RecordDetail) -> None:
        width = self.browser.viewport().width()
        prepared, self._prepared = self._prepared, None
        behind = self._behind.pop(d.record_id, None)
        key = (_text_of(d), width)
        if prepared is not None and prepared[0] == (d, width):
            doc = prepared[1]  # laid out ahead of time for this very detail
        else:
            if prepared is not None:
                prepared[1].deleteLater()
            if behind is not None and behind[0] == key:
                doc, behind = behind[1], None  # a record shown before (back after an undo): same text
            else:
                doc = self.browser.make_document(self.record_html(d))
        if behind is not None:
            behind[1].deleteLater()
        old = self.browser.document()
        doc.setParent(self)  # the pane keeps its documents: the browser would delete the one it let go
        self.browser.show_document(doc)
        if old is not doc and isValid(old) and old.parent() is self and self._shown is not None:
            shown = self._shown[0].record_id
            if shown in self._behind:
                self._behind.pop(shown)[1].deleteLater()
            self._behind[shown] = (self._shown, old)
            self._trim_behind(2 * BEHIND)  # down to BEHIND while the reviewer reads (prepare)
        self._shown = key

    def prepare(self, detail: RecordDetail) -> None:
        """Lay out a record ahead of time (the next one in the list), so that showing that
        same ``detail`` after a decision costs almost nothing. The documents kept for steps
        back stay: an undo after some reading shows its record at once too."""
        if self._prepared is not None:
            self._prepared[1].deleteLater()
            self._prepared = None
        self._trim_behind(BEHIND)  # the oldest go now, not in the next key's frame
        width = self.browser.viewport().width()
        self._prepared = ((detail, width), self.browser.make_document(self.record_html(detail)))

    def _trim_behind(self, keep: int) -> None:
        while len(self._behind) > keep:
            self._behind.popitem(last=False)[1][1].deleteLater()

    def record_html(self, d: RecordDetail) -> str:
        pal = self.palette()
        text = pal.color(QPalette.ColorRole.Text)
        base = pal.color(QPalette.ColorRole.Base)
        muted = _mix(text, base, 0.38)
        link = pal.color(QPalette.ColorRole.Link).name()
        dark = base.lightness() < 128
        style = DARK if dark else LIGHT
        inc, exc = self._terms

        def hl(s: str) -> str:
            return highlight_html(s, inc, exc, style, self._pattern)

        meta = [author_line(d.authors)] if d.authors else []
        journal = d.journal + (f" {d.volume}" if d.volume else "") + (f"({d.issue})" if d.issue else "")
        if d.journal:
            meta.append(journal + (f": {d.pages}" if d.pages else ""))
        if d.year:
            meta.append(str(d.year))
        links = []
        if d.doi:
            links.append(f'<a href="{html.escape(doi_url(d.doi))}" style="color:{link}">doi:{escape(d.doi)}</a>')
        if d.pmid:
            links.append(f'<a href="{html.escape(pmid_url(d.pmid))}" style="color:{link}">PMID {escape(d.pmid)}</a>')
        for u in d.urls[:2]:
            if QUrl(u).scheme().lower() in SAFE_SCHEMES and not d.doi:
                links.append(f'<a href="{html.escape(u)}" style="color:{link}">{escape(QUrl(u).host() or u)}</a>')
        where = self.tr("From {source} · batch {batch} · {file}, record {pos} · #{id}").format(
            source=escape(d.source or "?"), batch=d.batch_id, file=escape(d.source_file or "?"),
            pos=d.source_position, id=d.record_id,
        )
        small = f"font-size:{self.body_pt * 0.82:.1f}pt; color:{muted};"
        title_pt = title_point_size(d.title, self.body_pt, self._column_chars())  # a long title shrinks
        parts = [
            f'<p style="font-size:{title_pt:.1f}pt; font-weight:600; line-height:128%; '
            f'margin:0 0 10px 0;">{hl(d.title) if d.title else escape(self.tr("(no title)"))}</p>',
            f'<p style="font-size:{self.body_pt * 0.92:.1f}pt; color:{muted}; margin:0 0 4px 0;">'
            f'{" · ".join(escape(m) for m in meta) or escape(self.tr("No authors, journal or year"))}</p>',
        ]
        if links:
            parts.append(f'<p style="{small} margin:0 0 2px 0;">{" &nbsp;·&nbsp; ".join(links)}</p>')
        labels = getattr(d, "labels", None)
        if labels:
            chips = " ".join(
                f'<span style="border:1px solid {muted}; background-color:{_mix(text, base, 0.9)};">'
                f'&nbsp;{escape(name)}&nbsp;</span>' for name in labels)
            parts.append(f'<p style="{small} margin:0 0 4px 0;">{escape(self.tr("Labels"))}&nbsp; {chips}</p>')
        parts.append(f'<p style="{small} margin:0 0 18px 0;">{where}</p>')
        if d.abstract:
            for para in re.split(r"\n\s*\n", d.abstract.strip()):
                parts.append(f'<p style="line-height:160%; margin:0 0 12px 0;">{hl(para.strip())}</p>')
        else:
            parts.append(f'<p style="color:{muted}; font-style:italic;">{escape(self.tr("No abstract."))}</p>')
        if d.keywords:
            kws = " · ".join(hl(k) for k in d.keywords)
            parts.append(
                f'<p style="{small} line-height:150%; margin:14px 0 0 0;">'
                f'<span style="font-weight:600;">{escape(self.tr("Keywords"))}</span>&nbsp; {kws}</p>'
            )
        if inc or exc or self._search:
            s = style
            legend = []
            if inc or exc:
                legend.append(
                    f'<span style="color:{s.include_fg}; background-color:{s.include_bg}; font-weight:700; '
                    f'text-decoration:underline;">{escape(self.tr("include term"))}</span> &nbsp; '
                    f'<span style="color:{s.exclude_fg}; background-color:{s.exclude_bg}; font-weight:700; '
                    f'font-style:italic; text-decoration:underline;">{escape(self.tr("exclude term"))}</span>')
            if self._search:
                legend.append(f'<span style="color:{s.hit_fg}; background-color:{s.hit_bg}; '
                              f'text-decoration:overline;">{escape(self.tr("search hit"))}</span>')
            parts.append(f'<p style="{small} margin:22px 0 0 0;">{" &nbsp; ".join(legend)}</p>')
        return "".join(parts)

    def _column_chars(self) -> float:
        """How many body characters a line of the text column holds now."""
        width = min(self.browser._text_width, max(self.browser.viewport().width() - 40, 1))
        return LINE_CHARS * width / max(self.browser._text_width, 1.0)

    # note and tags
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.note and event.type() == QEvent.Type.FocusOut:
            self.flush_note()
        return super().eventFilter(watched, event)

    def _leave(self) -> None:
        self.flush_note()
        self._emit_tags()
        self.leave.emit()

    def flush_note(self) -> None:
        self._note_timer.stop()
        if self.record_id is None:
            return
        text = self.note.toPlainText()
        if text != self._note_saved:
            self._note_saved = text
            self.note_edited.emit(self.record_id, text)

    def current_tags(self) -> list[str]:
        seen: dict[str, None] = {}
        for t in self.tags.text().split(","):
            if t.strip():
                seen.setdefault(t.strip(), None)
        return list(seen)

    def _emit_tags(self) -> None:
        if self.record_id is None:
            return
        tags = self.current_tags()
        if tags != self._tags_saved:
            self._tags_saved = tags
            self.tags_edited.emit(self.record_id, tags)
