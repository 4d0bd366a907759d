"""Draw SARAH's mark with Qt and write packaging/sarah.png and packaging/sarah.ico.

The mark: a rounded blue square, a white "S" traced as two arcs (no font, so every machine
draws the same one) and an orange dot, the Point Relais on the map. Run it again after a change:

    QT_QPA_PLATFORM=offscreen .venv/bin/python packaging/make_icon.py

The .ico holds every size Windows asks for (16 to 256 pixels), each drawn at its own size, not
scaled down from the largest, and stored as PNG (what Windows reads since Vista).
"""

from __future__ import annotations

import struct
import sys
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QGuiApplication, QImage, QPainter, QPainterPath, QPen

HERE = Path(__file__).resolve().parent
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
PNG_SIZE = 256
BLUE = QColor("#1d4e89")
ORANGE = QColor("#f28c28")
WHITE = QColor("#ffffff")


def s_path(size: float) -> QPainterPath:
    """The "S": the upper bowl turns left from its top right, the lower one right to its bottom
    left; they meet at the centre of the square."""
    r = size * 0.155
    cx = size * 0.47
    upper = QPointF(cx, size * 0.5 - r)
    lower = QPointF(cx, size * 0.5 + r)
    path = QPainterPath()
    # Qt's angles: 0 is three o'clock, positive turns counter-clockwise on the screen.
    path.arcMoveTo(QRectF(upper.x() - r, upper.y() - r, 2 * r, 2 * r), 20)
    path.arcTo(QRectF(upper.x() - r, upper.y() - r, 2 * r, 2 * r), 20, 250)
    path.arcTo(QRectF(lower.x() - r, lower.y() - r, 2 * r, 2 * r), 90, -250)
    return path


def draw(size: int) -> QImage:
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    margin = size * 0.03
    square = QRectF(margin, margin, size - 2 * margin, size - 2 * margin)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QBrush(BLUE))
    painter.drawRoundedRect(square, size * 0.2, size * 0.2)
    pen = QPen(WHITE, max(2.0, size * 0.11))
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    painter.setPen(pen)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawPath(s_path(size))
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QBrush(ORANGE))
    dot = size * 0.085
    painter.drawEllipse(QPointF(size * 0.78, size * 0.23), dot, dot)
    painter.end()
    return image


def png_bytes(image: QImage) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return bytes(data.data())


def ico_bytes(images: dict[int, bytes]) -> bytes:
    """An ICO file: a header, one 16-byte entry per size, then the PNG data of each."""
    header = struct.pack("<HHH", 0, 1, len(images))
    offset = len(header) + 16 * len(images)
    entries, blobs = b"", b""
    for size, blob in images.items():
        side = 0 if size >= 256 else size  # 0 means 256 in an ICO entry
        entries += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(blob), offset)
        offset += len(blob)
        blobs += blob
    return header + entries + blobs


def main() -> int:
    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    assert app is not None
    (HERE / "sarah.png").write_bytes(png_bytes(draw(PNG_SIZE)))
    (HERE / "sarah.ico").write_bytes(ico_bytes({s: png_bytes(draw(s)) for s in ICO_SIZES}))
    print(f"{HERE / 'sarah.png'} ({PNG_SIZE} px), {HERE / 'sarah.ico'} ({len(ICO_SIZES)} tailles)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
