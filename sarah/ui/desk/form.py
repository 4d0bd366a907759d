"""The contact form, keyboard first: search a person, pick, toggle services, save.

Used twice: on the Accueil screen (contact at the current time) and in Saisie différée (contact
at a chosen earlier date and time). Shortcuts, active while the focus is inside the form:

    ↓ / Entrée    go to the results / choose the highlighted person
    lettres       in the services list: toggle the service with that key; Espace: the current one
    F2            Physique <-> Téléphone
    Ctrl+Entrée   save the chosen person's contact (never an anonymous one)
    F9            anonymous phone call (no person), with the services checked
    Ctrl+N        new person    Échap  clear the form (or give up an edit), from anywhere in it

Nothing is saved by accident: Ctrl+Entrée without a chosen person is refused with the reason,
and a second save while nothing has changed since the last one is refused too.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time

from PySide6.QtCore import QModelIndex, QSize, Qt, Signal
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from sarah.errors import UserError
from sarah.services.catalogue import list_services
from sarah.services.contacts import ContactDraft, log_contact, update_contact
from sarah.services.desk.journal import JournalEntry
from sarah.services.desk.search import VisitorHit, search_visitors, visitor_hit
from sarah.ui.context import AppContext
from sarah.ui.desk.form_state import (
    ANONYMOUS_KEY,
    CHANNEL_KEY,
    CLEAR_KEY,
    NEW_VISITOR_KEY,
    SAVE_KEYS,
    FormState,
    search_hint,
)
from sarah.ui.desk.form_state import can_create_visitor as new_visitor_allowed
from sarah.ui.desk.form_views import ChannelServicesPane, FormButtons, SearchPane
from sarah.ui.desk.keys import trigger_own_shortcut
from sarah.ui.dialogs.crash import report_exception
from sarah.ui.dialogs.new_visitor import NewVisitorDialog
from sarah.ui.style import ERROR_STYLE, SUCCESS_STYLE
from sarah.ui.table_models.desk_results import VisitorResultsModel
from sarah.ui.table_models.desk_services import ServicesChecklistModel
from sarah.ui.workers import run_in_background


@dataclass(frozen=True)
class SaveOutcome:
    contact_id: uuid.UUID
    summary: str
    edited: bool


class ContactForm(QWidget):
    """Search, pick, services, save. ``when`` gives the contact's date and time (None: now)."""

    saved = Signal(object)  # SaveOutcome, emitted after COMMIT
    save_failed = Signal(str)
    new_visitor_requested = Signal(str)  # the search text

    def __init__(
        self,
        ctx: AppContext,
        *,
        when: Callable[[], tuple[date, time]] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._when = when
        self.state = FormState()
        self._saving = False
        self._refusal_shown = False
        self.new_visitor_dialog: NewVisitorDialog | None = None

        self.results_model = VisitorResultsModel(self)
        self.services_model = ServicesChecklistModel(self)
        self._build()
        self._build_actions()
        self.reload_catalogue()
        self._show_visitor()

    # --- layout ----------------------------------------------------------------------------------

    def _build(self) -> None:
        self.edit_banner = QLabel(self)
        self.edit_banner.setObjectName("editBanner")
        self.edit_banner.setWordWrap(True)
        self.edit_banner.setStyleSheet(
            "background: #fef3c7; border: 1px solid #f59e0b; border-radius: 4px; padding: 6px;"
        )
        self.edit_banner.hide()

        self.search_pane = SearchPane(self.results_model, self)
        self.search_edit = self.search_pane.search_edit
        self.hint_label = self.search_pane.hint_label
        self.results_view = self.search_pane.results_view
        self.visitor_card = self.search_pane.visitor_card
        self.choice_pane = ChannelServicesPane(self.services_model, self)
        self.physique_radio = self.choice_pane.physique_radio
        self.telephone_radio = self.choice_pane.telephone_radio
        self.channel_group = self.choice_pane.channel_group
        self.services_view = self.choice_pane.services_view
        self.buttons = FormButtons(self)
        self.save_button = self.buttons.save_button
        self.anonymous_button = self.buttons.anonymous_button
        self.new_button = self.buttons.new_button
        self.clear_button = self.buttons.clear_button

        columns = QHBoxLayout()
        columns.addWidget(self.search_pane, 5)
        columns.addWidget(self.choice_pane, 6)

        self.status_label = QLabel(self)
        self.status_label.setObjectName("status")
        self.status_label.setWordWrap(True)
        self.status_label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.status_label.setAccessibleName("Résultat de l'enregistrement")

        outer = QVBoxLayout(self)
        outer.addWidget(self.edit_banner)
        outer.addLayout(columns, 1)
        outer.addWidget(self.buttons)
        outer.addWidget(self.status_label)
        self._connect()

    def _connect(self) -> None:
        self.physique_radio.toggled.connect(self._radio_changed)
        self.save_button.clicked.connect(self.save)
        self.anonymous_button.clicked.connect(self.save_anonymous_call)
        self.new_button.clicked.connect(self.request_new_visitor)
        self.clear_button.clicked.connect(self.escape)
        self.search_edit.textChanged.connect(self._search)
        self.search_edit.down_pressed.connect(self.search_pane.enter_results)
        self.search_edit.enter_pressed.connect(self._enter_from_search)
        self.results_view.picked.connect(self.pick_row)
        self.results_view.doubleClicked.connect(lambda index: self.pick_row(index.row()))
        self.results_view.back_to_search.connect(self.search_pane.back_to_search)
        # What the agent changes by hand makes the form new again (see _start_save).
        self.search_edit.textEdited.connect(self._touched)
        self.services_view.user_toggled.connect(self._touched)
        self.channel_group.buttonClicked.connect(self._touched)

        # Tab order: search -> results -> channel -> services -> buttons
        QWidget.setTabOrder(self.search_edit, self.results_view)
        QWidget.setTabOrder(self.results_view, self.physique_radio)
        QWidget.setTabOrder(self.physique_radio, self.telephone_radio)
        QWidget.setTabOrder(self.telephone_radio, self.services_view)
        QWidget.setTabOrder(self.services_view, self.save_button)
        QWidget.setTabOrder(self.save_button, self.anonymous_button)
        QWidget.setTabOrder(self.anonymous_button, self.new_button)
        QWidget.setTabOrder(self.new_button, self.clear_button)

    def _build_actions(self) -> None:
        def action(text: str, keys: tuple[str, ...], slot: Callable[[], object]) -> QAction:
            act = QAction(text, self)
            act.setShortcuts([QKeySequence(k) for k in keys])
            act.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            act.triggered.connect(slot)
            self.addAction(act)
            return act

        self.save_action = action("Enregistrer", SAVE_KEYS, self.save)
        self.channel_action = action("Changer de canal", (CHANNEL_KEY,), self.toggle_channel)
        self.anonymous_action = action("Appel anonyme", (ANONYMOUS_KEY,), self.save_anonymous_call)
        self.new_visitor_action = action(
            "Nouvelle personne", (NEW_VISITOR_KEY,), self.request_new_visitor
        )
        self.clear_action = action("Effacer le formulaire", (CLEAR_KEY,), self.escape)

    def sizeHint(self) -> QSize:
        return QSize(1000, 560)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """A key none of the children used. The form's keys (Échap, Ctrl+Entrée, F2, F9,
        Ctrl+N) are shortcuts, fired before any widget sees the key; when Qt does not take
        the window for the active one it lets them through as plain keys, which end here."""
        if not trigger_own_shortcut(self, event):
            super().keyPressEvent(event)

    # --- catalogue -------------------------------------------------------------------------------

    def reload_catalogue(self) -> None:
        """Take the live catalogue (order, labels, keys may have changed on the catalogue screen)."""
        checked = self.services_model.checked_ids()
        self.services_model.set_services(list_services(self.ctx.engine, include_retired=False))
        self.services_model.set_checked_ids(checked)

    # --- search ----------------------------------------------------------------------------------

    def _search(self, text: str) -> None:
        if self.state.visitor is not None and text.strip():
            # Typing a new name replaces the chosen person.
            self.state.visitor = None
            self._show_visitor()
        try:
            hits = search_visitors(
                self.ctx.engine,
                text,
                on=self.age_day(),
                young_age_limit=self.ctx.settings.young_age_limit,
            )
        except UserError as exc:
            self.results_model.set_hits([])
            self.search_pane.results_focusable(False)
            self._hint(exc.message, error=True)
            return
        self.results_model.set_hits(hits)
        self.search_pane.results_focusable(bool(hits))
        if hits:
            self.results_view.setCurrentIndex(self.results_model.index(0, 0))
        self._update_hint(text, hits)

    def refresh_ages(self) -> None:
        """The day ages are counted on has changed (the catch-up date): the results shown and
        the chosen person's card give the age and jeune/adulte badge on the new day."""
        text = self.search_edit.text()
        if text.strip():
            current = self.results_view.currentIndex().row()
            chosen = self.results_model.hit(current).id if current >= 0 else None
            self._search(text)
            row = self.search_pane.row_of_hit(chosen)
            if row is not None:
                self.results_view.setCurrentIndex(self.results_model.index(row, 0))
        if self.state.visitor is not None:
            try:
                self.state.visitor = visitor_hit(
                    self.ctx.engine,
                    self.state.visitor.id,
                    on=self.age_day(),
                    young_age_limit=self.ctx.settings.young_age_limit,
                )
            except UserError as exc:
                self._hint(exc.message, error=True)
                return
            self._show_visitor()

    def age_day(self) -> date | None:
        """The day ages are shown for: the contact's day on the catch-up screen, else today."""
        if self._when is None:
            return None
        try:
            return self._when()[0]
        except UserError:  # a day in the future: refused when saving, ages as of today
            return None

    def _update_hint(self, text: str, hits: list[VisitorHit]) -> None:
        self._hint(search_hint(text, len(hits)))

    def _hint(self, text: str, *, error: bool = False) -> None:
        self.search_pane.set_hint(text, error=error)

    def can_create_visitor(self) -> bool:
        """New person only after a search found nobody."""
        return new_visitor_allowed(self.search_edit.text(), self.results_model.rowCount())

    def _enter_from_search(self) -> None:
        if self.results_model.rowCount() > 0:
            row = max(self.results_view.currentIndex().row(), 0)
            self.pick_row(row)
        elif self.can_create_visitor():
            self.request_new_visitor()
        elif self.state.visitor is not None or not self.search_edit.text().strip():
            # Nothing to search: straight to the services (anonymous call, or person chosen).
            self._focus_services()

    def _focus_services(self) -> None:
        self.services_view.setFocus(Qt.FocusReason.OtherFocusReason)
        if not self.services_view.currentIndex().isValid() and self.services_model.rowCount():
            self.services_view.setCurrentIndex(self.services_model.index(0))

    # --- the chosen person -----------------------------------------------------------------------

    def pick_row(self, row: int) -> None:
        if 0 <= row < self.results_model.rowCount():
            self.set_visitor(self.results_model.hit(row))

    def set_visitor(self, hit: VisitorHit | None) -> None:
        """Choose the person (None: anonymous); the focus goes to the services."""
        self.state.visitor = hit
        self._touched()
        self.search_edit.blockSignals(True)
        self.search_edit.clear()
        self.search_edit.blockSignals(False)
        self.results_model.set_hits([])
        self.search_pane.results_focusable(False)
        self._hint("")
        self._show_visitor()
        if hit is not None:
            self._focus_services()

    def set_visitor_id(self, visitor_id: uuid.UUID) -> None:
        self.set_visitor(
            visitor_hit(
                self.ctx.engine,
                visitor_id,
                on=self.age_day(),
                young_age_limit=self.ctx.settings.young_age_limit,
            )
        )

    @property
    def visitor(self) -> VisitorHit | None:
        return self.state.visitor

    def _show_visitor(self) -> None:
        self.search_pane.show_visitor(self.state.visitor)

    # --- channel ---------------------------------------------------------------------------------

    @property
    def channel(self) -> str:
        return self.state.channel

    def set_channel(self, channel: str) -> None:
        self.state.channel = channel
        radio = self.physique_radio if channel == "physique" else self.telephone_radio
        radio.setChecked(True)

    def toggle_channel(self) -> None:
        self.state.toggle_channel()
        self.set_channel(self.state.channel)
        self._touched()

    def _radio_changed(self, physique: bool) -> None:
        self.state.channel = "physique" if physique else "telephone"

    # --- edit an existing contact ----------------------------------------------------------------

    def load_entry(self, entry: JournalEntry) -> None:
        """Re-open a contact of the journal in the form; Ctrl+Entrée saves the changes."""
        self.clear(keep_status=False)
        self._touched()
        self.state.editing = entry
        if entry.visitor_id is not None:
            try:
                self.set_visitor_id(entry.visitor_id)
            except UserError as exc:
                self._status(exc.message, error=True)
        self.set_channel(entry.channel)
        self.services_model.set_checked_ids(entry.service_ids)
        self.edit_banner.setText(
            f"<b>Modification</b> du contact du {entry.local_date:%d/%m/%Y} à "
            f"{entry.local_time:%H:%M} ({entry.who}). Ctrl+Entrée enregistre les changements, "
            "Échap annule la modification."
        )
        self.edit_banner.show()
        self.services_view.setFocus(Qt.FocusReason.OtherFocusReason)

    @property
    def editing(self) -> JournalEntry | None:
        return self.state.editing

    def cancel_edit(self) -> None:
        self.state.editing = None
        self.edit_banner.hide()
        self.clear(keep_status=False)

    # --- save ------------------------------------------------------------------------------------

    def _when_now(self) -> tuple[date, time]:
        if self._when is not None:
            return self._when()
        now = datetime.now().replace(microsecond=0)
        return now.date(), now.time()

    def _draft(self, *, anonymous: bool) -> ContactDraft:
        return self.state.draft(
            anonymous=anonymous,
            site_id=self.ctx.site.id,
            agent=self.ctx.agent,
            now=self._when_now(),
            checked=self.services_model.checked_ids(),
        )

    def save(self) -> None:
        """Ctrl+Entrée. Says "Enregistré" only once the database has committed."""
        self._start_save(anonymous=False)

    def save_anonymous_call(self) -> None:
        """F9: a phone contact with no person, with the services checked."""
        self._start_save(anonymous=True)

    def _refuse(self, message: str) -> None:
        """Nothing saved: say why; everything typed stays; the cursor goes where to act.
        The reason goes away as soon as the agent changes something."""
        self._status(message, error=True)
        self._refusal_shown = True
        self.search_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def _touched(self, *_args: object) -> None:
        """The agent changed something: the form is no longer the one just saved, and a
        refusal about the form as it was no longer applies."""
        self.state.last_saved = None
        if self._refusal_shown:
            self.status_label.clear()
            self._refusal_shown = False

    def _start_save(self, *, anonymous: bool) -> None:
        if self._saving:
            return
        reason = self.state.why_not(
            anonymous=anonymous,
            typed=self.search_edit.text(),
            checked=self.services_model.checked_ids(),
            read_only=self.ctx.read_only,
        )
        if reason is not None:
            self._refuse(reason)
            return
        try:
            draft = self._draft(anonymous=anonymous)
        except UserError as exc:
            self._status(exc.message, error=True)
            return
        editing = None if anonymous else self.state.editing
        summary = self.state.summary(draft, dated=self._when is not None)
        self._saving = True
        self._set_busy(True)
        self._status("Enregistrement…")

        def work() -> uuid.UUID:
            if editing is not None:
                update_contact(self.ctx.engine, editing.id, draft)
                return editing.id
            return log_contact(self.ctx.engine, draft).id

        run_in_background(
            work,
            on_result=lambda cid: self._saved(SaveOutcome(cid, summary, editing is not None)),
            on_error=self._failed,
        )

    def _saved(self, outcome: SaveOutcome) -> None:
        self._saving = False
        self._set_busy(False)
        self.state.editing = None
        self.edit_banner.hide()
        self.clear(keep_status=True)
        self.state.last_saved = outcome.summary  # until the agent changes something
        verb = "Modifié" if outcome.edited else "Enregistré"
        self._status(f"✔ {verb} : {outcome.summary}")
        self.saved.emit(outcome)

    def _failed(self, exc: BaseException) -> None:
        self._saving = False
        self._set_busy(False)
        if isinstance(exc, UserError):
            # Keep everything typed; say why.
            self._status(f"Non enregistré : {exc}", error=True)
            self.save_failed.emit(str(exc))
            return
        self._status(
            "Non enregistré : erreur inattendue (détails dans la fenêtre d'erreur).", error=True
        )
        self.save_failed.emit(str(exc))
        report_exception(exc, self)

    def _set_busy(self, busy: bool) -> None:
        for widget in (self.save_button, self.anonymous_button, self.new_button, self.clear_button):
            widget.setEnabled(not busy)

    @property
    def saving(self) -> bool:
        return self._saving

    def _status(self, text: str, *, error: bool = False) -> None:
        self._refusal_shown = False
        self.status_label.setText(text)
        self.status_label.setStyleSheet(ERROR_STYLE if error else SUCCESS_STYLE)

    # --- clearing and stepping back --------------------------------------------------------------

    def clear(self, keep_status: bool = False) -> None:
        """Empty the form (channel back to Physique) and put the focus in the search field."""
        if self.state.editing is not None and not keep_status:
            self.state.editing = None
            self.edit_banner.hide()
        self.state.visitor = None
        self.search_edit.clear()
        self.results_model.set_hits([])
        self._hint("")
        self.services_model.clear_checks()
        self.services_view.setCurrentIndex(QModelIndex())
        self.set_channel("physique")
        self._show_visitor()
        if not keep_status:
            self.status_label.clear()
        self.search_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def escape(self) -> None:
        """Échap or the Effacer button, wherever the cursor is: give up the edit in progress,
        or empty the form (person, search, services, channel). The cursor goes to the search."""
        self._touched()
        if self.state.escape():
            self.cancel_edit()
        else:
            self.clear()

    def request_new_visitor(self) -> None:
        if not self.can_create_visitor():
            self._hint(
                "Nouvelle personne : tapez d'abord son nom dans la recherche ; la fiche se crée "
                "quand personne n'est trouvé (pour éviter les doublons).",
                error=True,
            )
            self.search_edit.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        text = self.search_edit.text().strip()
        self.new_visitor_requested.emit(text)
        dialog = NewVisitorDialog(self.ctx, text, self)
        dialog.chosen.connect(self._new_visitor_chosen)
        dialog.finished.connect(lambda _code: self._new_visitor_closed(dialog))
        self.new_visitor_dialog = dialog
        dialog.open()

    def _new_visitor_chosen(self, hit: VisitorHit) -> None:
        self.set_visitor(hit)

    def _new_visitor_closed(self, dialog: NewVisitorDialog) -> None:
        self.new_visitor_dialog = None
        dialog.deleteLater()
        self.window().activateWindow()  # back to the desk, whatever the window manager does
        if self.state.visitor is None:
            self.search_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def focus_search(self) -> None:
        self.search_edit.setFocus(Qt.FocusReason.OtherFocusReason)
        self.search_edit.selectAll()
