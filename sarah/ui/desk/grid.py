"""Grid mode of Saisie différée: type a paper sheet row by row, save all rows at once.

Each row is one paper entry: time (empty = the time chosen above), person (2-3 letters, ↓/↑ to
move in the list of people found under the grid, Entrée to choose; empty = anonymous; a near
name (≈) is chosen only by going down to it or clicking it, as at the Accueil), channel (P or
T), services (their keys, e.g. "ac"). Entrée goes to the next row, Tab to the next cell.
Ctrl+Entrée saves every row in one transaction: if a row is wrong, nothing is saved and each bad
row says why.
"""

from __future__ import annotations

import uuid
from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from sarah.errors import UserError
from sarah.services.catalogue import ServiceInfo, list_services
from sarah.services.contacts import (
    ContactDraft,
    ContactRowsInvalid,
    check_contacts,
    log_contacts,
)
from sarah.services.desk.days import french_day
from sarah.services.desk.search import VisitorHit, search_visitors
from sarah.services.desk.sheet import read_sheet_row
from sarah.ui.context import AppContext
from sarah.ui.desk.form_state import When, day_of_ages
from sarah.ui.desk.grid_views import GridDelegate, GridView, PeopleView, PersonEditor
from sarah.ui.desk.keys import add_shortcuts
from sarah.ui.dialogs.crash import failure_text
from sarah.ui.dialogs.new_visitor import NewVisitorDialog
from sarah.ui.style import ERROR_STYLE, HINT_COLOUR, SUCCESS_STYLE
from sarah.ui.table_models.desk_grid import CatchupGridModel
from sarah.ui.table_models.desk_results import VisitorResultsModel
from sarah.ui.workers import run_in_background


