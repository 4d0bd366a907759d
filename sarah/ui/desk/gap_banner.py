"""A calm banner at start-up when weekdays of the last 30 days have no contact at this site.

"Saisir maintenant" opens Saisie différée on the chosen day; "Jour de fermeture" remembers that
the site was closed (the banner never mentions that day again); "Plus tard" hides it until the
next day or the next start (the main window looks again when the date changes).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from sarah.errors import UserError
from sarah.services.desk.days import french_day, gap_days, mark_closed_day
from sarah.ui.context import AppContext

MAX_NAMED_DAYS = 6


class GapBanner(QFrame):
    catch_up_requested = Signal(object)  # date

    def __init__(
        self,
        ctx: AppContext,
        parent: QWidget | None = None,
        *,
        clock: Callable[[], date] = date.today,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._days: list[date] = []
        self._clock = clock
        self._today: date | None = None  # None: the clock's today (tests may pin a day)
        self.setObjectName("gapBanner")
        self.setStyleSheet(
            "#gapBanner { background: #eff6ff; border: 1px solid #93c5fd; border-radius: 4px; }"
        )
        self.text_label = QLabel(self)
        self.text_label.setObjectName("gapText")
        self.text_label.setWordWrap(True)
        self.day_combo = QComboBox(self)
        self.day_combo.setObjectName("gapDay")
        self.day_combo.setToolTip("Le jour concerné par les boutons")
        self.catch_up_button = QPushButton("&Saisir maintenant", self)
        self.catch_up_button.setToolTip("Ouvrir la Saisie différée sur ce jour")
        self.catch_up_button.clicked.connect(self._catch_up)
        self.closed_button = QPushButton("Jour de &fermeture", self)
        self.closed_button.setToolTip(
            "Le Point Relais était fermé ce jour-là : ne plus le signaler"
        )
        self.closed_button.clicked.connect(self._closed)
        self.later_button = QPushButton("Plus &tard", self)
        self.later_button.setToolTip("Masquer jusqu'à demain ou au prochain démarrage")
        self.later_button.clicked.connect(self.hide)
        layout = QHBoxLayout(self)
        layout.addWidget(self.text_label, 1)
        layout.addWidget(self.day_combo)
        layout.addWidget(self.catch_up_button)
        layout.addWidget(self.closed_button)
        layout.addWidget(self.later_button)

    @property
    def days(self) -> list[date]:
        return list(self._days)

    def refresh(self, today: date | None = None) -> None:
        """Look for gaps again; show the banner only if there are some (never at a
        coordination post: no desk types contacts there, the Réseau screen watches the sites)."""
        if today is not None:
            self._today = today
        if self.ctx.settings.coordination:
            self._days = []
            self.setVisible(False)
            return
        try:
            today = self._today if self._today is not None else self._clock()
            self._days = gap_days(self.ctx.engine, self.ctx.site.id, today=today)
        except UserError:
            self._days = []
        self.day_combo.clear()
        for day in self._days:
            self.day_combo.addItem(french_day(day, year=False).capitalize(), day)
        if not self._days:
            self.hide()
            return
        named = ", ".join(french_day(d) for d in self._days[:MAX_NAMED_DAYS])
        more = len(self._days) - MAX_NAMED_DAYS
        if more > 0:
            named += f" et {more} autre{'s' if more > 1 else ''}"
        n = len(self._days)
        self.text_label.setText(
            f"Aucun contact saisi à {self.ctx.site.name} "
            f"{'ces jours de semaine' if n > 1 else 'ce jour de semaine'} : <b>{named}</b>. "
            "S'il était ouvert, saisissez les contacts notés sur papier ; sinon, indiquez "
            "un jour de fermeture."
        )
        self.day_combo.setVisible(n > 1)
        self.show()

    def selected_day(self) -> date | None:
        data = self.day_combo.currentData()
        return data if isinstance(data, date) else (self._days[0] if self._days else None)

    def _catch_up(self) -> None:
        day = self.selected_day()
        if day is not None:
            self.catch_up_requested.emit(day)

    def _closed(self) -> None:
        day = self.selected_day()
        if day is None:
            return
        try:
            mark_closed_day(self.ctx.engine, self.ctx.site.id, day)
        except UserError as exc:
            self.text_label.setText(f"Non enregistré : {exc}")
            return
        self.refresh()
