"""Contacts and distinct people per month per site, so that a staff absence or a logging gap
shows (what the statistics window and the Mois sheet read)."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from typing import Any

from sarah.calendar_fr import MONTH_NAMES
from sarah.reports.tables import Period


@dataclass(frozen=True)
class MonthCell:
    contacts: int = 0
    people: int = 0
    low: bool = False  # clearly fewer contacts per day than the site's usual month


@dataclass(frozen=True)
class MonthRow:
    start: date  # first day of the month inside the period
    end: date  # last day of the month inside the period
    by_site: dict[str, MonthCell]
    total: MonthCell

    @property
    def label(self) -> str:
        text = f"{MONTH_NAMES[self.start.month - 1]} {self.start.year}"
        last = calendar.monthrange(self.start.year, self.start.month)[1]
        if self.start.day != 1 or self.end.day != last:
            text += f" (du {self.start.day} au {self.end.day})"
        return text

    @property
    def key(self) -> str:
        return f"{self.start:%Y-%m}"


@dataclass(frozen=True)
class MonthBreakdown:
    period: Period
    sites: list[str]
    months: list[MonthRow]
    # Whole period: contacts per site and distinct people per site (people: also the total,
    # a person seen at two sites counts once there, as in table 3).
    period_by_site: dict[str, MonthCell]
    period_total: MonthCell

    @property
    def low_months(self) -> list[tuple[str, MonthRow]]:
        """(site, month) pairs that look like an absence or a logging gap."""
        return [(s, m) for m in self.months for s in self.sites if m.by_site[s].low]

    def to_json(self) -> dict[str, Any]:
        """The ``months`` key of the report's JSON (``report --with months``): per month, the
        contacts and distinct people of each site and of the selection."""

        def cell(c: MonthCell) -> dict[str, Any]:
            return {"contacts": c.contacts, "people": c.people, "low": c.low}

        return {
            "months": [
                {
                    "month": m.key,
                    "start": m.start.isoformat(),
                    "end": m.end.isoformat(),
                    "by_site": {s: cell(m.by_site[s]) for s in self.sites},
                    "total": cell(m.total),
                }
                for m in self.months
            ],
            "period": {
                "by_site": {s: cell(self.period_by_site[s]) for s in self.sites},
                "total": cell(self.period_total),
            },
        }

    @classmethod
    def from_json(cls, data: dict[str, Any], period: Period) -> MonthBreakdown:
        """A breakdown read back from :meth:`to_json` (the months kept at a period's closing)."""

        def cell(d: dict[str, Any]) -> MonthCell:
            return MonthCell(int(d["contacts"]), int(d["people"]), bool(d.get("low", False)))

        sites = list(data["period"]["by_site"])
        return cls(
            period=period,
            sites=sites,
            months=[
                MonthRow(
                    start=date.fromisoformat(m["start"]),
                    end=date.fromisoformat(m["end"]),
                    by_site={s: cell(m["by_site"][s]) for s in sites},
                    total=cell(m["total"]),
                )
                for m in data["months"]
            ],
            period_by_site={s: cell(data["period"]["by_site"][s]) for s in sites},
            period_total=cell(data["period"]["total"]),
        )