class CatchupGrid(QWidget):
    saved = Signal(int)  # number of contacts written

    def __init__(self, ctx: AppContext, when: When, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._when = when
        self._saving = False
        self._services: list[ServiceInfo] = []
        self._people_text: str | None = None  # the search behind the people listed
        self.new_visitor_dialog: NewVisitorDialog | None = None

        self.model = CatchupGridModel(self)
        self.view = GridView(self.model, self)
        self.view.setItemDelegate(GridDelegate(self, self))
        self.people_model = VisitorResultsModel(self)
        self.people_view = PeopleView(self.people_model, self)
        self.people_label = QLabel(
            "Personnes trouvées pour la cellule Personne (↓/↑ puis Entrée pour choisir) :", self
        )
        self.keys_label = QLabel(self)
        self.keys_label.setWordWrap(True)
        self.keys_label.setStyleSheet(f"color: {HINT_COLOUR};")
        self.status_label = QLabel(self)
        self.status_label.setObjectName("gridStatus")
        self.status_label.setWordWrap(True)

        layout = QVBoxLayout(self)
        layout.addWidget(self.keys_label)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.people_label)
        layout.addWidget(self.people_view)
        layout.addLayout(self._build_buttons())
        layout.addWidget(self.status_label)
        add_shortcuts(
            self,
            (
                ("Enregistrer la grille", ("Ctrl+Return", "Ctrl+Enter"), self.save),
                ("Nouvelle personne", ("Ctrl+N",), self.new_person),
            ),
        )
        self.reload_catalogue()

    def _build_buttons(self) -> QHBoxLayout:
        self.save_button = QPushButton("Enregistrer la grille (Ctrl+Entrée)", self)
        self.save_button.setStyleSheet("font-weight: 600; padding: 6px 14px;")
        self.save_button.clicked.connect(self.save)
        self.new_button = QPushButton("Nouvelle personne (Ctrl+N)", self)
        self.new_button.clicked.connect(self.new_person)
        self.clear_button = QPushButton("Vider la grille", self)
        self.clear_button.clicked.connect(self.model.clear)
        buttons = QHBoxLayout()
        for button in (self.save_button, self.new_button, self.clear_button):
            button.setAutoDefault(False)
            buttons.addWidget(button)
        buttons.insertStretch(2, 1)  # Vider la grille apart, on the right
        return buttons

    def reload_catalogue(self) -> None:
        self._services = list_services(self.ctx.engine, include_retired=False)
        keys = ", ".join(
            f"<b>{s.shortcut.upper()}</b> {s.label}" for s in self._services if s.shortcut
        )
        self.keys_label.setText(
            "Entrée : ligne suivante · Tab : cellule suivante · Ctrl+Suppr : supprimer la ligne. "
            f"Touches des services : {keys}"
        )

    def focus_grid(self) -> None:
        self.view.setFocus()
        if not self.view.currentIndex().isValid():
            self.view.setCurrentIndex(self.model.index(0, 0))

    # --- people under the grid ------------------------------------------------------------------

    def search_people(self, text: str) -> None:
        self._people_text = text
        try:
            hits = search_visitors(
                self.ctx.engine,
                text,
                on=day_of_ages(self._when),  # ages on the day of the sheet, not today
                young_age_limit=self.ctx.settings.young_age_limit,
            )
        except UserError:
            hits = []
        self.people_model.set_hits(hits)
        # The first one is highlighted (Entrée picks it) only when found by the name as typed:
        # with only near names (≈), Entrée does what it does when nobody is found.
        if hits and not hits[0].approximate:
            self._highlight(0)

    def refresh_ages(self) -> None:
        """The sheet's day has changed: the people listed show their age on the new day."""
        text = self._people_text
        if text is None or not self.people_model.rowCount():
            return
        current = self.current_person()
        self.search_people(text)
        if current is not None:
            for row in range(self.people_model.rowCount()):
                if self.people_model.hit(row).id == current.id:
                    self._highlight(row)
                    break

    def move_in_people(self, step: int) -> None:
        """↓/↑ from the Personne cell. ↓ with nothing highlighted goes to the first person; ↑
        from a near name at the top gives it up (↑ undoes ↓), so Entrée picks nobody again."""
        n = self.people_model.rowCount()
        row = self._highlighted_row()
        if not n or (row is None and step < 0):
            return
        if row is None:
            self._highlight(0)
        elif row + step < 0 and self.people_model.hit(row).approximate:
            self.people_view.selectionModel().clear()
        else:
            self._highlight(min(max(row + step, 0), n - 1))

    def current_person(self) -> VisitorHit | None:
        row = self._highlighted_row()
        return self.people_model.hit(row) if row is not None else None

    def _highlighted_row(self) -> int | None:
        """The row shown highlighted (selected, by ↓/↑ or a click): the one Entrée picks."""
        rows = self.people_view.selectionModel().selectedRows()
        return rows[0].row() if rows else None

    def _highlight(self, row: int) -> None:
        self.people_view.setCurrentIndex(self.people_model.index(row, 0))

    def new_person(self) -> None:
        """Create the person of the current row (from what was typed in its Personne cell)."""
        row = max(self.view.currentIndex().row(), 0)
        editor = self.view.focusWidget()
        if isinstance(editor, PersonEditor):
            text = editor.text()
            self.view.closeEditor(editor, QAbstractItemDelegate.EndEditHint.NoHint)
        else:
            text = self.model.row(row).person_text
        dialog = NewVisitorDialog(self.ctx, text, self)
        dialog.chosen.connect(lambda hit: self._person_created(row, hit))
        dialog.finished.connect(lambda _code: self.window().activateWindow())
        self.new_visitor_dialog = dialog
        dialog.open()

    def _person_created(self, row: int, hit: VisitorHit) -> None:
        self.model.ensure_row(row)
        self.model.set_visitor(row, hit.id, hit.display_name)
        index = self.model.index(row, CatchupGridModel.CHANNEL)
        self.view.setCurrentIndex(index)
        self.view.setFocus()

    # --- save --------------------------------------------------------------------------------------

    def _drafts(self) -> tuple[list[tuple[int, ContactDraft]], dict[int, list[str]]]:
        """A draft for every filled row, and every mistake of every row (row -> reasons)."""
        day, default_time = self._when()
        drafts: list[tuple[int, ContactDraft]] = []
        problems: dict[int, list[str]] = {}
        for i, row in self.model.filled_rows():
            values = read_sheet_row(row.sheet_row(), default_time, self._services)
            if values.problems:
                problems[i] = list(values.problems)
            drafts.append(
                (
                    i,
                    ContactDraft(
                        site_id=self.ctx.site.id,
                        channel=values.channel,
                        local_date=day,
                        local_time=values.local_time,
                        visitor_id=values.visitor_id,
                        service_ids=tuple(s.id for s in values.services),
                        agent=self.ctx.agent,
                    ),
                )
            )
        return drafts, problems

    def _add_database_problems(
        self, drafts: list[tuple[int, ContactDraft]], problems: dict[int, list[str]]
    ) -> None:
        """Rows already wrong as typed: add what the database would refuse too (a person merged
        meanwhile...), so that one round shows every mistake of every row."""
        try:
            found = check_contacts(self.ctx.engine, [d for _, d in drafts])
        except UserError:
            return  # the typed mistakes are still shown; saving will say what the database says
        for k, reasons in found.items():
            problems.setdefault(drafts[k][0], []).extend(reasons)

    def save(self) -> None:
        if self._saving:
            return
        editor = self.view.focusWidget()
        if editor is not None and editor is not self.view and self.view.isAncestorOf(editor):
            self.view.commitData(editor)
            self.view.closeEditor(editor, QAbstractItemDelegate.EndEditHint.NoHint)
        if self.ctx.read_only:
            self._status("Base en lecture seule : rien ne peut être enregistré.", error=True)
            return
        try:
            drafts, problems = self._drafts()
        except UserError as exc:  # the day chosen above is in the future
            self._status(f"Rien n'a été enregistré : {exc.message}", error=True)
            return
        if not drafts:
            self._status(
                "La grille est vide : tapez une ligne par contact de la feuille.", error=True
            )
            return
        if problems:
            self._add_database_problems(drafts, problems)
            self._show_errors({i: " ".join(reasons) for i, reasons in problems.items()})
            return
        day = drafts[0][1].local_date
        rows = [i for i, _ in drafts]
        self._saving = True
        self.save_button.setEnabled(False)
        self._status("Enregistrement…")
        run_in_background(
            log_contacts,
            self.ctx.engine,
            [d for _, d in drafts],
            on_result=lambda saved: self._saved(len(saved), day),
            on_error=lambda exc: self._failed(exc, rows),
        )

    def _show_errors(self, errors: dict[int, str]) -> None:
        self.model.set_errors(errors)
        self.view.resizeRowsToContents()  # a row with several mistakes shows them all
        self._status(self._errors_text(errors), error=True)

    def _saved(self, count: int, day: date) -> None:
        self._saving = False
        self.save_button.setEnabled(True)
        self.model.clear()
        self._status(
            f"✔ {count} contact{'s' if count > 1 else ''} enregistré{'s' if count > 1 else ''} "
            f"pour le {french_day(day, year=True)}."
        )
        self.saved.emit(count)
        self.focus_grid()

    def _failed(self, exc: BaseException, rows: list[int]) -> None:
        self._saving = False
        self.save_button.setEnabled(True)
        if isinstance(exc, ContactRowsInvalid):
            self._show_errors({rows[i]: reason for i, reason in exc.rows.items()})
        else:
            self._status(failure_text("Rien n'a été enregistré", exc, self), error=True)

    @staticmethod
    def _errors_text(errors: dict[int, str]) -> str:
        n = len(errors)
        numbers = [str(i + 1) for i in sorted(errors)]
        listed = ", ".join(numbers[:10]) + (f" et {n - 10} autres" if n > 10 else "")
        return (
            f"Rien n'a été enregistré : {n} ligne{'s' if n > 1 else ''} à corriger "
            f"(ligne{'s' if n > 1 else ''} {listed}) — la colonne État dit tout ce qui ne va "
            "pas sur chaque ligne."
        )

    def _status(self, text: str, *, error: bool = False) -> None:
        self.status_label.setText(text)
        self.status_label.setStyleSheet(ERROR_STYLE if error else SUCCESS_STYLE)

    @property
    def saving(self) -> bool:
        return self._saving

    def visitor_of_row(self, row: int) -> uuid.UUID | None:
        return self.model.row(row).visitor_id
