"""Gap alert at start-up: a calm banner naming weekdays without contacts, and its two answers."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import Qt
from sqlalchemy import select

from sarah.calendar_fr import french_public_holidays
from sarah.db import read_session
from sarah.models import ClosedDay
from sarah.services.desk.days import french_day


def _open_days(first: date, last: date) -> list[date]:
    holidays = set(french_public_holidays(first.year)) | set(french_public_holidays(last.year))
    days, day = [], first
    while day <= last:
        if day.weekday() < 5 and day not in holidays:
            days.append(day)
        day += timedelta(days=1)
    return days


def _history_with_a_gap(make_contact) -> date:  # type: ignore[no-untyped-def]
    """Contacts on every open day of the last three weeks but one; returns the missing day."""
    today = date.today()
    days = _open_days(today - timedelta(days=21), today - timedelta(days=1))
    missing = days[len(days) // 2]
    for day in days:
        if day != missing:
            make_contact(day)
    return missing


def test_no_banner_for_a_new_installation(qtbot, make_window) -> None:
    window = make_window()
    assert not window.gap_banner.isVisible()


def test_banner_names_the_day_and_remembers_a_closed_day(
    qtbot, make_window, make_contact, engine, site
) -> None:
    missing = _history_with_a_gap(make_contact)
    window = make_window()
    banner = window.gap_banner
    assert banner.isVisible()
    assert banner.days == [missing]
    assert french_day(missing) in banner.text_label.text()
    qtbot.mouseClick(banner.closed_button, Qt.MouseButton.LeftButton)
    assert not banner.isVisible()
    with read_session(engine) as s:
        assert list(s.scalars(select(ClosedDay.day).where(ClosedDay.site_id == site.id))) == [
            missing
        ]
    # Next start: nothing to say any more.
    assert not make_window().gap_banner.isVisible()


def test_catch_up_now_opens_saisie_differee_on_that_day(
    qtbot, keys, make_window, make_contact
) -> None:
    missing = _history_with_a_gap(make_contact)
    window = make_window()
    banner = window.gap_banner
    qtbot.mouseClick(banner.catch_up_button, Qt.MouseButton.LeftButton)
    assert window.current_screen_key() == "saisie"
    assert window.catchup.day == missing
    form = window.catchup.form
    qtbot.waitUntil(form.search_edit.hasFocus)
    form.services_view.setFocus()
    keys.press(Qt.Key.Key_P)
    with qtbot.waitSignal(form.saved, timeout=5000):
        keys.press(Qt.Key.Key_F9)  # an anonymous call of that day
    assert not banner.isVisible()  # the day has a contact now


def test_several_days_are_listed_and_later_hides_the_banner(
    qtbot, make_window, make_contact
) -> None:
    today = date.today()
    days = _open_days(today - timedelta(days=21), today - timedelta(days=1))
    gaps = days[3:6]
    for day in days:
        if day not in gaps:
            make_contact(day)
    window = make_window()
    banner = window.gap_banner
    assert banner.days == gaps
    assert banner.day_combo.count() == 3 and banner.day_combo.isVisible()
    banner.day_combo.setCurrentIndex(2)
    qtbot.mouseClick(banner.closed_button, Qt.MouseButton.LeftButton)
    assert banner.days == gaps[:2]
    qtbot.mouseClick(banner.later_button, Qt.MouseButton.LeftButton)
    assert not banner.isVisible()


class Clock:
    """The date the window believes it is; a test moves it on."""

    def __init__(self, day: date) -> None:
        self.day = day

    def __call__(self) -> date:
        return self.day


# A Tuesday with no public holiday in the three weeks before it or the days after.
TUESDAY = date(2026, 3, 10)


def _logged_until_the_day_before(make_contact, day: date) -> None:  # type: ignore[no-untyped-def]
    for open_day in _open_days(day - timedelta(days=21), day - timedelta(days=1)):
        make_contact(open_day)


def test_after_midnight_the_banner_names_yesterday_if_nothing_was_logged(
    qtbot, make_window, make_contact
) -> None:
    _logged_until_the_day_before(make_contact, TUESDAY)
    clock = Clock(TUESDAY)
    window = make_window(today=clock)
    banner = window.gap_banner
    assert not banner.isVisible()  # nothing logged yet today: not a gap, the day is not over
    assert window.day_timer.isActive()
    assert 0 < window.day_timer.remainingTime() <= (24 * 3600 + 60) * 1000
    clock.day = TUESDAY + timedelta(days=1)  # the desk PC stayed open overnight
    with qtbot.waitSignal(window.day_changed, timeout=1000) as changed:
        window.day_timer.timeout.emit()
    assert changed.args == [TUESDAY + timedelta(days=1)]
    assert banner.isVisible() and banner.days == [TUESDAY]
    assert french_day(TUESDAY) in banner.text_label.text()
    assert window.day_timer.isActive()  # armed again for the next midnight


def test_a_day_logged_before_midnight_raises_no_banner_the_next_day(
    qtbot, make_window, make_contact
) -> None:
    _logged_until_the_day_before(make_contact, TUESDAY)
    make_contact(TUESDAY)
    clock = Clock(TUESDAY)
    window = make_window(today=clock)
    clock.day = TUESDAY + timedelta(days=1)
    assert window.check_date()
    assert not window.gap_banner.isVisible()
    assert not window.check_date()  # same day again: nothing to do


def test_coming_back_to_the_window_on_a_new_day_shows_the_banner_again_after_later(
    qtbot, make_window, make_contact
) -> None:
    from PySide6.QtWidgets import QWidget

    missing = TUESDAY - timedelta(days=7)
    for open_day in _open_days(TUESDAY - timedelta(days=21), TUESDAY - timedelta(days=1)):
        if open_day != missing:
            make_contact(open_day)
    clock = Clock(TUESDAY)
    window = make_window(today=clock)
    banner = window.gap_banner
    assert banner.days == [missing]
    qtbot.mouseClick(banner.later_button, Qt.MouseButton.LeftButton)
    assert not banner.isVisible()

    other = QWidget()
    qtbot.addWidget(other)

    def leave_and_come_back() -> None:
        other.show()
        other.activateWindow()
        qtbot.waitUntil(lambda: not window.isActiveWindow())
        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow)

    leave_and_come_back()  # same day: "Plus tard" still holds
    assert not banner.isVisible()
    clock.day = TUESDAY + timedelta(days=1)  # the agent comes back the next morning
    with qtbot.waitSignal(window.day_changed, timeout=5000):
        leave_and_come_back()
    assert banner.isVisible() and banner.days == [missing, TUESDAY]
    assert banner.day_combo.count() == 2
