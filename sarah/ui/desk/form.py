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

from PySide6.QtCore import QModelIndex, QSize, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QWidget

from sarah.errors import UserError
from sarah.services.catalogue import list_services
from sarah.services.contacts import log_contact, update_contact
from sarah.services.desk.journal import JournalEntry
from sarah.services.desk.search import VisitorHit, search_visitors, visitor_hit
from sarah.ui.context import AppContext
from sarah.ui.desk.form_state import (
    ANONYMOUS_KEY,
    CHANNEL_KEY,
    CLEAR_KEY,
    NEW_VISITOR_FIRST_SEARCH,
    NEW_VISITOR_KEY,
    SAVE_KEYS,
    FormState,
    SaveOutcome,
    When,
    contact_moment,
    day_of_ages,
    enter_from_search,
    search_hint,
)
from sarah.ui.desk.form_state import can_create_visitor as new_visitor_allowed
from sarah.ui.desk.form_views import (
    ChannelServicesPane,
    EditBanner,
    FormButtons,
    SearchPane,
    StatusLine,
    chain_tab_order,
    lay_out_form,
)
from sarah.ui.desk.keys import add_shortcuts, trigger_own_shortcut
from sarah.ui.desk.residence import Residence
from sarah.ui.dialogs.crash import failure_text
from sarah.ui.dialogs.neighbourhood_combo import NEIGHBOURHOOD_KEY
from sarah.ui.dialogs.new_visitor import NewVisitorDialog
from sarah.ui.table_models.desk_results import VisitorResultsModel
from sarah.ui.table_models.desk_services import ServicesChecklistModel
from sarah.ui.workers import run_in_background


