"""The contact form's views: the search pane (field, hint, chosen person, results), the channel
and services pane, the buttons, the edit banner and the status line; each list handles the keys
that belong to it."""

from __future__ import annotations

import uuid
from itertools import pairwise

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListView,
    QPushButton,
    QRadioButton,
    QSizePolicy,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from sarah.services.desk.journal import JournalEntry
from sarah.services.desk.search import VisitorHit
from sarah.ui.desk.form_state import ANONYMOUS_KEY, CHANNEL_KEY, edit_banner_text
from sarah.ui.desk.services_delegate import ServiceItemDelegate
from sarah.ui.style import ERROR_STYLE, HINT_COLOUR, SUCCESS_STYLE
from sarah.ui.table_models.desk_results import VisitorResultsModel
from sarah.ui.table_models.desk_services import ServicesChecklistModel

HINT_STYLE = f"color: {HINT_COLOUR};"


def chain_tab_order(*widgets: QWidget) -> None:
    """Tab goes through ``widgets`` in this order."""
    for first, second in pairwise(widgets):
        QWidget.setTabOrder(first, second)


def lay_out_form(
    form: QWidget,
    banner: QWidget,
    search: QWidget,
    choice: QWidget,
    buttons: QWidget,
    status: QWidget,
) -> None:
    """The edit banner on top, the search beside the channel and services, the buttons, then
    the status line."""
    columns = QHBoxLayout()
    columns.addWidget(search, 5)
    columns.addWidget(choice, 6)
    outer = QVBoxLayout(form)
    outer.addWidget(banner)
    outer.addLayout(columns, 1)
    outer.addWidget(buttons)
    outer.addWidget(status)


def _plain_key(event: QKeyEvent) -> bool:
    mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
    return mods in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.ShiftModifier)


class SearchEdit(QLineEdit):
    down_pressed = Signal()
    enter_pressed = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Down and _plain_key(event):
            self.down_pressed.emit()
            return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and _plain_key(event):
            self.enter_pressed.emit()
            return
        super().keyPressEvent(event)


class ResultsView(QTableView):
    picked = Signal(int)
    back_to_search = Signal(str)  # text typed while in the list goes on into the search field

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        row = self.currentIndex().row()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and _plain_key(event):
            if row >= 0:
                self.picked.emit(row)
            return
        if key == Qt.Key.Key_Up and row <= 0 and _plain_key(event):
            self.back_to_search.emit("")
            return
        if key == Qt.Key.Key_Backspace or (
            _plain_key(event)
            and event.text()
            and event.text().isprintable()
            and key != Qt.Key.Key_Space
        ):
            self.back_to_search.emit("\b" if key == Qt.Key.Key_Backspace else event.text())
            return
        super().keyPressEvent(event)


