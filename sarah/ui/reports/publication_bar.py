"""The line under the Statistiques screen's bar that says whether the period is closed: when it
is, the figures as published against today's and what changed since (with the contacts behind
the difference) and, for an admin, reopening; when it is not, the button that closes it once
the tables are published. Closing and reopening ask first, then run off the GUI thread."""

from __future__ import annotations

import html
from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from sarah.reports.figures import Figures
from sarah.reports.publication import ChangesSincePublished
from sarah.reports.tables import Period
from sarah.services.accounts.roles import may
from sarah.services.closing.periods import close_period, reopen_period
from sarah.services.sites import list_sites
from sarah.ui.context import AppContext
from sarah.ui.dialogs.questions import ask
from sarah.ui.style import HINT_COLOUR, WARNING_COLOUR
from sarah.ui.workers import Worker, run_in_background
from sarah.vocabulary import count_of

CLOSE_TIP = (
    "Une fois les tableaux publiés : garder les chiffres de tous les Points Relais tels qu'ils "
    "sont. Les saisies restent possibles ; cet écran et les exports diront ce qui a changé "
    "depuis."
)


class PublicationBar(QWidget):
    changesRequested = Signal()  # noqa: N815 - the contacts behind the difference
    writing = Signal(str)  # a closing or reopening started (what, for the status line)
    written = Signal(str)  # done: the French words to show; the figures must be recomputed
    writeFailed = Signal(object)  # noqa: N815 - the exception

    def __init__(
        self, ctx: AppContext, parent: QWidget | None = None, *, today: date | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx, self.today = ctx, today
        self.figures: Figures | None = None
        self._workers: list[Worker] = []  # never cancelled: the database is being written
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.changes_button = QPushButton("Voir les changements…")
        self.changes_button.setToolTip(
            "Les contacts ajoutés, modifiés ou supprimés depuis la publication"
        )
        self.close_button = QPushButton("Clôturer la période…")
        self.close_button.setToolTip(CLOSE_TIP)
        self.reopen_button = QPushButton("Rouvrir…")
        self.reopen_button.setToolTip(
            "Administrateurs : les chiffres publiés cessent d'être la référence (journalisé)"
        )
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.text, 1)
        for button in (self.changes_button, self.close_button, self.reopen_button):
            row.addWidget(button)
        self.changes_button.clicked.connect(self.changesRequested)
        self.close_button.clicked.connect(self.ask_and_close)
        self.reopen_button.clicked.connect(self.ask_and_reopen)
        self.clear()

    def clear(self) -> None:
        self.figures = None
        self.text.clear()
        for button in (self.changes_button, self.close_button, self.reopen_button):
            button.hide()

    def show_figures(self, figures: Figures) -> None:
        """The period's state once its publication was looked up."""
        self.clear()
        self.figures = figures
        writable = not self.ctx.read_only
        if figures.changes is not None:
            self._show_closed(figures.changes, writable and may(self.ctx.role, "reopen_period"))
        else:
            self._show_open(figures.report.period, writable and may(self.ctx.role, "close_period"))

    def _show_open(self, period: Period, may_close: bool) -> None:
        over = period.end < (self.today or date.today())
        words = "Période non clôturée : ses chiffres peuvent encore changer."
        if not over:
            words = "Période en cours : elle pourra être clôturée une fois terminée et publiée."
        self.text.setText(words)
        self.text.setStyleSheet(f"color: {HINT_COLOUR};")
        self.close_button.setVisible(may_close and over)

    def _show_closed(self, changes: ChangesSincePublished, may_reopen: bool) -> None:
        p = changes.publication
        detail = f"Publiée par {p.published_by} à {p.published_at:%H:%M}"
        if not changes.unchanged:
            summary = changes.summary()
            detail = f"{summary[0].upper()}{summary[1:]}. {detail}"
        if not p.covers(changes.site_ids):
            detail += f" ; la clôture couvre {', '.join(p.sites)}"
        # Names are user text: escaped before they go into rich text.
        self.text.setText(
            f"<b>Clôturée — {html.escape(changes.banner(), quote=False)}</b><br>{html.escape(detail, quote=False)}."
        )
        colour = HINT_COLOUR if changes.unchanged else WARNING_COLOUR
        self.text.setStyleSheet(f"color: {colour};")
        self.changes_button.setVisible(not changes.unchanged)
        self.reopen_button.setVisible(may_reopen)

    # --- closing and reopening ----------------------------------------------------------------

    def ask_and_close(self) -> None:
        if self.figures is None:
            return
        period = self.figures.report.period
        sites = list_sites(self.ctx.engine)
        if ask(
            self,
            "Clôturer la période",
            f"Clôturer {period.text} ?\n\nLes quatre tableaux et les mois de "
            f"{count_of(len(sites), 'Point Relais', 'Points Relais')} "
            f"({', '.join(s.name for s in sites)}) seront gardés tels qu'ils sont aujourd'hui, "
            "comme chiffres publiés. Les saisies restent possibles : cet écran et les exports "
            "diront ensuite ce qui a changé. Seul un administrateur pourra rouvrir la période.",
        ):
            self.close_period()

    def close_period(self) -> None:
        if self.figures is None:
            return
        self.writing.emit("Clôture")
        self._workers.append(
            run_in_background(
                close_period,
                self.ctx.engine,
                self.figures.report.period,
                role=self.ctx.role,
                young_age_limit=self.ctx.settings.young_age_limit,
                today=self.today,
                by=self.ctx.settings.agent_name or self.ctx.agent or None,
                on_result=lambda _p: self.written.emit("Période clôturée."),
                on_error=self.writeFailed.emit,
            )
        )

    def ask_and_reopen(self) -> None:
        if self.figures is None or self.figures.publication is None:
            return
        p = self.figures.publication
        if ask(
            self,
            "Rouvrir la période",
            f"Rouvrir {p.period.text}, publiée le {p.published_at:%d/%m/%Y} par "
            f"{p.published_by} ?\n\nSes chiffres publiés resteront dans l'historique des "
            "clôtures mais ne serviront plus de référence. L'action est journalisée.",
        ):
            self.reopen_period()

    def reopen_period(self) -> None:
        if self.figures is None:
            return
        self.writing.emit("Réouverture")
        self._workers.append(
            run_in_background(
                reopen_period,
                self.ctx.engine,
                self.figures.report.period,
                role=self.ctx.role,
                on_result=lambda _p: self.written.emit("Période rouverte."),
                on_error=self.writeFailed.emit,
            )
        )
