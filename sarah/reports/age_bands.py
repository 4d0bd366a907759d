"""Funder profiles: tables 3 and 4 by age bands instead of jeunes/adultes.

Funders other than the Mission Locale count people in bands of their own: the European Social
Fund (FSE+) asks for under 18, 18–29, 30–54 and 55 and over, by sex. A profile is a list of
contiguous bands starting at 0 and ending open, so that every person of known age falls in
exactly one; an unknown birth date is its own "NR" band, as in table 3. The ages are those of
table 3 (whole years on the day of the person's first contact of the period in that row), so
each row's bands add up to table 3's (or 4's) row total. No Qt, no database here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from sarah.errors import InvalidInput
from sarah.reports.grids import GridRow, TableGrid
from sarah.reports.tables import Period, percent_text, share, total_row_heading
from sarah.reports.words import (
    AGE_GROUP_HEADINGS,
    PEOPLE_ROW_HEADING,
    PEOPLE_TOTAL_LABEL,
    counted_once_note,
)
from sarah.vocabulary import NOT_GIVEN, SEXES

UNKNOWN_AGE = "NR"  # the band of people without a birth date (key and JSON, as in table 3)
MAX_BANDS = 12  # a printed table stays readable
MAX_AGE = 120
EXAMPLE = "0-17,18-25,26-44,45+"


# --- bands and profiles ----------------------------------------------------------------------


def _years(n: int) -> str:
    return f"{n} an" if n < 2 else f"{n} ans"


@dataclass(frozen=True)
class AgeBand:
    """Ages from ``min_age`` to ``max_age`` in whole years, both included (None: no upper end)."""

    label: str
    min_age: int
    max_age: int | None

    def contains(self, age: int) -> bool:
        return self.min_age <= age and (self.max_age is None or age <= self.max_age)

    @property
    def spec(self) -> str:
        """'18-29', or '55+' for an open band."""
        return f"{self.min_age}+" if self.max_age is None else f"{self.min_age}-{self.max_age}"


def band_label(min_age: int, max_age: int | None) -> str:
    """'Moins de 18 ans', '18–29 ans', '55 ans et plus' (the words of the FSE+ tables)."""
    if max_age is None:
        return f"{_years(min_age)} et plus"
    if min_age == 0:
        return f"Moins de {_years(max_age + 1)}"
    if min_age == max_age:
        return _years(min_age)
    return f"{min_age}–{_years(max_age)}"


def _check_bands(bands: list[tuple[int, int | None, str]]) -> None:
    """Contiguous from 0, open at the end: every known age falls in exactly one band.
    ``bands``: (first age, last age or None, the text the user typed for it)."""
    if len(bands) < 2:
        raise InvalidInput(f"Il faut au moins deux tranches d'âge, par exemple {EXAMPLE}.")
    if len(bands) > MAX_BANDS:
        raise InvalidInput(f"Au plus {MAX_BANDS} tranches d'âge ({len(bands)} demandées).")
    expected = 0
    for i, (low, high, typed) in enumerate(bands):
        if high is not None and high < low:
            raise InvalidInput(
                f"Tranche d'âge « {typed} » à l'envers : le premier âge doit être le plus petit."
            )
        if max(low, high or 0) > MAX_AGE:
            raise InvalidInput(f"Tranche d'âge « {typed} » : au plus {MAX_AGE} ans.")
        if i == 0 and low != 0:
            raise InvalidInput(
                f"La première tranche d'âge doit commencer à 0 (« {typed} » laisserait les plus "
                "jeunes hors du tableau)."
            )
        if low != expected:
            raise InvalidInput(
                f"Les tranches d'âge doivent se suivre sans trou ni chevauchement : « {typed} » "
                f"devrait commencer à {expected}."
            )
        if high is None and i != len(bands) - 1:
            raise InvalidInput(
                f"Seule la dernière tranche d'âge peut être ouverte : « {typed} » est suivie "
                "d'autres tranches."
            )
        expected = (high or 0) + 1
    if bands[-1][1] is not None:
        raise InvalidInput(
            f"La dernière tranche d'âge doit être ouverte (par exemple « {bands[-1][0]}+ ») "
            "pour que chacun y trouve sa place."
        )


@dataclass(frozen=True)
class AgeProfile:
    """A funder's bands: ``key`` as typed after ``--profile``, ``name`` as shown in titles."""

    key: str
    name: str
    bands: tuple[AgeBand, ...]

    def __post_init__(self) -> None:
        _check_bands([(b.min_age, b.max_age, b.spec) for b in self.bands])
        labels = [b.label for b in self.bands]
        if len(set(labels)) != len(labels) or UNKNOWN_AGE in labels or "total" in labels:
            raise InvalidInput(f"Noms de tranches d'âge en double ou réservés : {labels}.")

    @property
    def labels(self) -> list[str]:
        return [b.label for b in self.bands]

    @property
    def keys(self) -> list[str]:
        """The rows' keys: each band's label, then UNKNOWN_AGE."""
        return [*self.labels, UNKNOWN_AGE]

    @property
    def spec(self) -> str:
        """The profile as a coordinator types it (what settings keep): '0-17,18-29,30-54,55+'."""
        return ",".join(b.spec for b in self.bands)

    def band_for(self, age: int | None) -> str:
        """The label of the band holding ``age`` (UNKNOWN_AGE for None). An age below 0 (a
        birth date typed after the contact) falls in the first band, as table 3 counts it
        jeune."""
        if age is None:
            return UNKNOWN_AGE
        return next((b.label for b in self.bands if b.contains(age)), self.bands[0].label)