class ServicesView(QListView):
    """Letters toggle the service with that shortcut key; Space toggles the current line."""

    user_toggled = Signal()  # a service checked or unchecked by the agent (key or click)

    def __init__(self, model: ServicesChecklistModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._model = model
        self.setModel(model)

    def _toggle(self, row: int) -> None:
        self._model.toggle(row)
        self.user_toggled.emit()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Space and _plain_key(event):
            if self.currentIndex().isValid():
                self._toggle(self.currentIndex().row())
            return
        text = event.text()
        if _plain_key(event) and len(text) == 1 and text.isalpha():
            row = self._model.row_for_key(text)
            if row is not None:
                self._toggle(row)
                self.setCurrentIndex(self._model.index(row))
            return  # an unknown letter does nothing (no jump, no surprise)
        super().keyPressEvent(event)

    def mousePressEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        super().mousePressEvent(event)
        index = self.indexAt(event.position().toPoint())
        if index.isValid() and event.button() == Qt.MouseButton.LeftButton:
            self._toggle(index.row())


class SearchPane(QWidget):
    """Search field, hint line, the chosen person's card and the results list."""

    def __init__(self, results_model: VisitorResultsModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.search_edit = SearchEdit(self)
        self.search_edit.setObjectName("search")
        self.search_edit.setPlaceholderText("Nom, prénom (2-3 lettres) ou JJ/MM/AAAA")
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.setToolTip(
            "Tapez 2 ou 3 lettres du nom ou du prénom (majuscules et accents sans importance), "
            "ou la date de naissance. ↓ pour aller dans la liste, Entrée pour choisir."
        )
        font = self.search_edit.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        self.search_edit.setFont(font)
        search_label = QLabel("&Rechercher une personne :", self)
        search_label.setBuddy(self.search_edit)

        self.hint_label = QLabel(self)
        self.hint_label.setObjectName("hint")
        self.hint_label.setStyleSheet(HINT_STYLE)
        self.hint_label.setWordWrap(True)

        self.results_model = results_model
        self.results_view = ResultsView(self)
        self._setup_results(results_model)

        self.visitor_card = QLabel(self)
        self.visitor_card.setObjectName("visitorCard")
        self.visitor_card.setWordWrap(True)
        self.visitor_card.setMinimumHeight(48)
        self.visitor_card.setTextFormat(Qt.TextFormat.RichText)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(search_label)
        layout.addWidget(self.search_edit)
        layout.addWidget(self.hint_label)
        layout.addWidget(self.visitor_card)
        layout.addWidget(self.results_view, 1)

    def _setup_results(self, model: VisitorResultsModel) -> None:
        view = self.results_view
        view.setObjectName("results")
        view.setModel(model)
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.setAlternatingRowColors(True)
        view.verticalHeader().hide()
        view.setTabKeyNavigation(False)
        header = view.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        view.setMinimumHeight(120)

    def row_of_hit(self, visitor_id: uuid.UUID | None) -> int | None:
        for row in range(self.results_model.rowCount()):
            if self.results_model.hit(row).id == visitor_id:
                return row
        return None

    def results_focusable(self, focusable: bool) -> None:
        """An empty result list is skipped by Tab."""
        self.results_view.setFocusPolicy(
            Qt.FocusPolicy.StrongFocus if focusable else Qt.FocusPolicy.NoFocus
        )

    def enter_results(self) -> None:
        """↓ from the search field: into the list, on the highlighted person or the first."""
        if self.results_model.rowCount() == 0:
            return
        # Highlight before focusing: on focus, Qt makes the first row current unselected.
        if self.highlighted_row() is None:
            self.results_view.setCurrentIndex(self.results_model.index(0, 0))
        self.results_view.setFocus(Qt.FocusReason.OtherFocusReason)

    def back_to_search(self, typed: str) -> None:
        """Back in the search field; a near name gone down to is given up (↑ undoes ↓), so
        that Entrée there does again what it does with no name highlighted."""
        row = self.highlighted_row()
        if row is not None and self.results_model.hit(row).approximate:
            self.results_view.selectionModel().clear()
        self.search_edit.setFocus(Qt.FocusReason.OtherFocusReason)
        if typed == "\b":
            self.search_edit.backspace()
        elif typed:
            self.search_edit.insert(typed)

    def tab_stops(self) -> tuple[QWidget, ...]:
        return (self.search_edit, self.results_view)

    def show_hits(self, hits: list[VisitorHit]) -> None:
        """List the people found; an empty list is skipped by Tab. The first one is highlighted
        (Entrée picks it) only when found by the name as typed: a near name (≈) is chosen by
        going down to it, never by Entrée alone."""
        self.results_model.set_hits(hits)
        self.results_focusable(bool(hits))
        if hits and not hits[0].approximate:
            self.results_view.setCurrentIndex(self.results_model.index(0, 0))

    def highlight(self, visitor_id: uuid.UUID | None) -> None:
        """Highlight that person again, if still listed."""
        row = self.row_of_hit(visitor_id)
        if row is not None:
            self.results_view.setCurrentIndex(self.results_model.index(row, 0))

    def highlighted_row(self) -> int | None:
        """The row shown highlighted (selected): the one Entrée in the search field picks."""
        rows = self.results_view.selectionModel().selectedRows()
        return rows[0].row() if rows else None

    def highlighted_id(self) -> uuid.UUID | None:
        row = self.highlighted_row()
        return self.results_model.hit(row).id if row is not None else None

    def set_hint(self, text: str, *, error: bool = False) -> None:
        self.hint_label.setText(text)
        self.hint_label.setStyleSheet(ERROR_STYLE if error else HINT_STYLE)

    def show_visitor(self, hit: VisitorHit | None, residence: str | None = None) -> None:
        """The chosen person's card; ``residence``: the neighbourhood line, where kept."""
        if hit is None:
            self.visitor_card.setText(
                f"<span style='color:{HINT_COLOUR}'>Aucune personne choisie. "
                f"Appel sans nom : cochez les services puis {ANONYMOUS_KEY}.</span>"
            )
            self.visitor_card.setStyleSheet("padding: 6px;")
            return
        age = f"{hit.age} ans" if hit.age is not None else "âge inconnu"
        last = (
            f"dernière visite le {hit.last_visit:%d/%m/%Y}" if hit.last_visit else "première visite"
        )
        sex = {"F": "femme", "H": "homme"}.get(hit.sex or "", "sexe non renseigné")
        self.visitor_card.setText(
            f"<b style='font-size:120%'>{hit.display_name}</b> &nbsp; "
            f"<span style='background:#dbeafe;padding:2px'>&nbsp;{hit.group_label}&nbsp;</span>"
            f"<br>{sex}, {age} — {last}"
            + (f"<br><span style='color:{HINT_COLOUR}'>{residence}</span>" if residence else "")
        )
        self.visitor_card.setStyleSheet(
            "background: #f0fdf4; border: 1px solid #86efac; border-radius: 4px; padding: 6px;"
        )


class ChannelServicesPane(QWidget):
    """Physique / Téléphone, and the services checklist."""

    def __init__(
        self, services_model: ServicesChecklistModel, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.physique_radio = QRadioButton("&Physique", self)
        self.telephone_radio = QRadioButton("&Téléphone", self)
        self.physique_radio.setChecked(True)
        self.channel_group = QButtonGroup(self)
        self.channel_group.addButton(self.physique_radio)
        self.channel_group.addButton(self.telephone_radio)
        for radio in (self.physique_radio, self.telephone_radio):
            radio.setToolTip(f"Canal du contact — {CHANNEL_KEY} pour changer")
        channel_row = QHBoxLayout()
        channel_row.addWidget(QLabel("Canal :", self))
        channel_row.addWidget(self.physique_radio)
        channel_row.addWidget(self.telephone_radio)
        key_hint = QLabel(
            f"<span style='color:{HINT_COLOUR}'>({CHANNEL_KEY} pour changer)</span>", self
        )
        channel_row.addWidget(key_hint)
        channel_row.addStretch(1)

        self.services_view = ServicesView(services_model, self)
        self.services_view.setObjectName("services")
        self.services_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.services_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.services_view.setUniformItemSizes(True)
        self.services_view.setItemDelegate(ServiceItemDelegate(self.services_view))
        self.services_view.setToolTip(
            "Services rendus : tapez la lettre du service (ou Espace sur la ligne) pour cocher/décocher"
        )
        services_label = QLabel("Services rendus (lettre = cocher/décocher) :", self)
        services_label.setBuddy(self.services_view)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(channel_row)
        layout.addWidget(services_label)
        layout.addWidget(self.services_view, 1)

    def tab_stops(self) -> tuple[QWidget, ...]:
        return (self.physique_radio, self.telephone_radio, self.services_view)


class FormButtons(QWidget):
    """Enregistrer, Appel anonyme, Nouvelle personne … Effacer."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.save_button = QPushButton("Enregistrer  (Ctrl+Entrée)", self)
        self.save_button.setObjectName("save")
        self.save_button.setToolTip("Enregistrer le contact — Ctrl+Entrée")
        self.save_button.setDefault(False)
        self.save_button.setStyleSheet("font-weight: 600; padding: 6px 14px;")
        self.anonymous_button = QPushButton(f"Appel anonyme  ({ANONYMOUS_KEY})", self)
        self.anonymous_button.setToolTip(
            f"Enregistrer un appel téléphonique sans nom, avec les services cochés — {ANONYMOUS_KEY}"
        )
        self.new_button = QPushButton("Nouvelle personne  (Ctrl+N)", self)
        self.new_button.setToolTip(
            "Créer une fiche — possible quand la recherche n'a trouvé personne (Ctrl+N)"
        )
        self.clear_button = QPushButton("Effacer  (Échap)", self)
        self.clear_button.setToolTip(
            "Échap, où que soit le curseur : vider le formulaire (personne, recherche, services, "
            "canal) ; pendant une modification, l'abandonner"
        )
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for button in (self.save_button, self.anonymous_button, self.new_button):
            button.setAutoDefault(False)
            layout.addWidget(button)
        layout.addStretch(1)
        self.clear_button.setAutoDefault(False)
        layout.addWidget(self.clear_button)

    def tab_stops(self) -> tuple[QWidget, ...]:
        return (self.save_button, self.anonymous_button, self.new_button, self.clear_button)

    def set_busy(self, busy: bool) -> None:
        """While a save runs, no button starts another one (nor clears the form under it)."""
        for button in self.tab_stops():
            button.setEnabled(not busy)


class EditBanner(QLabel):
    """Shown while a contact of the journal is being changed."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("editBanner")
        self.setWordWrap(True)
        self.setStyleSheet(
            "background: #fef3c7; border: 1px solid #f59e0b; border-radius: 4px; padding: 6px;"
        )
        self.hide()

    def show_entry(self, entry: JournalEntry) -> None:
        self.setText(edit_banner_text(entry))
        self.show()


class StatusLine(QLabel):
    """What the last save (or refusal) said."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("status")
        self.setWordWrap(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.setAccessibleName("Résultat de l'enregistrement")

    def say(self, text: str, *, error: bool = False) -> None:
        self.setText(text)
        self.setStyleSheet(ERROR_STYLE if error else SUCCESS_STYLE)
