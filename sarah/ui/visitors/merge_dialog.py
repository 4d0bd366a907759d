"""Merging two records of one person: pick the other record, choose which one stays, see what
moves, confirm, then let the engine move the contacts (sarah.services.visitors.merge_visitors).

Merging is never one key away: no button of the dialog is a default button, and "Fusionner"
stays greyed until the agent ticks "Je confirme…" for the pair shown (choosing another record
or the other record to keep unticks it). Entrée in the search or the list only moves to that
box. A merge can be undone later from the kept record's page ("Annuler la fusion")."""

from __future__ import annotations

import html
import uuid
from datetime import date

from PySide6.QtCore import QEvent, QItemSelectionModel, QModelIndex, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from sarah.errors import UserError
from sarah.services.visitor_history import (
    VisitorHistory,
    VisitorRow,
    merge_candidates,
    search_visitors,
)
from sarah.services.visitors import MergeResult, VisitorInfo, merge_preview, merge_visitors
from sarah.ui.context import AppContext
from sarah.ui.dialogs.crash import failure_text
from sarah.ui.table_models.visitor_models import VisitorSearchModel
from sarah.ui.visitors.status_line import StatusLine
from sarah.ui.workers import run_in_background

SEX_WORDS = {"F": "femme", "H": "homme", None: "sexe non renseigné"}


def _date(d: date | None) -> str:
    return f"{d:%d/%m/%Y}" if d else "date de naissance inconnue"


def _who(v: VisitorInfo) -> str:
    born = f"né(e) le {v.birth_date:%d/%m/%Y}" if v.birth_date else "date de naissance inconnue"
    return f"<b>{html.escape(v.display_name)}</b> ({born}, {SEX_WORDS.get(v.sex, '?')})"