class ContactForm(QWidget):
    """Search, pick, services, save. ``when`` gives the contact's date and time (None: now)."""

    saved = Signal(object)  # SaveOutcome, emitted after COMMIT
    save_failed = Signal(str)
    new_visitor_requested = Signal(str)  # the search text

    def __init__(
        self,
        ctx: AppContext,
        *,
        when: When | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._when = when
        self.state = FormState()
        self.residence = Residence(ctx, self)
        self._saving = False
        self._refusal_shown = False
        self.new_visitor_dialog: NewVisitorDialog | None = None

        self.results_model = VisitorResultsModel(self)
        self.services_model = ServicesChecklistModel(self)
        self._build()
        self._connect()
        self._build_actions()
        self.reload_catalogue()
        self._show_visitor()

    # --- layout ----------------------------------------------------------------------------------

    def _build(self) -> None:
        self.edit_banner = EditBanner(self)
        self.search_pane = SearchPane(self.results_model, self)
        self.search_edit = self.search_pane.search_edit
        self.hint_label = self.search_pane.hint_label
        self.results_view = self.search_pane.results_view
        self.visitor_card = self.search_pane.visitor_card
        self.choice_pane = ChannelServicesPane(self.services_model, self)
        self.physique_radio = self.choice_pane.physique_radio
        self.telephone_radio = self.choice_pane.telephone_radio
        self.services_view = self.choice_pane.services_view
        self.buttons = FormButtons(self)
        self.save_button = self.buttons.save_button
        self.anonymous_button = self.buttons.anonymous_button
        self.status_label = StatusLine(self)

        banner, status = self.edit_banner, self.status_label
        lay_out_form(self, banner, self.search_pane, self.choice_pane, self.buttons, status)

    def _connect(self) -> None:
        self.physique_radio.toggled.connect(self._radio_changed)
        self.save_button.clicked.connect(self.save)
        self.anonymous_button.clicked.connect(self.save_anonymous_call)
        self.buttons.new_button.clicked.connect(self.request_new_visitor)
        self.buttons.clear_button.clicked.connect(self.escape)
        self.search_edit.textChanged.connect(self._search)
        self.search_edit.down_pressed.connect(self.search_pane.enter_results)
        self.search_edit.enter_pressed.connect(self._enter_from_search)
        self.results_view.picked.connect(self.pick_row)
        self.results_view.doubleClicked.connect(lambda index: self.pick_row(index.row()))
        self.results_view.back_to_search.connect(self.search_pane.back_to_search)
        # What the agent changes by hand makes the form new again (see _start_save).
        self.search_edit.textEdited.connect(self._touched)
        self.services_view.user_toggled.connect(self._touched)
        self.choice_pane.channel_group.buttonClicked.connect(self._touched)
        # Tab order: search -> results -> channel -> services -> buttons
        chain_tab_order(
            *self.search_pane.tab_stops(), *self.choice_pane.tab_stops(), *self.buttons.tab_stops()
        )

    def _build_actions(self) -> None:
        add_shortcuts(
            self,
            (
                ("Enregistrer", SAVE_KEYS, self.save),
                ("Changer de canal", (CHANNEL_KEY,), self.toggle_channel),
                ("Appel anonyme", (ANONYMOUS_KEY,), self.save_anonymous_call),
                ("Nouvelle personne", (NEW_VISITOR_KEY,), self.request_new_visitor),
                ("Effacer le formulaire", (CLEAR_KEY,), self.escape),
                ("Quartier de la personne", (NEIGHBOURHOOD_KEY,), self.choose_neighbourhood),
            ),
        )

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
        if self.state.typed_over(text):
            self._show_visitor()
        try:
            hits = search_visitors(
                self.ctx.engine,
                text,
                on=day_of_ages(self._when),
                young_age_limit=self.ctx.settings.young_age_limit,
            )
        except UserError as exc:
            self.search_pane.show_hits([])
            self._hint(exc.message, error=True)
            return
        self.search_pane.show_hits(hits)
        exact = self.results_model.exact_count()
        self._hint(search_hint(text, exact, len(hits) - exact))

    def refresh_ages(self) -> None:
        """The day ages are counted on has changed (the catch-up date): the results shown and
        the chosen person's card give the age and jeune/adulte badge on the new day."""
        text = self.search_edit.text()
        if text.strip():
            chosen = self.search_pane.highlighted_id()
            self._search(text)
            self.search_pane.highlight(chosen)
        if self.state.visitor is not None:
            try:
                self.state.visitor = self._visitor_hit(self.state.visitor.id)
            except UserError as exc:
                self._hint(exc.message, error=True)
                return
            self._show_visitor()

    def _visitor_hit(self, visitor_id: uuid.UUID) -> VisitorHit:
        return visitor_hit(
            self.ctx.engine,
            visitor_id,
            on=day_of_ages(self._when),
            young_age_limit=self.ctx.settings.young_age_limit,
        )

    def _hint(self, text: str, *, error: bool = False) -> None:
        self.search_pane.set_hint(text, error=error)

    def can_create_visitor(self) -> bool:
        """New person only after a search found nobody by the name as typed (near names do
        not stop it: the new person's duplicate warning shows them)."""
        return new_visitor_allowed(self.search_edit.text(), self.results_model.exact_count())

    def _enter_from_search(self) -> None:
        """Entrée does what the list shows: it picks the highlighted person (the first exact
        one, or a near name gone down to with ↓); else near names never stop a new person."""
        row = self.search_pane.highlighted_row()
        if row is not None:
            self.pick_row(row)
            return
        step = enter_from_search(
            self.search_edit.text(),
            self.results_model.exact_count(),
            chosen=self.state.visitor is not None,
        )
        if step == "pick":
            self.pick_row(0)
        elif step == "new visitor":
            self.request_new_visitor()
        elif step == "services":
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
        self.search_pane.show_hits([])
        self._hint("")
        self._show_visitor()
        if hit is not None:
            self._focus_services()

    def set_visitor_id(self, visitor_id: uuid.UUID) -> None:
        self.set_visitor(self._visitor_hit(visitor_id))

    @property
    def visitor(self) -> VisitorHit | None:
        return self.state.visitor

    def _show_visitor(self) -> None:
        visitor = self.state.visitor
        self.search_pane.show_visitor(visitor, self.residence.card_line(visitor))

    def choose_neighbourhood(self) -> None:
        """F6: the chosen person's neighbourhood, by one key (where the network keeps a list)."""

        def done(error: str | None) -> None:
            if error:
                self._hint(error, error=True)
            self._show_visitor()
            if self.state.visitor is not None:
                self._focus_services()

        self.residence.choose(self.state.visitor, done)

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
        self.state.load(entry)
        if entry.visitor_id is not None:
            try:
                self.set_visitor_id(entry.visitor_id)
            except UserError as exc:
                self._status(exc.message, error=True)
        self.set_channel(entry.channel)
        self.services_model.set_checked_ids(entry.service_ids)
        self.edit_banner.show_entry(entry)
        self.services_view.setFocus(Qt.FocusReason.OtherFocusReason)

    @property
    def editing(self) -> JournalEntry | None:
        return self.state.editing

    def cancel_edit(self) -> None:
        self.state.editing = None
        self.edit_banner.hide()
        self.clear(keep_status=False)

    # --- save ------------------------------------------------------------------------------------

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
        self.state.touched()
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
            draft = self.state.draft(
                anonymous=anonymous,
                site_id=self.ctx.site.id,
                agent=self.ctx.agent,
                now=contact_moment(self._when),  # raises for a day in the future
                checked=self.services_model.checked_ids(),
            )
        except UserError as exc:
            self._status(exc.message, error=True)
            return
        editing = self.state.edit_target(anonymous=anonymous)
        summary = self.state.summary(draft, dated=self._when is not None)
        self._saving = True
        self.buttons.set_busy(True)
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
        self.buttons.set_busy(False)
        self.state.editing = None
        self.edit_banner.hide()
        self.clear(keep_status=True)
        self.state.saved(outcome.summary)  # refused again until the agent changes something
        self._status(outcome.status_text)
        self.saved.emit(outcome)

    def _failed(self, exc: BaseException) -> None:
        """Nothing saved: everything typed stays, the status line says why."""
        self._saving = False
        self.buttons.set_busy(False)
        self._status(failure_text("Non enregistré", exc, self), error=True)
        self.save_failed.emit(str(exc))

    @property
    def saving(self) -> bool:
        return self._saving

    def _status(self, text: str, *, error: bool = False) -> None:
        self._refusal_shown = False
        self.status_label.say(text, error=error)

    # --- clearing and stepping back --------------------------------------------------------------

    def clear(self, keep_status: bool = False) -> None:
        """Empty the form (channel back to Physique) and put the focus in the search field."""
        self.state.clear(keep_edit=keep_status)
        if self.state.editing is None:
            self.edit_banner.hide()
        self.search_edit.clear()
        self.results_model.set_hits([])
        self._hint("")
        self.services_model.clear_checks()
        self.services_view.setCurrentIndex(QModelIndex())
        self.set_channel(self.state.channel)
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
            self._hint(NEW_VISITOR_FIRST_SEARCH, error=True)
            self.search_edit.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        text = self.search_edit.text().strip()
        self.new_visitor_requested.emit(text)
        dialog = NewVisitorDialog(self.ctx, text, self)
        dialog.chosen.connect(self.set_visitor)
        dialog.finished.connect(lambda _code: self._new_visitor_closed(dialog))
        self.new_visitor_dialog = dialog
        dialog.open()

    def _new_visitor_closed(self, dialog: NewVisitorDialog) -> None:
        self.new_visitor_dialog = None
        dialog.deleteLater()
        self.window().activateWindow()  # back to the desk, whatever the window manager does
        if self.state.visitor is None:
            self.search_edit.setFocus(Qt.FocusReason.OtherFocusReason)
