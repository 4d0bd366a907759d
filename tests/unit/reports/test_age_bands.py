"""Funder profiles: the bands a coordinator types, the ready FSE+ profile, the shares and the
layout of the two tables (plain data, no database)."""

from __future__ import annotations

import re
from datetime import date
from fractions import Fraction

import pytest

from sarah.errors import InvalidInput
from sarah.reports.age_bands import (
    FSE_PLUS,
    PROFILES,
    AgeBand,
    AgeBandCounts,
    AgeBandTables,
    AgeProfile,
    find_profile,
    parse_profile,
)
from sarah.reports.tables import Period

FDO, GRE = "Fontaine d'Ouche", "Grésilles"
U18, A18, A30, A55 = "Moins de 18 ans", "18–29 ans", "30–54 ans", "55 ans et plus"


# --- profiles ----------------------------------------------------------------------------------


def test_the_fse_profile_and_its_edges() -> None:
    assert PROFILES == {"fse": FSE_PLUS}
    assert (FSE_PLUS.key, FSE_PLUS.name, FSE_PLUS.labels) == ("fse", "FSE+", [U18, A18, A30, A55])
    assert FSE_PLUS.spec == "0-17,18-29,30-54,55+"
    edges = {0: U18, 17: U18, 18: A18, 29: A18, 30: A30, 54: A30, 55: A55, 104: A55}
    assert {age: FSE_PLUS.band_for(age) for age in edges} == edges
    assert FSE_PLUS.band_for(None) == "NR"
    # A birth date typed after the contact: counted young, as table 3 counts it.
    assert FSE_PLUS.band_for(-1) == U18
    assert AgeBand(A18, 18, 29).contains(29) and not AgeBand(A18, 18, 29).contains(30)
    assert AgeBand(A55, 55, None).contains(120)


def test_a_typed_profile_gets_the_words_of_the_tables() -> None:
    mine = parse_profile(" 0-17 ; 18–25, 26 - 44,45 + ", key="ville", name="Ville de Dijon")
    assert mine.labels == ["Moins de 18 ans", "18–25 ans", "26–44 ans", "45 ans et plus"]
    assert [(b.min_age, b.max_age) for b in mine.bands] == [(0, 17), (18, 25), (26, 44), (45, None)]
    assert (mine.key, mine.name, mine.spec) == ("ville", "Ville de Dijon", "0-17,18-25,26-44,45+")
    assert parse_profile("0-0,1-1,2+").labels == ["Moins de 1 an", "1 an", "2 ans et plus"]
    # What settings keep reads back as the same profile.
    assert parse_profile(FSE_PLUS.spec, key="fse", name="FSE+") == FSE_PLUS


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Aucune tranche d'âge"),
        (" , ", "Aucune tranche d'âge"),
        ("0+", "au moins deux tranches"),
        ("5-17,18+", "doit commencer à 0"),
        ("0-17,19-25,26+", "sans trou ni chevauchement : « 19-25 » devrait commencer à 18"),
        ("0-17,15-25,26+", "« 15-25 » devrait commencer à 18"),
        ("0-17,18-25", "La dernière tranche d'âge doit être ouverte"),
        ("0-17,18+,30+", "Seule la dernière tranche d'âge peut être ouverte : « 18+ »"),
        ("0-17,29-18,30+", "« 29-18 » à l'envers"),
        ("0-17,jeunes,26+", "« jeunes » illisible"),
        ("0-17,18-150,151+", "au plus 120 ans"),
        (",".join(f"{i}-{i}" for i in range(12)) + ",12+", "Au plus 12 tranches d'âge (13"),
    ],
)
def test_a_profile_that_leaves_someone_out_or_twice_is_refused(typed: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=re.escape(message)):
        parse_profile(typed)


def test_a_profile_is_found_by_its_key_or_typed() -> None:
    assert find_profile(" FSE ") is FSE_PLUS
    assert find_profile("0-25,26+").labels == ["Moins de 26 ans", "26 ans et plus"]
    with pytest.raises(InvalidInput, match="Profil d'âge inconnu : « erasmus » .*fse"):
        find_profile("erasmus")


def test_a_ready_profile_is_checked_too() -> None:
    with pytest.raises(InvalidInput, match="sans trou"):
        AgeProfile("x", "X", (AgeBand("Petits", 0, 9), AgeBand("Grands", 11, None)))
    with pytest.raises(InvalidInput, match="en double"):
        AgeProfile("x", "X", (AgeBand("Tous", 0, 9), AgeBand("Tous", 10, None)))


# --- counts and shares -------------------------------------------------------------------------


def counts(**bands: dict[str, int]) -> AgeBandCounts:
    """An FSE+ row from the non-empty bands: counts(a18={"F": 2})."""
    row = AgeBandCounts.empty(FSE_PLUS)
    names = {"u18": U18, "a18": A18, "a30": A30, "a55": A55, "nr": "NR"}
    for short, cells in bands.items():
        row.cells[names[short]].update(cells)
    return row


def test_shares_are_exact_and_shown_rounded_half_up() -> None:
    row = counts(u18={"F": 1, "H": 1}, a18={"F": 2, "H": 1}, a30={"F": 1})
    assert row.total == 6 and row.band_total(A18) == 3
    assert row.sex_share(A18, "F") == Fraction(2, 3)
    assert row.sex_percent(A18, "F") == "67 %" and row.sex_percent(A18, "H") == "33 %"
    assert row.sex_percent(U18, "F") == "50 %"
    assert row.band_share(A30) == Fraction(1, 6) and row.band_percent(A30) == "17 %"
    assert sum(row.band_share(b) or 0 for b in row.bands) == 1
    assert row.sex_share(A55, "F") is None and row.sex_percent(A55, "F") == ""
    assert row.band_share(A55) == 0
    assert row.to_json() == {
        U18: {"F": 1, "H": 1, "NR": 0, "total": 2},
        A18: {"F": 2, "H": 1, "NR": 0, "total": 3},
        A30: {"F": 1, "H": 0, "NR": 0, "total": 1},
        A55: {"F": 0, "H": 0, "NR": 0, "total": 0},
        "NR": {"F": 0, "H": 0, "NR": 0, "total": 0},
        "total": 6,
    }


