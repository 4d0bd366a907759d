"""Completeness of the entries behind a report, per site and month: what a coordinator looks at
before publishing, so that a gap is seen (and filled) before the figures leave.

Definitions in ../docs/statistiques.md, « Complétude des saisies »: weekdays without entries,
contacts with no service, people without birth date or sex, late entries. Plain data filled by
sarah.services.statistics.completeness, read by the window and the exports. No Qt, no database.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from typing import Any

from sarah.reports.months import month_label
from sarah.reports.tables import Period, percent_text, share, total_row_heading
from sarah.vocabulary import count_of

PERIOD_WORD = "Période"
TITLE = "Complétude des saisies"


@dataclass(frozen=True)
class Gaps:
    """What may be missing from the entries of one site (or of all the selected sites) over one
    month (or the whole period). Counts of several sites are site-days and contacts summed, and
    people counted once however many sites they came to."""

    open_days: int = 0  # weekdays that should have entries, up to the day before "today"
    missing_days: Mapping[str, tuple[date, ...]] = field(default_factory=dict)  # site -> days
    contacts: int = 0
    no_service: int = 0  # contacts without any service ("Non renseigné" of table 2)
    people: int = 0
    no_birth_date: int = 0  # people with neither a birth date nor an age kept on a contact
    no_sex: int = 0
    late: int = 0  # typed on a later day than the contact's own (imported rows never are)
    imported: int = 0  # came from a spreadsheet import

    @property
    def missing_count(self) -> int:
        return sum(len(days) for days in self.missing_days.values())

    @property
    def late_share(self) -> Fraction | None:
        """Late entries over all the contacts (None when there is none)."""
        return share(self.late, self.contacts)

    @property
    def complete(self) -> bool:
        """Nothing a coordinator should fill in before publishing (late entries are not gaps:
        they were typed, only later)."""
        return not (self.missing_count or self.no_service or self.no_birth_date or self.no_sex)

    def to_json(self) -> dict[str, Any]:
        return {
            "open_days": self.open_days,
            "missing_days": {
                site: [d.isoformat() for d in days] for site, days in self.missing_days.items()
            },
            "contacts": self.contacts,
            "no_service": self.no_service,
            "people": self.people,
            "no_birth_date": self.no_birth_date,
            "no_sex": self.no_sex,
            "late": self.late,
            "imported": self.imported,
        }

    def gap_phrases(self, *, dates: bool = True) -> list[str]:
        """'3 jours ouvrés sans saisie (12/03, 13/03, 14/03)', '2 contacts sans service', …
        (``dates``: the days listed after their count)."""
        out: list[str] = []
        missing = self.missing_count
        if missing and missing == self.open_days > 1 and len(self.missing_days) == 1:
            out.append(f"aucune saisie sur ses {missing} jours ouvrés")  # dates would be all
        elif missing:
            days = count_of(missing, "jour ouvré", "jours ouvrés") + " sans saisie"
            out.append(f"{days} ({missing_text(self)})" if dates else days)
        if self.no_service:
            out.append(count_of(self.no_service, "contact") + " sans service")
        if self.no_birth_date:
            out.append(count_of(self.no_birth_date, "personne") + " sans date de naissance")
        if self.no_sex:
            out.append(count_of(self.no_sex, "personne") + " sans sexe renseigné")
        return out


def _day(day: date, with_year: bool) -> str:
    return f"{day:%d/%m/%Y}" if with_year else f"{day:%d/%m}"


def missing_text(gaps: Gaps, with_year: bool = False) -> str:
    """The weekdays without entries: '12/03, 13/03' for one site; 'Grésilles : 12/03 ;
    Fontaine d'Ouche : 04/03' when several sites have some."""
    parts = [
        (site, ", ".join(_day(d, with_year) for d in days))
        for site, days in gaps.missing_days.items()
        if days
    ]
    if len(gaps.missing_days) == 1:
        return parts[0][1] if parts else ""
    return " ; ".join(f"{site} : {days}" for site, days in parts)


@dataclass(frozen=True)
class MonthGaps:
    start: date  # first day of the month inside the period
    end: date  # last day of the month inside the period
    by_site: dict[str, Gaps]
    total: Gaps  # every selected site together (the network line)

    @property
    def label(self) -> str:
        return month_label(self.start, self.end)


@dataclass(frozen=True)
class CompletenessRow:
    """One line of the table: a site (or the network line) in a month (or the whole period)."""

    month: str  # 'mars 2019', or PERIOD_WORD
    site: str  # a site's name, or '2 Points Relais'
    gaps: Gaps
    total: bool  # the line of every selected site together
    whole_period: bool


@dataclass(frozen=True)
class CompletenessColumn:
    """A column: its key, its French heading, what it counts (tooltip and export note), whether
    a non-zero value is a gap to show, and how its value reads from a row."""

    key: str
    heading: str
    meaning: str
    value: Callable[[CompletenessRow], str | int | Fraction | None]
    gap: bool = False
    kind: str = "count"  # "text", "count" or "share" (an exact fraction shown as a percentage)


COLUMNS: tuple[CompletenessColumn, ...] = (
    CompletenessColumn(
        "month", "Mois", "Le mois, ou la période entière.", lambda r: r.month, kind="text"
    ),
    CompletenessColumn(
        "site",
        "Site",
        "Le Point Relais, ou tous les sites choisis ensemble.",
        lambda r: r.site,
        kind="text",
    ),
    CompletenessColumn(
        "open_days",
        "Jours ouvrés",
        "Jours du lundi au vendredi où le site devait saisir : hors jours fériés, jours de "
        "fermeture notés et jours à venir (pour plusieurs sites : la somme des jours de chacun).",
        lambda r: r.gaps.open_days,
    ),
    CompletenessColumn(
        "missing_days",
        "Jours sans saisie",
        "Jours ouvrés sans aucun contact enregistré sur le site.",
        lambda r: r.gaps.missing_count,
        gap=True,
    ),
    CompletenessColumn(
        "contacts", "Contacts", "Contacts non supprimés.", lambda r: r.gaps.contacts
    ),
    CompletenessColumn(
        "no_service",
        "Sans service",
        "Contacts sans aucun service noté (« Non renseigné » du tableau 2).",
        lambda r: r.gaps.no_service,
        gap=True,
    ),
    CompletenessColumn(
        "people",
        "Personnes",
        "Personnes différentes venues (contacts anonymes exclus ; une personne venue sur "
        "plusieurs sites compte une fois dans la ligne de tous les sites).",
        lambda r: r.gaps.people,
    ),
    CompletenessColumn(
        "no_birth_date",
        "Sans date de naissance",
        "Personnes dont la fiche n'a pas de date de naissance (groupe « âge non renseigné » "
        "des tableaux 3 et 4). Une identité effacée dont les contacts ont gardé l'âge n'en "
        "manque pas.",
        lambda r: r.gaps.no_birth_date,
        gap=True,
    ),
    CompletenessColumn(
        "no_sex",
        "Sans sexe",
        "Personnes dont la fiche n'indique pas le sexe (« sexe non renseigné »).",
        lambda r: r.gaps.no_sex,
        gap=True,
    ),
    CompletenessColumn(
        "late",
        "Saisies tardives",
        "Contacts saisis un jour postérieur à celui du contact (saisie différée, fiches "
        "papier) ; les contacts importés d'un tableur n'en sont jamais.",
        lambda r: r.gaps.late,
    ),
    CompletenessColumn(
        "late_share",
        "% tardives",
        "Saisies tardives sur l'ensemble des contacts.",
        lambda r: r.gaps.late_share,
        kind="share",
    ),
    CompletenessColumn(
        "imported",
        "Importés",
        "Contacts venus d'un import de tableur (mois ressaisis après une panne, autres outils).",
        lambda r: r.gaps.imported,
    ),
)


def cell_text(column: CompletenessColumn, row: CompletenessRow) -> str:
    """A cell as the screen and the CSV write it ('12 %' for a share, '' for no share)."""
    value = column.value(row)
    if column.kind == "share":
        return percent_text(value if isinstance(value, Fraction) else None)
    return "" if value is None else str(value)


@dataclass(frozen=True)
class Completeness:
    period: Period
    sites: list[str]  # selected sites in display order
    months: list[MonthGaps]
    period_by_site: dict[str, Gaps]
    period_total: Gaps
    judged_before: date  # days from this one on are not judged (they may still be typed)

    @property
    def complete(self) -> bool:
        return self.period_total.complete

    @property
    def total_heading(self) -> str:
        return total_row_heading(len(self.sites))

    def rows(self) -> list[CompletenessRow]:
        """Each month's sites then their network line; then the whole period the same way."""
        out: list[CompletenessRow] = []
        parts = [(m.label, m.by_site, m.total, False) for m in self.months]
        parts.append((PERIOD_WORD, self.period_by_site, self.period_total, True))
        for label, by_site, total, whole in parts:
            out.extend(CompletenessRow(label, s, by_site[s], False, whole) for s in self.sites)
            out.append(CompletenessRow(label, self.total_heading, total, True, whole))
        return out

    def warnings(self) -> list[str]:
        """What to fill in before publishing, a sentence per site and month with a gap:
        'Grésilles, mars 2019 : 3 jours ouvrés sans saisie (12/03, 13/03, 14/03).'; then the
        share of late entries of the period, when there are some."""
        out: list[str] = []
        for month in self.months:
            for site in self.sites:
                phrases = month.by_site[site].gap_phrases()
                if phrases:
                    out.append(f"{site}, {month.label} : {' ; '.join(phrases)}.")
        total = self.period_total
        if total.late:
            out.append(
                f"Saisies tardives : {count_of(total.late, 'contact')} de la période "
                f"{'a été saisi' if total.late == 1 else 'ont été saisis'} après le jour du "
                f"contact ({percent_text(total.late_share)} des contacts)."
            )
        return out

    def to_json(self) -> dict[str, Any]:
        """A ``completeness`` key for the report's JSON: per month (``YYYY-MM``) each site and
        the selection, then the whole period; days from ``judged_before`` on are not judged."""
        return {
            "judged_before": self.judged_before.isoformat(),
            "months": [
                {
                    "month": f"{m.start:%Y-%m}",
                    "start": m.start.isoformat(),
                    "end": m.end.isoformat(),
                    "by_site": {s: m.by_site[s].to_json() for s in self.sites},
                    "total": m.total.to_json(),
                }
                for m in self.months
            ],
            "period": {
                "by_site": {s: self.period_by_site[s].to_json() for s in self.sites},
                "total": self.period_total.to_json(),
            },
            "warnings": self.warnings(),
        }

    def summary(self) -> str:
        """One line above the table."""
        if self.complete:
            return (
                f"Saisies complètes, {self.period.text} : aucun jour ouvré sans saisie, aucun "
                "contact sans service, aucune fiche sans date de naissance ni sexe."
            )
        phrases = " ; ".join(self.period_total.gap_phrases(dates=False))
        return f"À vérifier avant publication, {self.period.text} : {phrases}."
