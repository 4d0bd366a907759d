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
    ServiceCount,
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


def test_a_single_site_total_column_heading() -> None:
    assert total_column_heading(1) == "TOTAL du PR"


def test_a_saved_report_keeps_its_anonymous_contacts_and_age_limit() -> None:
    data = json.loads(FIXTURE.read_text(encoding="utf-8"))
    data["by_site"]["Grésilles"]["anonymous_contacts"] = 4
    data["total"]["anonymous_contacts"] = 4
    report = Report.from_json(data, young_age_limit=30)
    assert report.young_age_limit == 30
    assert report.by_site["Grésilles"].anonymous_contacts == 4
    assert report.to_json() == {
        **data,
        "by_site": {
            "Fontaine d'Ouche": {**data["by_site"]["Fontaine d'Ouche"], "anonymous_contacts": 0},
            "Grésilles": data["by_site"]["Grésilles"],
        },
    }
    assert report.total.service_count("no such service") == 0


@pytest.mark.parametrize(("people_gap", "new_gap"), [(1, 2), (2, 1)])
def test_notes_under_the_tables_give_the_numbers(people_gap: int, new_gap: int) -> None:
    """Anonymous contacts by site under table 1; under tables 3 and 4, by how much the total row
    is smaller than the sum of the sites."""
    data = json.loads(FIXTURE.read_text(encoding="utf-8"))
    data["by_site"]["Fontaine d'Ouche"]["anonymous_contacts"] = 3
    data["total"]["anonymous_contacts"] = 3
    report = Report.from_json(data)
    report.total.persons.cells["adultes"]["F"] -= people_gap
    report.total.new_persons.cells["adultes"]["H"] -= new_gap
    assert report.table_notes() == {
        "contacts": [
            "3 contact(s) anonyme(s) (personne non identifiée) : comptés dans les contacts et les "
            "services, pas dans les personnes (Fontaine d'Ouche : 3, Grésilles : 0)."
        ],
        "services": [],
        "persons": [
            "Des personnes sont venues dans plusieurs Points Relais : chacune compte une fois par "
            "site et une seule fois dans la ligne du total, qui est donc plus petite que la somme "
            f"des sites ({people_gap} de moins)."
        ],
        "new_persons": [
            "Une personne est nouvelle dans un site à sa première venue dans ce site, et nouvelle "
            "dans la ligne du total à sa première venue dans l'un des Points Relais : venue dans "
            "un autre site avant, ou dans deux sites pour la première fois, elle ne compte qu'une "
            "fois ou pas du tout dans le total, qui est donc plus petit que la somme des sites "
            f"({new_gap} de moins)."
        ],
    }
    assert report.notes() == [n for notes in report.table_notes().values() for n in notes]
    assert report.people_seen_at_several_sites


def test_a_services_share_is_of_the_services_delivered() -> None:
    """The chart of table 2: contacts without a service are not a service delivered."""
    report = Report.from_json(json.loads(FIXTURE.read_text(encoding="utf-8")))
    t = report.total
    t.services = [ServiceCount("cv", "CV / LM", 3), ServiceCount("rdv", "RDV", 1)]
    t.not_given_services = 5
    assert t.service_share("cv") == 0.75
    assert t.service_share("rdv") == 0.25
    t.services = [ServiceCount("cv", "CV / LM", 0)]
    assert t.service_share("cv") == 0.0  # nothing delivered: no share, no division by zero
