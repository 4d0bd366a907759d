"""Saisie différée: log contacts of an earlier day (paper sheet kept during an outage).

The contact keeps the day and time chosen here; the moment it was typed is kept too
(``entered_at``). Two ways: one contact at a time with the usual form, or the grid for a whole
sheet. The contacts already entered for that day are listed on the right.
"""

from __future__ import annotations

import html
from datetime import date, time, timedelta

from PySide6.QtCore import QDate, Qt, QTime
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSplitter,
    QTableView,
    QTabWidget,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from sarah.errors import InvalidInput, UserError
from sarah.services.closing.periods import publication_covering
from sarah.services.desk.days import french_day
from sarah.services.desk.journal import counts_text, day_journal, journal_counts
from sarah.ui.context import AppContext
from sarah.ui.desk.form import ContactForm
from sarah.ui.desk.grid import CatchupGrid
from sarah.ui.style import WARNING_COLOUR
from sarah.ui.table_models.desk_journal import JournalTableModel


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


class CatchupScreen(QWidget):
    FORM_TAB, GRID_TAB = 0, 1

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        top = self._build_day_and_time()
        self.form = ContactForm(ctx, when=self.when, parent=self)
        self.grid = CatchupGrid(ctx, self.when, self)
        self.tabs = QTabWidget(self)
        self.tabs.addTab(self.form, "Une par une")
        self.tabs.addTab(self.grid, "Grille (feuille papier)")
        self.tabs.setTabToolTip(0, "Le formulaire de l'Accueil, à la date et l'heure choisies")
        self.tabs.setTabToolTip(
            1, "Une ligne par contact de la feuille papier, tout enregistré d'un coup"
        )

        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(self.tabs)
        splitter.addWidget(self._build_day_list())
        splitter.setStretchFactor(0, 4)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([1000, 300])

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)

        self.date_edit.dateChanged.connect(lambda _d: self._day_changed())
        self.form.saved.connect(lambda _o: self.refresh_day())
        self.grid.saved.connect(lambda _n: self.refresh_day())
        self.tabs.currentChanged.connect(self._tab_changed)
        self.refresh_day()

    def _build_day_and_time(self) -> QHBoxLayout:
        """Jour and Heure at the top: every contact typed on this screen gets them."""
        self.date_edit = QDateEdit(self)
        self.date_edit.setObjectName("catchupDate")
        self.date_edit.setDisplayFormat("dd/MM/yyyy")
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setMaximumDate(_qdate(date.today()))
        self.date_edit.setDate(_qdate(date.today() - timedelta(days=1)))
        self.date_edit.setToolTip("Jour des contacts à saisir (pas dans le futur)")
        self.time_edit = QTimeEdit(self)
        self.time_edit.setObjectName("catchupTime")
        self.time_edit.setDisplayFormat("HH:mm")
        self.time_edit.setTime(QTime(9, 0))
        self.time_edit.setToolTip("Heure du contact (dans la grille : heure des lignes sans heure)")
        self.day_label = QLabel(self)
        self.day_label.setObjectName("catchupDay")

        top = QHBoxLayout()
        date_label = QLabel("&Jour :", self)
        date_label.setBuddy(self.date_edit)
        time_label = QLabel("&Heure :", self)
        time_label.setBuddy(self.time_edit)
        top.addWidget(date_label)
        top.addWidget(self.date_edit)
        top.addWidget(time_label)
        top.addWidget(self.time_edit)
        top.addSpacing(12)
        top.addWidget(self.day_label, 1)
        return top

    def _build_day_list(self) -> QWidget:
        """The contacts already entered for the chosen day, beside the form."""
        self.day_model = JournalTableModel(self)
        self.day_view = QTableView(self)
        self.day_view.setObjectName("catchupDayList")
        self.day_view.setModel(self.day_model)
        self.day_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.day_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.day_view.verticalHeader().hide()
        self.day_view.setColumnHidden(JournalTableModel.SERVICES, True)
        self.day_view.horizontalHeader().setSectionResizeMode(
            JournalTableModel.WHO, QHeaderView.ResizeMode.Stretch
        )
        self.day_view.setAlternatingRowColors(True)
        self.day_count_label = QLabel(self)
        self.day_count_label.setWordWrap(True)
        side = QWidget(self)
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.addWidget(self.day_count_label)
        side_layout.addWidget(self.day_view, 1)
        return side

    # --- the chosen day --------------------------------------------------------------------------

    @property
    def day(self) -> date:
        q = self.date_edit.date()
        return date(q.year(), q.month(), q.day())

    def when(self) -> tuple[date, time]:
        """The contact's date and time, as chosen at the top of the screen."""
        day = self.day
        if day > date.today():
            raise InvalidInput(f"Le {day:%d/%m/%Y} est dans le futur : choisissez un jour passé.")
        q = self.time_edit.time()
        return day, time(q.hour(), q.minute())

    def set_day(self, day: date, *, grid: bool = False) -> None:
        """Open the screen on ``day`` (from the gap banner's "Saisir maintenant")."""
        self.date_edit.setMaximumDate(_qdate(date.today()))
        self.date_edit.setDate(_qdate(day))
        self.tabs.setCurrentIndex(self.GRID_TAB if grid else self.FORM_TAB)
        self.refresh_day()

    def _day_changed(self) -> None:
        self.refresh_day()
        # Ages and jeune/adulte badges are those on the contact's day.
        self.form.refresh_ages()
        self.grid.refresh_ages()

    def refresh_day(self) -> None:
        day = self.day
        late = " (saisie différée)" if day < date.today() else " (aujourd'hui)"
        text = f"<b>{french_day(day, year=True)}</b>{late}"
        try:
            entries = day_journal(self.ctx.engine, self.ctx.site.id, day)
            closed = publication_covering(self.ctx.engine, day, self.ctx.site.id)
        except UserError as exc:
            self.day_count_label.setText(exc.message)
            return
        if closed is not None:
            # Allowed (a late sheet is real activity), but the coordinator's published
            # figures will not include it: said before typing, not discovered later.
            text += (
                f' <span style="color:{WARNING_COLOUR}">— période clôturée '
                f"({html.escape(closed.period.label)}, chiffres publiés le "
                f"{closed.published_at:%d/%m/%Y}) : ces saisies apparaîtront comme changements "
                "depuis la publication.</span>"
            )
        self.day_label.setText(text)
        self.day_model.set_entries(entries)
        counts = journal_counts(entries)
        self.day_count_label.setText(f"Déjà saisis ce jour-là : <b>{counts_text(counts)}</b>")

    def active_form(self) -> ContactForm | None:
        return self.form if self.tabs.currentIndex() == self.FORM_TAB else None

    def _tab_changed(self, index: int) -> None:
        if index == self.GRID_TAB:
            self.grid.reload_catalogue()
            self.grid.focus_grid()
        else:
            self.form.reload_catalogue()
            self.form.search_edit.setFocus()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.date_edit.setMaximumDate(_qdate(date.today()))
        self.refresh_day()
        if self.tabs.currentIndex() == self.FORM_TAB:
            self.form.reload_catalogue()
        else:
            self.grid.reload_catalogue()
