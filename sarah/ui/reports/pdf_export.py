"""Printable A4 landscape PDF of the statistics: title, period, sites, who produced it, the four
tables, the month breakdown, the comparison, the ratios and the charts.

Two steps, so that the screen stays responsive. On the GUI thread, :func:`prepare_pdf` draws the
charts to images (a QChart is a graphics widget: GUI thread only) and builds the HTML. Then, on
a worker thread, :func:`write_pdf` lays it out in a QTextDocument and prints it with a
QPdfWriter (page numbers at the foot of each page): both classes are reentrant, and the worker
makes its own. The PDF is printed into the temporary file of
:func:`sarah.exports.files.write_atomically`: a failure never leaves half a PDF behind.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCharts import QChart
from PySide6.QtCore import QBuffer, QIODevice, QMarginsF, QPointF, QRectF, QSize, QSizeF, QUrl
from PySide6.QtGui import (
    QColor,
    QImage,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QTextDocument,
    QTextOption,
)
from PySide6.QtWidgets import QGraphicsScene

from sarah.exports.files import write_atomically
from sarah.reports.figures import Figures
from sarah.ui.reports.charts import months_chart, people_chart, services_chart
from sarah.ui.reports.pdf_html import statistics_html

if TYPE_CHECKING:
    from sarah.exports.meta import ExportMeta

CHART_SIZE = QSize(1600, 800)

ChartToPrint = tuple[Callable[[], QChart], QSize]  # how to build it, the size it is drawn at


@dataclass(frozen=True)
class PdfDocument:
    """Everything the PDF is printed from; no widget, so a worker thread may print it."""

    html: str
    images: dict[str, QImage]  # resource name in the HTML -> chart image
    title: str
    creator: str


def render_chart(chart: QChart, size: QSize = CHART_SIZE) -> QImage:
    """The chart drawn on a white image, through a scene of its own (no widget involved)."""
    scene = QGraphicsScene()
    scene.addItem(chart)
    chart.setGeometry(QRectF(QPointF(0, 0), QSizeF(size)))
    image = QImage(size, QImage.Format.Format_ARGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    scene.render(painter, QRectF(image.rect()), chart.geometry())
    painter.end()
    scene.removeItem(chart)
    return image


def print_charts(figures: Figures) -> list[ChartToPrint]:
    """The charts of the figures and the size each is drawn at for printing."""
    charts: list[ChartToPrint] = []
    months = figures.months
    if months is not None:
        charts.append((lambda: months_chart(months), QSize(1600, 800)))
    charts.append((lambda: services_chart(figures.report), QSize(1600, 1000)))
    charts.append((lambda: people_chart(figures.report), QSize(1600, 800)))
    return charts


def prepare_pdf(figures: Figures, meta: ExportMeta, *, mask_small: bool = False) -> PdfDocument:
    """GUI thread: the charts drawn to images and the HTML that shows them. With small counts
    masked, no chart: a bar's height would give a masked count away."""
    charts = [] if mask_small else print_charts(figures)
    images = {
        f"chart{i}.png": render_chart(build(), size)
        for i, (build, size) in enumerate(charts, start=1)
    }
    html = statistics_html(
        figures.report,
        meta,
        months=figures.months,
        comparison=figures.comparison,
        ratio_rows=figures.ratios,
        chart_names=list(images),
        mask_small=mask_small,
        completeness=figures.completeness,
        extra_tables=figures.extra_tables,
    )
    return PdfDocument(
        html=html,
        images=images,
        title=f"Statistiques des Points Relais — {figures.report.period.label}",
        creator=f"SARAH {meta.program_version}",
    )


def pdf_bytes(document: PdfDocument) -> bytes:
    """Any thread: the document laid out on A4 landscape pages and printed to PDF in memory."""
    text = QTextDocument()
    # Break lines between words only: a column is never narrower than its longest word.
    option = QTextOption()
    option.setWrapMode(QTextOption.WrapMode.WordWrap)
    text.setDefaultTextOption(option)
    for name, image in document.images.items():
        text.addResource(QTextDocument.ResourceType.ImageResource, QUrl(name), image)
    text.setHtml(document.html)
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setTitle(document.title)
    writer.setCreator(document.creator)
    writer.setResolution(300)
    writer.setPageLayout(
        QPageLayout(
            QPageSize(QPageSize.PageSizeId.A4),
            QPageLayout.Orientation.Landscape,
            QMarginsF(0, 0, 0, 0),  # print() keeps 2 cm margins and numbers the pages
            QPageLayout.Unit.Millimeter,
        )
    )
    text.print_(writer)
    del writer  # ends the PDF
    data = bytes(buffer.data().data())
    buffer.close()
    return data


def write_pdf(path: Path, document: PdfDocument) -> str:
    """Any thread: print the PDF into a temporary file, then put it in place of ``path``.
    Raises UserError on disk errors (folder missing, disk full, file open elsewhere); the folder
    is checked before the document is printed."""
    return str(write_atomically(Path(path), lambda fh: fh.write(pdf_bytes(document))))
