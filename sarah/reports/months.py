"""Contacts and distinct people per month per site, so that a staff absence or a logging gap
shows (what the statistics window and the Mois sheet read)."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

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
