"""The periods a report can cover: quarters and months start on their first day and end on
their last, and a comparison a year back keeps its length, 29 February included."""

from __future__ import annotations

from datetime import date

import pytest

from sarah.errors import InvalidInput
from sarah.reports.tables import Period


@pytest.mark.parametrize(
    ("quarter", "start", "end"),
    [
        (1, date(2019, 1, 1), date(2019, 3, 31)),
        (2, date(2019, 4, 1), date(2019, 6, 30)),
        (3, date(2019, 7, 1), date(2019, 9, 30)),
        (4, date(2019, 10, 1), date(2019, 12, 31)),
    ],
)
def test_a_quarter_runs_from_its_first_day_to_its_last(
    quarter: int, start: date, end: date
) -> None:
    assert Period.quarter(2019, quarter) == Period(start, end)


def test_the_four_quarters_cover_the_year_without_gap_or_overlap() -> None:
    """A day dropped at a quarter's start would show as a gap between two quarters."""
    quarters = [Period.quarter(2020, q) for q in (1, 2, 3, 4)]
    assert quarters[0].start == date(2020, 1, 1)
    assert quarters[-1].end == date(2020, 12, 31)
    for before, after in zip(quarters, quarters[1:], strict=False):
        assert (after.start - before.end).days == 1
    assert sum((q.end - q.start).days + 1 for q in quarters) == 366  # 2020: a leap year


@pytest.mark.parametrize(
    ("year", "month", "start", "end"),
    [
        (2019, 1, date(2019, 1, 1), date(2019, 1, 31)),
        (2019, 2, date(2019, 2, 1), date(2019, 2, 28)),
        (2020, 2, date(2020, 2, 1), date(2020, 2, 29)),
        (2019, 4, date(2019, 4, 1), date(2019, 4, 30)),
        (2019, 12, date(2019, 12, 1), date(2019, 12, 31)),
    ],
)
def test_a_month_runs_from_its_first_day_to_its_last(
    year: int, month: int, start: date, end: date
) -> None:
    assert Period.month(year, month) == Period(start, end)


def test_a_month_is_labelled_by_its_dates() -> None:
    assert Period.month(2019, 2).label == "du 01/02/2019 au 28/02/2019"


@pytest.mark.parametrize(
    ("period", "years", "shifted"),
    [
        # February of a leap year, a year back: the month ends on the 28th.
        (
            Period(date(2020, 2, 1), date(2020, 2, 29)),
            -1,
            Period(date(2019, 2, 1), date(2019, 2, 28)),
        ),
        # A period starting on 29 February, a year on.
        (
            Period(date(2024, 2, 29), date(2024, 3, 31)),
            1,
            Period(date(2025, 2, 28), date(2025, 3, 31)),
        ),
        # Four years back lands on a leap year again: 29 February stays.
        (
            Period(date(2024, 1, 1), date(2024, 2, 29)),
            -4,
            Period(date(2020, 1, 1), date(2020, 2, 29)),
        ),
        # Into a leap year from a common one: 28 February stays 28 February.
        (
            Period(date(2019, 2, 28), date(2019, 3, 1)),
            1,
            Period(date(2020, 2, 28), date(2020, 3, 1)),
        ),
        (Period.semester("2020-S1"), -1, Period.semester("2019-S1")),
        (Period.quarter(2020, 1), -1, Period.quarter(2019, 1)),
    ],
)
def test_the_same_period_another_year_clamps_29_february(
    period: Period, years: int, shifted: Period
) -> None:
    assert period.shifted_years(years) == shifted


def test_a_semester_may_be_typed_in_lower_case_or_without_dash() -> None:
    assert Period.semester("2019-s2") == Period(date(2019, 7, 1), date(2019, 12, 31))
    assert Period.semester(" 2019S1 ") == Period(date(2019, 1, 1), date(2019, 6, 30))


def test_an_unreadable_semester_says_how_to_write_one() -> None:
    with pytest.raises(InvalidInput) as caught:
        Period.semester("2019-S3")
    assert str(caught.value) == "Semestre « 2019-S3 » illisible : écrivez par exemple 2019-S1."


def test_a_period_ending_before_it_starts_names_both_days() -> None:
    with pytest.raises(InvalidInput) as caught:
        Period(date(2019, 6, 30), date(2019, 1, 1))
    assert str(caught.value) == "Période impossible : le 01/01/2019 est avant le 30/06/2019."
