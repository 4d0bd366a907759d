"""The report side by side with the same period one year earlier, services matched by their
stable code."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from sarah.reports.tables import TOTAL, PeopleCounts, Period, Report, SiteTables, round_percent
from sarah.reports.words import (
    COMPARED_AGE_LABELS,
    COMPARED_CHANNEL_LABELS,
    COMPARED_PEOPLE_TOTAL_LABELS,
)
from sarah.vocabulary import AGE_GROUPS, CHANNELS, NOT_GIVEN


@dataclass(frozen=True)
class ComparedValue:
    previous: int
    current: int

    @property
    def change(self) -> Fraction | None:
        """Relative change (0.25 = +25 %); None when there was nothing one year earlier."""
        if self.previous == 0:
            return None
        return Fraction(self.current - self.previous, self.previous)

    @property
    def change_text(self) -> str:
        change = self.change
        if change is None:
            return "nouveau" if self.current else "—"
        pct = round_percent(abs(change))
        if pct == 0:
            return "0 %"
        return f"{'+' if change > 0 else '−'}{pct} %"


@dataclass(frozen=True)
class ComparisonRow:
    section: str  # "contacts", "services", "persons", "new_persons"
    key: str  # channel, service code, "not_given", age group, "total"
    label: str
    values: dict[str, ComparedValue]  # by site name, and TOTAL
    note: str = ""  # "ancien libellé : …", "service retiré"
    bold: bool = False


SECTION_TITLES = {
    "contacts": "Contacts",
    "services": "Services utilisés",
    "persons": "Personnes concernées",
    "new_persons": "Publics nouvellement accueillis",
}


@dataclass(frozen=True)
class Comparison:
    current: Period
    previous: Period
    sites: list[str]
    rows: list[ComparisonRow]

    def to_json(self) -> dict[str, Any]:
        """The ``comparison`` key of the report's JSON (``report --with comparison``)."""

        def value(v: ComparedValue) -> dict[str, Any]:
            return {"previous": v.previous, "current": v.current, "change": v.change_text}

        def span(p: Period) -> dict[str, str]:
            return {"start": p.start.isoformat(), "end": p.end.isoformat()}

        return {
            "current": span(self.current),
            "previous": span(self.previous),
            "rows": [
                {
                    "section": r.section,
                    "key": r.key,
                    "label": r.label,
                    "note": r.note,
                    "by_site": {s: value(r.values[s]) for s in self.sites},
                    "total": value(r.values[TOTAL]),
                }
                for r in self.rows
            ],
        }

    def row(self, section: str, key: str) -> ComparisonRow:
        for r in self.rows:
            if r.section == section and r.key == key:
                return r
        raise KeyError((section, key))


def _merged_codes(previous: list[str], current: list[str]) -> list[str]:
    """Current order, with codes only known one year earlier placed after their predecessor."""
    out = list(current)
    for i, code in enumerate(previous):
        if code in out:
            continue
        before = next((c for c in reversed(previous[:i]) if c in out), None)
        out.insert(out.index(before) + 1 if before is not None else 0, code)
    return out


Pick = Callable[[SiteTables], int]  # one number of a site's (or the total's) tables


def _tables(report: Report, column: str) -> SiteTables | None:
    if column == TOTAL:
        return report.total
    return report.by_site.get(column)


@dataclass(frozen=True)
class _SideBySide:
    """The two reports; each row of the comparison picks the same number from both."""

    current: Report
    previous: Report

    def row(
        self, section: str, key: str, label: str, pick: Pick, *, note: str = "", bold: bool = False
    ) -> ComparisonRow:
        values = {}
        for col in [*self.current.sites, TOTAL]:
            prev_t, cur_t = _tables(self.previous, col), _tables(self.current, col)
            values[col] = ComparedValue(
                pick(prev_t) if prev_t is not None else 0,
                pick(cur_t) if cur_t is not None else 0,
            )
        return ComparisonRow(section, key, label, values, note, bold)


def _by_channel(channel: str) -> Pick:
    return lambda t: t.contacts[channel]


def _service_count(code: str) -> Pick:
    return lambda t: next((s.count for s in t.services if s.code == code), 0)


def _in_age_group(section: str, age: str) -> Pick:
    def pick(t: SiteTables) -> int:
        people: PeopleCounts = getattr(t, section)
        return people.group_total(age)

    return pick


def _people_total(section: str) -> Pick:
    def pick(t: SiteTables) -> int:
        people: PeopleCounts = getattr(t, section)
        return people.total

    return pick


def _contact_rows(both: _SideBySide) -> list[ComparisonRow]:
    return [
        *(
            both.row("contacts", channel, COMPARED_CHANNEL_LABELS[channel], _by_channel(channel))
            for channel in CHANNELS
        ),
        both.row("contacts", "total", "Total des contacts", lambda t: t.contacts_total, bold=True),
        both.row("contacts", "anonymous", "dont contacts anonymes", lambda t: t.anonymous_contacts),
    ]


def _service_info(report: Report) -> dict[str, tuple[str, bool]]:
    """Label and retired flag of each service code of the report."""
    return {s.code: (s.label, s.retired) for s in report.total.services}


def _service_note(
    code: str,
    cur_info: dict[str, tuple[str, bool]],
    prev_info: dict[str, tuple[str, bool]],
) -> str:
    """'ancien libellé : « … »' for a renamed service, 'service retiré' for a retired one."""
    label, retired = cur_info.get(code) or prev_info[code]
    notes = []
    if code in prev_info and code in cur_info and prev_info[code][0] != label:
        notes.append(f"ancien libellé : « {prev_info[code][0]} »")
    if retired or (code not in cur_info and prev_info[code][1]):
        notes.append("service retiré")
    return " ; ".join(notes)


def _service_rows(both: _SideBySide) -> list[ComparisonRow]:
    cur_info, prev_info = _service_info(both.current), _service_info(both.previous)
    codes = _merged_codes(
        [s.code for s in both.previous.total.services],
        [s.code for s in both.current.total.services],
    )
    return [
        *(
            both.row(
                "services",
                code,
                (cur_info.get(code) or prev_info[code])[0],
                _service_count(code),
                note=_service_note(code, cur_info, prev_info),
            )
            for code in codes
        ),
        both.row("services", "not_given", NOT_GIVEN, lambda t: t.not_given_services),
        both.row(
            "services",
            "total",
            "Total des services délivrés",
            lambda t: t.services_total,
            bold=True,
        ),
    ]


def _anyone_without_age(both: _SideBySide, section: str) -> bool:
    """Whether either report counts people of unknown age: their row is shown only then."""
    return any(
        getattr(t, section).group_total("NR")
        for rep in (both.current, both.previous)
        for t in [rep.total, *rep.by_site.values()]
    )


def _people_rows(both: _SideBySide, section: str) -> list[ComparisonRow]:
    ages = [age for age in AGE_GROUPS if age != "NR" or _anyone_without_age(both, section)]
    return [
        *(
            both.row(section, age, COMPARED_AGE_LABELS[age], _in_age_group(section, age))
            for age in ages
        ),
        both.row(
            section,
            "total",
            COMPARED_PEOPLE_TOTAL_LABELS[section],
            _people_total(section),
            bold=True,
        ),
    ]


def compare_reports(current: Report, previous: Report) -> Comparison:
    """Side by side, row by row; services matched by their stable code, not their label."""
    both = _SideBySide(current, previous)
    rows = [
        *_contact_rows(both),
        *_service_rows(both),
        *_people_rows(both, "persons"),
        *_people_rows(both, "new_persons"),
    ]
    return Comparison(current.period, previous.period, list(current.sites), rows)
