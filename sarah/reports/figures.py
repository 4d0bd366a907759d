"""Everything the Statistiques window shows, gathered for its exports."""

from __future__ import annotations

from dataclasses import dataclass

from sarah.reports.comparison import Comparison
from sarah.reports.months import MonthBreakdown
from sarah.reports.ratios import Ratio
from sarah.reports.tables import Report


@dataclass
class Figures:
    """Everything the screen shows, for exports."""

    report: Report
    ratios: list[Ratio]
    months: MonthBreakdown | None = None  # computed after the four tables are shown
    comparison: Comparison | None = None

    @property
    def complete(self) -> bool:
        return self.months is not None and self.comparison is not None
