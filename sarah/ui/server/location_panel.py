"""Where the data lives: "Fichier sur ce poste" or "Base partagée sur un serveur".

The panel is part of the first start (its first step) and of Fichier > Poste de travail. The
connection test runs in a worker and says in French what is wrong, or what the server holds.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from sarah import paths
from sarah.db import sqlite_file
from sarah.services.server.keychain import server_url, stored_password
from sarah.services.server.location import server_fields
from sarah.ui.dialogs.crash import failure_text
from sarah.ui.server.attempt import Attempt, try_server
from sarah.ui.server.fields_form import ServerFieldsForm
from sarah.ui.style import ERROR_STYLE, HINT_COLOUR, SUCCESS_STYLE
from sarah.ui.workers import run_in_background

TESTING = "Test de la connexion…"


@dataclass(frozen=True)
class ChosenLocation:
    """What the panel says: ``target`` as the settings keep it (None: the default file; a
    server's URL has no password), and the password typed for a server."""

    target: str | None
    password: str = ""

    @property
    def on_server(self) -> bool:
        return server_fields(self.target) is not None if self.target else False


def canonical(target: str | None) -> str:
    """One spelling per place: a server's URL rebuilt from its fields, a file's full path."""
    fields = server_fields(target) if target else None
    if fields is not None:
        return server_url(fields)
    return str(sqlite_file(target))


class DataLocationPanel(QGroupBox):
    """The two choices and their fields. ``tested`` carries each connection test's Attempt."""

    tested = Signal(object)

    def __init__(self, target: str | None, parent: QWidget | None = None) -> None:
        super().__init__("Où sont les données", parent)
        self.setObjectName("dataLocation")
        self.file_radio = QRadioButton("&Fichier sur ce poste", self)
        self.file_radio.setObjectName("onFile")
        self.server_radio = QRadioButton("Base partagée sur un &serveur", self)
        self.server_radio.setObjectName("onServer")
        group = QButtonGroup(self)
        group.addButton(self.file_radio)
        group.addButton(self.server_radio)
        self.file_edit = QLineEdit(self)
        self.file_edit.setObjectName("file")
        self.file_edit.setPlaceholderText(f"par défaut : {paths.default_database()}")
        self.file_edit.setToolTip("Vide : le fichier par défaut de ce poste")
        self.browse_button = QPushButton("&Choisir…", self)
        self.browse_button.setAutoDefault(False)
        self.browse_button.clicked.connect(self._browse)
        self.server_form = ServerFieldsForm(self)
        self.test_button = QPushButton("&Tester la connexion", self)
        self.test_button.setObjectName("test")
        self.test_button.setAutoDefault(False)
        self.test_button.clicked.connect(self.test_connection)
        self.verdict_label = QLabel(self)
        self.verdict_label.setObjectName("verdict")
        self.verdict_label.setWordWrap(True)
        self._lay_out()
        self.server_radio.toggled.connect(self._show_choice)
        self._initial = target
        self._initial_password = ""
        self._fill(target)

    def _lay_out(self) -> None:
        file_row = QHBoxLayout()
        file_row.setContentsMargins(24, 0, 0, 0)
        file_row.addWidget(self.file_edit, 1)
        file_row.addWidget(self.browse_button)
        self.server_box = QWidget(self)
        server_layout = QVBoxLayout(self.server_box)
        server_layout.setContentsMargins(24, 0, 0, 0)
        server_layout.addWidget(self.server_form)
        test_row = QHBoxLayout()
        test_row.addWidget(self.test_button)
        test_row.addWidget(self.verdict_label, 1)
        server_layout.addLayout(test_row)
        layout = QVBoxLayout(self)
        layout.addWidget(self.file_radio)
        layout.addLayout(file_row)
        layout.addWidget(self.server_radio)
        layout.addWidget(self.server_box)

    def _fill(self, target: str | None) -> None:
        fields = server_fields(target) if target else None
        if fields is None:
            self.file_radio.setChecked(True)
            self.file_edit.setText(target or "")
        else:
            self._initial_password = stored_password(fields) or ""
            self.server_form.set_fields(fields, self._initial_password)
            self.server_radio.setChecked(True)
        self._show_choice()

    def _show_choice(self, *_args: object) -> None:
        on_server = self.server_radio.isChecked()
        self.server_box.setVisible(on_server)
        self.file_edit.setEnabled(not on_server)
        self.browse_button.setEnabled(not on_server)

    def _browse(self) -> None:
        start = self.file_edit.text() or str(paths.default_database())
        chosen, _filter = QFileDialog.getSaveFileName(
            self,
            "Fichier de données SARAH",
            start,
            "Base SARAH (*.sqlite);;Tous les fichiers (*)",
            options=QFileDialog.Option.DontConfirmOverwrite,
        )
        if chosen:
            self.file_edit.setText(chosen)

    # --- reading ---------------------------------------------------------------------------------

    def problem(self) -> str | None:
        """What must be filled before the choice can be used (the cursor goes there)."""
        if not self.server_radio.isChecked():
            return None
        missing = self.server_form.missing()
        if missing is None:
            return None
        name, words = missing
        self.server_form.focus(name)
        return words

    def chosen(self) -> ChosenLocation:
        if self.server_radio.isChecked():
            return ChosenLocation(
                server_url(self.server_form.fields()), self.server_form.password()
            )
        text = self.file_edit.text().strip()
        if not text:
            return ChosenLocation(None)
        return ChosenLocation(str(Path(text).expanduser()))

    def changed(self) -> bool:
        """True when the choice is not where the data lived when the panel opened, or the
        server's password is not the one the keychain gave (a new password: kept once tried)."""
        chosen = self.chosen()
        if canonical(chosen.target) != canonical(self._initial):
            return True
        return chosen.on_server and chosen.password != self._initial_password

    def connect_url(self) -> str:
        """The URL to try: the server's fields with the password typed."""
        return server_url(self.server_form.fields(), self.server_form.password() or None)

    # --- the test ------------------------------------------------------------------------------

    def test_connection(self) -> None:
        problem = self.problem()
        if problem is not None:
            self.say(problem, error=True)
            return
        self.test_button.setEnabled(False)
        self.say(TESTING)
        run_in_background(
            try_server, self.connect_url(), on_result=self._tested, on_error=self._failed
        )

    def _failed(self, exc: BaseException) -> None:
        self.test_button.setEnabled(True)
        self.say(failure_text("Test impossible", exc, self), error=True)

    def _tested(self, attempt: Attempt) -> None:
        self.test_button.setEnabled(True)
        self.say(attempt.words(), error=not attempt.usable)
        if attempt.field is not None:
            self.server_form.focus(attempt.field)
        self.tested.emit(attempt)

    def say(self, text: str, *, error: bool = False) -> None:
        self.verdict_label.setText(text)
        if text == TESTING:
            self.verdict_label.setStyleSheet(f"color: {HINT_COLOUR};")
        else:
            self.verdict_label.setStyleSheet(ERROR_STYLE if error else SUCCESS_STYLE)
