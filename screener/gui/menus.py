"""The main window's actions and menus: File, Review, Help.

Every action has a name for assistive technology, a status tip, and (for the common
ones) a shortcut with a modifier, so plain letters stay free for screening keys.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QMenu

from screener.gui.attach_folder_dialog import attach_pdfs_from_folder
from screener.gui.package_actions import merge_package, write_package
from screener.gui.start_page import describe
from screener.types import Stage

if TYPE_CHECKING:
    from screener.gui.main_window import MainWindow

TABS = [("screen", "Screen"), ("duplicates", "Duplicates"), ("conflicts", "Conflicts"),
        ("prisma", "PRISMA"), ("batches", "Batches"), ("settings", "Settings"), ("team", "Team")]


class Menus:
    def __init__(self, window: MainWindow) -> None:
        self.window = window
        w = window
        tr = window.tr
        self.all: list[QAction] = []
        self.new = self._action(tr("&New project…"), w.new_project, QKeySequence.StandardKey.New,
                                tr("Create a review project"))
        self.open = self._action(tr("&Open project…"), w.open_project_dialog,
                                 QKeySequence.StandardKey.Open, tr("Open a .screener file"))
        self.connect = self._action(tr("Connect to a &team project…"), w.connect_team_project,
                                    "Ctrl+Shift+O",
                                    tr("Open a project your team keeps on a PostgreSQL server"))
        self.demo = self._action(tr("Open the &demo project"), w.open_demo, None,
                                 tr("Open (or create) the demo project"))
        self.import_ = self._action(tr("&Import…"), lambda: w.import_files(None), "Ctrl+I",
                                    tr("Import search results as a new batch"))
        self.exports = {
            what: self._action(text, lambda _=False, what=what: w.export(what), None, text)
            for what, text in (
                ("included", tr("&Included records…")), ("excluded", tr("&Excluded records…")),
                ("all", tr("&All records…")), ("decisions", tr("&Decision log…")),
            )
        }
        self.package = self._action(
            tr("Write a screening &package…"),
            lambda: w.workspace and write_package(w, w.workspace, w.tasks), None,
            tr("A project file for one reviewer to screen offline, others' decisions withheld"))
        self.merge = self._action(
            tr("&Merge a returned package…"),
            lambda: w.workspace and merge_package(w, w.workspace, w.tasks), None,
            tr("Bring a reviewer's decisions from a screening package into this project"))
        self.attach_folder = self._action(
            tr("Attach &PDFs from a folder…"), lambda: w.workspace and attach_pdfs_from_folder(w, w.workspace), None,
            tr("Attach the PDFs of a folder (Zotero storage, EndNote .Data…) to the records at full text"))
        self.close = self._action(tr("&Close project"), w.close_project, "Ctrl+W",
                                  tr("Close the project"))
        self.quit = self._action(tr("&Quit"), w.close, QKeySequence.StandardKey.Quit,
                                 tr("Quit Screener"))
        self.switch = self._action(tr("&Switch reviewer…"), w.switch_reviewer, "Ctrl+Shift+R",
                                   tr("Choose who is screening"))
        self.stage_group = QActionGroup(window)
        self.stages = {}
        for stage, text, key in ((Stage.TITLE_ABSTRACT.value, tr("&Title/abstract"), "Ctrl+Shift+T"),
                                 (Stage.FULL_TEXT.value, tr("&Full text"), "Ctrl+Shift+F")):
            a = self._action(text, lambda _=False, s=stage: w.set_stage(s), key,
                             tr("Screen at this stage"))
            a.setCheckable(True)
            self.stage_group.addAction(a)
            self.stages[stage] = a
        self.tabs = {}
        for i, (key, text) in enumerate(TABS, start=1):
            self.tabs[key] = self._action(tr(text), lambda _=False, k=key: w.show_view(k),
                                          f"Ctrl+{i}", tr("Show the {0} tab").format(tr(text)))
        self.stopping = self._action(tr("When can I &stop?"), lambda: w.stopping.toggle(), "Ctrl+Shift+S",
                                     tr("Stopping figures, how each is computed, and the team's decision"))
        self.shortcuts = self._action(tr("&Keyboard shortcuts"), w.show_shortcuts,
                                      QKeySequence.StandardKey.HelpContents,
                                      tr("List every keyboard shortcut"))
        self.about = self._action(tr("&About Screener"), w.show_about, None,
                                  tr("Version, licence and where the logs are"))
        self.about.setMenuRole(QAction.MenuRole.AboutRole)
        self.quit.setMenuRole(QAction.MenuRole.QuitRole)
        self._menus()

    def _action(self, text: str, slot: Callable[..., Any], key: Any, tip: str) -> QAction:
        a = QAction(text, self.window)
        a.triggered.connect(slot)
        if key is not None:
            a.setShortcut(QKeySequence(key))
        a.setStatusTip(tip)
        a.setToolTip(tip)
        a.setObjectName(text.replace("&", "").rstrip("…").strip())
        self.window.addAction(a)  # shortcuts work even where the menu bar is hidden
        self.all.append(a)
        return a

    def _menus(self) -> None:
        tr = self.window.tr
        bar = self.window.menuBar()
        file = bar.addMenu(tr("&File"))
        file.addActions([self.new, self.open, self.connect])
        self.recent_menu = file.addMenu(tr("Open &recent"))
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        file.addAction(self.demo)
        file.addSeparator()
        file.addAction(self.import_)
        file.addAction(self.attach_folder)
        self.export_menu = file.addMenu(tr("&Export"))
        self.export_menu.addActions(list(self.exports.values()))
        file.addSeparator()
        file.addActions([self.package, self.merge])
        file.addSeparator()
        file.addActions([self.close, self.quit])
        review = bar.addMenu(tr("&Review"))
        review.addAction(self.switch)
        stage = review.addMenu(tr("S&tage"))
        stage.addActions(list(self.stages.values()))
        review.addSeparator()
        review.addActions(list(self.tabs.values()))
        review.addSeparator()
        review.addAction(self.stopping)
        help_ = bar.addMenu(tr("&Help"))
        help_.addActions([self.shortcuts, self.about])
        for menu in bar.findChildren(QMenu):
            menu.setAccessibleName(menu.title().replace("&", ""))

    def _fill_recent(self) -> None:
        menu = self.recent_menu
        menu.clear()
        paths = self.window.recent.paths()
        for path in paths:
            a = menu.addAction(Path(path).name if "://" not in path else describe(path)[0])
            a.setToolTip(path)
            a.setStatusTip(path)
            a.triggered.connect(lambda _=False, p=path: self.window.open_project(p))
        if not paths:
            a = menu.addAction(self.window.tr("No recent projects"))
            a.setEnabled(False)

    def update(self, has_project: bool, stage: str = "") -> None:
        for a in [self.import_, self.attach_folder, self.close, self.switch, self.package, self.merge, self.stopping,
                  *self.exports.values(),
                  *self.stages.values(), *self.tabs.values()]:
            a.setEnabled(has_project)
        self.export_menu.setEnabled(has_project)
        if stage in self.stages:
            self.stages[stage].setChecked(True)
