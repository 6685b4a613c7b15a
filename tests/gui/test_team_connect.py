"""Connecting to a team project on a real PostgreSQL server that asks for passwords and
speaks TLS: plain errors for each way it goes wrong, the password kept in the keyring or
~/.pgpass (and nowhere else: not in the settings, the recent list or the log), and recent
team projects on the start page that reopen with the kept password."""

from __future__ import annotations

import stat
from pathlib import Path

from PySide6.QtCore import Qt

from screener.core import credentials
from screener.core.connection import TeamConnection
from screener.gui.connect_dialog import KEEP_KEYRING, KEEP_NONE, KEEP_PGPASS, ConnectDialog
from screener.gui.errors import log_file, setup_logging
from screener.gui.recent import RecentProjects, app_settings
from screener.store.engine import head_revision
from tests.team_server import PASSWORD, TeamServer

pytest_plugins = ["tests.gui.shell_support", "tests.gui.team_support"]


def dialog_for(qtbot, c, password: str = "", keep: str = KEEP_NONE) -> ConnectDialog:  # type: ignore[no-untyped-def]
    d = ConnectDialog(None, c)
    qtbot.addWidget(d)
    d.show()
    d.password_edit.setText(password)
    d.keep_combo.setCurrentIndex(d.keep_combo.findData(keep))
    return d


def connect(qtbot, d: ConnectDialog) -> str:  # type: ignore[no-untyped-def]
    """Press Connect and wait until it connected or said why not; the status text."""
    qtbot.mouseClick(d.connect_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: d._job is None, timeout=20000)
    return d.status_label.text()


def test_a_wrong_password_is_said_and_the_right_one_goes_to_the_keyring_only(
        qtbot, window, team_server: TeamServer, file_keyring, shell_settings: Path) -> None:  # type: ignore[no-untyped-def]
    setup_logging()
    c = team_server.new_project("connect_keyring")
    d = dialog_for(qtbot, c, "not-her-password", KEEP_KEYRING)
    assert d.keep_combo.model().item(0).isEnabled()  # a keyring is there to keep it in
    said = connect(qtbot, d)
    assert "refused the password for 'ana'" in said
    assert d.project is None and d.isVisible()  # still open, to fix it
    assert d.password_edit.hasFocus()
    d.password_edit.setText(PASSWORD)
    assert connect(qtbot, d) == "" or d.project is not None
    assert d.project is not None
    assert credentials.keyring_password(c) == PASSWORD
    assert window.start_workspace(d.project, "ana")
    window.close_project()
    assert RecentProjects().paths()[0] == c.url
    app_settings().sync()
    for f in [*shell_settings.rglob("*"), log_file()]:
        if f.is_file():
            assert PASSWORD not in f.read_text(encoding="utf-8", errors="replace"), f
    assert c.url in log_file().read_text(encoding="utf-8")  # the log names the server, not the password


def test_a_recent_team_project_is_on_the_start_page_and_reopens_with_its_kept_password(
        qtbot, window, team_server: TeamServer, file_keyring) -> None:  # type: ignore[no-untyped-def]
    c = team_server.new_project("connect_recent")
    credentials.save_to_keyring(c, PASSWORD)
    recent = RecentProjects()
    recent.add(c.url)
    recent.set_last_reviewer(c.url, "bob")
    window.start_page.refresh()
    shown = window.start_page.recent_model.index(0).data()
    assert shown.startswith("connect_recent on 127.0.0.1")
    assert f"Team project · ana@127.0.0.1:{c.port}" in shown
    window.start_page.recent_view.setFocus()
    qtbot.keyClick(window.start_page.recent_view, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.workspace is not None, timeout=20000)
    assert window.workspace.reviewer == "bob"
    assert window.workspace.project.target == c.url


