"""Accueil: the screen agents live in. The contact form, and today's count at this site."""

from __future__ import annotations

from datetime import date

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from sarah.errors import UserError
from sarah.services.desk.days import french_day
from sarah.services.desk.journal import counts_text, day_counts
from sarah.ui.context import AppContext
from sarah.ui.desk.form import ContactForm


class DeskScreen(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.form = ContactForm(ctx, parent=self)
        self.title_label = QLabel(self)
        self.title_label.setObjectName("deskTitle")
        self.count_label = QLabel(self)
        self.count_label.setObjectName("todayCount")
        self.count_label.setToolTip("Le détail est dans le Journal du jour (Ctrl+2)")

        header = QHBoxLayout()
        header.addWidget(self.title_label)
        header.addStretch(1)
        header.addWidget(self.count_label)
        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addWidget(self.form, 1)

        self.form.saved.connect(lambda _outcome: self.refresh_count())
        self.refresh_count()

    def active_form(self) -> ContactForm:
        return self.form

    def refresh_count(self) -> None:
        today = date.today()
        agent = f" — {self.ctx.agent}" if self.ctx.agent else ""
        self.title_label.setText(
            f"<b>Accueil — {self.ctx.site.name}</b>{agent}, {french_day(today)}"
        )
        try:
            text = counts_text(day_counts(self.ctx.engine, self.ctx.site.id, today))
        except UserError as exc:
            text = exc.message
        self.count_label.setText(f"Aujourd'hui : <b>{text}</b>")

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.form.reload_catalogue()
        self.refresh_count()
        self.form.search_edit.setFocus()
