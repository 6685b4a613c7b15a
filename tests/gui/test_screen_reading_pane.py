"""The reading pane: record text shown as text (never markup), links only through the system
browser, terms marked with colour and weight, a comfortable column, notes and tags saved."""

from __future__ import annotations

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QFontMetricsF, QTextDocument

from screener.gui.context import Workspace
from screener.gui.highlight import highlight_html, term_pattern
from screener.gui.reading_pane import LINE_CHARS
from screener.gui.screen_view import ScreenView

from .conftest import parsed

EVIL = '<b>x</b><script>alert(1)</script><img src="http://example.com/x.png">'


def test_html_in_a_title_or_abstract_is_shown_literally(qtbot, make_screen_project, show_view, monkeypatch):
    record = parsed(1, EVIL, abstract="Before <i>not italic</i> & <a href='http://evil.example'>link</a> after",
                    keywords=["<u>kw</u>"], authors=["<b>Bold</b>, A."], journal="J <img src=x>")
    project = make_screen_project([record], reviewers=("ana",), required=1, include_terms=["script"])
    loaded: list[object] = []
    view = show_view(ScreenView(Workspace(project, "ana")))
    monkeypatch.setattr(type(view.pane.browser), "loadResource",
                        lambda self, kind, url: loaded.append(url))  # would record any fetch
    view.pane.show_record(project.records.detail(1, viewer="ana"))
    text = view.pane.browser.toPlainText()
    assert EVIL in text  # every character of the title, shown as typed
    assert "<i>not italic</i>" in text and "<a href='http://evil.example'>link</a>" in text
    assert "<u>kw</u>" in text and "<b>Bold</b>, A." in text and "J <img src=x>" in text
    html = view.pane.browser.toHtml()
    assert "<script" not in html and "<img" not in html and html.count("&lt;") >= 6
    # no anchor but the record's own DOI/PMID links, no image in the document
    doc: QTextDocument = view.pane.browser.document()
    block = doc.begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            fmt = it.fragment().charFormat()
            assert not fmt.isImageFormat()
            assert not fmt.isAnchor() or fmt.anchorHref().startswith("https://")
            it += 1
        block = block.next()
    assert loaded == []
    title = view.model.index(0, 1).data(Qt.ItemDataRole.DisplayRole)
    assert title == EVIL  # the list shows it as plain text too


def test_links_open_only_in_the_system_browser(qtbot, make_screen_project, show_view, monkeypatch):
    record = parsed(1, "Linked", doi="10.1017/s2045796024000751", pmid="39801361")
    project = make_screen_project([record], reviewers=("ana",), required=1)
    view = show_view(ScreenView(Workspace(project, "ana")))
    opened: list[QUrl] = []
    monkeypatch.setattr("screener.gui.reading_pane.QDesktopServices.openUrl", lambda url: opened.append(url))
    browser = view.pane.browser
    assert not browser.openLinks() and not browser.openExternalLinks()
    text = browser.toPlainText()
    assert "doi:10.1017/s2045796024000751" in text and "PMID 39801361" in text
    source = browser.document().toPlainText()
    browser.anchorClicked.emit(QUrl("https://doi.org/10.1017/s2045796024000751"))
    browser.anchorClicked.emit(QUrl("file:///etc/passwd"))  # never a local file or other scheme
    browser.anchorClicked.emit(QUrl("javascript:alert(1)"))
    assert [u.toString() for u in opened] == ["https://doi.org/10.1017/s2045796024000751"]
    assert browser.document().toPlainText() == source  # the pane itself never navigates


def test_terms_are_marked_with_colour_and_weight_never_colour_alone():
    html = highlight_html("Diagnostic accuracy in mice", ["diagnos*"], ["mice"])
    inc, exc = html.split("</span>")[0], html.split("</span>")[1]
    assert "Diagnostic" in inc and "font-weight:700" in inc and "underline" in inc and "#00508a" in inc
    assert "mice" in exc and "font-weight:700" in exc and "italic" in exc and "#8a3b00" in exc
    assert highlight_html("a <mice> & b", [], ["mice"]).startswith("a &lt;<span")
    assert term_pattern([], []) is None
    assert highlight_html("<b>", [], []) == "&lt;b&gt;"


def test_the_abstract_is_set_for_reading(qtbot, make_screen_project, show_view):
    project = make_screen_project([parsed(1, "T", abstract="word " * 400)], reviewers=("ana",), required=1,
                                  include_terms=["word"])
    view = show_view(ScreenView(Workspace(project, "ana")), size=(1600, 900))
    pane = view.pane
    body = pane.browser.document().defaultFont()
    assert body.pointSizeF() >= 12
    chars = pane.browser._text_width / QFontMetricsF(body).averageCharWidth()
    assert 80 <= chars <= 90 and LINE_CHARS == round(chars)
    assert "line-height:160%" in pane.record_html(project.records.detail(1))
    assert "include term" in pane.browser.toPlainText()  # the legend names the marks


def test_notes_and_tags_are_saved(qtbot, make_screen_project, show_view):
    project = make_screen_project(2, reviewers=("ana", "ben"), required=2)
    view = show_view(ScreenView(Workspace(project, "ana")))
    view.pane.note.setFocus()
    qtbot.waitUntil(view.pane.note.hasFocus)
    qtbot.keyClicks(view.pane.note, "check the sample size")
    qtbot.waitUntil(lambda: project.records.detail(1, viewer="ana").note == "check the sample size", timeout=3000)
    qtbot.keyClicks(view.pane.note, "!")
    view.table.setFocus()  # leaving the field saves at once
    assert project.records.detail(1, viewer="ana").note == "check the sample size!"
    assert project.records.detail(1, viewer="ben").note == ""  # notes are the reviewer's own
    view.pane.tags.setFocus()
    qtbot.keyClicks(view.pane.tags, "pilot, peer")
    qtbot.keyClick(view.pane.tags, Qt.Key.Key_Return)
    assert project.records.detail(1).tags == ["peer", "pilot"]
    view.table.setFocus()
    qtbot.keyClick(view.table, Qt.Key.Key_J)
    qtbot.keyClick(view.table, Qt.Key.Key_K)
    assert view.pane.note.toPlainText() == "check the sample size!"
    assert view.pane.tags.text() == "peer, pilot"
