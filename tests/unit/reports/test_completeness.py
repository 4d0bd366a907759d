"""The plain completeness data: its rows in reading order, the words of its cells and the
sentences a coordinator reads before publishing (values written by hand here)."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

from sarah.reports.completeness import (
    COLUMNS,
    PERIOD_WORD,
    Completeness,
    Gaps,
    MonthGaps,
    cell_text,
    missing_text,
)
from sarah.reports.months import month_label
from sarah.reports.tables import Period

FO, GR = "Fontaine d'Ouche", "Grésilles"
MARCH = [date(2019, 3, d) for d in (12, 13, 14)]


def _march_and_april() -> Completeness:
    """Grésilles misses 12-14 March and has two contacts without service; Fontaine d'Ouche is
    complete; April is complete everywhere; 3 of the period's 60 contacts were typed late."""
    gr_march = Gaps(20, {GR: tuple(MARCH)}, 28, 2, 7, 1, 0, 2, 0)
    fo_march = Gaps(21, {FO: ()}, 10, 0, 5, 0, 0, 0, 0)
    gr_april = Gaps(21, {GR: ()}, 12, 0, 6, 0, 0, 1, 4)
    fo_april = Gaps(21, {FO: ()}, 10, 0, 5, 0, 0, 0, 0)
    return Completeness(
        period=Period(date(2019, 3, 1), date(2019, 4, 30)),
        sites=[FO, GR],
        months=[
            MonthGaps(
                date(2019, 3, 1),
                date(2019, 3, 31),
                {FO: fo_march, GR: gr_march},
                Gaps(41, {FO: (), GR: tuple(MARCH)}, 38, 2, 11, 1, 0, 2, 0),
            ),
            MonthGaps(
                date(2019, 4, 1),
                date(2019, 4, 30),
                {FO: fo_april, GR: gr_april},
                Gaps(42, {FO: (), GR: ()}, 22, 0, 10, 0, 0, 1, 4),
            ),
        ],
        period_by_site={
            FO: Gaps(42, {FO: ()}, 20, 0, 8, 0, 0, 0, 0),
            GR: Gaps(41, {GR: tuple(MARCH)}, 40, 2, 9, 1, 0, 3, 4),
        },
        period_total=Gaps(83, {FO: (), GR: tuple(MARCH)}, 60, 2, 15, 1, 0, 3, 4),
        judged_before=date(2026, 12, 3),
    )


def test_rows_read_month_by_month_each_with_its_network_line_then_the_period() -> None:
    rows = _march_and_april().rows()
    assert [(r.month, r.site, r.total, r.whole_period) for r in rows] == [
        ("mars 2019", FO, False, False),
        ("mars 2019", GR, False, False),
        ("mars 2019", "2 Points Relais", True, False),
        ("avril 2019", FO, False, False),
        ("avril 2019", GR, False, False),
        ("avril 2019", "2 Points Relais", True, False),
        (PERIOD_WORD, FO, False, True),
        (PERIOD_WORD, GR, False, True),
        (PERIOD_WORD, "2 Points Relais", True, True),
    ]


def test_warnings_say_which_site_which_month_and_which_days() -> None:
    assert _march_and_april().warnings() == [
        "Grésilles, mars 2019 : 3 jours ouvrés sans saisie (12/03, 13/03, 14/03) ; 2 contacts "
        "sans service ; 1 personne sans date de naissance.",
        "Saisies tardives : 3 contacts de la période ont été saisis après le jour du contact "
        "(5 % des contacts).",
    ]


def test_one_of_each_gap_is_written_in_the_singular() -> None:
    gaps = Gaps(20, {GR: (date(2019, 3, 12),)}, 5, 1, 3, 1, 1, 0, 0)
    assert gaps.gap_phrases() == [
        "1 jour ouvré sans saisie (12/03)",
        "1 contact sans service",
        "1 personne sans date de naissance",
        "1 personne sans sexe renseigné",
    ]
    assert gaps.gap_phrases(dates=False)[0] == "1 jour ouvré sans saisie"


