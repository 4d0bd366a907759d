"""'Fiches réunies dans celle-ci' on a person's page: one line per merge, each with
"Annuler la fusion…", which asks first, then lets the engine undo it
(sarah.services.visitor_merges.unmerge_visitors)."""

from __future__ import annotations

import html
import uuid
from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from sarah.errors import UserError
from sarah.services.visitor_merges import (
    FIELD_WORDS,
    MergeTrace,
    UnmergePlan,
    unmerge_preview,
    unmerge_visitors,
)
from sarah.ui.context import AppContext
from sarah.ui.dialogs.crash import failure_text
from sarah.ui.style import HINT_COLOUR
from sarah.ui.workers import run_in_background
from sarah.vocabulary import count_of


def _esc(text: str) -> str:
    """Text inside a rich-text label (quotes need no escaping there)."""
    return html.escape(text, quote=False)


def trace_text(m: MergeTrace) -> str:
    born = f" (né(e) le {m.absorbed_birth_date:%d/%m/%Y})" if m.absorbed_birth_date else ""
    who = f" par {m.agent}" if m.agent else ""
    return (
        f"{m.absorbed_name}{born}, {count_of(m.moved_contacts, 'contact')}, "
        f"fusionnée le {m.merged_at:%d/%m/%Y}{who}"
    )


def _field_value(plan: UnmergePlan, field: str) -> str:
    if field == "sex":
        return {"F": "femme", "H": "homme"}.get(plan.restored.sex or "", "")
    born: date | None = plan.restored.birth_date
    return f"{born:%d/%m/%Y}" if born else ""


def confirmation_text(plan: UnmergePlan) -> str:
    """What undoing will do, in plain words (HTML)."""
    kept = _esc(plan.survivor.display_name)
    back = _esc(plan.restored.display_name)
    n = plan.contacts_back
    lines = [
        f"<b>Annuler la fusion de {back} dans {kept} ?</b>",
        f"{back} redevient une fiche à part, avec "
        + (f"<b>{count_of(n, 'contact')}</b>" if n else "aucun contact")
        + " : ceux qu'elle avait au moment de la fusion.",
    ]
    if plan.fields_back:
        taken = ", ".join(f"{FIELD_WORDS[f]} ({_field_value(plan, f)})" for f in plan.fields_back)
        lines.append(f"{kept} perd ce que la fusion lui avait donné : {taken}.")
    lines.append(f"{kept} garde ses autres contacts, dont ceux saisis depuis la fusion.")
    if plan.contacts_elsewhere:
        lines.append(
            f"{count_of(plan.contacts_elsewhere, 'contact déplacé', 'contacts déplacés')} par la "
            "fusion, rattaché(s) depuis à une autre fiche, y reste(nt)."
        )
    if plan.inner_merges:
        inner = _esc(", ".join(plan.inner_merges))
        lines.append(
            f"{back} contenait déjà {inner} : cette fusion-là reste ; vous pourrez l'annuler "
            f"ensuite depuis la fiche de {back}."
        )
    lines.append("Les statistiques compteront de nouveau deux personnes.")
    return "<br>".join(lines)


