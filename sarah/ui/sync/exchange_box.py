"""The dossier d'échange part of the Synchroniser dialog: which folder, its last round."""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtWidgets import (
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from sarah.ui.style import HINT_COLOUR
from sarah.ui.sync.exchange import ExchangeFolder

EXPLANATION = (
    "Un dossier partagé ou une clé USB qui passe d'un site à l'autre : SARAH y dépose son paquet "
    "à la fermeture et toutes les 30 minutes si des données ont changé, et y lit les paquets des "
    "autres installations au démarrage et au même rythme."
)


class ExchangeBox(QGroupBox):
    def __init__(self, exchange: ExchangeFolder, parent: QWidget | None = None) -> None:
        super().__init__("Dossier d'échange (automatique)", parent)
        self.exchange = exchange
        explanation = QLabel(EXPLANATION, self)
        explanation.setWordWrap(True)
        explanation.setStyleSheet(f"color: {HINT_COLOUR};")
        self.folder_label = QLabel(self)
        self.folder_label.setObjectName("exchangeFolder")
        self.folder_label.setWordWrap(True)
        self.last_line = QLabel(self)
        self.last_line.setObjectName("exchangeLine")
        self.last_line.setWordWrap(True)
        self.choose_button = QPushButton("Choisir le &dossier d'échange…", self)
        self.choose_button.clicked.connect(self.choose_folder)
        self.stop_button = QPushButton("Ne plus &utiliser", self)
        self.stop_button.clicked.connect(lambda: self.set_folder(None))
        buttons = QHBoxLayout()
        buttons.addWidget(self.folder_label, 1)
        buttons.addWidget(self.choose_button)
        buttons.addWidget(self.stop_button)
        layout = QVBoxLayout(self)
        layout.addWidget(explanation)
        layout.addLayout(buttons)
        layout.addWidget(self.last_line)
        exchange.told.connect(self._told)
        self._show_folder()
        self._told(exchange.last_line)

    def choose_folder(self) -> None:
        start = self.exchange.settings.exchange_dir or ""
        folder = QFileDialog.getExistingDirectory(self, "Dossier d'échange", start)
        self.window().activateWindow()  # no window manager: the keyboard must come back here
        if folder:
            self.set_folder(Path(folder))

    def set_folder(self, folder: Path | None) -> None:
        self.exchange.set_folder(folder)
        self._show_folder()

    def _show_folder(self) -> None:
        folder = self.exchange.folder()
        self.folder_label.setText(
            f"Dossier : <b>{html.escape(str(folder))}</b>"
            if folder
            else "Aucun dossier d'échange sur ce poste."
        )
        self.stop_button.setEnabled(folder is not None)

    def _told(self, text: str) -> None:
        self.last_line.setText(text)
        self.last_line.setToolTip("\n".join(self.exchange.details))
