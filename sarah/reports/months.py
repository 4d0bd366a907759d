"""Contacts and distinct people per month per site, so that a staff absence or a logging gap
shows (what the statistics window and the Mois sheet read)."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from typing import Any

from sarah.calendar_fr import MONTH_NAMES
from sarah.reports.tables import Period


def months_of(period: Period) -> list[tuple[date, date]]:
    """(first, last) day of each month inside the period, in order."""
    out: list[tuple[date, date]] = []
    y, m = period.start.year, period.start.month
    while (y, m) <= (period.end.year, period.end.month):
        first = max(date(y, m, 1), period.start)
        last = min(date(y, m, calendar.monthrange(y, m)[1]), period.end)
        out.append((first, last))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def month_label(start: date, end: date) -> str:
    """'mars 2019', or 'mars 2019 (du 1 au 15)' for the part of a month inside the period."""
    text = f"{MONTH_NAMES[start.month - 1]} {start.year}"
    if start.day != 1 or end.day != calendar.monthrange(start.year, start.month)[1]:
        text += f" (du {start.day} au {end.day})"
    return text


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
        return month_label(self.start, self.end)

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
