"""Period picker: current and previous semester first, then a semester, year, quarter, month or
any two dates.

The two dates are typed day first: a click or Ctrl+A in a date selects the part under the
cursor (the day after Ctrl+A), so that the digits typed replace it. A date counts once it is
committed (Enter, Tab, the calendar, the arrows), never half-typed; reversed dates make the
period invalid (``periodInvalid``), with the reason under the fields, never widening the window.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, QEvent, QObject, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from sarah.calendar_fr import MONTH_NAMES
from sarah.errors import InvalidInput
from sarah.reports.tables import Period
from sarah.ui.style import ERROR_COLOUR

CURRENT_SEMESTER, PREVIOUS_SEMESTER, SEMESTER, YEAR, QUARTER, MONTH, CUSTOM = range(7)


def semester_of(day: date) -> Period:
    return Period.semester(f"{day.year}-S{1 if day.month <= 6 else 2}")


def previous_semester(day: date) -> Period:
    current = semester_of(day)
    if current.start.month == 1:
        return Period.semester(f"{day.year - 1}-S2")
    return Period.semester(f"{day.year}-S1")


def _qdate(d: date) -> QDate:
    return QDate(d.year, d.month, d.day)


def _pydate(q: QDate) -> date:
    return date(q.year(), q.month(), q.day())


class DateField(QDateEdit):
    """A dd/MM/yyyy date whose parts are replaced by typing.

    Qt's date edit ignores digits typed at a bare cursor (after a click) or over the whole text
    (after Ctrl+A): here a click selects the part clicked, Ctrl+A the day, and once a part is
    full Qt moves on to the next one, so "01012019" fills the whole date.
    """

    def __init__(self, day: QDate, parent: QWidget | None = None) -> None:
        super().__init__(day, parent)
        self.setDisplayFormat("dd/MM/yyyy")
        self.setCalendarPopup(True)
        # dateChanged only for a committed date (Enter, focus out, arrows, calendar): no
        # statistics computed for a date half-typed.
        self.setKeyboardTracking(False)
        self.lineEdit().installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.lineEdit() and event.type() == QEvent.Type.MouseButtonRelease:
            # After the line edit has placed its cursor for this click.
            QTimer.singleShot(0, self, self._select_part_at_cursor)
        return super().eventFilter(watched, event)

    def _select_part_at_cursor(self) -> None:
        if self.hasFocus() and not self.lineEdit().hasSelectedText():
            self.setSelectedSection(self.currentSection())

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.matches(QKeySequence.StandardKey.SelectAll):
            self.setSelectedSection(QDateEdit.Section.DaySection)
            return
        super().keyPressEvent(event)


class PeriodPicker(QWidget):
    """Emits ``periodChanged(Period)`` each time the chosen period changes and is valid, and
    ``periodInvalid(message)`` when it becomes invalid (dates reversed)."""

    periodChanged = Signal(object)  # noqa: N815 - Qt naming
    periodInvalid = Signal(str)  # noqa: N815

    def __init__(self, parent: QWidget | None = None, *, today: date | None = None) -> None:
        super().__init__(parent)
        self._today = today or date.today()
        self._last: Period | None = None
        self._updating = False

        self.kind = QComboBox()
        self.kind.setAccessibleName("Type de période")
        self.kind.addItem(f"Semestre en cours ({semester_of(self._today).label})")
        self.kind.addItem(f"Semestre précédent ({previous_semester(self._today).label})")
        for text in ("Un semestre…", "Une année…", "Un trimestre…", "Un mois…", "Dates au choix…"):
            self.kind.addItem(text)

        self.year = QSpinBox()
        self.year.setRange(2000, self._today.year + 1)
        self.year.setValue(self._today.year)
        self.year.setAccessibleName("Année")
        self.half = QComboBox()
        self.half.addItems(["1er semestre (janv.–juin)", "2nd semestre (juil.–déc.)"])
        self.quarter = QComboBox()
        self.quarter.addItems(
            [
                "1er trimestre (janv.–mars)",
                "2e trimestre (avr.–juin)",
                "3e trimestre (juil.–sept.)",
                "4e trimestre (oct.–déc.)",
            ]
        )
        self.month = QComboBox()
        self.month.addItems([m.capitalize() for m in MONTH_NAMES])
        self.month.setCurrentIndex(self._today.month - 1)
        self.start = DateField(_qdate(semester_of(self._today).start))
        self.end = DateField(_qdate(self._today))
        self.start.setAccessibleName("Premier jour")
        self.end.setAccessibleName("Dernier jour")
        self.from_label = QLabel("du")
        self.to_label = QLabel("au")
        # Under the fields and wrapped: a long message never makes the window wider.
        self.error = QLabel()
        self.error.setStyleSheet(f"color: {ERROR_COLOUR};")
        self.error.setWordWrap(True)
        self.error.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.error.hide()

        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(2)
        layout = QHBoxLayout()
        outer.addLayout(layout)
        outer.addWidget(self.error)
        for w in (
            self.kind,
            self.half,
            self.quarter,
            self.month,
            self.year,
            self.from_label,
            self.start,
            self.to_label,
            self.end,
        ):
            layout.addWidget(w)
        layout.addStretch(1)

        self.kind.currentIndexChanged.connect(self._on_change)
        self.year.valueChanged.connect(self._on_change)
        for combo in (self.half, self.quarter, self.month):
            combo.currentIndexChanged.connect(self._on_change)
        self.start.dateChanged.connect(self._on_change)
        self.end.dateChanged.connect(self._on_change)
        self._show_fields()
        self._last = self.period()

    # --- reading and setting --------------------------------------------------------------------

    def commit(self) -> None:
        """Take into account a date being typed (before reading the period for a refresh)."""
        for edit in (self.start, self.end):
            edit.interpretText()

    def period(self) -> Period | None:
        """The chosen period, None when the custom dates are reversed."""
        kind = self.kind.currentIndex()
        year = self.year.value()
        try:
            if kind == CURRENT_SEMESTER:
                return semester_of(self._today)
            if kind == PREVIOUS_SEMESTER:
                return previous_semester(self._today)
            if kind == SEMESTER:
                return Period.semester(f"{year}-S{self.half.currentIndex() + 1}")
            if kind == YEAR:
                return Period.year(year)
            if kind == QUARTER:
                return Period.quarter(year, self.quarter.currentIndex() + 1)
            if kind == MONTH:
                return Period.month(year, self.month.currentIndex() + 1)
            return Period(_pydate(self.start.date()), _pydate(self.end.date()))
        except InvalidInput as exc:
            self.error.setText(exc.message)
            self.error.show()
            return None

    def set_period(self, period: Period) -> None:
        """Select ``period`` with the most specific kind that describes it exactly."""
        self._updating = True
        try:
            s, e = period.start, period.end
            kind = CUSTOM
            if period == semester_of(self._today):
                kind = CURRENT_SEMESTER
            elif period == previous_semester(self._today):
                kind = PREVIOUS_SEMESTER
            elif s.year == e.year:
                self.year.setValue(s.year)
                if period in (Period.semester(f"{s.year}-S1"), Period.semester(f"{s.year}-S2")):
                    kind = SEMESTER
                    self.half.setCurrentIndex(0 if s.month == 1 else 1)
                elif period == Period.year(s.year):
                    kind = YEAR
                elif s.month % 3 == 1 and period == Period.quarter(s.year, s.month // 3 + 1):
                    kind = QUARTER
                    self.quarter.setCurrentIndex(s.month // 3)
                elif period == Period.month(s.year, s.month):
                    kind = MONTH
                    self.month.setCurrentIndex(s.month - 1)
            if kind == CUSTOM:
                self.start.setDate(_qdate(s))
                self.end.setDate(_qdate(e))
            self.kind.setCurrentIndex(kind)
        finally:
            self._updating = False
        self._on_change()

    # --- internals ------------------------------------------------------------------------------

    def _show_fields(self) -> None:
        kind = self.kind.currentIndex()
        self.year.setVisible(kind in (SEMESTER, YEAR, QUARTER, MONTH))
        self.half.setVisible(kind == SEMESTER)
        self.quarter.setVisible(kind == QUARTER)
        self.month.setVisible(kind == MONTH)
        for w in (self.from_label, self.start, self.to_label, self.end):
            w.setVisible(kind == CUSTOM)

    def _on_change(self) -> None:
        if self._updating:
            return
        self._show_fields()
        self.error.clear()
        self.error.hide()
        period = self.period()
        if period is None:
            if self._last is not None:
                self._last = None  # the next valid period is announced, even the same again
                self.periodInvalid.emit(self.error.text())
        elif period != self._last:
            self._last = period
            self.periodChanged.emit(period)
