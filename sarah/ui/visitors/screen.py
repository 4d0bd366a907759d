"""Visiteurs: find a person, correct the profile, see every contact at every site, merge twins."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QEvent, QItemSelectionModel, QModelIndex, QObject, Qt, Signal
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from sarah.errors import InvalidInput, UserError
from sarah.services.visitor_history import (
    VisitorHistory,
    parse_birth_date,
    search_visitors,
    visitor_history,
)
from sarah.services.visitor_merges import UnmergePlan
from sarah.services.visitors import age_group, age_on, update_visitor
from sarah.ui.context import AppContext
from sarah.ui.table_models.visitor_models import (
    GROUP_LABELS,
    VisitorContactsModel,
    VisitorSearchModel,
    VisitorSitesModel,
)
from sarah.ui.visitors.merge_dialog import MergeDialog
from sarah.ui.visitors.merges_panel import MergesPanel
from sarah.ui.visitors.status_line import StatusLine

SEX_CHOICES = (("Non renseigné", None), ("Femme", "F"), ("Homme", "H"))


def _date(d: date | None) -> str:
    return f"{d:%d/%m/%Y}" if d else "–"


def _table(model: object) -> QTableView:
    view = QTableView()
    view.setModel(model)  # type: ignore[arg-type]
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.verticalHeader().setVisible(False)
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 8)
    view.setWordWrap(False)
    return view


class ProfileForm(QGroupBox):
    """Last name, first name, sex, birth date; the age and jeune/adulte shown as the date is typed."""

    changed = Signal()

    def __init__(self, young_age_limit: int, parent: QWidget | None = None) -> None:
        super().__init__("Fiche", parent)
        self.young_age_limit = young_age_limit
        self.last_name = QLineEdit()
        self.last_name.setMaxLength(120)
        self.first_name = QLineEdit()
        self.first_name.setMaxLength(120)
        self.sex = QComboBox()
        for label, value in SEX_CHOICES:
            self.sex.addItem(label, value)
        self.birth_date = QLineEdit()
        self.birth_date.setPlaceholderText("JJ/MM/AAAA")
        self.birth_date.setMaxLength(10)
        self.age_label = QLabel()
        self.age_label.setMinimumWidth(140)

        grid = QGridLayout(self)
        grid.addWidget(self._buddy("&Nom", self.last_name), 0, 0)
        grid.addWidget(self.last_name, 0, 1)
        grid.addWidget(self._buddy("&Prénom", self.first_name), 0, 2)
        grid.addWidget(self.first_name, 0, 3)
        grid.addWidget(self._buddy("Se&xe", self.sex), 1, 0)
        grid.addWidget(self.sex, 1, 1)
        grid.addWidget(self._buddy("Né(e) l&e", self.birth_date), 1, 2)
        born = QHBoxLayout()
        born.addWidget(self.birth_date, 1)
        born.addWidget(self.age_label)
        grid.addLayout(born, 1, 3)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)

        self._loaded: tuple[str, str, str | None, str] = ("", "", None, "")
        for edit in (self.last_name, self.first_name, self.birth_date):
            edit.textChanged.connect(self._on_change)
        self.sex.currentIndexChanged.connect(self._on_change)

    @staticmethod
    def _buddy(text: str, widget: QWidget) -> QLabel:
        label = QLabel(text)
        label.setBuddy(widget)
        return label

    def load(self, history: VisitorHistory) -> None:
        v = history.visitor
        born = f"{v.birth_date:%d/%m/%Y}" if v.birth_date else ""
        self._loaded = (v.last_name, v.first_name, v.sex, born)
        for w in (self.last_name, self.first_name, self.sex, self.birth_date):
            w.blockSignals(True)
        self.last_name.setText(v.last_name)
        self.first_name.setText(v.first_name)
        self.sex.setCurrentIndex(self.sex.findData(v.sex) if v.sex else 0)
        self.birth_date.setText(self._loaded[3])
        for w in (self.last_name, self.first_name, self.sex, self.birth_date):
            w.blockSignals(False)
        self._on_change()

    def values(self) -> tuple[str, str, str | None, str]:
        return (
            self.last_name.text(),
            self.first_name.text(),
            self.sex.currentData(),
            self.birth_date.text().strip(),
        )

    def is_dirty(self) -> bool:
        last, first, sex, born = self.values()
        l0, f0, s0, b0 = self._loaded
        return (" ".join(last.split()), " ".join(first.split()), sex, born) != (l0, f0, s0, b0)

    def parsed_birth_date(self) -> date | None:
        """The typed date, None when empty; InvalidInput when incomplete or impossible."""
        text = self.birth_date.text().strip()
        if not text:
            return None
        born = parse_birth_date(text)
        if born is None:
            raise InvalidInput(f"Date de naissance « {text} » incomplète : tapez JJ/MM/AAAA.")
        return born

    def _on_change(self) -> None:
        try:
            born = self.parsed_birth_date()
        except UserError as exc:
            text = "date incomplète" if "incomplète" in exc.message else "date impossible"
            self.age_label.setText(text)
            self.age_label.setStyleSheet("color: #b91c1c;")
        else:
            self.age_label.setStyleSheet("")
            if born is None:
                self.age_label.setText("âge inconnu")
            elif born > date.today():
                self.age_label.setText("date dans le futur")
                self.age_label.setStyleSheet("color: #b91c1c;")
            else:
                group = age_group(born, date.today(), self.young_age_limit)
                self.age_label.setText(f"{age_on(born, date.today())} ans · {GROUP_LABELS[group]}")
        self.changed.emit()


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

        # --- left: search and results ---
        self.search = QLineEdit()
        self.search.setPlaceholderText("Nom, prénom ou date de naissance (JJ/MM/AAAA)")
        self.search.setClearButtonEnabled(True)
        self.search.setToolTip(
            "Deux lettres du nom ou du prénom suffisent (Ctrl+F pour revenir ici)"
        )
        search_label = QLabel("&Rechercher")
        search_label.setBuddy(self.search)
        self.results_model = VisitorSearchModel(self)
        self.results = _table(self.results_model)
        header = self.results.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(VisitorSearchModel.NAME, QHeaderView.ResizeMode.Stretch)
        self.results.setTabKeyNavigation(False)
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet("color: #4b5563;")

        left = QWidget()
        lv = QVBoxLayout(left)
        lv.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        row.addWidget(search_label)
        row.addWidget(self.search, 1)
        lv.addLayout(row)
        lv.addWidget(self.results, 1)
        lv.addWidget(self.hint)

        # --- right: the person ---
        self.placeholder = QLabel(
            "Cherchez une personne à gauche (deux lettres du nom ou du prénom, ou sa date de "
            "naissance), choisissez-la avec les flèches puis Entrée.\n\n"
            "Ici : sa fiche, tous ses contacts dans tous les Points Relais, sa première visite, "
            "et la fusion de deux fiches de la même personne."
        )
        self.placeholder.setWordWrap(True)
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setStyleSheet("color: #4b5563; padding: 24px;")

        self.title = QLabel()
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.35)
        font.setBold(True)
        self.title.setFont(font)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.profile = ProfileForm(ctx.settings.young_age_limit)
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

        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.merges_panel = MergesPanel(ctx)

        self.sites_model = VisitorSitesModel(self)
        self.sites_view = _table(self.sites_model)
        self.sites_view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.sites_view.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        sites_box = QGroupBox("Visites par site")
        QVBoxLayout(sites_box).addWidget(self.sites_view)

        self.contacts_model = VisitorContactsModel(self)
        self.contacts_view = _table(self.contacts_model)
        ch = self.contacts_view.horizontalHeader()
        ch.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        ch.setSectionResizeMode(VisitorContactsModel.SERVICES, QHeaderView.ResizeMode.Stretch)
        self.contacts_box = QGroupBox("Contacts (tous les sites)")
        QVBoxLayout(self.contacts_box).addWidget(self.contacts_view)

        person = QWidget()
        pv = QVBoxLayout(person)
        pv.setContentsMargins(0, 0, 0, 0)
        pv.addWidget(self.title)
        pv.addWidget(self.profile)
        pv.addLayout(buttons)
        pv.addWidget(self.summary)
        pv.addWidget(self.merges_panel)
        pv.addWidget(sites_box)
        pv.addWidget(self.contacts_box, 1)

        self.right = QStackedWidget()
        self.right.addWidget(self.placeholder)
        self.right.addWidget(person)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(self.right)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        splitter.setChildrenCollapsible(False)
        em = self.fontMetrics().horizontalAdvance("M")
        left.setMinimumWidth(em * 30)
        splitter.setSizes([em * 48, em * 54])
        self.splitter = splitter

        self.status = StatusLine()
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.status)

        self._actions()
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
        self.setTabOrder(self.search, self.results)
        self.setTabOrder(self.results, self.profile.last_name)
        self.setTabOrder(self.profile.last_name, self.profile.first_name)
        self.setTabOrder(self.profile.first_name, self.profile.sex)
        self.setTabOrder(self.profile.sex, self.profile.birth_date)
        self.setTabOrder(self.profile.birth_date, self.save_button)
        self.setTabOrder(self.save_button, self.revert_button)
        self.setTabOrder(self.revert_button, self.merge_button)
        self.setTabOrder(self.merge_button, self.contacts_view)
        self._show_hint()
        self._update_buttons()
        self.setFocusProxy(self.search)

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
                self._step_results(1 if key == Qt.Key.Key_Down else -1)
                return True
            if watched is self.search and key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                if self.results_model.rowCount() and not self.results.currentIndex().isValid():
                    self._select_row(0)
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
        try:
            rows = search_visitors(
                self.ctx.engine, text, young_age_limit=self.ctx.settings.young_age_limit
            )
        except UserError as exc:
            self.results_model.set_rows([])
            self._show_hint(exc.message, error=True)
            return
        current = self.history.visitor.id if self.history else None
        selection = self.results.selectionModel()
        blocked = selection.blockSignals(True)  # a new list does not open anyone by itself
        self.results_model.set_rows(rows)
        selection.blockSignals(blocked)
        row = self.results_model.row_of(current) if current else None
        if row is not None:
            self._select_row(row, load=False)
        self._show_hint()

    def _show_hint(self, message: str | None = None, *, error: bool = False) -> None:
        self.hint.setStyleSheet("color: #b91c1c;" if error else "color: #4b5563;")
        if message:
            self.hint.setText(message)
            return
        n = self.results_model.rowCount()
        text = self.search.text().strip()
        if not text:
            self.hint.setText("Tapez au moins deux lettres, ou une date de naissance.")
        elif n == 0:
            self.hint.setText("Personne ne correspond." if len(text) >= 2 else "Encore une lettre…")
        elif n == 1:
            self.hint.setText("1 personne. Entrée pour ouvrir sa fiche.")
        else:
            more = " (les 100 premières : précisez)" if n >= 100 else ""
            self.hint.setText(f"{n} personnes{more}. Flèches puis Entrée pour ouvrir une fiche.")

    def _step_results(self, step: int) -> None:
        n = self.results_model.rowCount()
        if not n:
            return
        current = self.results.currentIndex().row()
        row = 0 if current < 0 else max(0, min(n - 1, current + step))
        self._select_row(row)

    def _select_row(self, row: int, *, load: bool = True) -> None:
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

    def _on_current_row(self, current: QModelIndex, _previous: QModelIndex) -> None:
        row = current.row() if current.isValid() else -1
        if row < 0:
            return
        visitor_id = self.results_model.row_at(row).visitor.id
        if self.history is not None and visitor_id == self.history.visitor.id:
            return
        if not self._confirm_leave():
            prev = self.results_model.row_of(self.history.visitor.id) if self.history else None
            if prev is not None:
                self._select_row(prev, load=False)
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
        v = history.visitor
        self.title.setText(v.display_name)
        self.profile.load(history)
        self.sites_model.set_rows(history.sites)
        self.contacts_model.set_rows(history.contacts)
        self.contacts_box.setTitle(f"Contacts (tous les sites) : {len(history.contacts)}")
        visible = max(1, len(history.sites))
        row_height = self.sites_view.verticalHeader().defaultSectionSize()
        self.sites_view.setFixedHeight(
            self.sites_view.horizontalHeader().sizeHint().height()
            + row_height * min(visible, 4)
            + 4
        )
        if history.first_visit is None:
            self.summary.setText("<b>Aucun contact enregistré</b> pour cette personne.")
        else:
            n_sites = len(history.sites)
            where = f"{n_sites} site{'s' if n_sites > 1 else ''}"
            self.summary.setText(
                f"<b>Première visite : {_date(history.first_visit)}</b> à {history.first_site}"
                f" · dernière visite : {_date(history.last_visit)}"
                f" · {len(history.contacts)} contact{'s' if len(history.contacts) > 1 else ''}"
                f" sur {where}"
            )
        self.merges_panel.set_traces(history.merges)
        self.merges_panel.chain_focus(self.merge_button, self.contacts_view)
        self.right.setCurrentIndex(1)
        row = self.results_model.row_of(v.id)
        if row is not None and self.results.currentIndex().row() != row:
            self._select_row(row, load=False)
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

    # --- undoing a merge --------------------------------------------------------------------

    def start_unmerge(self, merge_id: uuid.UUID) -> None:
        """"Annuler la fusion…" on a line of the merges: save or drop edits, then confirm."""
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
