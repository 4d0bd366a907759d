"""Visiteurs: find a person, correct the profile, see every contact at every site, merge twins."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, Signal
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence, QShowEvent
from PySide6.QtWidgets import QLabel, QMessageBox, QSplitter, QStackedWidget, QVBoxLayout, QWidget

from sarah.errors import UserError
from sarah.services.visitor_history import VisitorHistory, visitor_history
from sarah.services.visitor_merges import UnmergePlan
from sarah.services.visitors import update_visitor
from sarah.ui.context import AppContext
from sarah.ui.style import HINT_COLOUR
from sarah.ui.visitors.merge_dialog import MergeDialog
from sarah.ui.visitors.person_page import PersonPage
from sarah.ui.visitors.search_pane import SearchPane
from sarah.ui.visitors.status_line import StatusLine

PLACEHOLDER = (
    "Cherchez une personne à gauche (deux lettres du nom ou du prénom, ou sa date de "
    "naissance), choisissez-la avec les flèches puis Entrée.\n\n"
    "Ici : sa fiche, tous ses contacts dans tous les Points Relais, sa première visite, "
    "et la fusion de deux fiches de la même personne."
)


class VisitorsScreen(QWidget):
    """Search on the left, the chosen person on the right."""

    visitor_changed = Signal(object)  # uuid.UUID of a record whose profile or contacts changed

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.history: VisitorHistory | None = None
        self.merge_dialog: MergeDialog | None = None
        # The page as it was when the status line got its message: a message about a page
        # whose data has changed since (restore, import, desk) is no longer shown.
        self._status_page: VisitorHistory | None = None
        self._stale = False

        # The parts the screen works with, under short names.
        self.pane = SearchPane(ctx)
        self.search, self.results = self.pane.search, self.pane.results
        self.results_model, self.hint = self.pane.results_model, self.pane.hint
        self.page = PersonPage(ctx)
        self.profile, self.title, self.summary = (
            self.page.profile,
            self.page.title,
            self.page.summary,
        )
        self.save_button, self.revert_button = self.page.save_button, self.page.revert_button
        self.merge_button, self.merges_panel = self.page.merge_button, self.page.merges_panel
        self.sites_model, self.contacts_model = self.page.sites_model, self.page.contacts_model
        self.contacts_view = self.page.contacts_view
        self.placeholder = self._placeholder()
        self.right = QStackedWidget()
        self.right.addWidget(self.placeholder)
        self.right.addWidget(self.page)
        self.splitter = self._splitter()
        self.status = StatusLine()
        layout = QVBoxLayout(self)
        layout.addWidget(self.splitter, 1)
        layout.addWidget(self.status)

        self._actions()
        self._connect()
        self._tab_order()
        self.pane.show_hint()
        self._update_buttons()
        self.setFocusProxy(self.search)

    # --- building ---------------------------------------------------------------------------

    @staticmethod
    def _placeholder() -> QLabel:
        label = QLabel(PLACEHOLDER)
        label.setWordWrap(True)
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        label.setStyleSheet(f"color: {HINT_COLOUR}; padding: 24px;")
        return label

    def _splitter(self) -> QSplitter:
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.pane)
        splitter.addWidget(self.right)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        splitter.setChildrenCollapsible(False)
        em = self.fontMetrics().horizontalAdvance("M")
        self.pane.setMinimumWidth(em * 30)
        splitter.setSizes([em * 48, em * 54])
        return splitter

    def _connect(self) -> None:
        self.search.textChanged.connect(self._run_search)
        self.search.installEventFilter(self)
        self.results.installEventFilter(self)
        self.results.selectionModel().currentRowChanged.connect(self._on_current_row)
        self.results.activated.connect(lambda _index: self.open_profile())
        self.profile.changed.connect(self._update_buttons)
        self.save_button.clicked.connect(self.save_profile)
        self.revert_button.clicked.connect(self.revert_profile)
        self.merge_button.clicked.connect(self.start_merge)
        self.merges_panel.undo_requested.connect(self.start_unmerge)
        self.merges_panel.unmerged.connect(self._after_unmerge)
        self.merges_panel.failed.connect(lambda text: self.say(text, "error"))
        self.page.rights.message.connect(self.say)
        self.page.rights.erased.connect(self._after_erase)

    def _tab_order(self) -> None:
        chain: list[QWidget] = [
            self.search,
            self.results,
            self.profile.last_name,
            self.profile.first_name,
            self.profile.sex,
            self.profile.birth_date,
            self.profile.place,
            self.save_button,
            self.revert_button,
            self.merge_button,
            self.contacts_view,
        ]
        for before, after in zip(chain, chain[1:], strict=False):
            self.setTabOrder(before, after)

    # --- wiring -----------------------------------------------------------------------------

    def _actions(self) -> None:
        def action(
            text: str, keys: QKeySequence.StandardKey | str, slot: Callable[[], object]
        ) -> QAction:
            act = QAction(text, self)
            act.setShortcut(QKeySequence(keys))
            act.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            act.triggered.connect(slot)
            self.addAction(act)
            return act

        self.find_action = action("Rechercher", QKeySequence.StandardKey.Find, self.focus_search)
        self.save_action = action(
            "Enregistrer la fiche", QKeySequence.StandardKey.Save, self.save_profile
        )
        self.merge_action = action("Fusionner…", "Ctrl+M", self.start_merge)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            key = event.key()
            if watched is self.search and key in (Qt.Key.Key_Down, Qt.Key.Key_Up):
                self.pane.step(1 if key == Qt.Key.Key_Down else -1)
                return True
            if watched is self.search and key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                if self.results_model.rowCount() and not self.results.currentIndex().isValid():
                    self.pane.select_row(0)
                self.open_profile()
                return True
            if watched is self.results and key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.open_profile()
                return True
        return super().eventFilter(watched, event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape and not self.search.hasFocus():
            self.focus_search()
            return
        super().keyPressEvent(event)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        # Contacts may have been logged on the desk meanwhile, a backup restored, a file imported.
        self.refresh(keep_status=not self._stale)

    def mark_stale(self) -> None:
        """The data changed elsewhere (import, restore): read it again now, or when shown."""
        self._stale = True
        if self.isVisible():
            self.refresh(keep_status=False)

    def refresh(self, *, keep_status: bool = True) -> None:
        """Read the search results and the open person again. A message stays only with
        ``keep_status`` and when the page it speaks about has not changed; unsaved edits of
        the profile are kept (the page is then left as it is)."""
        self._stale = False
        if not keep_status:
            self.status.clear_message()
        if self.search.text().strip():
            self._run_search()
        self.pane.count_duplicates()  # a package received may have brought look-alikes
        if self.history is None or self.profile.is_dirty():
            return
        try:
            history = visitor_history(
                self.ctx.engine,
                self.history.visitor.id,
                young_age_limit=self.ctx.settings.young_age_limit,
            )
        except UserError:
            # The person is gone (a backup from before they were typed in was restored).
            self.history = None
            self.status.clear_message()
            self.right.setCurrentIndex(0)
            self._update_buttons()
            return
        self._show(history, keep_status=True)

    def say(self, text: str, kind: str = "info") -> None:
        """A message on the status line about the page as it is now."""
        self.status.show_message(text, kind)
        self._status_page = self.history

    # --- search -----------------------------------------------------------------------------

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def _run_search(self, text: str | None = None) -> None:
        text = self.search.text() if text is None else text
        self.pane.run_search(text, self.history.visitor.id if self.history else None)

    def _on_current_row(self, current: QModelIndex, _previous: QModelIndex) -> None:
        row = current.row() if current.isValid() else -1
        if row < 0:
            return
        visitor_id = self.results_model.row_at(row).visitor.id
        if self.history is not None and visitor_id == self.history.visitor.id:
            return
        if not self._confirm_leave():
            if self.history is not None:
                self.pane.select_visitor(self.history.visitor.id)
            return
        self._load(visitor_id)

    # --- the person -------------------------------------------------------------------------

    def open_visitor(self, visitor_id: uuid.UUID) -> None:
        """Show one person (also used by other screens, e.g. from the desk's journal)."""
        if self._confirm_leave():
            self._load(visitor_id)
            self.open_profile()

    def open_profile(self) -> None:
        """Enter on a result: the profile takes the keyboard."""
        if self.history is None:
            return
        self.profile.last_name.setFocus(Qt.FocusReason.OtherFocusReason)
        self.profile.last_name.selectAll()

    def _load(self, visitor_id: uuid.UUID, *, keep_status: bool = False) -> None:
        try:
            history = visitor_history(
                self.ctx.engine, visitor_id, young_age_limit=self.ctx.settings.young_age_limit
            )
        except UserError as exc:
            self.say(exc.message, "error")
            return
        self._show(history, keep_status=keep_status)

    def _show(self, history: VisitorHistory, *, keep_status: bool = False) -> None:
        if not keep_status or history != self._status_page:
            self.status.clear_message()
        self.history = history
        self.page.show_history(history)
        self.right.setCurrentIndex(1)
        self.pane.select_visitor(history.visitor.id)
        self._update_buttons()

    def _update_buttons(self) -> None:
        has = self.history is not None
        dirty = has and self.profile.is_dirty()
        writable = not self.ctx.read_only
        self.save_button.setEnabled(bool(dirty and writable))
        self.revert_button.setEnabled(bool(dirty))
        self.merge_button.setEnabled(has and writable)
        self.merge_action.setEnabled(has and writable)
        self.profile.setEnabled(has and writable)
        if has and self.history is not None:
            mark = " (modifiée)" if dirty else ""
            self.title.setText(self.history.visitor.display_name + mark)

    def _confirm_leave(self) -> bool:
        """True when there is nothing unsaved, or the agent chose to save or drop it."""
        if self.history is None or not self.profile.is_dirty():
            return True
        answer = QMessageBox.question(
            self,
            "Fiche modifiée",
            f"La fiche de {self.history.visitor.display_name} a été modifiée. "
            "Enregistrer les changements ?",
            QMessageBox.StandardButton.Save
            | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Save,
        )
        if answer == QMessageBox.StandardButton.Save:
            return self.save_profile()
        return answer == QMessageBox.StandardButton.Discard

    def save_profile(self) -> bool:
        """Write the profile; the form keeps what was typed when it cannot be saved."""
        if self.history is None or self.ctx.read_only:
            return False
        if not self.profile.is_dirty():
            return True
        last, first, sex, _born = self.profile.values()
        try:
            born = self.profile.parsed_birth_date()
            saved = update_visitor(
                self.ctx.engine,
                self.history.visitor.id,
                last_name=last,
                first_name=first,
                sex=sex,
                birth_date=born,
                site_id=self.ctx.site.id,
                neighbourhood_id=self.profile.neighbourhood(),
            )
        except UserError as exc:
            self.say(f"Fiche non enregistrée : {exc.message}", "error")
            return False
        self._load(saved.id)
        self._run_search()
        self.say(f"Fiche de {saved.display_name} enregistrée.", "ok")
        self.visitor_changed.emit(saved.id)
        return True

    def revert_profile(self) -> None:
        if self.history is not None:
            self.profile.load(self.history)
            self.status.clear_message()

    # --- merge ------------------------------------------------------------------------------

    def start_merge(self) -> None:
        if self.history is None or self.ctx.read_only:
            return
        if not self._confirm_leave():
            return
        dialog = MergeDialog(self.ctx, self.history, self)
        dialog.merged.connect(self._after_merge)
        dialog.finished.connect(lambda _code: self._forget_dialog(dialog))
        self.merge_dialog = dialog
        dialog.open()

    def _forget_dialog(self, dialog: MergeDialog) -> None:
        if self.merge_dialog is dialog:
            self.merge_dialog = None
        dialog.deleteLater()

    def _after_merge(self, survivor_id: uuid.UUID, absorbed_id: uuid.UUID, moved: int) -> None:
        self.history = None
        self._load(survivor_id)
        self._run_search()
        assert self.history is not None
        name = self.history.visitor.display_name
        self.say(
            f"Fiches fusionnées : {moved} contact{'s' if moved != 1 else ''} "
            f"rattaché{'s' if moved > 1 else ''} à {name}. En cas d'erreur : "
            "« Annuler la fusion… » sur cette fiche.",
            "ok",
        )
        self.visitor_changed.emit(survivor_id)
        self.visitor_changed.emit(absorbed_id)

    def apply_role(self) -> None:
        """After a change of user (the main window calls it): the person's rights buttons
        follow the new role at once."""
        self.page.rights.update_buttons()

    def _after_erase(self, visitor_id: uuid.UUID) -> None:
        """The identity is gone: leave the page (nothing left to show) and search again."""
        self.history = None
        self.right.setCurrentIndex(0)
        self._update_buttons()
        self._run_search()
        self.visitor_changed.emit(visitor_id)

    # --- undoing a merge --------------------------------------------------------------------

    def start_unmerge(self, merge_id: uuid.UUID) -> None:
        """ "Annuler la fusion…" on a line of the merges: save or drop edits, then confirm."""
        if self.history is None or self.ctx.read_only or not self._confirm_leave():
            return
        self.merges_panel.confirm_undo(merge_id)

    def _after_unmerge(self, plan: UnmergePlan) -> None:
        self.history = None
        self._load(plan.survivor.id)
        self._run_search()
        back = plan.restored.display_name
        n = plan.contacts_back
        text = (
            f"Fusion annulée : {back} est de nouveau une fiche à part, "
            f"avec {n} contact{'s' if n != 1 else ''}."
        )
        if plan.inner_merges:
            text += (
                f" {back} contient encore {', '.join(plan.inner_merges)} : pour les séparer "
                f"aussi, ouvrez la fiche de {back}."
            )
        self.say(text, "ok")
        self.visitor_changed.emit(plan.survivor.id)
        self.visitor_changed.emit(plan.restored.id)
