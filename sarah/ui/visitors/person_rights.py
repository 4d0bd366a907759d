"""The person's rights on their page: « Exporter ses données… » (right of access, PDF or JSON)
and « Effacer son identité… » (right to erasure, admin), each offered only to the roles that may.

Both run off the GUI thread (sarah.ui.workers): the export prints a PDF, the erasure takes a
backup before and after, so the window stays alive. The erasure is asked for first, in a box
that says what is erased and what stays; its default button erases nothing.
"""

from __future__ import annotations

import html
import re
import uuid
from datetime import date
from pathlib import Path

from PySide6.QtCore import QObject, QStandardPaths, Qt, Signal
from PySide6.QtWidgets import QFileDialog, QMessageBox, QPushButton, QWidget

from sarah.errors import UserError
from sarah.services.accounts.roles import may, refusal
from sarah.services.privacy.person_export import (
    ExportDone,
    PersonData,
    export_person,
    format_for,
)
from sarah.services.privacy.person_find import born_words
from sarah.services.visitor_history import VisitorHistory
from sarah.ui.context import AppContext
from sarah.ui.dialogs.crash import failure_text
from sarah.ui.workers import run_in_background

EXPORT_FILTERS = {"pdf": "Document PDF (*.pdf)", "json": "Données JSON (*.json)"}


def default_file_name(person_id: uuid.UUID, day: date, kind: str = "pdf") -> str:
    """No name in it: the file name goes into the audit log, which outlives the identity."""
    return f"donnees-personne-{str(person_id)[:8]}-{day:%Y-%m-%d}.{kind}"


def erase_question(history: VisitorHistory) -> str:
    """What erasing does, in plain words (HTML): what goes, what stays, that it is final."""
    v = history.visitor
    who = html.escape(f"{v.display_name}, {born_words(v.sex, v.birth_date)}", quote=False)
    merged = (
        " ainsi que les profils gardés des fiches réunies à la sienne" if history.merges else ""
    )
    return "<br><br>".join(
        [
            f"<b>Effacer définitivement l'identité de {who} ?</b>",
            f"<b>Effacés :</b> le nom, le prénom et la date de naissance{merged} — ici, puis "
            "sur les autres Points Relais à la prochaine synchronisation. Les sauvegardes qui "
            "les contiennent sont remplacées par une sauvegarde neuve.",
            "<b>Restent, sans rien qui désigne la personne :</b> le sexe et chacun de ses "
            "contacts (date, Point Relais, canal, services) avec l'âge qu'elle avait ce "
            "jour-là, pour que les tableaux des périodes passées ne changent pas.",
            "La personne ne pourra plus être retrouvée ni exportée. "
            "<b>Cet effacement ne peut pas être annulé.</b>",
        ]
    )