class MergesPanel(QGroupBox):
    """The merges into the page's person; hidden when there is none."""

    unmerged = Signal(object)  # UnmergePlan, once COMMIT returned
    failed = Signal(str)  # French message
    undo_requested = Signal(object)  # merge id: the page may first save or drop its edits

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__("Fiches réunies dans celle-ci", parent)
        self.ctx = ctx
        self.undo_buttons: dict[uuid.UUID, QPushButton] = {}
        self.confirm_box: QMessageBox | None = None
        self.undo_button: QPushButton | None = None  # in the confirmation box
        self.keep_button: QPushButton | None = None
        self._plan: UnmergePlan | None = None
        self._rows = QVBoxLayout(self)
        self._rows.setContentsMargins(8, 4, 8, 4)
        self.setVisible(False)

    def set_traces(self, traces: list[MergeTrace]) -> None:
        while self._rows.count():
            item = self._rows.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.setParent(None)  # gone from the page now, not at the next event loop
                widget.deleteLater()
        self.undo_buttons = {}
        for m in traces:
            self._add_row(m, 0)
        self.setVisible(bool(traces))

    def _add_row(self, m: MergeTrace, depth: int) -> None:
        row = QWidget()
        line = QHBoxLayout(row)
        line.setContentsMargins(depth * 24, 0, 0, 0)
        label = QLabel(("↳ " if depth else "") + _esc(trace_text(m)))
        label.setWordWrap(True)
        label.setTextFormat(Qt.TextFormat.RichText)
        line.addWidget(label, 1)
        if depth == 0:
            button = QPushButton("Annuler la fusion…")
            button.setAutoDefault(False)
            button.setEnabled(m.can_undo and not self.ctx.read_only)
            button.setToolTip(
                m.undo_blocker
                or f"Séparer de nouveau {m.absorbed_name} : ses contacts lui sont rendus"
            )
            button.clicked.connect(lambda _checked=False, mid=m.id: self.undo_requested.emit(mid))
            self.undo_buttons[m.id] = button
            line.addWidget(button)
        if m.undo_blocker and (depth or not m.can_undo):
            label.setText(
                label.text()
                + f"<br><span style='color:{HINT_COLOUR}'>{_esc(self._why(m, depth))}</span>"
            )
        label.setToolTip(m.undo_blocker or "")
        self._rows.addWidget(row)
        for inner in m.within:
            self._add_row(inner, depth + 1)

    @staticmethod
    def _why(m: MergeTrace, depth: int) -> str:
        if depth and m.undo_blocker and "ensuite été réunie" in m.undo_blocker:
            return "Pour l'annuler : annulez d'abord la fusion de la ligne au-dessus."
        return m.undo_blocker or ""

    def chain_focus(self, after: QWidget, before: QWidget) -> None:
        """Put the undo buttons in the Tab order between ``after`` and ``before``."""
        previous = after
        for button in self.undo_buttons.values():
            QWidget.setTabOrder(previous, button)
            previous = button
        QWidget.setTabOrder(previous, before)

    # --- undoing ---------------------------------------------------------------------------

    def confirm_undo(self, merge_id: uuid.UUID) -> QMessageBox | None:
        """Say what undoing will do; nothing changes unless "Annuler la fusion" is chosen
        (the default button keeps the merge)."""
        if self.ctx.read_only:
            return None
        try:
            plan = unmerge_preview(self.ctx.engine, merge_id)
        except UserError as exc:
            self.failed.emit(f"Fusion non annulée : {exc.message}")
            return None
        self._plan = plan
        box = QMessageBox(self.window())
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle("Annuler la fusion")
        box.setTextFormat(Qt.TextFormat.RichText)
        box.setText(confirmation_text(plan))
        self.undo_button = box.addButton(
            "&Annuler la fusion", QMessageBox.ButtonRole.DestructiveRole
        )
        self.keep_button = box.addButton("&Garder la fusion", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(self.keep_button)
        box.setEscapeButton(self.keep_button)
        self.undo_button.clicked.connect(self._undo)
        box.finished.connect(lambda _code: self._forget_box(box))
        self.confirm_box = box
        box.open()
        return box

    def _forget_box(self, box: QMessageBox) -> None:
        if self.confirm_box is box:
            self.confirm_box = self.undo_button = self.keep_button = None
        box.deleteLater()

    def _undo(self) -> None:
        plan, self._plan = self._plan, None
        if plan is None or self.ctx.read_only:
            return
        run_in_background(  # off the GUI thread, like the merge itself
            unmerge_visitors,
            self.ctx.engine,
            plan.merge_id,
            site_id=self.ctx.site.id,
            on_result=self.unmerged.emit,
            on_error=self._undo_failed,
        )

    def _undo_failed(self, exc: BaseException) -> None:
        self.failed.emit(failure_text("Fusion non annulée", exc, self))
