"""The right-of-access export printed to PDF with Qt, in the window and on the command line.

The document is the HTML of :mod:`sarah.services.privacy.person_document`, printed like the
statistics (:func:`sarah.ui.reports.pdf_export.pdf_bytes`: QTextDocument + QPdfWriter, both
usable off the GUI thread). The command line has no window: :func:`ensure_gui` starts Qt on
its offscreen platform, so the PDF is made without a display.
"""

from __future__ import annotations

from PySide6.QtGui import QGuiApplication

from sarah.services.privacy.person_document import person_html, person_title
from sarah.services.privacy.person_export import PersonData
from sarah.ui.reports.pdf_export import PdfDocument, pdf_bytes

_app: QGuiApplication | None = None  # the command line's own, kept for the process's life


def ensure_gui() -> None:
    """Fonts and text layout need a Qt application: the window's, or one on the offscreen
    platform (no display needed) for the command line."""
    global _app  # one per process, by Qt's rule
    if QGuiApplication.instance() is None:
        _app = QGuiApplication(["sarah", "-platform", "offscreen"])


def person_pdf(data: PersonData, *, retention_months: int = 24) -> bytes:
    """The export as PDF bytes (A4, page numbers at the foot)."""
    ensure_gui()
    document = PdfDocument(
        html=person_html(data, retention_months=retention_months),
        images={},
        title=person_title(data),
        creator=data.program,
    )
    return pdf_bytes(document)
