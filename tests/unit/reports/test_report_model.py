"""The plain report: percentages, periods, table layouts, checks."""

from __future__ import annotations

import json
from datetime import date
from fractions import Fraction
from pathlib import Path

import pytest

from sarah.reports.grids import people_layout
from sarah.reports.tables import (
    PeopleCounts,
    Period,
    Report,
    percent_text,
    round_percent,
    total_column_heading,
    total_row_heading,
)

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "reference-2019-S1.json"


@pytest.mark.parametrize(
    ("part", "whole", "shown"),
    [
        (249, 457, 54),
        (208, 457, 46),
        (1, 8, 13),
        (1, 200, 1),
        (1, 201, 0),
        (29, 200, 15),
        (0, 3, 0),
    ],
)
def test_percentages_round_half_up(part: int, whole: int, shown: int) -> None:
    assert round_percent(Fraction(part, whole)) == shown
    assert percent_text(Fraction(part, whole)) == f"{shown} %"


def test_empty_group_has_no_percentage() -> None:
    assert percent_text(None) == ""
    assert PeopleCounts().sex_share("jeunes", "F") is None


def test_period_words() -> None:
    assert Period.semester("2019-S2").label == "2nd semestre 2019"
    assert Period.year(2018).label == "Année 2018"
    assert Period(date(2019, 2, 1), date(2019, 2, 28)).label == "du 01/02/2019 au 28/02/2019"
    assert Period.quarter(2019, 1).end == date(2019, 3, 31)
    assert total_column_heading(2) == "TOTAL des 2 PR"
    assert total_row_heading(2) == "2 Points Relais" and total_row_heading(1) == "1 Point Relais"


def test_period_text_names_the_period_and_its_dates_once() -> None:
    """What exports and the screen heading write (one way, from sarah.vocabulary)."""
    assert Period.semester("2019-S1").text == "1er semestre 2019 (du 01/01/2019 au 30/06/2019)"
    assert Period(date(2019, 2, 1), date(2019, 2, 28)).text == "du 01/02/2019 au 28/02/2019"
    one_day = Period(date(2019, 3, 15), date(2019, 3, 15))
    assert one_day.label == "le 15/03/2019"
    assert one_day.text == "le 15/03/2019"


def test_layout_like_the_reference_and_not_given_columns_only_when_used() -> None:
    p = PeopleCounts()
    p.cells["jeunes"]["F"] = 2
    layout = people_layout([p])
    assert [c.heading for c in layout.columns][:6] == [
        "Jeunes Femmes", "%", "Jeunes Hommes", "%", "Total jeunes", "% du total",
    ]  # fmt: skip
    assert layout.columns[-1].heading == "TOTAL tous publics"
    assert layout.groups == [("Public jeunes", 0, 5), ("Public adulte", 6, 11)]
    p.cells["NR"]["NR"] = 1
    headings = [c.heading for c in people_layout([p]).columns]
    assert "Jeunes sexe non renseigné" in headings and "Total âge non renseigné" in headings


def test_reference_round_trip_and_checks() -> None:
    data = json.loads(FIXTURE.read_text(encoding="utf-8"))
    report = Report.from_json(data)
    out = report.to_json()
    for tables in [*out["by_site"].values(), out["total"]]:
        assert tables.pop("anonymous_contacts") == 0
    assert out == data
    assert all(c.passed for c in report.checks())
    assert not report.people_seen_at_several_sites
    assert report.notes() == []


def test_checks_catch_a_total_that_is_not_the_sum() -> None:
    report = Report.from_json(json.loads(FIXTURE.read_text(encoding="utf-8")))
    report.total.contacts["physique"] += 1
    assert not all(c.passed for c in report.checks())
