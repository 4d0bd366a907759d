"""The admin's export of the audit log: the filtered entries as .xlsx or .csv, audited itself.

The file says which filters chose its entries and the verdict of the chain check at the time of
the export. Every text cell goes through :mod:`sarah.exports.cells` (an actor or a target typed
as ``=HYPERLINK(…)`` stays text). The file is built first, outside any transaction; then it is
put in place and its ``export_audit`` entry written in one write transaction, so an export the
log does not show is never left behind (the file is removed again when the entry cannot be
written).
"""

from __future__ import annotations

import contextlib
import io
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from sarah.db import write_session
from sarah.errors import InvalidInput
from sarah.exports.cells import SafeCsvWriter, set_value
from sarah.exports.files import write_atomically
from sarah.services.audit.actions import action_label
from sarah.services.audit.actor import current_actor
from sarah.services.audit.chain import ChainCheck, verify_chain
from sarah.services.audit.describe import details_text
from sarah.services.audit.listing import AuditEntry, AuditFilter, iter_entries_newest_first
from sarah.services.audit.log import record
from sarah.vocabulary import count_of

FORMATS = (".xlsx", ".csv")
HEADERS = ("N°", "Date et heure", "Qui", "Action", "Sur quoi", "Détails")
TITLE = "Journal d'audit de SARAH"


@dataclass(frozen=True)
class AuditExport:
    path: Path
    rows: int
    check: ChainCheck
    seq: int  # the export's own entry in the log


def filters_text(wanted: AuditFilter) -> str:
    """The filters in French, as the file and the screen state them."""
    words: list[str] = []
    if wanted.start is not None and wanted.end is not None:
        words.append(f"du {wanted.start:%d/%m/%Y} au {wanted.end:%d/%m/%Y}")
    elif wanted.start is not None:
        words.append(f"à partir du {wanted.start:%d/%m/%Y}")
    elif wanted.end is not None:
        words.append(f"jusqu'au {wanted.end:%d/%m/%Y}")
    if wanted.actors:
        words.append("qui : " + ", ".join(sorted(wanted.actors)))
    if wanted.actions:
        words.append("action : " + ", ".join(sorted(action_label(a) for a in wanted.actions)))
    if wanted.text.strip():
        words.append(f"texte : « {wanted.text.strip()} »")
    return " ; ".join(words) if words else "aucun (tout le journal)"


def verdict_text(check: ChainCheck) -> str:
    """The chain's verdict as a sentence (« Journal intègre : N entrées »)."""
    if check.intact:
        return f"Journal intègre : {count_of(check.entries, 'entrée')}"
    return f"Journal rompu à l'entrée n° {check.broken_at} : {check.reason}"


def entry_cells(entry: AuditEntry) -> tuple[int, str, str, str, str, str]:
    """One entry as the screen and the file show it."""
    return (
        entry.seq,
        f"{entry.at:%d/%m/%Y %H:%M:%S}",
        entry.actor,
        entry.label,
        entry.target or "",
        details_text(entry.action, entry.details),
    )


def _preamble(wanted: AuditFilter, check: ChainCheck, now: datetime, who: str) -> list[str]:
    return [
        TITLE,
        f"Exporté le {now:%d/%m/%Y à %H:%M} par {who}",
        f"Filtres : {filters_text(wanted)}",
        f"Vérification : {verdict_text(check)}",
    ]


def _xlsx_bytes(lines: list[str], rows: Iterable[tuple[Any, ...]]) -> tuple[bytes, int]:
    """A write-only workbook (fast and small in memory on 100,000 entries)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import Cell
    from openpyxl.styles import Font

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Journal")
    for letter, width in zip("ABCDEF", (8, 20, 28, 34, 40, 70), strict=True):
        ws.column_dimensions[letter].width = width

    def cell(value: str | int, font: Font | None = None) -> Cell:
        made = WriteOnlyCell(ws)
        set_value(made, value)
        if font is not None:
            made.font = font
        return made

    bold, broken = Font(bold=True), Font(bold=True, color="991B1B")
    for number, line in enumerate(lines):
        red = line.startswith("Vérification : Journal rompu")
        ws.append([cell(line, broken if red else bold if number == 0 else None)])
    ws.append([])
    ws.append([cell(h, bold) for h in HEADERS])
    count = 0
    for row in rows:
        ws.append([cell(value) for value in row])
        count += 1
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue(), count


def _csv_bytes(lines: list[str], rows: Iterable[tuple[Any, ...]]) -> tuple[bytes, int]:
    out = io.StringIO()
    writer = SafeCsvWriter(out)
    for line in lines:
        writer.writerow([line])
    writer.writerow([])
    writer.writerow(HEADERS)
    count = 0
    for row in rows:
        writer.writerow(row)
        count += 1
    return out.getvalue().encode("utf-8-sig"), count  # BOM: Excel reads the accents right


def _format(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise InvalidInput(
            f"Format de fichier non pris en charge : « {path.suffix or path.name} ». "
            "Choisissez un nom en .xlsx ou en .csv."
        )
    return suffix


def _rows(engine: Engine, wanted: AuditFilter) -> Iterator[tuple[Any, ...]]:
    for entry in iter_entries_newest_first(engine, wanted):
        yield entry_cells(entry)


def export_audit(
    engine: Engine, wanted: AuditFilter, path: str | os.PathLike[str], now: datetime | None = None
) -> AuditExport:
    """Write the entries ``wanted`` selects (newest first) to ``path`` (.xlsx or .csv) and
    record the export in the log (file name, how many entries, which filters: no text typed)."""
    target = Path(path).expanduser()
    suffix = _format(target)
    when = now or datetime.now()
    who = current_actor()
    check = verify_chain(engine)
    lines = _preamble(wanted, check, when, who)
    build = _xlsx_bytes if suffix == ".xlsx" else _csv_bytes
    data, rows = build(lines, _rows(engine, wanted))
    without_text = AuditFilter(wanted.start, wanted.end, wanted.actors, wanted.actions)
    details: dict[str, Any] = {
        "rows": rows,
        "format": suffix[1:],
        "filters": filters_text(without_text),
    }
    if wanted.text.strip():
        details["text_filter"] = True  # what was typed may be anything: it is not kept
    written = False
    try:
        with write_session(engine) as session:
            write_atomically(target, lambda fh: fh.write(data))
            written = True
            entry = record(session, who, "export_audit", target.name, details)
    except BaseException:
        if written:
            with contextlib.suppress(OSError):
                target.unlink()
        raise
    return AuditExport(target, rows, check, entry.seq)
