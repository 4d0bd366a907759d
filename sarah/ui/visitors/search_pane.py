"""The left of the Visiteurs screen: the search field, the people found, a hint under them, and
the two lists of records that look like one person (between two sites; in the whole base)."""

from __future__ import annotations

import uuid

from PySide6.QtCore import QItemSelectionModel, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from sarah.errors import UserError
from sarah.services.visitor_history import (
    DuplicatePair,
    VisitorRow,
    duplicates_between_sites,
    probable_duplicates,
    search_visitors,
)
from sarah.ui.context import AppContext
from sarah.ui.dialogs.crash import failure_text
from sarah.ui.style import ERROR_COLOUR, HINT_COLOUR
from sarah.ui.table_models.visitor_models import VisitorSearchModel
from sarah.ui.visitors.tables import read_only_table
from sarah.ui.workers import run_in_background
from sarah.vocabulary import count_of

HINT = f"color: {HINT_COLOUR};"
HINT_ERROR = f"color: {ERROR_COLOUR};"


DUPLICATES_HINT = (
    "Fiches de deux sites au même nom, sans date de naissance sur l'une d'elles : la "
    "synchronisation ne les réunit pas seule. Ouvrez-en une, vérifiez avec la personne, puis "
    "« Fusionner avec une autre fiche… » (l'autre y est proposée en premier)."
)

REVIEW_TIP = (
    "Chercher dans toutes les fiches celles qui sont sans doute la même personne : même date "
    "de naissance et noms proches (orthographe, prononciation, faute de frappe), ou mêmes "
    "noms à l'oreille quand une date de naissance manque"
)


def review_hint(pairs: int) -> str:
    """What the list of probable duplicates shows, and how to merge them."""
    if not pairs:
        return "Aucun doublon probable dans les fiches."
    return (
        f"{count_of(pairs, 'paire')} de fiches qui sont sans doute la même personne, l'une sous "
        "l'autre : même date de naissance et noms proches, ou mêmes noms à l'oreille quand une "
        "date manque. Ouvrez la première, vérifiez avec la personne, puis « Fusionner avec une "
        "autre fiche… » : l'autre y est proposée."
    )


def hint_text(found: int, typed: str, near: int = 0) -> str:
    """What to do next, given how many people the typed text found (``near`` of them by a
    name that only sounds alike or is a typo away)."""
    if not typed:
        return "Tapez au moins deux lettres, ou une date de naissance."
    if found == 0:
        return "Personne ne correspond." if len(typed) >= 2 else "Encore une lettre…"
    check = (
        f" Dont {count_of(near, 'nom proche', 'noms proches')} (≈) : vérifiez que c'est bien "
        "la personne."
        if near
        else ""
    )
    if found == 1:
        return f"1 personne. Entrée pour ouvrir sa fiche.{check}"
    more = " (les 100 premières : précisez)" if found >= 100 else ""
    return f"{found} personnes{more}. Flèches puis Entrée pour ouvrir une fiche.{check}"