def test_a_month_without_any_entry_is_said_so_instead_of_listing_every_day() -> None:
    days = tuple(date(2019, 12, d) for d in (2, 3, 4))
    assert Gaps(3, {GR: days}).gap_phrases() == ["aucune saisie sur ses 3 jours ouvrés"]


def test_late_entries_alone_are_no_gap() -> None:
    gaps = Gaps(20, {GR: ()}, 40, 0, 10, 0, 0, 7, 0)
    assert gaps.complete
    assert gaps.gap_phrases() == []
    assert gaps.late_share == Fraction(7, 40)


def test_the_days_of_several_sites_name_their_site() -> None:
    gaps = Gaps(41, {FO: (date(2019, 3, 4),), GR: tuple(MARCH)})
    assert missing_text(gaps) == "Fontaine d'Ouche : 04/03 ; Grésilles : 12/03, 13/03, 14/03"
    assert missing_text(Gaps(20, {GR: tuple(MARCH)}), with_year=True) == (
        "12/03/2019, 13/03/2019, 14/03/2019"
    )
    assert missing_text(Gaps(20, {FO: (), GR: ()})) == ""


def test_cells_read_as_the_screen_shows_them() -> None:
    row = _march_and_april().rows()[1]  # Grésilles, March
    shown = {c.key: cell_text(c, row) for c in COLUMNS}
    assert shown == {
        "month": "mars 2019",
        "site": GR,
        "open_days": "20",
        "missing_days": "3",
        "contacts": "28",
        "no_service": "2",
        "people": "7",
        "no_birth_date": "1",
        "no_sex": "0",
        "late": "2",
        "late_share": "7 %",  # 2 / 28 = 7.1 %
        "imported": "0",
    }
    assert [c.key for c in COLUMNS if c.gap] == [
        "missing_days",
        "no_service",
        "no_birth_date",
        "no_sex",
    ]


def test_no_contact_means_no_share_of_late_entries() -> None:
    empty = Gaps(0, {GR: ()})
    assert empty.late_share is None
    row = Completeness(
        Period.month(2030, 1), [GR], [], {GR: empty}, empty, date(2026, 12, 3)
    ).rows()[0]
    assert cell_text(next(c for c in COLUMNS if c.key == "late_share"), row) == ""


def test_summary_says_complete_or_what_to_check() -> None:
    gaps = _march_and_april()
    assert gaps.summary() == (
        "À vérifier avant publication, du 01/03/2019 au 30/04/2019 : 3 jours ouvrés sans "
        "saisie ; 2 contacts sans service ; 1 personne sans date de naissance."
    )
    fine = Gaps(20, {GR: ()}, 12, 0, 4, 0, 0, 0, 0)
    month = MonthGaps(date(2019, 4, 1), date(2019, 4, 30), {GR: fine}, fine)
    complete = Completeness(Period.month(2019, 4), [GR], [month], {GR: fine}, fine, date.today())
    assert complete.complete
    assert complete.warnings() == []
    assert complete.summary() == (
        "Saisies complètes, du 01/04/2019 au 30/04/2019 : aucun jour ouvré sans "
        "saisie, aucun contact sans service, aucune fiche sans date de naissance ni sexe."
    )


def test_a_month_cut_by_the_period_says_which_days() -> None:
    assert month_label(date(2019, 3, 1), date(2019, 3, 31)) == "mars 2019"
    assert month_label(date(2019, 3, 4), date(2019, 3, 15)) == "mars 2019 (du 4 au 15)"


def test_json_gives_every_count_and_the_days_as_dates() -> None:
    data = _march_and_april().to_json()
    assert data["judged_before"] == "2026-12-03"
    assert [m["month"] for m in data["months"]] == ["2019-03", "2019-04"]
    assert data["months"][0]["by_site"][GR] == {
        "open_days": 20,
        "missing_days": {GR: ["2019-03-12", "2019-03-13", "2019-03-14"]},
        "contacts": 28,
        "no_service": 2,
        "people": 7,
        "no_birth_date": 1,
        "no_sex": 0,
        "late": 2,
        "imported": 0,
    }
    assert data["period"]["total"]["missing_days"] == {
        FO: [],
        GR: ["2019-03-12", "2019-03-13", "2019-03-14"],
    }
    assert data["warnings"] == _march_and_april().warnings()
