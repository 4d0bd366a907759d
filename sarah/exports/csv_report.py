"""The four tables as CSV for French Excel: UTF-8 with BOM, ';' between cells.

A few lines saying what the file is (period, sites, who, when, program), then the four tables
one after the other, each under its title, separated by a blank line; percentages as shown in
the report ("54 %"), counts as plain integers. Names (sites, services, the agent) are text:
one that starts like a formula ("=", "+", "-", "@") gets a leading "'" (OWASP's advice).
Each table's notes follow it; the definitions (the rounding of percentages among them) and the
checks of the sums close the file, as on the workbook's information sheet.
With ``mask_small``, counts from 1 to 4 are written "< 5" and the file says so
(sarah.exports.small_counts).
"""

from __future__ import annotations

import io
import os
from collections.abc import Sequence
from fractions import Fraction
from pathlib import Path

from sarah.exports import small_counts
from sarah.exports.cells import SafeCsvWriter
from sarah.exports.files import write_atomically
from sarah.exports.meta import ExportMeta
from sarah.reports.grids import TableGrid, definitions, report_grids
from sarah.reports.tables import Report, percent_text


def _write_heading(w: SafeCsvWriter, report: Report, meta: ExportMeta, mask_small: bool) -> None:
    w.writerow(["Statistiques des Points Relais"])
    w.writerow(["Période", report.period.text])
    w.writerow(["Sites", ", ".join(report.sites) or "aucun"])
    w.writerow(["Produit par", meta.produced_by or "non renseigné"])
    w.writerow(["Date de génération", meta.generated_at.strftime("%d/%m/%Y %H:%M")])
    w.writerow(["Version du programme", f"SARAH {meta.program_version}"])
    if meta.figures:
        w.writerow(["Chiffres", meta.figures])
    if mask_small:
        w.writerow(["Petits effectifs", small_counts.NOTICE + "."])


def _write_grid(w: SafeCsvWriter, grid: TableGrid, notes: list[str], mask_small: bool) -> None:
    w.writerow([])
    w.writerow([grid.title])
    if grid.groups:
        groups = [""] * (1 + len(grid.headings))
        for heading, first, _last in grid.groups:
            groups[first + 1] = heading
        w.writerow(groups)
    w.writerow([grid.corner, *grid.headings])
    for row in grid.rows:
        label = row.label + (" (service retiré)" if row.retired else "")
        cells: list[object] = [label]
        shown = small_counts.grid_values(grid.kinds, row.values, mask_small)
        for kind, value in zip(grid.kinds, shown, strict=True):
            if kind == "share" and not isinstance(value, str):
                cells.append(percent_text(value if isinstance(value, Fraction) else None))
            else:
                cells.append(value)
        w.writerow(cells)
    for note in small_counts.notes(notes, mask_small):
        w.writerow(["Note", note])


def _write_reading_aids(w: SafeCsvWriter, report: Report) -> None:
    """What the workbook's information sheet says too: how to read the numbers (the rounding
    of percentages among them), and the sums a reader would redo by hand, checked on these
    very figures."""
    w.writerow([])
    w.writerow(["Définitions"])
    for word, sentence in definitions(report.young_age_limit):
        w.writerow([word, sentence])
    w.writerow([])
    w.writerow(["Vérifications"])
    for check in report.checks():
        status = "vérifié" if check.passed else f"ÉCHEC ({check.detail})"
        w.writerow([status, check.label])


def report_csv_text(
    report: Report,
    meta: ExportMeta,
    *,
    mask_small: bool = False,
    extra: Sequence[Sequence[Sequence[object]]] = (),
    extra_tables: Sequence[tuple[TableGrid, list[str]]] = (),
) -> str:
    """The file's text; ``extra_tables``: more grids laid out like the four (a funder's age
    bands) with their notes; ``extra``: more tables (csv_analysis), each a list of rows; both
    after the four, before the definitions and checks."""
    out = io.StringIO()
    w = SafeCsvWriter(out)
    _write_heading(w, report, meta, mask_small)
    table_notes = report.table_notes()
    for grid in report_grids(report):
        _write_grid(w, grid, table_notes[grid.key], mask_small)
    for grid, notes in extra_tables:
        _write_grid(w, grid, notes, mask_small)
    for rows in extra:
        w.writerow([])
        for row in rows:
            w.writerow(list(row))
    _write_reading_aids(w, report)
    return out.getvalue()


def write_report_csv(
    report: Report,
    path: str | os.PathLike[str],
    meta: ExportMeta,
    *,
    mask_small: bool = False,
    extra: Sequence[Sequence[Sequence[object]]] = (),
    extra_tables: Sequence[tuple[TableGrid, list[str]]] = (),
) -> Path:
    """Write the CSV atomically (UTF-8 with BOM so that Excel reads the accents right)."""
    text = report_csv_text(
        report, meta, mask_small=mask_small, extra=extra, extra_tables=extra_tables
    )
    data = text.encode("utf-8-sig")
    return write_atomically(path, lambda fh: fh.write(data))