FSE_PLUS = AgeProfile(
    "fse",
    "FSE+",
    (
        AgeBand("Moins de 18 ans", 0, 17),
        AgeBand("18–29 ans", 18, 29),
        AgeBand("30–54 ans", 30, 54),
        AgeBand("55 ans et plus", 55, None),
    ),
)
PROFILES = {FSE_PLUS.key: FSE_PLUS}

_PIECE = re.compile(r"(\d{1,3})\s*(?:[-–—]\s*(\d{1,3})|\+)")


def parse_profile(text: str, *, key: str = "perso", name: str = "tranches choisies") -> AgeProfile:
    """A profile from bands typed as '0-17,18-25,26-44,45+' (commas or semicolons; '-' or '–')."""
    pieces = [p.strip() for p in re.split(r"[,;]", text or "")]
    if not any(pieces):
        raise InvalidInput(f"Aucune tranche d'âge : écrivez-les par exemple ainsi : {EXAMPLE}.")
    ranges: list[tuple[int, int | None, str]] = []
    for piece in pieces:
        m = _PIECE.fullmatch(piece)
        if m is None:
            raise InvalidInput(
                f"Tranche d'âge « {piece[:30]} » illisible : écrivez « 18-25 », ou « 45+ » pour "
                f"la dernière (par exemple {EXAMPLE})."
            )
        high = None if m.group(2) is None else int(m.group(2))
        ranges.append((int(m.group(1)), high, piece))
    _check_bands(ranges)
    bands = tuple(AgeBand(band_label(low, high), low, high) for low, high, _t in ranges)
    return AgeProfile(key, name, bands)


def find_profile(text: str) -> AgeProfile:
    """A ready profile by its key ('fse', any case), or bands typed as for :func:`parse_profile`."""
    wanted = (text or "").strip()
    if wanted.lower() in PROFILES:
        return PROFILES[wanted.lower()]
    if any(c.isdigit() for c in wanted):
        return parse_profile(wanted)
    raise InvalidInput(
        f"Profil d'âge inconnu : « {wanted[:30]} » (profils prêts : {', '.join(PROFILES)} ; ou "
        f"des tranches comme {EXAMPLE})."
    )


# --- counts ----------------------------------------------------------------------------------


@dataclass
class AgeBandCounts:
    """One row of an age-band table: people by band (the profile's labels, then UNKNOWN_AGE)
    and sex (F, H, NR)."""

    cells: dict[str, dict[str, int]]

    @classmethod
    def empty(cls, profile: AgeProfile) -> AgeBandCounts:
        return cls({band: {s: 0 for s in SEXES} for band in profile.keys})

    @property
    def bands(self) -> list[str]:
        return list(self.cells)

    def band_total(self, band: str) -> int:
        return sum(self.cells[band].values())

    @property
    def total(self) -> int:
        return sum(self.band_total(b) for b in self.cells)

    def sex_share(self, band: str, sex: str) -> Fraction | None:
        """Share of ``sex`` within the band (the '%' next to each count)."""
        return share(self.cells[band][sex], self.band_total(band))

    def band_share(self, band: str) -> Fraction | None:
        """Share of the band in the row total ('% du total')."""
        return share(self.band_total(band), self.total)

    def sex_percent(self, band: str, sex: str) -> str:
        return percent_text(self.sex_share(band, sex))

    def band_percent(self, band: str) -> str:
        return percent_text(self.band_share(band))

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            band: {**sexes, "total": self.band_total(band)} for band, sexes in self.cells.items()
        }
        out["total"] = self.total
        return out


# --- the two tables --------------------------------------------------------------------------

SEX_HEADINGS = {"F": "Femmes", "H": "Hommes", "NR": "Sexe non renseigné"}
TITLES = {
    "persons_by_age": "Personnes concernées par tranche d'âge",
    "new_persons_by_age": "Publics nouvellement accueillis par tranche d'âge",
}


