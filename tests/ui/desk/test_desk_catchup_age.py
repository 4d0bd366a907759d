"""Saisie différée: the age and the jeune/adulte badge are those on the day of the contact."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import Qt

from sarah.services.desk.search import search_visitors, visitor_hit
from sarah.ui.table_models.desk_results import VisitorResultsModel

CTRL = Qt.KeyboardModifier.ControlModifier
TODAY = date.today()
SHEET_DAY = TODAY - timedelta(days=200)  # the paper sheet typed in now


def _born_26_years_before(day: date) -> date:
    try:
        return day.replace(year=day.year - 26)
    except ValueError:  # 29 February
        return date(day.year - 26, 2, 28)


# 26 today (adulte), but 25 on the day of the sheet (jeune): the birthday fell in between.
BORN = _born_26_years_before(TODAY - timedelta(days=100))


def test_search_gives_the_age_on_the_day_asked(engine, make_visitor) -> None:
    make_visitor("Martin", "Léa", born=BORN)
    [now] = search_visitors(engine, "martin", today=TODAY)
    [then] = search_visitors(engine, "martin", today=TODAY, on=SHEET_DAY)
    assert (now.age, now.group_label) == (26, "adulte")
    assert (then.age, then.group_label) == (25, "jeune")
    [by_birth_date] = search_visitors(engine, f"{BORN:%d/%m/%Y}", on=SHEET_DAY)
    assert by_birth_date.group_label == "jeune"
    assert visitor_hit(engine, now.id, on=SHEET_DAY).age == 25


def _shown(model: VisitorResultsModel) -> tuple[str, str]:
    age = model.index(0, VisitorResultsModel.AGE).data()
    group = model.index(0, VisitorResultsModel.GROUP).data()
    return age, group


def test_catch_up_form_shows_the_age_on_the_chosen_day(qtbot, keys, window, make_visitor) -> None:
    make_visitor("Martin", "Léa", born=BORN)
    # At the desk (today): 26, adulte.
    window.show_screen("accueil")
    window.desk.form.search_edit.setFocus()
    keys.type("mart")
    assert _shown(window.desk.form.results_model) == ("26 ans", "adulte")

    keys.press(Qt.Key.Key_3, CTRL)
    catchup = window.catchup
    catchup.set_day(SHEET_DAY)
    form = catchup.form
    form.search_edit.setFocus()
    keys.type("mart")
    assert _shown(form.results_model) == ("25 ans", "jeune")
    keys.press(Qt.Key.Key_Return)  # choose her: the card says the same
    assert form.visitor is not None and form.visitor.age == 25
    assert "jeune" in form.visitor_card.text() and "25 ans" in form.visitor_card.text()


def test_catch_up_grid_shows_the_age_on_the_day_of_the_sheet(
    qtbot, keys, window, make_visitor
) -> None:
    make_visitor("Martin", "Léa", born=BORN)
    catchup = window.show_screen("saisie")
    catchup.set_day(SHEET_DAY, grid=True)
    grid = catchup.grid
    qtbot.waitUntil(grid.view.hasFocus)
    keys.press(Qt.Key.Key_Tab)  # Heure -> Personne
    keys.type("mart")
    assert _shown(grid.people_model) == ("25 ans", "jeune")


def _set_date(catchup, day: date) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QDate

    catchup.date_edit.setDate(QDate(day.year, day.month, day.day))


def test_changing_the_day_updates_the_ages_of_the_results_shown(
    qtbot, keys, window, make_visitor
) -> None:
    make_visitor("Martin", "Léa", born=BORN)
    make_visitor("Martinez", "Hugo", born=date(1970, 5, 4))
    catchup = window.show_screen("saisie")
    catchup.set_day(TODAY - timedelta(days=1))
    form = catchup.form
    form.search_edit.setFocus()
    keys.type("mart")
    assert _shown(form.results_model) == ("26 ans", "adulte")
    form.results_view.setCurrentIndex(form.results_model.index(1, 0))  # Hugo
    _set_date(catchup, SHEET_DAY)  # the agent picks the day of the paper sheet
    assert _shown(form.results_model) == ("25 ans", "jeune")
    assert form.results_view.currentIndex().row() == 1  # the row chosen stays chosen
    assert form.search_edit.text() == "mart"


def test_changing_the_day_updates_the_chosen_persons_card(
    qtbot, keys, window, make_visitor
) -> None:
    make_visitor("Martin", "Léa", born=BORN)
    catchup = window.show_screen("saisie")
    catchup.set_day(TODAY - timedelta(days=1))
    form = catchup.form
    form.search_edit.setFocus()
    keys.type("mart")
    keys.press(Qt.Key.Key_Return)  # choose her
    assert form.visitor is not None and form.visitor.age == 26
    _set_date(catchup, SHEET_DAY)
    assert form.visitor is not None and form.visitor.age == 25
    assert "jeune" in form.visitor_card.text() and "25 ans" in form.visitor_card.text()


def test_changing_the_day_updates_the_people_listed_under_the_grid(
    qtbot, keys, window, make_visitor
) -> None:
    make_visitor("Martin", "Léa", born=BORN)
    catchup = window.show_screen("saisie")
    catchup.set_day(SHEET_DAY, grid=True)
    grid = catchup.grid
    qtbot.waitUntil(grid.view.hasFocus)
    keys.press(Qt.Key.Key_Tab)  # Heure -> Personne
    keys.type("mart")
    assert _shown(grid.people_model) == ("25 ans", "jeune")
    _set_date(catchup, TODAY - timedelta(days=1))
    assert _shown(grid.people_model) == ("26 ans", "adulte")
