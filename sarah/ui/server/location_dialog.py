"""The first start's first step: where this PC's data lives (before the site and the agent,
which are read from that data)."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from sarah.ui.dialogs.crash import failure_text
from sarah.ui.server.attempt import Attempt, try_server
from sarah.ui.server.location_panel import ChosenLocation, DataLocationPanel
from sarah.ui.server.moving import location_problem
from sarah.ui.workers import run_in_background


class DataLocationDialog(QDialog):
    """On accept, ``chosen`` is the place and ``connect_url`` what to open (a server's URL
    with the password typed); a server is tried before the dialog closes."""

    def __init__(self, target: str | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("SARAH — premier démarrage")
        self.chosen: ChosenLocation | None = None
        self.connect_url: str | None = None
        intro = QLabel(
            "<b>Bienvenue dans SARAH.</b><br>Où sont les données de ce poste ? Un seul poste : "
            "un fichier sur cet ordinateur. Plusieurs Points Relais qui travaillent ensemble : "
            "la base partagée sur le serveur de la structure (demandez ses réglages à "
            "l'administrateur).",
            self,
        )
        intro.setWordWrap(True)
        self.panel = DataLocationPanel(target, self)
        self.ok_button = QPushButton("&Continuer", self)
        self.ok_button.setObjectName("ok")
        self.ok_button.setDefault(True)
        self.ok_button.clicked.connect(self._accept)
        cancel = QPushButton("Annuler", self)
        cancel.setAutoDefault(False)
        cancel.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.ok_button)
        buttons.addWidget(cancel)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.panel)
        layout.addLayout(buttons)
        self.setMinimumWidth(520)
        self.panel.tested.connect(self._tested_by_button)
        (
            self.panel.server_radio
            if self.panel.server_radio.isChecked()
            else self.panel.file_radio
        ).setFocus()

    def _accept(self) -> None:
        problem = self.panel.problem()
        chosen = self.panel.chosen()
        if problem is None and not chosen.on_server:
            problem = location_problem(chosen)
        if problem is not None:
            self.panel.say(problem, error=True)
            return
        if not chosen.on_server:
            self._done(chosen, chosen.target)
            return
        self.ok_button.setEnabled(False)
        self.panel.say("Test de la connexion…")
        url = self.panel.connect_url()
        run_in_background(
            try_server,
            url,
            on_result=lambda attempt: self._tried(chosen, url, attempt),
            on_error=self._failed,
        )

    def _failed(self, exc: BaseException) -> None:
        self.ok_button.setEnabled(True)
        self.panel.say(failure_text("Test impossible", exc, self), error=True)

    def _tried(self, chosen: ChosenLocation, url: str, attempt: Attempt) -> None:
        self.ok_button.setEnabled(True)
        if not attempt.usable:
            self.panel.say(attempt.words(), error=True)
            if attempt.field is not None:
                self.panel.server_form.focus(attempt.field)
            return
        self._done(chosen, url)

    def _tested_by_button(self, attempt: Attempt) -> None:
        if attempt.usable:
            self.ok_button.setFocus()  # Entrée now goes on

    def _done(self, chosen: ChosenLocation, url: str | None) -> None:
        self.chosen = chosen
        self.connect_url = url
        self.accept()