@dataclass(frozen=True)
class _Column:
    """A value column: a count or share of one band and sex (sex None: the band's total), or
    the row total (band None)."""

    heading: str
    kind: str
    band: str | None = None
    sex: str | None = None

    def value(self, row: AgeBandCounts) -> int | Fraction | None:
        if self.band is None:
            return row.total
        if self.kind == "count":
            return row.cells[self.band][self.sex] if self.sex else row.band_total(self.band)
        return row.sex_share(self.band, self.sex) if self.sex else row.band_share(self.band)


def _layout(
    profile: AgeProfile, rows: list[AgeBandCounts]
) -> tuple[list[_Column], list[tuple[str, int, int]]]:
    """Columns grouped by band like table 3's by age group; the unknown-sex columns and the
    unknown-age band only when some row has someone there."""
    show_nr_sex = any(r.cells[b]["NR"] for r in rows for b in r.cells)
    sexes = [s for s in SEXES if s != "NR" or show_nr_sex]
    bands = profile.labels + ([UNKNOWN_AGE] if any(r.band_total(UNKNOWN_AGE) for r in rows) else [])
    columns: list[_Column] = []
    groups: list[tuple[str, int, int]] = []
    for band in bands:
        first = len(columns)
        for sex in sexes:
            columns.append(_Column(SEX_HEADINGS[sex], "count", band, sex))
            columns.append(_Column("%", "share", band, sex))
        columns.append(_Column("Total", "count", band))
        columns.append(_Column("% du total", "share", band))
        heading = AGE_GROUP_HEADINGS["NR"] if band == UNKNOWN_AGE else band
        groups.append((heading, first, len(columns) - 1))
    columns.append(_Column(PEOPLE_TOTAL_LABEL, "total"))
    return columns, groups


@dataclass
class AgeBandTables:
    """Tables 3 (people) and 4 (new people) of a period by the bands of a profile."""

    profile: AgeProfile
    period: Period
    sites: list[str]  # selected sites in display order
    by_site: dict[str, AgeBandCounts]
    total: AgeBandCounts  # each person once, at their first contact at any selected site
    new_by_site: dict[str, AgeBandCounts]  # table 4's people (new in the period) the same way
    new_total: AgeBandCounts

    def rows(self, key: str = "persons_by_age") -> list[tuple[str, AgeBandCounts]]:
        """(heading, counts) of each site, then the total row ('2 Points Relais')."""
        new = key == "new_persons_by_age"
        by_site = self.new_by_site if new else self.by_site
        total = self.new_total if new else self.total
        return [(name, by_site[name]) for name in self.sites] + [
            (total_row_heading(len(self.sites)), total)
        ]

    def to_json(self) -> dict[str, Any]:
        """The report's ``age_bands`` key (interfaces.md)."""

        def part(by_site: dict[str, AgeBandCounts], total: AgeBandCounts) -> dict[str, Any]:
            return {
                "by_site": {name: by_site[name].to_json() for name in self.sites},
                "total": total.to_json(),
            }

        return {
            "profile": self.profile.key,
            "name": self.profile.name,
            "bands": self.profile.labels,
            "persons": part(self.by_site, self.total),
            "new_persons": part(self.new_by_site, self.new_total),
        }

    def grid(self, key: str) -> TableGrid:
        rows = self.rows(key)
        columns, groups = _layout(self.profile, [r for _h, r in rows])
        return TableGrid(
            key,
            f"{TITLES[key]} ({self.profile.name})",
            PEOPLE_ROW_HEADING,
            [c.heading for c in columns],
            [c.kind for c in columns],
            [
                GridRow(heading, [c.value(r) for c in columns], i == len(rows) - 1)
                for i, (heading, r) in enumerate(rows)
            ],
            groups,
        )

    def grids(self) -> list[TableGrid]:
        """The two tables laid out as table 3 and 4 are (sarah.reports.grids.TableGrid)."""
        return [self.grid(key) for key in TITLES]

    def table_notes(self) -> dict[str, list[str]]:
        """The French sentences under each table: how the age is read, and why the total row
        can be smaller than the sum of the sites."""
        age = (
            f"Âge en années révolues au premier contact de la période sur le site (sur l'un des "
            f"sites choisis pour la ligne du total), tranches {self.profile.name} : "
            f"{', '.join(self.profile.labels)} ; date de naissance inconnue : "
            f"{AGE_GROUP_HEADINGS['NR'].lower()} ; sexe {NOT_GIVEN.lower()} s'il n'est pas "
            "indiqué."
        )
        out: dict[str, list[str]] = {}
        for key in TITLES:
            rows = [r for _h, r in self.rows(key)]
            notes = [age]
            gap = sum(r.total for r in rows[:-1]) - rows[-1].total
            if gap > 0:
                notes.append(counted_once_note(gap))
            out[key] = notes
        return out
