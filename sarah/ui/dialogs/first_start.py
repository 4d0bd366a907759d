"""First start of an installation: the home site (chosen or created) and the agent's name.

Stored in the per-installation settings (sarah.settings, platformdirs config folder). Also
reachable later from Fichier > Poste de travail to change them.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import Engine

from sarah.services.sites import SiteInfo, ensure_site, list_sites
from sarah.settings import Settings, save_settings
from sarah.ui.dialogs.crash import failure_text
from sarah.ui.style import ERROR_STYLE


class FirstStartDialog(QDialog):
    """On accept: ``site`` is the chosen or created site; the settings are saved."""

    def __init__(self, engine: Engine, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.engine = engine
        self.settings = settings
        self.site: SiteInfo | None = None
        self.setWindowTitle("SARAH — premier démarrage")
        self._sites = list_sites(engine)
        first_time = settings.home_site is None

        self.error_label = QLabel(self)
        self.error_label.setObjectName("error")
        self.error_label.setStyleSheet(ERROR_STYLE)
        self.error_label.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self._intro(first_time))
        layout.addLayout(self._form())
        layout.addWidget(self.error_label)
        layout.addLayout(self._buttons(first_time))
        self.setMinimumWidth(460)
        self._show_home_site()

    # --- the dialog's parts, top to bottom ---------------------------------------------------

    def _intro(self, first_time: bool) -> QLabel:
        intro = QLabel(
            (
                "<b>Bienvenue dans SARAH.</b><br>Indiquez le Point Relais de ce poste et votre "
                "nom : ils seront retenus sur cet ordinateur."
            )
            if first_time
            else "<b>Poste de travail</b><br>Point Relais de ce poste et nom de l'agent."
        )
        intro.setWordWrap(True)
        return intro

    def _form(self) -> QFormLayout:
        """The existing sites or a new one (only the new one on an empty base), then the agent."""
        self.site_list = QListWidget(self)
        self.site_list.setObjectName("sites")
        for site in self._sites:
            item = QListWidgetItem(site.name, self.site_list)
            item.setData(Qt.ItemDataRole.UserRole, site.id)
        self.new_site_edit = QLineEdit(self)
        self.new_site_edit.setObjectName("newSite")
        self.new_site_edit.setPlaceholderText("ex. Grésilles")
        self.agent_edit = QLineEdit(self)
        self.agent_edit.setObjectName("agent")
        self.agent_edit.setPlaceholderText("ex. Nadia B.")
        self.agent_edit.setText(self.settings.agent_name or "")
        form = QFormLayout()
        if self._sites:
            form.addRow("&Point Relais existant :", self.site_list)
            form.addRow("ou &nouveau Point Relais :", self.new_site_edit)
        else:
            self.site_list.hide()
            form.addRow("&Nom du Point Relais :", self.new_site_edit)
        form.addRow("&Votre nom (agent) :", self.agent_edit)
        form.addRow("", self._coordination_box())
        # Typing a new site unselects the list; picking in the list clears what was typed.
        self.new_site_edit.textEdited.connect(self._typed_new_site)
        self.site_list.currentRowChanged.connect(self._picked_site)
        return form

    def _coordination_box(self) -> QCheckBox:
        """A coordination installation receives every site and has no desk of its own: its
        packages say "Coordination", and the Réseau view watches every site for silence. It
        still names a Point Relais, the one its screens open on (one of the network's sites)."""
        self.coordination_check = QCheckBox(
            "Installation de c&oordination (pas d'accueil sur ce poste)", self
        )
        self.coordination_check.setObjectName("coordination")
        self.coordination_check.setChecked(self.settings.coordination)
        self.coordination_check.setToolTip(
            "Pour la coordination ou la supervision : ce poste reçoit les paquets de tous les "
            "sites. Choisissez alors le Point Relais affiché par défaut."
        )
        return self.coordination_check

    def _buttons(self, first_time: bool) -> QHBoxLayout:
        self.ok_button = QPushButton("&Commencer" if first_time else "&Enregistrer", self)
        self.ok_button.setObjectName("ok")
        self.ok_button.setDefault(True)
        self.ok_button.clicked.connect(self._accept)
        cancel = QPushButton("Annuler", self)
        cancel.setAutoDefault(False)
        cancel.clicked.connect(self.reject)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.ok_button)
        row.addWidget(cancel)
        return row

    def _show_home_site(self) -> None:
        """The site of this post chosen in the list (the first one if none yet), focus there."""
        if not self._sites:
            self.new_site_edit.setFocus()
            return
        home = self.settings.home_site
        current = next((i for i, s in enumerate(self._sites) if s.name == home), 0)
        self.site_list.setCurrentRow(current)
        self.site_list.setFocus()

    # --- choosing -------------------------------------------------------------------------------

    def _typed_new_site(self, text: str) -> None:
        if text.strip():
            self.site_list.clearSelection()
            self.site_list.setCurrentRow(-1)

    def _picked_site(self, row: int) -> None:
        if row >= 0:
            self.new_site_edit.clear()

    def chosen_site_name(self) -> str:
        new = " ".join(self.new_site_edit.text().split())
        if new:
            return new
        item = self.site_list.currentItem()
        return item.text() if item is not None and item.isSelected() else ""

    def _accept(self) -> None:
        name = self.chosen_site_name()
        agent = " ".join(self.agent_edit.text().split())
        if not name:
            self.error_label.setText("Choisissez le Point Relais de ce poste, ou tapez son nom.")
            (self.site_list if self._sites else self.new_site_edit).setFocus()
            return
        if not agent:
            self.error_label.setText("Indiquez votre nom : il accompagne chaque contact saisi.")
            self.agent_edit.setFocus()
            return
        try:
            site = ensure_site(self.engine, name)
            self.settings.home_site = site.name
            self.settings.agent_name = agent
            self.settings.coordination = self.coordination_check.isChecked()
            save_settings(self.settings)
        except OSError as exc:  # the settings file: its folder read-only, a full disk...
            self.error_label.setText(f"Réglages impossibles à enregistrer : {exc.strerror or exc}.")
            return
        except Exception as exc:  # a locked base says why; a bug opens the crash dialog
            self.error_label.setText(failure_text("Réglages non enregistrés", exc, self))
            return
        self.site = site
        self.accept()
