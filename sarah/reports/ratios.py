"""Ratios supervisors compare sites on, computed from the report's own numbers."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from sarah.reports.tables import TOTAL, Report, SiteTables, round_percent, share


@dataclass(frozen=True)
class Ratio:
    key: str
    label: str
    kind: str  # "rate" (shown with two decimals) or "share" (shown as a whole percent)
    explanation: str
    values: dict[str, Fraction | None]  # by site name, and TOTAL; None when undefined

    def text(self, column: str) -> str:
        value = self.values.get(column)
        if value is None:
            return "—"
        if self.kind == "share":
            return f"{round_percent(value)} %"
        return format_decimal(value)


def format_decimal(value: Fraction, places: int = 2) -> str:
    """'1,32' (French decimal comma), rounded half up."""
    scaled = value * 10**places
    n = int((scaled + Fraction(1, 2)).__floor__())
    whole, frac = divmod(n, 10**places)
    return f"{whole},{frac:0{places}d}"


RATIO_DEFINITIONS = (
    (
        "services_per_contact",
        "Services par contact",
        "rate",
        "services délivrés (hors « Non renseigné ») divisés par le nombre de contacts",
    ),
    (
        "contacts_per_person",
        "Contacts par personne",
        "rate",
        "contacts nominatifs (hors contacts anonymes) divisés par le nombre de personnes "
        "concernées (tableau 3)",
    ),
    (
        "new_share",
        "Part des nouveaux publics",
        "share",
        "personnes nouvellement accueillies (tableau 4) sur personnes concernées (tableau 3)",
    ),
    (
        "phone_share",
        "Part des contacts téléphoniques",
        "share",
        "entretiens téléphoniques sur le total des contacts (tableau 1)",
    ),
    (
        "young_share",
        "Part du public jeune",
        "share",
        "personnes du public jeune sur personnes concernées (tableau 3), comme « % du total »",
    ),
)


def ratios(report: Report) -> list[Ratio]:
    """Five ratios per site and for the total, computed from the report's own numbers."""
    columns = {**{name: report.by_site[name] for name in report.sites}, TOTAL: report.total}

    def compute(key: str, t: SiteTables) -> Fraction | None:
        if key == "services_per_contact":
            return share(t.services_delivered, t.contacts_total)
        if key == "contacts_per_person":
            return share(t.contacts_total - t.anonymous_contacts, t.persons.total)
        if key == "new_share":
            return share(t.new_persons.total, t.persons.total)
        if key == "phone_share":
            return share(t.contacts["telephone"], t.contacts_total)
        return share(t.persons.group_total("jeunes"), t.persons.total)

    return [
        Ratio(key, label, kind, explanation, {c: compute(key, t) for c, t in columns.items()})
        for key, label, kind, explanation in RATIO_DEFINITIONS
    ]


def ratios_json(rows: list[Ratio], sites: list[str]) -> list[dict[str, Any]]:
    """The ``ratios`` key of the report's JSON (``report --with ratios``): each value as a
    number rounded to four decimals (None when undefined) and as the screen writes it."""

    def value(r: Ratio, column: str) -> dict[str, Any]:
        v = r.values.get(column)
        return {"value": None if v is None else round(float(v), 4), "text": r.text(column)}

    return [
        {
            "key": r.key,
            "label": r.label,
            "kind": r.kind,
            "explanation": r.explanation,
            "by_site": {s: value(r, s) for s in sites},
            "total": value(r, TOTAL),
        }
        for r in rows
    ]