class SearchPane(QWidget):
    """Finds people; the screen decides what choosing one of them does."""

    review_shown = Signal(int)  # the whole base's probable duplicates are listed: how many pairs

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.search = QLineEdit()
        self.search.setPlaceholderText("Nom, prénom ou date de naissance (JJ/MM/AAAA)")
        self.search.setClearButtonEnabled(True)
        self.search.setToolTip(
            "Deux lettres du nom ou du prénom suffisent (Ctrl+F pour revenir ici)"
        )
        search_label = QLabel("&Rechercher")
        search_label.setBuddy(self.search)
        self.results_model = VisitorSearchModel(self)
        self.results = read_only_table(self.results_model)
        header = self.results.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(VisitorSearchModel.NAME, QHeaderView.ResizeMode.Stretch)
        self.results.setTabKeyNavigation(False)
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet(HINT)
        self.duplicates_button = QPushButton()
        self.duplicates_button.setToolTip(DUPLICATES_HINT)
        self.duplicates_button.setVisible(False)
        self.duplicates_button.clicked.connect(self.show_duplicates)
        self.review_button = QPushButton("Doublons probables dans toute la base…")
        self.review_button.setToolTip(REVIEW_TIP)
        self.review_button.clicked.connect(self.review_duplicates)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        row.addWidget(search_label)
        row.addWidget(self.search, 1)
        layout.addLayout(row)
        layout.addWidget(self.results, 1)
        layout.addWidget(self.hint)
        layout.addWidget(self.duplicates_button)
        layout.addWidget(self.review_button)

    def run_search(self, text: str, current: uuid.UUID | None) -> None:
        """List the people ``text`` finds, ``current`` selected (not opened) when among them."""
        try:
            rows = search_visitors(
                self.ctx.engine, text, young_age_limit=self.ctx.settings.young_age_limit
            )
        except UserError as exc:
            self.results_model.set_rows([])
            self.show_hint(exc.message, error=True)
            return
        selection = self.results.selectionModel()
        blocked = selection.blockSignals(True)  # a new list does not open anyone by itself
        self.results_model.set_rows(rows)
        selection.blockSignals(blocked)
        row = self.results_model.row_of(current) if current else None
        if row is not None:
            self.select_row(row, load=False)
        self.show_hint()

    def count_duplicates(self) -> None:
        """Say (on a button under the list) how many records of two sites only look alike."""
        try:
            n = len(duplicates_between_sites(self.ctx.engine))
        except UserError:
            n = 0  # the list is a help: a locked base only hides it until the next look
        self.duplicates_button.setText(f"Doublons probables entre sites : {count_of(n, 'fiche')}…")
        self.duplicates_button.setVisible(n > 0)

    def show_duplicates(self) -> None:
        """List the records of two sites that only look alike, each pair side by side."""
        try:
            rows = duplicates_between_sites(
                self.ctx.engine, young_age_limit=self.ctx.settings.young_age_limit
            )
        except UserError as exc:
            self.show_hint(exc.message, error=True)
            return
        self._list_apart(rows)
        self.show_hint(DUPLICATES_HINT)

    def review_duplicates(self) -> None:
        """Look through the whole base for records that are probably one person (off the GUI
        thread: a large base takes a moment), then list them a pair at a time."""
        self.review_button.setEnabled(False)
        self.show_hint("Recherche des doublons probables dans toutes les fiches…")
        run_in_background(
            probable_duplicates,
            self.ctx.engine,
            young_age_limit=self.ctx.settings.young_age_limit,
            on_result=self._show_review,
            on_error=self._review_failed,
            on_finished=self._review_finished,  # a method: gone with the pane, if it goes first
        )

    def _review_finished(self) -> None:
        self.review_button.setEnabled(True)

    def _show_review(self, pairs: list[DuplicatePair]) -> None:
        self._list_apart([row for pair in pairs for row in (pair.first, pair.second)])
        self.show_hint(review_hint(len(pairs)))
        self.review_shown.emit(len(pairs))

    def _review_failed(self, exc: BaseException) -> None:
        self.show_hint(failure_text("Doublons non cherchés", exc, self), error=True)

    def _list_apart(self, rows: list[VisitorRow]) -> None:
        """Show ``rows`` instead of a search's, the field emptied; the list takes the keyboard
        (its first record opens, as when a search's list does)."""
        selection = self.results.selectionModel()
        blocked = selection.blockSignals(True)
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)
        self.results_model.set_rows(rows)
        selection.blockSignals(blocked)
        if rows:
            self.results.setFocus()

    def show_hint(self, message: str | None = None, *, error: bool = False) -> None:
        self.hint.setStyleSheet(HINT_ERROR if error else HINT)
        found = self.results_model.rowCount()
        near = sum(1 for r in self.results_model.rows() if r.approximate)
        self.hint.setText(message or hint_text(found, self.search.text().strip(), near))

    def step(self, step: int) -> None:
        """Arrow keys in the search field move through the list."""
        n = self.results_model.rowCount()
        if not n:
            return
        current = self.results.currentIndex().row()
        row = 0 if current < 0 else max(0, min(n - 1, current + step))
        self.select_row(row)

    def select_row(self, row: int, *, load: bool = True) -> None:
        """Make ``row`` current; with ``load`` False, without opening that person."""
        index = self.results_model.index(row, 0)
        flags = (
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows
        )
        selection = self.results.selectionModel()
        blocked = selection.blockSignals(not load)
        selection.setCurrentIndex(index, flags)
        selection.blockSignals(blocked)
        self.results.scrollTo(index)

    def select_visitor(self, visitor_id: uuid.UUID) -> None:
        """Show ``visitor_id`` as the current row, when listed, without opening anyone."""
        row = self.results_model.row_of(visitor_id)
        if row is not None and self.results.currentIndex().row() != row:
            self.select_row(row, load=False)
