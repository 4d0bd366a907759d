"""The Aide menu's windows: the keyboard shortcuts and À propos."""

from __future__ import annotations

import platform
import sys
from collections.abc import Iterable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from sarah import __version__, paths
from sarah.ui.desk.form_state import ANONYMOUS_KEY, CHANNEL_KEY, NEW_VISITOR_KEY
from sarah.ui.dialogs.neighbourhood_combo import NEIGHBOURHOOD_KEY
from sarah.ui.icon import window_icon
from sarah.ui.style import SUCCESS_STYLE

LICENCE = "MIT (logiciel libre : utilisation, copie et modification permises)"

# Shortcuts held by the screens themselves (active where the focus is); the menus only show them.
FORM_SHORTCUTS = (
    ("Enregistrer le contact", "Ctrl+Entrée"),
    ("Changer de canal (Physique / Téléphone)", CHANNEL_KEY),
    ("Appel anonyme (sans nom)", ANONYMOUS_KEY),
    ("Nouvelle personne (après une recherche sans résultat)", NEW_VISITOR_KEY),
    ("Quartier de résidence de la personne choisie (si le réseau le suit)", NEIGHBOURHOOD_KEY),
    ("Effacer le formulaire (ou abandonner une modification)", "Échap"),
)
OTHER_SHORTCUTS = (
    ("Accueil : aller dans la liste des personnes / choisir", "↓ / Entrée"),
    ("Accueil : cocher ou décocher un service", "sa lettre, ou Espace"),
    ("Journal : modifier / supprimer le contact choisi", "Entrée / Suppr"),
    ("Journal : annuler la suppression", "Ctrl+Z"),
    ("Grille : ligne suivante / cellule suivante", "Entrée / Tab"),
    ("Grille : enregistrer toute la grille", "Ctrl+Entrée"),
    ("Grille : supprimer la ligne", "Ctrl+Suppr"),
)
WINDOW_SHORTCUTS = (
    ("Importer un tableur (.csv, .xlsx)", "Ctrl+I"),
    ("Raccourcis clavier (cette aide)", "F1"),
    ("Quitter", "Ctrl+Q"),
)


def shortcuts_html(screens: Iterable[tuple[str, str]], *, can_import: bool = True) -> str:
    """The table of every shortcut: the screens' ``(title, key)`` first, then the others
    (Ctrl+I only for the roles that import)."""
    window = [row for row in WINDOW_SHORTCUTS if can_import or row[1] != "Ctrl+I"]
    rows = [*screens, *FORM_SHORTCUTS, *OTHER_SHORTCUTS, *window]
    body = "".join(
        f"<tr><td>{label}</td><td style='padding-left:16px'><b>{key}</b></td></tr>"
        for label, key in rows
    )
    return f"<h3>Raccourcis clavier</h3><table>{body}</table>"


def open_shortcuts_dialog(html: str, parent: QWidget) -> QDialog:
    dialog = QDialog(parent)
    dialog.setWindowTitle("Raccourcis clavier")
    text = QTextBrowser(dialog)
    text.setHtml(html)
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, dialog)
    buttons.rejected.connect(dialog.reject)
    layout = QVBoxLayout(dialog)
    layout.addWidget(text)
    layout.addWidget(buttons)
    dialog.resize(560, 520)
    dialog.open()
    return dialog


def about_facts(database: str) -> list[tuple[str, str]]:
    """What a support ticket needs: versions, where the data, settings and logs are.

    ``database`` is the engine's URL with its password already hidden; a SQLite file is shown
    as its path."""
    import PySide6
    import sqlalchemy
    from PySide6.QtCore import qVersion

    where = database.removeprefix("sqlite:///") if database.startswith("sqlite:///") else database
    bundle = paths.bundle_dir()
    program = Path(sys.executable).parent if bundle is not None else Path(__file__).parents[1]
    return [
        ("Version", f"SARAH {__version__}"),
        ("Python", platform.python_version()),
        ("Qt", f"{qVersion()} (PySide6 {PySide6.__version__})"),
        ("SQLAlchemy", sqlalchemy.__version__),
        ("Système", platform.platform()),
        ("Données", where),
        ("Réglages", str(paths.settings_file())),
        ("Journaux", str(paths.log_dir())),
        ("Programme", str(program)),
        ("Licence", LICENCE),
    ]


def about_text(facts: list[tuple[str, str]]) -> str:
    """The facts as plain lines, for the clipboard."""
    return "\n".join(f"{label} : {value}" for label, value in facts) + "\n"


class AboutDialog(QDialog):
    """Aide > À propos: the mark, the version, the facts a support ticket asks for, Copier."""

    def __init__(self, database: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("À propos de SARAH")
        self.facts = about_facts(database)
        heading = QHBoxLayout()
        icon = window_icon()
        if not icon.isNull():
            mark = QLabel(self)
            mark.setPixmap(icon.pixmap(64, 64))
            heading.addWidget(mark, 0, Qt.AlignmentFlag.AlignTop)
        title = QLabel(
            f"<span style='font-size:16pt; font-weight:600'>SARAH {__version__}</span><br>"
            "Suivi des contacts et des services des Points Relais emploi",
            self,
        )
        heading.addWidget(title, 1)
        grid = QFormLayout()
        grid.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for label, value in self.facts[1:]:  # the version is the heading
            field = QLabel(value, self)
            field.setWordWrap(True)
            field.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            grid.addRow(f"{label} :", field)
        self.copied = QLabel("", self)
        self.copied.setStyleSheet(SUCCESS_STYLE)
        buttons = QDialogButtonBox(self)
        self.copy_button = QPushButton("&Copier", self)
        self.copy_button.setToolTip("Copie ces informations, pour une demande d'assistance")
        self.copy_button.clicked.connect(self.copy_facts)
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        close = buttons.addButton("&Fermer", QDialogButtonBox.ButtonRole.RejectRole)
        close.setDefault(True)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(heading)
        layout.addSpacing(8)
        layout.addLayout(grid)
        layout.addWidget(self.copied)
        layout.addWidget(buttons)
        self.resize(620, self.sizeHint().height())

    def text(self) -> str:
        return about_text(self.facts)

    def copy_facts(self) -> None:
        QGuiApplication.clipboard().setText(self.text())
        self.copied.setText("Copié : collez-le dans votre demande d'assistance.")


def open_about_box(database: str, parent: QWidget) -> AboutDialog:
    dialog = AboutDialog(database, parent)
    dialog.open()
    return dialog