def test_reopening_without_a_kept_password_asks_for_it_saying_why(
        qtbot, window, team_server: TeamServer, file_keyring, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    c = team_server.new_project("connect_ask")
    asked: list[str] = []

    def fake_exec(self: ConnectDialog) -> int:
        asked.append(self.status_label.text())
        assert self.host_edit.text() == "127.0.0.1" and self.database_edit.text() == "connect_ask"
        return 0

    monkeypatch.setattr(ConnectDialog, "exec", fake_exec)
    assert window.open_project(c.url)
    qtbot.waitUntil(lambda: bool(asked), timeout=20000)
    assert "asks for a password for 'ana'" in asked[0]
    assert window.workspace is None


def test_the_password_can_go_to_pgpass_readable_by_its_owner_only(
        qtbot, team_server: TeamServer, file_keyring, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "pgpass"))
    c = team_server.new_project("connect_pgpass")
    d = dialog_for(qtbot, c, PASSWORD, KEEP_PGPASS)
    connect(qtbot, d)
    assert d.project is not None
    d.project.close()
    path = tmp_path / "pgpass"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_text().strip() == f"127.0.0.1:{c.port}:connect_pgpass:ana:{PASSWORD}"
    assert credentials.keyring_password(c) is None
    # the driver reads it by itself: a second connection needs no password typed
    again = dialog_for(qtbot, c)
    assert "kept in ~/.pgpass" in again.password_edit.placeholderText()
    connect(qtbot, again)
    assert again.project is not None
    again.project.close()


def test_tls_with_the_servers_root_certificate_and_without(qtbot, team_server: TeamServer,
                                                           file_keyring) -> None:  # type: ignore[no-untyped-def]
    c = team_server.new_project("connect_tls")
    d = dialog_for(qtbot, team_server.connection("connect_tls", sslmode="verify-full"), PASSWORD)
    assert d.cert_edit.isEnabled()
    d.cert_edit.setText(str(team_server.server.root / "nowhere.crt"))
    assert "certificate could not be verified" in connect(qtbot, d)
    d.cert_edit.setText(str(team_server.ca))
    connect(qtbot, d)
    assert d.project is not None
    kept = TeamConnection.from_url(d.project.target)
    assert (kept.sslmode, kept.sslrootcert) == ("verify-full", str(team_server.ca))
    d.project.close()
    assert c.database == "connect_tls"


def test_a_server_that_only_takes_tls_says_so(qtbot, team_server: TeamServer, file_keyring) -> None:  # type: ignore[no-untyped-def]
    team_server.admin('CREATE DATABASE "tls_only" OWNER tlsonly')
    d = dialog_for(qtbot, team_server.connection("tls_only", user="tlsonly", sslmode="disable"),
                   "tls-pw")
    assert not d.cert_edit.isEnabled()
    said = connect(qtbot, d)
    assert "accepts only encrypted connections" in said and "'disable'" in said
    # with TLS it gets in, and then finds the database is no Screener project
    d.tls_combo.setCurrentIndex(d.tls_combo.findData("require"))
    said = connect(qtbot, d)
    assert "not a Screener project" in said
    assert d.project is None


def test_an_unreachable_server_is_said_plainly_and_the_window_stays_responsive(
        qtbot, team_server: TeamServer, file_keyring) -> None:  # type: ignore[no-untyped-def]
    c = team_server.connection("anything")
    d = dialog_for(qtbot, type(c)(host="127.0.0.1", database="anything", user="ana", port=1), "pw")
    said = connect(qtbot, d)
    assert said.startswith("Cannot reach the server at 127.0.0.1:1")
    d.host_edit.setText("no-such-host.invalid")
    assert "Cannot reach the server at no-such-host.invalid" in connect(qtbot, d)


def test_a_server_schema_newer_than_this_client_is_refused_naming_both(
        qtbot, team_server: TeamServer, file_keyring) -> None:  # type: ignore[no-untyped-def]
    c = team_server.new_project("connect_newer")
    team_server.admin("UPDATE alembic_version SET version_num = '9999'", database="connect_newer")
    d = dialog_for(qtbot, c, PASSWORD)
    said = connect(qtbot, d)
    assert "schema 9999" in said and f"reads schema {head_revision()}" in said
    assert d.project is None


def test_a_missing_part_is_named_before_anything_is_tried(qtbot, team_server: TeamServer) -> None:  # type: ignore[no-untyped-def]
    d = dialog_for(qtbot, None)
    d.host_edit.setText("127.0.0.1")
    qtbot.mouseClick(d.connect_button, Qt.MouseButton.LeftButton)
    assert d.status_label.text() == "Give the database."
    assert d._job is None