class MergeDialog(QDialog):
    """Opened from a person's page; that person is record A, the other one is picked here."""

    merged = Signal(object, object, int)  # survivor id, absorbed id, contacts moved

    def __init__(self, ctx: AppContext, history: VisitorHistory, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.current = history.visitor
        self.current_contacts = len(history.contacts)
        self.other: VisitorRow | None = None
        self.setWindowTitle("Fusionner deux fiches de la même personne")
        self.setModal(True)
        self.resize(820, 600)

        layout = QVBoxLayout(self)
        layout.addWidget(self._intro())
        layout.addLayout(self._search_row())
        layout.addWidget(self.list_label)
        layout.addWidget(self._candidates_table(), 1)
        layout.addWidget(self._keep_box())
        layout.addWidget(self._preview_label())
        layout.addWidget(self._confirm_box())
        self.error = StatusLine()
        layout.addWidget(self.error)
        layout.addWidget(self._buttons())
        self._connect()

        self._load_candidates()
        self._update_preview()

    # --- parts of the dialog -------------------------------------------------------------------

    def _intro(self) -> QLabel:
        intro = QLabel(
            f"Fiche ouverte : {_who(self.current)}, {self.current_contacts} contact(s).<br>"
            "Choisissez l'autre fiche de cette même personne : ses contacts seront réunis "
            "sur une seule fiche."
        )
        intro.setWordWrap(True)
        return intro

    def _search_row(self) -> QHBoxLayout:
        self.search = QLineEdit()
        self.search.setPlaceholderText("Chercher l'autre fiche : nom, prénom ou date de naissance")
        self.search.setClearButtonEnabled(True)
        search_label = QLabel("&Autre fiche")
        search_label.setBuddy(self.search)
        self.list_label = QLabel()
        row = QHBoxLayout()
        row.addWidget(search_label)
        row.addWidget(self.search, 1)
        return row

    def _candidates_table(self) -> QTableView:
        self.model = VisitorSearchModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.setAlternatingRowColors(True)
        self.table.setTabKeyNavigation(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(VisitorSearchModel.NAME, QHeaderView.ResizeMode.Stretch)
        return self.table

    def _keep_box(self) -> QGroupBox:
        box = QGroupBox("Fiche à conserver")
        self.keep_current = QRadioButton()
        self.keep_other = QRadioButton()
        self.keep_group = QButtonGroup(self)
        self.keep_group.addButton(self.keep_current)
        self.keep_group.addButton(self.keep_other)
        self.keep_current.setChecked(True)
        column = QVBoxLayout(box)
        column.addWidget(self.keep_current)
        column.addWidget(self.keep_other)
        return box

    def _preview_label(self) -> QLabel:
        self.preview = QLabel()
        self.preview.setWordWrap(True)
        self.preview.setTextFormat(Qt.TextFormat.RichText)
        self.preview.setStyleSheet(
            "QLabel { background: #f9fafb; border: 1px solid #d1d5db; border-radius: 4px;"
            " padding: 8px; }"
        )
        return self.preview

    def _confirm_box(self) -> QCheckBox:
        self.confirm = QCheckBox()
        self.confirm.setToolTip(
            "La fusion ne se fait qu'une fois cette case cochée (Espace ou Alt+J), "
            "puis « Fusionner » (Alt+F)"
        )
        return self.confirm

    def _buttons(self) -> QDialogButtonBox:
        self.buttons = QDialogButtonBox()
        self.merge_button = QPushButton("&Fusionner")
        self.merge_button.setToolTip(
            "Réunir les deux fiches maintenant (Alt+F), une fois la confirmation cochée"
        )
        self.cancel_button = QPushButton("Annuler")
        for button in (self.merge_button, self.cancel_button):
            # No default button: Entrée must never merge (QDialogButtonBox would make the
            # first AcceptRole button the default one, hence ActionRole for "Fusionner").
            button.setAutoDefault(False)
            button.setDefault(False)
        self.buttons.addButton(self.merge_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.addButton(self.cancel_button, QDialogButtonBox.ButtonRole.RejectRole)
        return self.buttons

    def _connect(self) -> None:
        self.search.textChanged.connect(self._search)
        self.search.installEventFilter(self)
        self.table.installEventFilter(self)
        self.table.selectionModel().currentRowChanged.connect(self._on_row)
        self.keep_group.buttonToggled.connect(lambda *_: self._update_preview())
        self.confirm.toggled.connect(lambda _on: self._update_merge_button())
        self.merge_button.clicked.connect(self.do_merge)
        self.cancel_button.clicked.connect(self.reject)

    # --- choosing the other record -------------------------------------------------------------

    def _load_candidates(self) -> None:
        try:
            rows = merge_candidates(
                self.ctx.engine,
                self.current.id,
                young_age_limit=self.ctx.settings.young_age_limit,
            )
        except UserError as exc:
            self.error.show_message(exc.message, "error")
            rows = []
        self.model.set_rows(rows)
        if rows:
            self.list_label.setText(
                f"Doublons probables ({len(rows)}) : même nom, ou même date de naissance et nom "
                "proche. Sinon cherchez ci-dessus."
            )
            self._select(0)
            self.table.setFocus()
        else:
            self.list_label.setText(
                "Aucun doublon évident : cherchez l'autre fiche par son nom ou sa date de naissance."
            )
            self.search.setFocus()

    def _search(self, text: str) -> None:
        if not text.strip():
            self._load_candidates()
            return
        try:
            rows = search_visitors(
                self.ctx.engine, text, young_age_limit=self.ctx.settings.young_age_limit
            )
        except UserError as exc:
            self.model.set_rows([])
            self.list_label.setText(exc.message)
            self._set_other(None)
            return
        rows = [r for r in rows if r.visitor.id != self.current.id]
        self.model.set_rows(rows)
        self.list_label.setText(
            f"{len(rows)} fiche(s) trouvée(s)." if rows else "Aucune autre fiche ne correspond."
        )
        if rows:
            self._select(0)
        else:
            self._set_other(None)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent):
            return super().eventFilter(watched, event)
        key = event.key()
        if watched is self.search and key in (Qt.Key.Key_Down, Qt.Key.Key_Up):
            if self.model.rowCount():
                step = 1 if key == Qt.Key.Key_Down else -1
                last = self.model.rowCount() - 1
                self._select(max(0, min(last, self.table.currentIndex().row() + step)))
            return True
        if watched in (self.search, self.table) and key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            # Entrée chooses the record shown: on to the confirmation, never the merge itself.
            if self.other is not None and self.confirm.isEnabled():
                self.confirm.setFocus(Qt.FocusReason.OtherFocusReason)
            return True
        return super().eventFilter(watched, event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            # No default action. Entrée presses only the button that has the keyboard focus
            # ("Fusionner" is greyed until the confirmation is ticked).
            focused = self.focusWidget()
            if isinstance(focused, QPushButton) and focused.isEnabled():
                focused.click()
            event.accept()
            return
        super().keyPressEvent(event)

    def _select(self, row: int) -> None:
        index = self.model.index(row, 0)
        self.table.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self._set_other(self.model.row_at(row))

    def _on_row(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self._set_other(self.model.row_at(current.row()) if current.isValid() else None)

    def _set_other(self, row: VisitorRow | None) -> None:
        self.other = row
        self._update_preview()

    # --- what will happen ----------------------------------------------------------------------

    def survivor_and_absorbed(self) -> tuple[VisitorInfo, VisitorInfo] | None:
        if self.other is None:
            return None
        other = self.other.visitor
        if self.keep_current.isChecked():
            return self.current, other
        return other, self.current

    def _update_preview(self) -> None:
        # Whatever changed (the other record, the record kept), the agent confirms again.
        self.confirm.setChecked(False)
        self.keep_current.setText(
            f"&1  la fiche ouverte : {self.current.display_name} "
            f"({self.current_contacts} contact(s))"
        )
        if self.other is None:
            self.keep_other.setText("&2  l'autre fiche (choisissez-la dans la liste)")
            self.keep_other.setEnabled(False)
            self.preview.setText("Choisissez l'autre fiche pour voir ce que la fusion va changer.")
            self._set_confirm(None)
            return
        self.keep_other.setEnabled(True)
        self.keep_other.setText(
            f"&2  l'autre fiche : {self.other.visitor.display_name} "
            f"({self.other.contacts} contact(s))"
        )
        pair = self.survivor_and_absorbed()
        assert pair is not None
        try:
            preview = merge_preview(self.ctx.engine, pair[0].id, pair[1].id)
        except UserError as exc:
            self.preview.setText(html.escape(exc.message))
            self._set_confirm(None)
            return
        self.preview.setText(
            self.describe(preview.survivor, preview.absorbed, preview.contacts_to_move)
        )
        self._set_confirm(preview.survivor, preview.absorbed)

    def _set_confirm(
        self, survivor: VisitorInfo | None, absorbed: VisitorInfo | None = None
    ) -> None:
        if survivor is None or absorbed is None:
            self.confirm.setText("&Je confirme : ces deux fiches sont la même personne")
            self.confirm.setEnabled(False)
        else:
            self.confirm.setText(
                f"&Je confirme : {survivor.display_name} et {absorbed.display_name} sont la même "
                "personne"
            )
            self.confirm.setEnabled(not self.ctx.read_only)
        self._update_merge_button()

    def _update_merge_button(self) -> None:
        self.merge_button.setEnabled(
            self.confirm.isEnabled() and self.confirm.isChecked() and not self.ctx.read_only
        )

    @staticmethod
    def describe(survivor: VisitorInfo, absorbed: VisitorInfo, moved: int) -> str:
        """The preview, in plain words: what moves, what is kept, what is completed, what differs."""
        keep_name = html.escape(survivor.display_name)
        gone_name = html.escape(absorbed.display_name)
        lines = [
            f"Fiche conservée : {_who(survivor)}.",
            f"Fiche absorbée : {_who(absorbed)}.",
            f"<b>{moved} contact{'s' if moved != 1 else ''}</b> de {gone_name} "
            f"{'seront rattachés' if moved > 1 else 'sera rattaché'} à {keep_name}.",
        ]
        completed = []
        if survivor.sex is None and absorbed.sex is not None:
            completed.append(f"sexe ({SEX_WORDS[absorbed.sex]})")
        if survivor.birth_date is None and absorbed.birth_date is not None:
            completed.append(f"date de naissance ({absorbed.birth_date:%d/%m/%Y})")
        if completed:
            lines.append("Repris de la fiche absorbée : " + ", ".join(completed) + ".")
        warnings = []
        if (
            survivor.birth_date
            and absorbed.birth_date
            and survivor.birth_date != absorbed.birth_date
        ):
            warnings.append(
                f"dates de naissance différentes ({survivor.birth_date:%d/%m/%Y} et "
                f"{absorbed.birth_date:%d/%m/%Y}) : la fiche conservée garde la sienne"
            )
        if survivor.sex and absorbed.sex and survivor.sex != absorbed.sex:
            warnings.append("sexes différents : la fiche conservée garde le sien")
        if warnings:
            lines.append(
                "<span style='color:#92400e'><b>Attention :</b> "
                + " ; ".join(warnings)
                + ". Vérifiez qu'il s'agit bien de la même personne.</span>"
            )
        lines.append(
            f"Ensuite {gone_name} n'apparaîtra plus dans les recherches (une trace de la fusion "
            "est gardée) ; les statistiques compteront cette personne une seule fois. "
            f"La fusion pourra être annulée depuis la fiche de {keep_name} "
            "(« Annuler la fusion »)."
        )
        return "<br>".join(lines)

    # --- doing it ------------------------------------------------------------------------------

    def do_merge(self) -> None:
        pair = self.survivor_and_absorbed()
        if pair is None or self.ctx.read_only or not self.confirm.isChecked():
            return
        survivor, absorbed = pair
        # Off the GUI thread: moving thousands of contacts must not freeze the window.
        self.merge_button.setEnabled(False)
        self.cancel_button.setEnabled(False)
        self.error.show_message("Fusion en cours…", "info")
        run_in_background(
            merge_visitors,
            self.ctx.engine,
            survivor.id,
            absorbed.id,
            site_id=self.ctx.site.id,
            agent=self.ctx.agent,
            on_result=lambda result: self._merged(result, absorbed.id),
            on_error=self._merge_failed,
        )

    def _merged(self, result: MergeResult, absorbed_id: uuid.UUID) -> None:
        self.merged.emit(result.survivor.id, absorbed_id, result.moved_contacts)
        self.accept()

    def _merge_failed(self, exc: BaseException) -> None:
        self.cancel_button.setEnabled(True)
        self._update_merge_button()
        self.error.show_message(failure_text("Fusion non faite", exc, self), "error")
