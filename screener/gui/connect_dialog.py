"""Connecting to a team project on a PostgreSQL server: where it is, who you are, TLS, and
where (if anywhere) the password is remembered.

The connection is made on a worker thread, so a server that does not answer never
freezes the window; what went wrong is said inline, in one sentence, and the dialog stays
open to fix it. The password is kept in the system keyring or ``~/.pgpass`` only, and only
when the reviewer asks for it.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from screener.core import credentials
from screener.core.connection import SSL_MODES, VERIFYING, TeamConnection
from screener.core.project import Project
from screener.gui.recent import dialog_folder, remember_folder
from screener.gui.widgets import FILE_DIALOG_OPTIONS, heading, muted
from screener.gui.worker import WorkRunner
from screener.types import ScreenerError, Work

log = logging.getLogger(__name__)

TLS_TEXT = {
    "disable": "disable: no encryption",
    "allow": "allow: encrypt only if the server insists",
    "prefer": "prefer: encrypt if the server offers it",
    "require": "require: always encrypt",
    "verify-ca": "verify-ca: encrypt, and check the server's certificate",
    "verify-full": "verify-full: encrypt, check the certificate and the server's name",
}
KEEP_KEYRING, KEEP_PGPASS, KEEP_NONE = "keyring", "pgpass", "none"


def open_work(c: TeamConnection, password: str | None) -> Work[Project]:
    yield from ()
    return Project.open(c.url, password=password)


class ConnectDialog(QDialog):
    """On success ``project`` is the open project and the password is kept where asked."""

    def __init__(self, parent: QWidget | None = None, connection: TeamConnection | None = None,
                 message: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Connect to a team project"))
        self.setAccessibleName(self.tr("Connect to a team project"))
        self.setMinimumWidth(560)
        self.project: Project | None = None
        self.runner = WorkRunner(parent=self)
        self._job = None
        self._cancelled = False
        self._keyring = credentials.keyring_backend_name()

        self.host_edit = self._line(self.tr("Server"), self.tr("e.g. db.example.org"))
        self.port_spin = QSpinBox(self)
        self.port_spin.setRange(1, 65535)
        self.port_spin.setValue(5432)
        self.port_spin.setAccessibleName(self.tr("Port"))
        self.database_edit = self._line(self.tr("Database"), self.tr("the project's database"))
        self.user_edit = self._line(self.tr("User"), self.tr("your login on the server"))
        self.password_edit = self._line(self.tr("Password"), "")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.keep_combo = QComboBox(self)
        self.keep_combo.setAccessibleName(self.tr("Remember the password"))
        self.keep_combo.addItem(self.tr("in the system keyring") if self._keyring
                                else self.tr("in the system keyring (none on this computer)"),
                                KEEP_KEYRING)
        self.keep_combo.addItem(self.tr("in ~/.pgpass (readable by you only)"), KEEP_PGPASS)
        self.keep_combo.addItem(self.tr("do not remember it"), KEEP_NONE)
        if not self._keyring:
            self.keep_combo.model().item(0).setEnabled(False)  # type: ignore[attr-defined]
        self.keep_combo.setCurrentIndex(0 if self._keyring else 2)
        self.tls_combo = QComboBox(self)
        self.tls_combo.setAccessibleName(self.tr("TLS mode"))
        for mode in SSL_MODES:
            self.tls_combo.addItem(self.tr(TLS_TEXT[mode]), mode)
        self.tls_combo.setCurrentIndex(SSL_MODES.index("prefer"))
        self.tls_combo.currentIndexChanged.connect(self._tls_changed)
        self.cert_edit = self._line(self.tr("Root certificate"),
                                    self.tr("the certificate authority's file (.crt or .pem)"))
        self.cert_button = QPushButton(self.tr("Choose…"), self)
        self.cert_button.setAccessibleName(self.tr("Choose the root certificate"))
        self.cert_button.clicked.connect(self._choose_cert)
        cert_row = QHBoxLayout()
        cert_row.addWidget(self.cert_edit, 1)
        cert_row.addWidget(self.cert_button)

        form = QFormLayout()
        form.addRow(self.tr("&Server:"), self.host_edit)
        form.addRow(self.tr("&Port:"), self.port_spin)
        form.addRow(self.tr("&Database:"), self.database_edit)
        form.addRow(self.tr("&User:"), self.user_edit)
        form.addRow(self.tr("Pass&word:"), self.password_edit)
        form.addRow(self.tr("&Remember it:"), self.keep_combo)
        form.addRow(self.tr("&TLS:"), self.tls_combo)
        cert_label = QLabel(self.tr("Root &certificate:"), self)
        cert_label.setBuddy(self.cert_edit)
        form.addRow(cert_label, cert_row)

        self.status_label = QLabel(self)
        self.status_label.setWordWrap(True)
        self.status_label.setAccessibleName(self.tr("Connection status"))
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        self.connect_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.connect_button.setText(self.tr("&Connect"))
        self.buttons.accepted.connect(self.try_connect)
        self.buttons.rejected.connect(self.reject)

        hint = muted(QLabel(self.tr(
            "A project your team keeps on a PostgreSQL server. Ask whoever runs the server for "
            "these details. The password is never written into Screener's settings."), self))
        hint.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(heading(self.tr("Connect to a team project"), self))
        layout.addWidget(hint)
        layout.addLayout(form)
        layout.addWidget(self.status_label)
        layout.addWidget(self.buttons)

        for edit in (self.host_edit, self.database_edit, self.user_edit):  # not per key press:
            edit.editingFinished.connect(self._parts_changed)  # a keyring look-up can be slow
        self.port_spin.editingFinished.connect(self._parts_changed)
        if connection is not None:
            self.set_connection(connection)
        self._tls_changed()
        self._parts_changed()
        self.show_status(message, error=bool(message))
        first_empty = next((e for e in (self.host_edit, self.database_edit, self.user_edit)
                            if not e.text()), self.password_edit)
        first_empty.setFocus()

    def _line(self, name: str, placeholder: str) -> QLineEdit:
        edit = QLineEdit(self)
        edit.setAccessibleName(name)
        edit.setPlaceholderText(placeholder)
        return edit

    # the form
    def set_connection(self, c: TeamConnection) -> None:
        self.host_edit.setText(c.host)
        self.port_spin.setValue(c.port)
        self.database_edit.setText(c.database)
        self.user_edit.setText(c.user)
        self.tls_combo.setCurrentIndex(SSL_MODES.index(c.sslmode) if c.sslmode in SSL_MODES else 2)
        self.cert_edit.setText(c.sslrootcert)

    def connection(self) -> TeamConnection:
        mode = str(self.tls_combo.currentData())
        return TeamConnection(
            host=self.host_edit.text().strip(), database=self.database_edit.text().strip(),
            user=self.user_edit.text().strip(), port=self.port_spin.value(), sslmode=mode,
            sslrootcert=self.cert_edit.text().strip() if self.cert_edit.isEnabled() else "")

    def _tls_changed(self) -> None:
        mode = str(self.tls_combo.currentData())
        on = mode in ("require", *VERIFYING)
        self.cert_edit.setEnabled(on)
        self.cert_button.setEnabled(on)

    def _parts_changed(self) -> None:
        """Say where a remembered password will come from, without showing it."""
        c = self.connection()
        if not (c.host and c.database and c.user):
            self.password_edit.setPlaceholderText("")
            return
        _pw, where = credentials.stored_password(c)
        self.password_edit.setPlaceholderText(
            self.tr("kept in the system keyring") if where == "keyring"
            else self.tr("kept in ~/.pgpass") if where == "pgpass"
            else self.tr("if the server asks for one"))

    def _choose_cert(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Root certificate"), str(dialog_folder("certificate")),
            self.tr("Certificates (*.crt *.pem *.cer);;All files (*)"), options=FILE_DIALOG_OPTIONS)
        if path:
            remember_folder("certificate", path)
            self.cert_edit.setText(path)

    def show_status(self, text: str, error: bool = False) -> None:
        self.status_label.setText(text)
        self.status_label.setStyleSheet("color: #a33a00;" if error else "")
        self.status_label.setVisible(bool(text))

    def _set_busy(self, busy: bool) -> None:
        for w in (self.host_edit, self.port_spin, self.database_edit, self.user_edit,
                  self.password_edit, self.keep_combo, self.tls_combo, self.connect_button):
            w.setEnabled(not busy)
        if not busy:
            self._tls_changed()

    # connecting
    def try_connect(self) -> None:
        if self._job is not None:
            return
        try:
            c = self.connection().check()
        except ScreenerError as e:
            self.show_status(str(e).capitalize() + ".", error=True)
            return
        typed = self.password_edit.text()
        password = typed or credentials.stored_password(c)[0]
        self._set_busy(True)
        self.show_status(self.tr("Connecting to {0}…").format(f"{c.host}:{c.port}"))
        log.info("connecting to %s", c.url)

        def done(project: Project) -> None:
            self._job = None
            if self._cancelled:
                project.close()  # cancelled while connecting
                return
            self._connected(c, project, typed)

        def failed(error: Exception) -> None:
            self._job = None
            self._set_busy(False)
            message = str(error) if isinstance(error, ScreenerError) else \
                self.tr("Cannot connect: {0}").format(str(error).splitlines()[0] if str(error) else
                                                       type(error).__name__)
            log.info("connecting to %s failed: %s", c.url, message)
            self.show_status(message, error=True)
            if "password" in message:
                self.password_edit.setFocus()
                self.password_edit.selectAll()

        self._job = self.runner.start(open_work(c, password), done, failed)

    def _connected(self, c: TeamConnection, project: Project, typed: str) -> None:
        keep = self.keep_combo.currentData()
        if typed and keep != KEEP_NONE:
            try:
                if keep == KEEP_KEYRING:
                    credentials.save_to_keyring(c, typed)
                else:
                    credentials.save_to_pgpass(c, typed)
            except ScreenerError as e:  # connected all the same; say the password is not kept
                log.info("the password was not kept: %s", e)
                project.close()
                self._set_busy(False)
                self.show_status(self.tr("Connected, but {0}. Choose another place to keep it, "
                                         "or do not remember it.").format(e), error=True)
                return
        self.project = project
        self.accept()

    def reject(self) -> None:
        self._cancelled = True  # a connection still being made is closed when it arrives
        super().reject()
