"""The network key part of the Synchroniser dialog: which network this post belongs to, or how
to join one ("Importer la clé du réseau…": the file the coordination made)."""

from __future__ import annotations

import html
from datetime import date
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from sarah.services.sync.keys import (
    create_network_key,
    install_key,
    installed_key,
    read_key_file,
)
from sarah.ui.context import AppContext
from sarah.ui.dialogs.crash import failure_text
from sarah.ui.style import ERROR_STYLE

NO_KEY_TEXT = (
    "<b>Ce poste n'a pas encore la clé du réseau</b> : sans elle, aucun paquet ne peut être "
    "écrit ni lu. Demandez à la coordination le fichier de clé du réseau (par exemple "
    "<i>cle-reseau.txt</i>, créé une seule fois à la coordination), puis importez-le ici."
)

CREATE_TIP = (
    "À la coordination, une seule fois pour tout le réseau : la clé est écrite dans un petit "
    "fichier à porter sur chaque poste."
)


class KeyBox(QGroupBox):
    key_changed = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__("Clé du réseau", parent)
        self.ctx = ctx
        self.has_key = False
        self.text = QLabel(self)
        self.text.setObjectName("keyText")
        self.text.setWordWrap(True)
        self.import_button = QPushButton("Importer la clé du &réseau…", self)
        self.import_button.setObjectName("importKey")
        self.import_button.clicked.connect(self.choose_key_file)
        self.import_button.setEnabled(not ctx.read_only)
        # Only the coordination makes the network's key, once: a desk that made its own
        # would be a network of one.
        self.create_button = QPushButton("Créer la clé du &nouveau réseau…", self)
        self.create_button.setObjectName("createKey")
        self.create_button.setToolTip(CREATE_TIP)
        self.create_button.clicked.connect(self.choose_new_key_file)
        self.create_button.setEnabled(not ctx.read_only)
        buttons = QVBoxLayout()
        buttons.addWidget(self.import_button)
        buttons.addWidget(self.create_button)
        buttons.addStretch(1)
        row = QHBoxLayout(self)
        row.addWidget(self.text, 1)
        row.addLayout(buttons)
        self.refresh()

    def refresh(self) -> None:
        try:
            key = installed_key(self.ctx.engine)
        except Exception as exc:  # a damaged stored key says what to do
            self.has_key = False
            self.text.setStyleSheet(ERROR_STYLE)
            self.text.setText(failure_text("Clé du réseau", exc, self))
            self.import_button.show()
            self.create_button.hide()
            return
        self.has_key = key is not None
        self.text.setStyleSheet("")
        self.text.setText(
            f"Ce poste fait partie du réseau <b>{key.id}</b>." if key else NO_KEY_TEXT
        )
        self.import_button.setVisible(key is None)
        self.create_button.setVisible(key is None and self.ctx.settings.coordination)

    def choose_key_file(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self, "Importer la clé du réseau", "", "Clé du réseau (*.txt);;Tous les fichiers (*)"
        )
        self.window().activateWindow()  # no window manager: the keyboard must come back here
        if path:
            self.import_key_file(Path(path))

    def choose_new_key_file(self) -> None:
        path, _filter = QFileDialog.getSaveFileName(
            self, "Enregistrer la clé du nouveau réseau", "cle-reseau.txt", "Clé du réseau (*.txt)"
        )
        self.window().activateWindow()
        if path:
            self.create_key_file(Path(path))

    def create_key_file(self, path: Path) -> bool:
        """Make the network's key, write it to ``path`` and install it here (the service
        never replaces an existing file: it could be the only copy of a key)."""
        try:
            key = create_network_key(self.ctx.engine, path, date.today())
        except Exception as exc:  # the file exists, a key is already here, a full disk...
            self.text.setStyleSheet(ERROR_STYLE)
            self.text.setText(failure_text("Clé non créée", exc, self))
            return False
        self.refresh()
        self.text.setText(
            f"Clé du réseau <b>{key.id}</b> créée et écrite dans {html.escape(str(path))}. Portez ce fichier à "
            "chaque poste (Importer la clé du réseau…) et gardez-en une copie en lieu sûr."
        )
        self.key_changed.emit()
        return True

    def import_key_file(self, path: Path) -> bool:
        """Install the key written in ``path`` (a small file: read here, on the GUI thread)."""
        try:
            install_key(self.ctx.engine, read_key_file(path))
        except Exception as exc:  # not a key file, another network's key already here...
            self.text.setStyleSheet(ERROR_STYLE)
            self.text.setText(failure_text("Clé non importée", exc, self))
            return False
        self.refresh()
        self.key_changed.emit()
        return True