# --- the two tables --------------------------------------------------------------------------


@pytest.fixture
def tables() -> AgeBandTables:
    """Two sites; someone aged 18–29 came to both (the total row has 9 people, not 10)."""
    return AgeBandTables(
        profile=FSE_PLUS,
        period=Period.semester("2019-S1"),
        sites=[FDO, GRE],
        by_site={
            FDO: counts(u18={"F": 1, "H": 1}, a18={"F": 2, "H": 1}, a30={"F": 1}),
            GRE: counts(a18={"F": 1}, a55={"H": 2}, nr={"NR": 1}),
        },
        total=counts(
            u18={"F": 1, "H": 1}, a18={"F": 2, "H": 1}, a30={"F": 1}, a55={"H": 2}, nr={"NR": 1}
        ),
        new_by_site={FDO: counts(u18={"F": 1}), GRE: counts(a55={"H": 1})},
        new_total=counts(u18={"F": 1}, a55={"H": 1}),
    )


def test_the_json_of_the_age_bands_key(tables: AgeBandTables) -> None:
    found = tables.to_json()
    assert list(found) == ["profile", "name", "bands", "persons", "new_persons"]
    assert (found["profile"], found["name"], found["bands"]) == ("fse", "FSE+", FSE_PLUS.labels)
    assert list(found["persons"]["by_site"]) == [FDO, GRE]
    assert found["persons"]["by_site"][GRE]["NR"] == {"F": 0, "H": 0, "NR": 1, "total": 1}
    assert found["persons"]["total"]["total"] == 9
    assert found["new_persons"]["total"][U18] == {"F": 1, "H": 0, "NR": 0, "total": 1}
    assert found["new_persons"]["by_site"][GRE]["total"] == 1


def test_the_people_table_laid_out_like_table_3(tables: AgeBandTables) -> None:
    grid = tables.grids()[0]
    assert (grid.key, grid.corner) == ("persons_by_age", "Point Relais")
    assert grid.title == "Personnes concernées par tranche d'âge (FSE+)"
    # Someone has no sex and someone no birth date: their columns and band are shown.
    per_band = ["Femmes", "%", "Hommes", "%", "Sexe non renseigné", "%", "Total", "% du total"]
    assert grid.headings == per_band * 5 + ["TOTAL tous publics"]
    kinds = ["count", "share"] * 4
    assert grid.kinds == kinds * 5 + ["total"]
    assert grid.groups == [
        (U18, 0, 7), (A18, 8, 15), (A30, 16, 23), (A55, 24, 31), ("Âge non renseigné", 32, 39),
    ]  # fmt: skip
    assert [(r.label, r.is_total) for r in grid.rows] == [
        (FDO, False), (GRE, False), ("2 Points Relais", True),
    ]  # fmt: skip
    half, third = Fraction(1, 2), Fraction(1, 3)
    fontaine = grid.rows[0].values
    assert fontaine[:8] == [1, half, 1, half, 0, 0, 2, third]  # under 18
    assert fontaine[8:16] == [2, Fraction(2, 3), 1, third, 0, 0, 3, half]
    assert fontaine[24:32] == [0, None, 0, None, 0, None, 0, 0]  # nobody of 55 and over
    assert fontaine[-1] == 6
    assert grid.rows[1].values[32:] == [0, 0, 0, 0, 1, 1, 1, Fraction(1, 4), 4]
    assert grid.rows[2].values[-1] == 9


def test_the_new_people_table_shows_only_the_columns_in_use(tables: AgeBandTables) -> None:
    grid = tables.grids()[1]
    assert grid.key == "new_persons_by_age"
    assert grid.title == "Publics nouvellement accueillis par tranche d'âge (FSE+)"
    assert grid.headings == ["Femmes", "%", "Hommes", "%", "Total", "% du total"] * 4 + [
        "TOTAL tous publics"
    ]
    assert [g[0] for g in grid.groups] == [U18, A18, A30, A55]
    assert grid.rows[2].values[:6] == [1, 1, 0, 0, 1, Fraction(1, 2)]


def test_notes_say_how_the_age_is_read_and_why_the_total_is_smaller(
    tables: AgeBandTables,
) -> None:
    notes = tables.table_notes()
    assert list(notes) == ["persons_by_age", "new_persons_by_age"]
    assert "premier contact de la période" in notes["persons_by_age"][0]
    assert "Moins de 18 ans, 18–29 ans, 30–54 ans, 55 ans et plus" in notes["persons_by_age"][0]
    assert "(1 de moins que la somme des sites)" in notes["persons_by_age"][1]
    assert len(notes["new_persons_by_age"]) == 1  # 2 new people, both in the total


def test_one_site_has_a_one_site_total_row() -> None:
    gresilles = counts(a30={"H": 1})
    one = AgeBandTables(
        FSE_PLUS, Period(date(2019, 3, 1), date(2019, 3, 31)), [GRE], {GRE: gresilles},
        gresilles, {GRE: gresilles}, gresilles,
    )  # fmt: skip
    assert [r.label for r in one.grids()[0].rows] == [GRE, "1 Point Relais"]
