"""Verifications of a report: each total adds up, in French sentences."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sarah.vocabulary import AGE_GROUPS, CHANNELS, SEXES

if TYPE_CHECKING:  # Report.checks() imports this module: names only for the annotations
    from sarah.reports.tables import PeopleCounts, Report, SiteTables

# --- checks ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Check:
    """One verification of the report, in a French sentence."""

    label: str
    passed: bool
    detail: str = ""


def _all_columns(report: Report) -> list[tuple[str, SiteTables]]:
    return [(name, report.by_site[name]) for name in report.sites] + [("total", report.total)]


def _people_cells_add_up(people: PeopleCounts, expected: int) -> bool:
    return sum(people.cells[a][s] for a in AGE_GROUPS for s in SEXES) == expected


def report_checks(report: Report) -> list[Check]:
    checks: list[Check] = []
    columns = _all_columns(report)
    sites = [report.by_site[name] for name in report.sites]

    def failures(test: Iterable[tuple[str, bool]]) -> str:
        bad = [name for name, ok in test if not ok]
        return "" if not bad else "écart : " + ", ".join(bad)

    def counted(key: str, words: str) -> str:
        """The end of a sentence, when the database counted the same total a second way."""
        return words if any(key in t.controls for _n, t in columns) else ""

    # 1. Contacts: physique + téléphone = total, equal to the contacts counted in the database.
    detail = failures(
        (
            name,
            t.contacts_total == t.contacts["physique"] + t.contacts["telephone"]
            and t.controls.get("contacts", t.contacts_total) == t.contacts_total,
        )
        for name, t in columns
    )
    checks.append(
        Check(
            "Contacts : dans chaque colonne, entretiens physiques + téléphoniques = nombre total "
            "des contacts"
            + counted("contacts", ", recompté d'une seconde façon dans la base")
            + ".",
            not detail,
            detail,
        )
    )
    # 2. Services: service rows + non renseigné = total, equal to a direct count.
    detail = failures(
        (name, t.controls.get("services", t.services_total) == t.services_total)
        for name, t in columns
    )
    checks.append(
        Check(
            "Services : dans chaque colonne, la somme des services et des contacts sans service "
            "(« Non renseigné ») = nombre total des services délivrés"
            + counted("services", ", recompté d'une seconde façon dans la base")
            + ".",
            not detail,
            detail,
        )
    )
    # 3. Total column of tables 1 and 2 = sum of the site columns.
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
    checks.append(
        Check(
            "Contacts et services : chaque nombre de la colonne du total = somme des colonnes "
            "des sites.",
            ok,
            "" if ok else "écart dans la colonne du total",
        )
    )
    # 4. People tables: each row total = sum of its parts (= distinct people counted directly
    #    for table 3).
    for key, title in (("persons", "Personnes concernées"), ("new_persons", "Nouveaux publics")):
        direct = counted(key, ", égal au nombre de personnes distinctes compté dans la base")
        detail = failures(
            (
                name,
                _people_cells_add_up(getattr(t, key), getattr(t, key).total)
                and t.controls.get(key, getattr(t, key).total) == getattr(t, key).total,
            )
            for name, t in columns
        )
        checks.append(
            Check(
                f"{title} : dans chaque ligne, femmes + hommes (+ non renseignés) = total du "
                "groupe, et jeunes + adultes (+ âge non renseigné) = total tous publics"
                f"{direct}.",
                not detail,
                detail,
            )
        )
    # 5. Percentages of a group add up to 100 % before rounding.
    ok = True
    for _name, t in columns:
        for people in (t.persons, t.new_persons):
            groups = [people.group_share(a) for a in AGE_GROUPS]
            if people.total and sum(g for g in groups if g is not None) != 1:
                ok = False
            for age in AGE_GROUPS:
                shares = [people.sex_share(age, s) for s in SEXES]
                if people.group_total(age) and sum(x for x in shares if x is not None) != 1:
                    ok = False
    checks.append(
        Check(
            "Pourcentages : dans chaque groupe, les pourcentages font 100 % avant arrondi.",
            ok,
            "" if ok else "somme différente de 100 %",
        )
    )
    # 6. Total row of tables 3 and 4 <= sum of site rows, cell by cell (a person seen at two
    #    sites counts once in the total); table 3 total >= each site row (it is a union).
    for key, title in (("persons", "Personnes concernées"), ("new_persons", "Nouveaux publics")):
        total = getattr(report.total, key)
        ok = all(
            total.cells[a][s] <= sum(getattr(t, key).cells[a][s] for t in sites)
            for a in AGE_GROUPS
            for s in SEXES
        )
        if key == "persons":
            ok = ok and all(t.persons.total <= total.total for t in sites)
        checks.append(
            Check(
                f"{title} : chaque case de la ligne du total (personnes distinctes) est au plus "
                "la somme des sites.",
                ok,
                "" if ok else "écart dans la ligne du total",
            )
        )
    # 7. New people are people concerned: table 4 <= table 3, cell by cell.
    detail = failures((name, t.new_persons.fits_within(t.persons)) for name, t in columns)
    checks.append(
        Check(
            "Nouveaux publics : chaque case est au plus la case correspondante des personnes "
            "concernées.",
            not detail,
            detail,
        )
    )
    return checks
