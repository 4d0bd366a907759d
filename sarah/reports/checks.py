"""Verifications of a report: each total adds up, in French sentences."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sarah.vocabulary import AGE_GROUPS, CHANNELS, SEXES

if TYPE_CHECKING:  # Report.checks() imports this module: names only for the annotations
    from sarah.reports.tables import PeopleCounts, Report, SiteTables

    Columns = list[tuple[str, SiteTables]]  # (name, tables) for each site, then the total

# --- checks ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Check:
    """One verification of the report, in a French sentence."""

    label: str
    passed: bool
    detail: str = ""


def _all_columns(report: Report) -> Columns:
    return [(name, report.by_site[name]) for name in report.sites] + [("total", report.total)]


def _people_cells_add_up(people: PeopleCounts, expected: int) -> bool:
    return sum(people.cells[a][s] for a in AGE_GROUPS for s in SEXES) == expected


PEOPLE_TABLES = (("persons", "Personnes concernées"), ("new_persons", "Nouveaux publics"))


def _failures(test: Iterable[tuple[str, bool]]) -> str:
    """'écart : <columns>' naming the columns that failed, or ''."""
    bad = [name for name, ok in test if not ok]
    return "" if not bad else "écart : " + ", ".join(bad)


def _counted(columns: Columns, key: str, words: str) -> str:
    """The end of a sentence, when the database counted the same total a second way."""
    return words if any(key in t.controls for _n, t in columns) else ""


def _contacts_add_up(columns: Columns) -> Check:
    """Contacts: physique + téléphone = total, equal to the contacts counted in the database."""
    detail = _failures(
        (
            name,
            t.contacts_total == t.contacts["physique"] + t.contacts["telephone"]
            and t.controls.get("contacts", t.contacts_total) == t.contacts_total,
        )
        for name, t in columns
    )
    return Check(
        "Contacts : dans chaque colonne, entretiens physiques + téléphoniques = nombre total "
        "des contacts"
        + _counted(columns, "contacts", ", recompté d'une seconde façon dans la base")
        + ".",
        not detail,
        detail,
    )


def _services_add_up(columns: Columns) -> Check:
    """Services: service rows + non renseigné = total, equal to a direct count."""
    detail = _failures(
        (name, t.controls.get("services", t.services_total) == t.services_total)
        for name, t in columns
    )
    return Check(
        "Services : dans chaque colonne, la somme des services et des contacts sans service "
        "(« Non renseigné ») = nombre total des services délivrés"
        + _counted(columns, "services", ", recompté d'une seconde façon dans la base")
        + ".",
        not detail,
        detail,
    )


def _total_column_adds_up(report: Report) -> Check:
    """Total column of tables 1 and 2 = sum of the site columns."""
    sites = [report.by_site[name] for name in report.sites]
    ok = all(
        report.total.contacts[c] == sum(t.contacts[c] for t in sites) for c in CHANNELS
    ) and report.total.anonymous_contacts == sum(t.anonymous_contacts for t in sites)
    ok = ok and report.total.not_given_services == sum(t.not_given_services for t in sites)
    ok = ok and all(
        s.count == sum(t.service_count(s.code) for t in sites) for s in report.total.services
    )
    ok = ok and all(
        [s.code for s in t.services] == [s.code for s in report.total.services] for t in sites
    )
    return Check(
        "Contacts et services : chaque nombre de la colonne du total = somme des colonnes "
        "des sites.",
        ok,
        "" if ok else "écart dans la colonne du total",
    )


def _people_rows_add_up(columns: Columns, key: str, title: str) -> Check:
    """People tables: each row total = sum of its parts (= distinct people counted directly
    for table 3)."""
    direct = _counted(columns, key, ", égal au nombre de personnes distinctes compté dans la base")
    detail = _failures(
        (
            name,
            _people_cells_add_up(getattr(t, key), getattr(t, key).total)
            and t.controls.get(key, getattr(t, key).total) == getattr(t, key).total,
        )
        for name, t in columns
    )
    return Check(
        f"{title} : dans chaque ligne, femmes + hommes (+ non renseignés) = total du "
        "groupe, et jeunes + adultes (+ âge non renseigné) = total tous publics"
        f"{direct}.",
        not detail,
        detail,
    )


def _shares_make_one(people: PeopleCounts) -> bool:
    """The shares of the age groups, and of the sexes in each group, add up to 100 %."""
    groups = [people.group_share(a) for a in AGE_GROUPS]
    ok = not people.total or sum(g for g in groups if g is not None) == 1
    for age in AGE_GROUPS:
        shares = [people.sex_share(age, s) for s in SEXES]
        if people.group_total(age) and sum(x for x in shares if x is not None) != 1:
            ok = False
    return ok


def _percentages_add_up(columns: Columns) -> Check:
    """Percentages of a group add up to 100 % before rounding."""
    ok = all(
        _shares_make_one(people) for _name, t in columns for people in (t.persons, t.new_persons)
    )
    return Check(
        "Pourcentages : dans chaque groupe, les pourcentages font 100 % avant arrondi.",
        ok,
        "" if ok else "somme différente de 100 %",
    )


def _total_row_within_sites(report: Report, key: str, title: str) -> Check:
    """Total row of tables 3 and 4 <= sum of site rows, cell by cell (a person seen at two
    sites counts once in the total); table 3 total >= each site row (it is a union)."""
    sites = [report.by_site[name] for name in report.sites]
    total = getattr(report.total, key)
    ok = all(
        total.cells[a][s] <= sum(getattr(t, key).cells[a][s] for t in sites)
        for a in AGE_GROUPS
        for s in SEXES
    )
    if key == "persons":
        ok = ok and all(t.persons.total <= total.total for t in sites)
    return Check(
        f"{title} : chaque case de la ligne du total (personnes distinctes) est au plus "
        "la somme des sites.",
        ok,
        "" if ok else "écart dans la ligne du total",
    )


def _new_within_persons(columns: Columns) -> Check:
    """New people are people concerned: table 4 <= table 3, cell by cell."""
    detail = _failures((name, t.new_persons.fits_within(t.persons)) for name, t in columns)
    return Check(
        "Nouveaux publics : chaque case est au plus la case correspondante des personnes "
        "concernées.",
        not detail,
        detail,
    )


def report_checks(report: Report) -> list[Check]:
    columns = _all_columns(report)
    return [
        _contacts_add_up(columns),
        _services_add_up(columns),
        _total_column_adds_up(report),
        *(_people_rows_add_up(columns, key, title) for key, title in PEOPLE_TABLES),
        _percentages_add_up(columns),
        *(_total_row_within_sites(report, key, title) for key, title in PEOPLE_TABLES),
        _new_within_persons(columns),
    ]
