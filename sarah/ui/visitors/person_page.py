"""The right of the Visiteurs screen once a person is chosen: the profile and its buttons, the
summary of the visits, the merges into this record, the visits per site, every contact; and the
person's rights (export of their data, erasure of their identity: sarah.ui.visitors.person_rights)."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from sarah.services.visitor_history import VisitorHistory
from sarah.ui.context import AppContext
from sarah.ui.table_models.visitor_models import VisitorContactsModel, VisitorSitesModel
from sarah.ui.visitors.merges_panel import MergesPanel
from sarah.ui.visitors.person_rights import PersonRights
from sarah.ui.visitors.profile_form import ProfileForm
from sarah.ui.visitors.tables import read_only_table
from sarah.vocabulary import count_of

SITE_ROWS_SHOWN = 4  # more sites scroll: the contacts below keep the room


def _date(d: date | None) -> str:
    return f"{d:%d/%m/%Y}" if d else "–"


def summary_text(history: VisitorHistory) -> str:
    """First and last visit, how many contacts at how many sites (rich text)."""
    if history.first_visit is None:
        return "<b>Aucun contact enregistré</b> pour cette personne."
    n_sites = len(history.sites)
    n_contacts = len(history.contacts)
    return (
        f"<b>Première visite : {_date(history.first_visit)}</b> à {history.first_site}"
        f" · dernière visite : {_date(history.last_visit)}"
        f" · {count_of(n_contacts, 'contact')}"
        f" sur {count_of(n_sites, 'site')}"
    )


class PersonPage(QWidget):
    """One person's page; the screen fills it with :meth:`show_history` and wires its buttons."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rights = PersonRights(ctx, self)
        self.export_button, self.erase_button = self.rights.export_button, self.rights.erase_button
        self.title = self._title()
        self.profile = ProfileForm(ctx.settings.young_age_limit)
        buttons = self._buttons()
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.merges_panel = MergesPanel(ctx)
        sites_box = self._sites_box()
        self.contacts_box = self._contacts_box()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self._title_row())
        layout.addWidget(self.profile)
        layout.addLayout(buttons)
        layout.addWidget(self.summary)
        layout.addWidget(self.merges_panel)
        layout.addWidget(sites_box)
        layout.addWidget(self.contacts_box, 1)

    # --- parts of the page ----------------------------------------------------------------

    @staticmethod
    def _title() -> QLabel:
        title = QLabel()
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.35)
        font.setBold(True)
        title.setFont(font)
        title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        return title

    def _buttons(self) -> QHBoxLayout:
        self.save_button = QPushButton("&Enregistrer la fiche")
        self.save_button.setToolTip("Enregistrer les changements de la fiche (Ctrl+S)")
        self.revert_button = QPushButton("Annuler les changements")
        self.revert_button.setToolTip("Remettre la fiche telle qu'elle est enregistrée")
        self.merge_button = QPushButton("&Fusionner avec une autre fiche…")
        self.merge_button.setToolTip(
            "Deux fiches pour la même personne : réunir leurs contacts sur une seule (Ctrl+M)"
        )
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.revert_button)
        buttons.addStretch(1)
        buttons.addWidget(self.merge_button)
        return buttons

    def _title_row(self) -> QHBoxLayout:
        """The name, and the person's rights on the same line (the row of the profile's
        buttons must fit a 1366-pixel screen with larger fonts)."""
        row = QHBoxLayout()
        row.addWidget(self.title, 1)
        row.addWidget(self.rights.export_button)
        row.addWidget(self.rights.erase_button)
        return row

    def _sites_box(self) -> QGroupBox:
        self.sites_model = VisitorSitesModel(self)
        self.sites_view = read_only_table(self.sites_model)
        self.sites_view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.sites_view.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        box = QGroupBox("Visites par site")
        QVBoxLayout(box).addWidget(self.sites_view)
        return box

    def _contacts_box(self) -> QGroupBox:
        self.contacts_model = VisitorContactsModel(self)
        self.contacts_view: QTableView = read_only_table(self.contacts_model)
        header = self.contacts_view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(VisitorContactsModel.SERVICES, QHeaderView.ResizeMode.Stretch)
        box = QGroupBox("Contacts (tous les sites)")
        QVBoxLayout(box).addWidget(self.contacts_view)
        return box

    # --- filling it -----------------------------------------------------------------------

    def show_history(self, history: VisitorHistory) -> None:
        self.title.setText(history.visitor.display_name)
        self.profile.load(history)
        self.sites_model.set_rows(history.sites)
        self.contacts_model.set_rows(history.contacts)
        self.contacts_box.setTitle(f"Contacts (tous les sites) : {len(history.contacts)}")
        self._fit_sites(len(history.sites))
        self.summary.setText(summary_text(history))
        self.merges_panel.set_traces(history.merges)
        self.merges_panel.chain_focus(self.merge_button, self.export_button)
        QWidget.setTabOrder(self.export_button, self.erase_button)
        QWidget.setTabOrder(self.erase_button, self.contacts_view)
        self.rights.set_history(history)

    def _fit_sites(self, sites: int) -> None:
        """The sites table as high as its rows, up to SITE_ROWS_SHOWN."""
        row_height = self.sites_view.verticalHeader().defaultSectionSize()
        self.sites_view.setFixedHeight(
            self.sites_view.horizontalHeader().sizeHint().height()
            + row_height * min(max(1, sites), SITE_ROWS_SHOWN)
            + 4
        )