class PersonRights(QObject):
    """The two buttons and what they do, for the person the page shows."""

    message = Signal(str, str)  # French text, kind ("info", "ok", "error") for the status line
    exported = Signal(object)  # ExportDone, once the file is in place
    erased = Signal(object)  # uuid.UUID of the person, once the erasure is committed

    def __init__(self, ctx: AppContext, parent: QWidget) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.page = parent
        self.history: VisitorHistory | None = None
        self.busy = False
        self.export_button = QPushButton("Exporter ses &données…", parent)
        self.export_button.setToolTip(
            "Droit d'accès : tout ce que SARAH détient sur cette personne, en PDF ou en JSON"
        )
        self.erase_button = QPushButton("Effacer son identité…", parent)
        self.erase_button.setToolTip(
            "Droit à l'effacement : nom, prénom et date de naissance effacés ; les contacts "
            "restent comptés sans nom"
        )
        for button in (self.export_button, self.erase_button):
            button.setAutoDefault(False)
        self.confirm_box: QMessageBox | None = None
        self.confirm_erase_button: QPushButton | None = None
        self.keep_button: QPushButton | None = None
        self.export_button.clicked.connect(lambda: self.export_data())
        self.erase_button.clicked.connect(self.confirm_erase)
        self.update_buttons()

    # --- which buttons ---------------------------------------------------------------------

    def may_export(self) -> bool:
        return may(self.ctx.role, "person_export")

    def may_erase(self) -> bool:
        return may(self.ctx.role, "erase")

    def set_history(self, history: VisitorHistory | None) -> None:
        self.history = history
        self.update_buttons()

    def update_buttons(self) -> None:
        """Absent for a role that may not; greyed while working or on a damaged base (both
        write: the export leaves an audit entry)."""
        self.export_button.setVisible(self.may_export())
        self.erase_button.setVisible(self.may_erase())
        usable = self.history is not None and not self.busy and not self.ctx.read_only
        self.export_button.setEnabled(usable)
        self.erase_button.setEnabled(usable)

    # --- export ----------------------------------------------------------------------------

    def ask_export_path(self) -> Path | None:
        assert self.history is not None
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        name = default_file_name(self.history.visitor.id, date.today())
        path, chosen = QFileDialog.getSaveFileName(
            self.page,
            "Exporter les données de la personne",
            str(Path(folder) / name),
            ";;".join(EXPORT_FILTERS.values()),
        )
        if not path:
            return None
        if not re.search(r"\.(pdf|json)$", path, re.IGNORECASE):
            path += ".json" if chosen == EXPORT_FILTERS["json"] else ".pdf"
        return Path(path)

    def export_data(self, path: Path | None = None) -> bool:
        """Write the export to ``path`` (asked when None) in the background; False when
        refused or nothing was chosen."""
        if self.history is None or self.busy:
            return False
        if not self.may_export():
            self.message.emit(refusal("person_export"), "error")
            return False
        target = path or self.ask_export_path()
        if target is None:
            return False
        try:
            fmt = format_for(target, None)
        except UserError as exc:
            self.message.emit(f"Export non fait : {exc.message}", "error")
            return False
        retention = self.ctx.settings.retention_months

        def pdf(data: PersonData) -> bytes:
            from sarah.ui.visitors.person_pdf import person_pdf

            return person_pdf(data, retention_months=retention)

        self._start()
        run_in_background(
            export_person,
            self.ctx.engine,
            self.history.visitor.id,
            target,
            fmt,
            pdf=pdf,
            produced_by=self.ctx.agent or None,
            on_result=self._exported,
            on_error=lambda exc: self._failed("Export non fait", exc),
            on_finished=self._stop,
        )
        self.message.emit(f"Export en cours vers {target.name}…", "info")
        return True

    def _exported(self, done: ExportDone) -> None:
        self._stop()  # before telling: whoever hears of it may export again at once
        self.message.emit(
            f"Données de la personne exportées dans {done.path} ({done.format.upper()}).", "ok"
        )
        self.exported.emit(done)

    # --- erasure ---------------------------------------------------------------------------

    def confirm_erase(self) -> QMessageBox | None:
        """Ask first; nothing changes unless « Effacer définitivement » is chosen."""
        if self.history is None or self.busy or self.ctx.read_only:
            return None
        if not self.may_erase():
            self.message.emit(refusal("erase"), "error")
            return None
        box = QMessageBox(self.page.window())
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle("Effacer l'identité")
        box.setTextFormat(Qt.TextFormat.RichText)
        box.setText(erase_question(self.history))
        self.confirm_erase_button = box.addButton(
            "&Effacer définitivement", QMessageBox.ButtonRole.DestructiveRole
        )
        self.keep_button = box.addButton("&Ne rien effacer", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(self.keep_button)
        box.setEscapeButton(self.keep_button)
        person = self.history.visitor.id
        self.confirm_erase_button.clicked.connect(lambda: self._erase(person))
        box.finished.connect(lambda _code: self._forget_box(box))
        self.confirm_box = box
        box.open()
        return box

    def _forget_box(self, box: QMessageBox) -> None:
        if self.confirm_box is box:
            self.confirm_box = self.confirm_erase_button = self.keep_button = None
        box.deleteLater()

    def _erase(self, person: uuid.UUID) -> None:
        from sarah.services.privacy.purge import erase_on_request

        if self.busy or self.ctx.read_only or not self.may_erase():
            return
        self._start()
        self.message.emit("Effacement en cours (sauvegardes avant et après)…", "info")
        run_in_background(
            erase_on_request,
            self.ctx.engine,
            self.ctx.settings,
            person,
            on_result=lambda outcome: self._erased(person, outcome.words()),
            on_error=lambda exc: self._failed("Identité non effacée", exc),
            on_finished=self._stop,
        )

    def _erased(self, person: uuid.UUID, words: str) -> None:
        self.history = None
        self._stop()
        self.erased.emit(person)  # first: the screen leaves the page, then says what was done
        self.message.emit(" ".join(words.split("\n")), "ok")

    # --- both ------------------------------------------------------------------------------

    def _start(self) -> None:
        self.busy = True
        self.update_buttons()

    def _stop(self) -> None:
        self.busy = False
        self.update_buttons()

    def _failed(self, what: str, exc: BaseException) -> None:
        self._stop()
        self.message.emit(failure_text(what, exc, self.page), "error")
