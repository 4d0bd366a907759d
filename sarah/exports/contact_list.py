"""A list of contacts (the drill-down behind a number) as an Excel sheet or a CSV file.

The caller decides what the rows hold (names or pseudonyms: sarah.services.statistics.
drilldown_export); this module writes them, every text as text (sarah.exports.cells), under a
few lines saying what the list is, who made it, when, and whether it names people. No Qt here.
"""

from __future__ import annotations

import io
import os
from dataclasses import dataclass, field
from pathlib import Path

from sarah.exports.cells import CellValue, SafeCsvWriter
from sarah.exports.files import save_workbook, write_atomically
from sarah.exports.meta import ExportMeta


@dataclass(frozen=True)
class ContactList:
    title: str  # what the number was: "Personnes concernées — jeunes, femmes — Grésilles — …"
    explanation: str  # one line per contact, or per person
    headers: list[str]
    rows: list[list[CellValue]]
    notes: list[str] = field(default_factory=list)  # pseudonymised or named, truncated…


def _provenance(listing: ContactList, meta: ExportMeta) -> list[tuple[str, str]]:
    return [
        ("Liste", listing.title),
        ("Lecture", listing.explanation),
        ("Produit par", meta.produced_by or "non renseigné"),
        ("Date de génération", meta.generated_at.strftime("%d/%m/%Y %H:%M")),
        ("Version du programme", f"SARAH {meta.program_version}"),
    ]


def contact_list_csv_text(listing: ContactList, meta: ExportMeta) -> str:
    out = io.StringIO()
    w = SafeCsvWriter(out)
    for word, value in _provenance(listing, meta):
        w.writerow([word, value])
    for note in listing.notes:
        w.writerow(["Note", note])
    w.writerow([])
    w.writerow(listing.headers)
    for row in listing.rows:
        w.writerow(row)
    return out.getvalue()


def write_contact_list_csv(
    listing: ContactList, path: str | os.PathLike[str], meta: ExportMeta
) -> Path:
    """UTF-8 with BOM and ';' for French Excel, written all or nothing."""
    data = contact_list_csv_text(listing, meta).encode("utf-8-sig")
    return write_atomically(path, lambda fh: fh.write(data))


def write_contact_list_xlsx(
    listing: ContactList, path: str | os.PathLike[str], meta: ExportMeta
) -> Path:
    """One sheet "Contacts": the provenance lines, the notes, then the list (headings frozen)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    from sarah.exports.cells import put

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Contacts"
    put(ws, 1, 1, listing.title).font = Font(bold=True, size=13)
    row = 2
    for word, value in [*_provenance(listing, meta)[1:], *(("Note", n) for n in listing.notes)]:
        put(ws, row, 1, word).font = Font(bold=True)
        put(ws, row, 2, value)
        row += 1
    row += 1
    for column, heading in enumerate(listing.headers, start=1):
        cell = put(ws, row, column, heading)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="D9D9D9")
    ws.freeze_panes = ws.cell(row=row + 1, column=1).coordinate
    for values in listing.rows:
        row += 1
        for column, item in enumerate(values, start=1):
            put(ws, row, column, item)
    widths = (12, 8, 22, 14, 24, 20, 14, 70)
    for column in range(1, len(listing.headers) + 1):
        width = widths[column - 1] if column <= len(widths) else 16
        ws.column_dimensions[get_column_letter(column)].width = width
    return save_workbook(wb, path)
