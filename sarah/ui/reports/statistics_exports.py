"""The export actions of the Statistiques screen: where to write (a file dialog in the user's
documents) and what every file states about itself (who, when, which SARAH)."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QStandardPaths
from PySide6.QtWidgets import QFileDialog, QWidget

import sarah
from sarah.exports.figures import file_stem
from sarah.reports.tables import Report
from sarah.ui.context import AppContext

if TYPE_CHECKING:
    from sarah.exports.meta import ExportMeta

EXPORT_FILTERS = {
    "xlsx": "Classeur Excel (*.xlsx)",
    "csv": "CSV, séparateur point-virgule (*.csv)",
    "pdf": "Document PDF (*.pdf)",
    "docx": "Document Word (*.docx)",
}


def ask_export_path(parent: QWidget, report: Report, kind: str) -> Path | None:
    """The file the user chose for an export of ``kind`` (its extension added), or None."""
    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    default = str(Path(folder) / f"{file_stem(report)}.{kind}")
    path, _filter = QFileDialog.getSaveFileName(
        parent, "Exporter les statistiques", default, EXPORT_FILTERS[kind]
    )
    if not path:
        return None
    if not re.search(rf"\.{kind}$", path, re.IGNORECASE):
        path += f".{kind}"
    return Path(path)


def export_meta(ctx: AppContext, figures: str = "") -> ExportMeta:
    """``figures``: for a closed period, whether the file shows the published figures or
    today's (Figures.figures_text)."""
    # Imported on the first export, not when the window opens.
    from sarah.exports.meta import ExportMeta

    return ExportMeta(
        produced_by=ctx.settings.agent_name or ctx.agent or "non renseigné",
        generated_at=datetime.now().replace(microsecond=0),
        program_version=sarah.__version__,
        figures=figures,
    )
