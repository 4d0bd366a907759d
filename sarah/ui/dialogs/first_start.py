"""First start of an installation: the home site (chosen or created) and the agent's name.

Stored in the per-installation settings (sarah.settings, platformdirs config folder). Also
reachable later from Fichier > Poste de travail to change them, with where the data lives (a
file on this PC or a server: sarah.ui.server); at first start that choice is a step of its own
before this dialog (sarah.ui.server.location_dialog), since the sites are read from the data.
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
from sarah.ui.server.attempt import Attempt, try_server
from sarah.ui.server.location_panel import ChosenLocation, DataLocationPanel
from sarah.ui.server.moving import keep_location, location_problem, tell_restart
from sarah.ui.style import ERROR_STYLE
from sarah.ui.workers import run_in_background


class FirstStartDialog(QDialog):
    """On accept: ``site`` is the chosen or created site; the settings are saved.

    With ``show_location`` (Fichier > Poste de travail), where the data lives can be changed
    too: then the new place is saved for the next start, ``moved_to`` says where, and ``site``
    stays None (this window goes on with the data it has until SARAH restarts).
    """

    def __init__(
        self,
        engine: Engine,
        settings: Settings,
        parent: QWidget | None = None,
        *,
        show_location: bool = True,
    ) -> None:
        super().__init__(parent)
        self.engine = engine
        self.settings = settings
        self.site: SiteInfo | None = None
        self.moved_to: ChosenLocation | None = None
        self.setWindowTitle("SARAH — premier démarrage")
        self._sites = list_sites(engine)
        first_time = settings.home_site is None

        self.error_label = QLabel(self)
        self.error_label.setObjectName("error")
        self.error_label.setStyleSheet(ERROR_STYLE)
        self.error_label.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self._intro(first_time, show_location))
        self.location_panel: DataLocationPanel | None = None
        if show_location:
            self.location_panel = DataLocationPanel(settings.database, self)
            layout.addWidget(self.location_panel)
        layout.addLayout(self._form())
        layout.addWidget(self.error_label)
        layout.addLayout(self._buttons(first_time))
        self.setMinimumWidth(460)
        self._show_home_site()

    # --- the dialog's parts, top to bottom ---------------------------------------------------

    def _intro(self, first_time: bool, show_location: bool) -> QLabel:
        intro = QLabel(
            (
                "<b>Bienvenue dans SARAH.</b><br>Indiquez le Point Relais de ce poste et votre "
                "nom : ils seront retenus sur cet ordinateur."
            )
            if first_time
            else "<b>Poste de travail</b><br>Point Relais de ce poste et nom de l'agent"
            + (", et où sont les données." if show_location else ".")
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
        if self.location_panel is not None and self.location_panel.changed():
            self._move_data(self.location_panel)
            return
        name = self.chosen_site_name()
        if not name:
            self.error_label.setText("Choisissez le Point Relais de ce poste, ou tapez son nom.")
            (self.site_list if self._sites else self.new_site_edit).setFocus()
            return
        agent = self._agent_or_say()
        if agent is None:
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

    def _agent_or_say(self) -> str | None:
        agent = " ".join(self.agent_edit.text().split())
        if not agent:
            self.error_label.setText("Indiquez votre nom : il accompagne chaque contact saisi.")
            self.agent_edit.setFocus()
            return None
        return agent

    # --- moving the data (Poste de travail) --------------------------------------------------

    def _move_data(self, panel: DataLocationPanel) -> None:
        """A new place is checked first (a file SARAH would refuse, a server that does not
        answer or holds other data), then saved for the next start."""
        problem = panel.problem()
        chosen = panel.chosen()
        if problem is None and not chosen.on_server:
            problem = location_problem(chosen)
        if problem is not None:
            self.error_label.setText(problem)
            return
        if self._agent_or_say() is None:
            return
        if not chosen.on_server:
            self._keep(chosen)
            return
        self.ok_button.setEnabled(False)
        self.error_label.setText("Test de la connexion au serveur…")
        run_in_background(
            try_server,
            panel.connect_url(),
            on_result=lambda attempt: self._server_tested(panel, chosen, attempt),
            on_error=self._test_failed,
        )

    def _test_failed(self, exc: BaseException) -> None:
        self.ok_button.setEnabled(True)
        self.error_label.setText(failure_text("Test impossible", exc, self))

    def _server_tested(
        self, panel: DataLocationPanel, chosen: ChosenLocation, attempt: Attempt
    ) -> None:
        self.ok_button.setEnabled(True)
        if not attempt.usable:
            self.error_label.setText(attempt.words())
            panel.say(attempt.words(), error=True)
            if attempt.field is not None:
                panel.server_form.focus(attempt.field)
            return
        self._keep(chosen)

    def _keep(self, chosen: ChosenLocation) -> None:
        name = self.chosen_site_name()
        if name:
            self.settings.home_site = name
        self.settings.agent_name = self._agent_or_say()
        self.settings.coordination = self.coordination_check.isChecked()
        try:
            keychain_ok = keep_location(self.settings, chosen)
        except OSError as exc:
            self.error_label.setText(f"Réglages impossibles à enregistrer : {exc.strerror or exc}.")
            return
        self.moved_to = chosen
        self.accept()
        tell_restart(self.parentWidget(), chosen, keychain_ok)
