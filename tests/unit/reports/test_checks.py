"""The verifications shown under a report ("Totaux vérifiés"): what each sentence claims, and
which column a failing one names.

A small two-site report is written out by hand; each test breaks one number, the way a wrong
computation would, and reads what the reader of the report would read.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from sarah.reports.checks import Check
from sarah.reports.tables import PeopleCounts, Period, Report, ServiceCount, SiteTables

FDO, GRE = "Fontaine d'Ouche", "Grésilles"

CONTACTS = (
    "Contacts : dans chaque colonne, entretiens physiques + téléphoniques = nombre total des "
    "contacts"
)
SERVICES = (
    "Services : dans chaque colonne, la somme des services et des contacts sans service "
    "(« Non renseigné ») = nombre total des services délivrés"
)
ROWS = (
    " : dans chaque ligne, femmes + hommes (+ non renseignés) = total du groupe, et jeunes + "
    "adultes (+ âge non renseigné) = total tous publics"
)
RECOUNTED = ", recompté d'une seconde façon dans la base."
DISTINCT = ", égal au nombre de personnes distinctes compté dans la base."
TOTAL_COLUMN = (
    "Contacts et services : chaque nombre de la colonne du total = somme des colonnes des sites."
)
PERCENTAGES = "Pourcentages : dans chaque groupe, les pourcentages font 100 % avant arrondi."
WITHIN_SITES = (
    " : chaque case de la ligne du total (personnes distinctes) est au plus la somme des sites."
)
NEW_WITHIN = (
    "Nouveaux publics : chaque case est au plus la case correspondante des personnes concernées."
)


def people(**cells: int) -> PeopleCounts:
    """``jeunes_F=1`` -> one young woman."""
    counts = PeopleCounts()
    for name, n in cells.items():
        age, sex = name.split("_")
        counts.cells[age][sex] = n
    return counts


def tables(
    physique: int,
    telephone: int,
    services: tuple[int, int],
    not_given: int,
    persons: PeopleCounts,
    new_persons: PeopleCounts,
    controls: dict[str, int],
) -> SiteTables:
    cv, rdv = services
    return SiteTables(
        contacts={"physique": physique, "telephone": telephone},
        services=[ServiceCount("cv_lm", "CV / LM", cv), ServiceCount("rdv", "RDV", rdv)],
        not_given_services=not_given,
        persons=persons,
        new_persons=new_persons,
        anonymous_contacts=0,
        controls=controls,
    )


def two_sites(*, recounted: bool) -> Report:
    """Fontaine d'Ouche: 4 contacts, 4 services, a young woman and a man; Grésilles: 2 contacts,
    2 services, a woman and the same man, so the total row counts 3 people, not 4.
    ``recounted``: the database counted contacts, services and people a second way."""

    def recount(contacts: int, services: int, persons: int) -> dict[str, int]:
        return {"contacts": contacts, "services": services, "persons": persons} if recounted else {}

    fdo = tables(
        3, 1, (2, 1), 1, people(jeunes_F=1, adultes_H=1), people(jeunes_F=1), recount(4, 4, 2)
    )
    gre = tables(
        2, 0, (0, 2), 0, people(adultes_F=1, adultes_H=1), people(adultes_F=1), recount(2, 2, 2)
    )
    total = tables(
        5,
        1,
        (2, 3),
        1,
        people(jeunes_F=1, adultes_F=1, adultes_H=1),
        people(jeunes_F=1, adultes_F=1),
        recount(6, 6, 3),
    )
    return Report(Period.semester("2019-S1"), [FDO, GRE], {FDO: fdo, GRE: gre}, total)


def failed(report: Report) -> list[tuple[str, str]]:
    """(label, detail) of each check that failed, in the order they are shown."""
    return [(c.label, c.detail) for c in report.checks() if not c.passed]


def check(report: Report, label: str) -> Check:
    return next(c for c in report.checks() if c.label == label)


# --- what the sentences claim --------------------------------------------------------------------


def test_a_report_recounted_by_the_database_says_so_in_each_sentence() -> None:
    checks = two_sites(recounted=True).checks()
    assert [(c.label, c.passed, c.detail) for c in checks] == [
        (CONTACTS + RECOUNTED, True, ""),
        (SERVICES + RECOUNTED, True, ""),
        (TOTAL_COLUMN, True, ""),
        ("Personnes concernées" + ROWS + DISTINCT, True, ""),
        ("Nouveaux publics" + ROWS + ".", True, ""),  # nothing recounts new people
        (PERCENTAGES, True, ""),
        ("Personnes concernées" + WITHIN_SITES, True, ""),
        ("Nouveaux publics" + WITHIN_SITES, True, ""),
        (NEW_WITHIN, True, ""),
    ]


def test_a_report_without_recounts_claims_none() -> None:
    """A saved or reference report (read back from JSON) was recounted by nothing."""
    labels = [c.label for c in two_sites(recounted=False).checks()]
    assert labels[:5] == [
        CONTACTS + ".",
        SERVICES + ".",
        TOTAL_COLUMN,
        "Personnes concernées" + ROWS + ".",
        "Nouveaux publics" + ROWS + ".",
    ]
    assert not any("dans la base" in label for label in labels)


def test_a_report_read_back_from_json_claims_no_recount() -> None:
    saved = Report.from_json(two_sites(recounted=True).to_json())
    checks = saved.checks()
    assert all(c.passed for c in checks)
    assert not any("dans la base" in c.label for c in checks)


def test_a_report_of_one_site_passes_every_check() -> None:
    """A single Point Relais: its row and the total row are the same people."""

    def fdo() -> SiteTables:
        return tables(
            3, 1, (2, 1), 1, people(jeunes_F=1, adultes_H=1), people(jeunes_F=1), {"persons": 2}
        )

    report = Report(Period.semester("2019-S1"), [FDO], {FDO: fdo()}, fdo())
    assert failed(report) == []


def test_only_the_totals_recounted_are_said_to_be() -> None:
    """The derived sums recount contacts and people, not services."""
    report = two_sites(recounted=True)
    for t in [*report.by_site.values(), report.total]:
        del t.controls["services"]
    assert check(report, CONTACTS + RECOUNTED).passed
    assert check(report, SERVICES + ".").passed


# --- what a failing check names ------------------------------------------------------------------


def test_contacts_recounted_otherwise_name_the_column() -> None:
    report = two_sites(recounted=True)
    report.by_site[FDO].controls["contacts"] = 5
    assert failed(report) == [(CONTACTS + RECOUNTED, "écart : Fontaine d'Ouche")]


def test_several_columns_in_error_are_all_named() -> None:
    report = two_sites(recounted=True)
    report.by_site[FDO].controls["contacts"] = 5
    report.total.controls["contacts"] = 7
    assert failed(report) == [(CONTACTS + RECOUNTED, "écart : Fontaine d'Ouche, total")]


def test_services_recounted_otherwise_name_the_column() -> None:
    report = two_sites(recounted=True)
    report.by_site[GRE].controls["services"] = 3
    assert failed(report) == [(SERVICES + RECOUNTED, "écart : Grésilles")]


def test_people_recounted_otherwise_name_the_row() -> None:
    report = two_sites(recounted=True)
    report.total.controls["persons"] = 4  # as if a fourth person had come
    assert failed(report) == [("Personnes concernées" + ROWS + DISTINCT, "écart : total")]


def test_new_people_recounted_otherwise_name_the_row() -> None:
    report = two_sites(recounted=True)
    report.by_site[GRE].controls["new_persons"] = 2
    assert failed(report) == [("Nouveaux publics" + ROWS + DISTINCT, "écart : Grésilles")]


def channel_off(r: Report) -> None:
    r.total.contacts["telephone"] = 2


def no_service_off(r: Report) -> None:
    r.total.not_given_services = 2


def anonymous_off(r: Report) -> None:
    r.total.anonymous_contacts = 1


def service_off(r: Report) -> None:
    r.total.services[1] = ServiceCount("rdv", "RDV", 4)


def service_row_missing(r: Report) -> None:
    r.total.services.pop()


@pytest.mark.parametrize(
    "breaks", [channel_off, no_service_off, anonymous_off, service_off, service_row_missing]
)
def test_a_total_column_that_is_not_the_sum_of_the_sites(breaks: Callable[[Report], None]) -> None:
    report = two_sites(recounted=False)
    breaks(report)
    assert failed(report) == [(TOTAL_COLUMN, "écart dans la colonne du total")]


def test_a_total_row_larger_than_the_sites_together() -> None:
    report = two_sites(recounted=False)
    report.total.persons.cells["adultes"]["F"] = 3  # the sites saw 1 woman
    assert failed(report) == [
        ("Personnes concernées" + WITHIN_SITES, "écart dans la ligne du total")
    ]


def test_a_total_row_smaller_than_one_site() -> None:
    """Everyone a site saw is somebody in the total row."""
    report = two_sites(recounted=False)
    report.total.persons.cells["adultes"]["F"] = 0
    report.total.persons.cells["jeunes"]["F"] = 0
    report.total.new_persons = PeopleCounts()
    assert failed(report) == [
        ("Personnes concernées" + WITHIN_SITES, "écart dans la ligne du total")
    ]


def test_new_people_in_the_total_row_beyond_the_sites() -> None:
    report = two_sites(recounted=False)
    report.total.new_persons.cells["adultes"]["H"] = 1  # new at neither site
    assert failed(report) == [("Nouveaux publics" + WITHIN_SITES, "écart dans la ligne du total")]


def test_more_new_people_than_people_names_the_column() -> None:
    report = two_sites(recounted=False)
    report.by_site[FDO].new_persons.cells["adultes"]["F"] = 1  # Fontaine d'Ouche saw no woman
    report.total.new_persons.cells["adultes"]["F"] = 2
    assert failed(report) == [(NEW_WITHIN, "écart : Fontaine d'Ouche, total")]
