"""The Statistiques window's exports: the workbook (the four tables, the months, the comparison,
the ratios and native charts), the CSV of the four tables, the activity report's section in
Word, and the files' default names."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sarah.reports.figures import Figures
from sarah.reports.tables import Report


def write_xlsx(path: Path, figures: Figures, meta: Any, mask_small: bool = False) -> str:
    # openpyxl is imported on the first export, not when the window opens.
    from sarah.exports.files import save_workbook
    from sarah.exports.xlsx_analysis import add_analysis_sheets
    from sarah.exports.xlsx_report import build_report_workbook

    wb = build_report_workbook(
        figures.report, meta, mask_small=mask_small, extra_tables=figures.extra_tables
    )
    add_analysis_sheets(
        wb,
        figures.report,
        meta,
        months=figures.months,
        comparison=figures.comparison,
        ratio_rows=figures.ratios,
        charts=True,
        mask_small=mask_small,
    )
    # The entries' gaps are for the coordinator before publishing: not in a file masked for
    # publication outside the funders.
    if figures.completeness is not None and not mask_small:
        from sarah.exports.completeness_sheet import write_completeness_sheet

        write_completeness_sheet(wb, figures.completeness)
    save_workbook(wb, path)
    return str(path)


def write_csv(path: Path, figures: Figures, meta: Any, mask_small: bool = False) -> str:
    from sarah.exports.completeness_sheet import completeness_csv_rows
    from sarah.exports.csv_report import write_report_csv

    shown = figures.completeness if not mask_small else None  # as in the workbook
    extra = [completeness_csv_rows(shown)] if shown is not None else []
    write_report_csv(
        figures.report,
        path,
        meta,
        mask_small=mask_small,
        extra=extra,
        extra_tables=figures.extra_tables,
    )
    return str(path)


def file_stem(report: Report) -> str:
    """'statistiques-2019-S1' or 'statistiques-2019-01-01-au-2019-03-31'."""
    p = report.period
    if p.start.year == p.end.year and (p.start.month, p.start.day) in ((1, 1), (7, 1)):
        if (p.end.month, p.end.day) == (6, 30) and p.start.month == 1:
            return f"statistiques-{p.start.year}-S1"
        if (p.end.month, p.end.day) == (12, 31) and p.start.month == 7:
            return f"statistiques-{p.start.year}-S2"
        if (p.end.month, p.end.day) == (12, 31):
            return f"statistiques-{p.start.year}"
    return f"statistiques-{p.start.isoformat()}-au-{p.end.isoformat()}"


def write_docx(path: Path, figures: Figures, meta: Any, mask_small: bool = False) -> str:
    """The activity report's section (python-docx imported on the first export). Small
    counts are never masked there: its sentences are written for the funders."""
    from sarah.exports.docx_report import write_report_docx

    write_report_docx(figures.report, path, meta, figures.extra_tables)
    return str(path)
