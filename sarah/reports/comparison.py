"""The report side by side with the same period one year earlier, services matched by their
stable code."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction

from sarah.reports.tables import TOTAL, PeopleCounts, Period, Report, SiteTables, round_percent
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


def compare_reports(current: Report, previous: Report) -> Comparison:
    """Side by side, row by row; services matched by their stable code, not their label."""
    columns = [*current.sites, TOTAL]

    def tables(report: Report, column: str) -> SiteTables | None:
        if column == TOTAL:
            return report.total
        return report.by_site.get(column)

    rows: list[ComparisonRow] = []

    def add(
        section: str,
        key: str,
        label: str,
        pick: Callable[[SiteTables], int],
        *,
        note: str = "",
        bold: bool = False,
    ) -> None:
        values = {}
        for col in columns:
            prev_t, cur_t = tables(previous, col), tables(current, col)
            values[col] = ComparedValue(
                pick(prev_t) if prev_t is not None else 0,
                pick(cur_t) if cur_t is not None else 0,
            )
        rows.append(ComparisonRow(section, key, label, values, note, bold))

    for channel in CHANNELS:

        def by_channel(t: SiteTables, c: str = channel) -> int:
            return t.contacts[c]

        add(
            "contacts",
            channel,
            {"physique": "Entretiens physiques", "telephone": "Entretiens téléphoniques"}[channel],
            by_channel,
        )
    add("contacts", "total", "Total des contacts", lambda t: t.contacts_total, bold=True)
    add("contacts", "anonymous", "dont contacts anonymes", lambda t: t.anonymous_contacts)

    def service_info(report: Report) -> dict[str, tuple[str, bool]]:
        return {s.code: (s.label, s.retired) for s in report.total.services}

    cur_info, prev_info = service_info(current), service_info(previous)
    codes = _merged_codes(
        [s.code for s in previous.total.services], [s.code for s in current.total.services]
    )
    for code in codes:
        label, retired = cur_info.get(code) or prev_info[code]
        notes = []
        if code in prev_info and code in cur_info and prev_info[code][0] != label:
            notes.append(f"ancien libellé : « {prev_info[code][0]} »")
        if retired or (code not in cur_info and prev_info[code][1]):
            notes.append("service retiré")

        def count(t: SiteTables, code: str = code) -> int:
            return next((s.count for s in t.services if s.code == code), 0)

        add("services", code, label, count, note=" ; ".join(notes))
    add("services", "not_given", NOT_GIVEN, lambda t: t.not_given_services)
    add("services", "total", "Total des services délivrés", lambda t: t.services_total, bold=True)

    for section in ("persons", "new_persons"):
        for age in AGE_GROUPS:
            age_label = {
                "jeunes": "Public jeune",
                "adultes": "Public adulte",
                "NR": "Âge non renseigné",
            }
            if age == "NR" and not any(
                getattr(t, section).group_total("NR")
                for rep in (current, previous)
                for t in [rep.total, *rep.by_site.values()]
            ):
                continue

            def in_group(t: SiteTables, a: str = age, s: str = section) -> int:
                people: PeopleCounts = getattr(t, s)
                return people.group_total(a)

            add(section, age, age_label[age], in_group)

        def people_total(t: SiteTables, s: str = section) -> int:
            people: PeopleCounts = getattr(t, s)
            return people.total

        add(
            section,
            "total",
            "Total des personnes" if section == "persons" else "Total des nouveaux publics",
            people_total,
            bold=True,
        )
    return Comparison(current.period, previous.period, list(current.sites), rows)
