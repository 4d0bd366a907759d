"""The Aide menu's windows: the keyboard shortcuts and À propos."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QMessageBox,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from sarah import __version__
from sarah.ui.desk.form_state import ANONYMOUS_KEY, CHANNEL_KEY, NEW_VISITOR_KEY

# Shortcuts held by the screens themselves (active where the focus is); the menus only show them.
FORM_SHORTCUTS = (
    ("Enregistrer le contact", "Ctrl+Entrée"),
    ("Changer de canal (Physique / Téléphone)", CHANNEL_KEY),
    ("Appel anonyme (sans nom)", ANONYMOUS_KEY),
    ("Nouvelle personne (après une recherche sans résultat)", NEW_VISITOR_KEY),
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


def open_about_box(database: str, parent: QWidget) -> QMessageBox:
    box = QMessageBox(parent)
    box.setWindowTitle("À propos de SARAH")
    box.setText(
        f"<b>SARAH {__version__}</b><br>Suivi des contacts et des services des Points Relais "
        f"emploi.<br><br>Base de données : {database}"
    )
    box.open()
    return box
