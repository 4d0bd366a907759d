"""Statistiques, "Dates au choix…": dates typed from the keyboard, reversed dates.

A user trial found that digits typed after a click or Ctrl+A in a date were ignored, that a
period computed while typing stayed on screen (and exportable) once the end date was put before
the start date, and that the error message widened the window past a 1,366 px laptop screen.
"""

from __future__ import annotations

from datetime import date, time

import pytest
from PySide6.QtCore import QDate, QPoint, Qt, QThreadPool
from PySide6.QtWidgets import QDateEdit, QWidget
from sqlalchemy import Engine

from sarah.reports.tables import Period
from sarah.services.contacts import ContactDraft, log_contact
from sarah.services.sites import ensure_site, list_sites
from sarah.settings import Settings
from sarah.ui.context import AppContext
from sarah.ui.reports.period_picker import CUSTOM, DateField, PeriodPicker
from sarah.ui.reports.statistics_screen import StatisticsScreen

WAIT = 30_000
TODAY = date(2019, 11, 8)
LAPTOP_WIDTH = 1366


def _click_day(qtbot, field: QDateEdit) -> None:
    """A single click on the day digits, as a user would put the mouse on them."""
    line = field.lineEdit()
    qtbot.mouseClick(line, Qt.MouseButton.LeftButton, pos=QPoint(6, line.height() // 2))


def _show_active(qtbot, widget: QWidget) -> None:
    """Shown and active: the keyboard focus (and Tab) works only in the active window."""
    widget.show()
    qtbot.waitExposed(widget)
    widget.activateWindow()
    qtbot.waitUntil(widget.isActiveWindow)


def _picker(qtbot) -> PeriodPicker:
    picker = PeriodPicker(today=TODAY)
    qtbot.addWidget(picker)
    _show_active(qtbot, picker)
    picker.kind.setCurrentIndex(CUSTOM)
    return picker


def test_a_click_on_the_day_then_digits_replace_the_day(qtbot) -> None:
    picker = _picker(qtbot)
    field = picker.end
    assert isinstance(field, DateField)
    assert field.date() == QDate(2019, 11, 8)
    _click_day(qtbot, field)
    qtbot.waitUntil(lambda: field.lineEdit().selectedText() == "08")
    qtbot.keyClicks(field, "15")
    assert field.text() == "15/11/2019"
    with qtbot.waitSignal(picker.periodChanged) as changed:
        qtbot.keyClick(field, Qt.Key.Key_Return)
    assert changed.args[0] == Period(date(2019, 7, 1), date(2019, 11, 15))


def test_ctrl_a_then_eight_digits_type_the_whole_date(qtbot) -> None:
    picker = _picker(qtbot)
    field = picker.start
    _click_day(qtbot, field)
    qtbot.keyClick(field, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    assert field.lineEdit().selectedText() == "01"  # the day, not the whole text
    # Half-typed: nothing is announced (no statistics computed for 02/01/2019 or 02/03/2019).
    with qtbot.assertNotEmitted(picker.periodChanged):
        qtbot.keyClicks(field, "0203")
    assert field.text() == "02/03/2019"
    qtbot.keyClicks(field, "2019")
    with qtbot.waitSignal(picker.periodChanged) as changed:
        qtbot.keyClick(field, Qt.Key.Key_Tab)  # leaving the field commits the date
    assert changed.args[0] == Period(date(2019, 3, 2), TODAY)


def _contacts(engine: Engine) -> None:
    site = ensure_site(engine, "Grésilles")
    for day in (date(2019, 1, 15), date(2019, 7, 2), date(2019, 9, 10), date(2019, 11, 4)):
        log_contact(engine, ContactDraft(site.id, "physique", day, time(10)))


@pytest.fixture
def screen(qtbot, engine: Engine) -> StatisticsScreen:
    _contacts(engine)
    ctx = AppContext(
        engine=engine,
        settings=Settings(agent_name="Claire Martin"),
        site=list_sites(engine)[0],
        agent="Claire",
    )
    screen = StatisticsScreen(ctx, today=TODAY)
    qtbot.addWidget(screen)
    screen.resize(1300, 700)
    with qtbot.waitSignal(screen.computed, timeout=WAIT):
        _show_active(qtbot, screen)
    with qtbot.waitSignal(screen.computed, timeout=WAIT):
        screen.period_picker.kind.setCurrentIndex(CUSTOM)  # 01/07/2019 to 08/11/2019
    assert screen.figures is not None and screen.figures.report.total.contacts_total == 3
    return screen


def _type_end(qtbot, screen: StatisticsScreen, digits: str) -> None:
    field = screen.period_picker.end
    _click_day(qtbot, field)
    qtbot.keyClick(field, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(field, digits)
    qtbot.keyClick(field, Qt.Key.Key_Return)


def test_an_end_before_the_start_shows_no_table_and_offers_no_export(
    qtbot, screen: StatisticsScreen
) -> None:
    width = screen.width()
    exports = (screen.xlsx_button, screen.csv_button, screen.pdf_button)
    assert all(b.isEnabled() for b in exports)
    _type_end(qtbot, screen, "01012019")
    assert screen.period_picker.end.date() == QDate(2019, 1, 1)
    qtbot.waitUntil(lambda: screen.figures is None, timeout=WAIT)
    assert not any(b.isEnabled() for b in exports)
    for key in ("contacts", "services", "persons", "new_persons", "months", "ratios"):
        assert screen.tables[key].grid_model.rowCount() == 0
    assert not screen.tables["contacts"].isVisible()
    assert not screen.table_titles["contacts"].isVisible()
    assert screen.heading.text() == ""
    error = screen.period_picker.error
    assert error.isVisible()
    assert error.text() == "Période impossible : le 01/01/2019 est avant le 01/07/2019."
    assert "n'est pas valide" in screen.status.text()
    # The message wraps under the dates: the window keeps its width and fits a laptop.
    assert screen.width() == width
    assert screen.minimumSizeHint().width() <= LAPTOP_WIDTH
    # F5 with reversed dates computes nothing.
    with qtbot.assertNotEmitted(screen.tablesShown):
        qtbot.keyClick(screen.period_picker.kind, Qt.Key.Key_F5)
        QThreadPool.globalInstance().waitForDone(WAIT)
    assert screen.figures is None

    # Back to the period shown before: computed again, exports offered again.
    with qtbot.waitSignal(screen.computed, timeout=WAIT):
        _type_end(qtbot, screen, "08112019")
    assert screen.figures is not None
    assert screen.figures.report.period == Period(date(2019, 7, 1), TODAY)
    assert all(b.isEnabled() for b in exports)
    assert not error.isVisible()
    assert screen.tables["contacts"].isVisible()
    assert screen.width() == width


def test_changing_the_selection_withdraws_the_export_at_once(
    qtbot, screen: StatisticsScreen
) -> None:
    """The figures on screen are those of the old period until the new ones arrive."""
    assert screen.xlsx_button.isEnabled()
    screen.period_picker.start.setDate(QDate(2019, 9, 1))
    assert not screen.xlsx_button.isEnabled()
    with qtbot.waitSignal(screen.computed, timeout=WAIT):
        pass
    assert screen.figures is not None and screen.figures.report.total.contacts_total == 2
    assert screen.xlsx_button.isEnabled()
