"""Which spreadsheet the import dialog is given: the file chooser, or one file dropped on it."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QStandardPaths
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QFileDialog, QWidget

FILE_SUFFIXES = (".csv", ".xlsx")


def ask_spreadsheet(parent: QWidget, near: Path | None) -> Path | None:
    """The file chooser, opened in the folder of the last file (``near``) or in the documents."""
    if near is not None:
        start = str(near.parent)
    else:
        start = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    chosen, _ = QFileDialog.getOpenFileName(
        parent,
        "Tableur à importer",
        start,
        "Tableurs (*.csv *.xlsx);;Tous les fichiers (*)",
    )
    return Path(chosen) if chosen else None


def dropped_spreadsheet(event: QDragEnterEvent | QDropEvent) -> Path | None:
    """The one local .csv or .xlsx file being dropped, or None (several files, a link...)."""
    urls = event.mimeData().urls() if event.mimeData().hasUrls() else []
    if len(urls) != 1 or not urls[0].isLocalFile():
        return None
    path = Path(urls[0].toLocalFile())
    return path if path.suffix.lower() in FILE_SUFFIXES else None
