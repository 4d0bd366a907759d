"""Paints a catalogue service as: check box, its shortcut key in a small box, its label."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from sarah.ui.table_models.desk_services import KEY_ROLE, LABEL_ROLE

Index = QModelIndex | QPersistentModelIndex


class ServiceItemDelegate(QStyledItemDelegate):
    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        key = index.data(KEY_ROLE) or ""
        label = index.data(LABEL_ROLE) or ""
        opt.text = ""
        widget = opt.widget
        style = widget.style() if widget is not None else None
        if style is None:
            super().paint(painter, option, index)
            return
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        text_rect = style.subElementRect(QStyle.SubElement.SE_ItemViewItemText, opt, widget)
        metrics = opt.fontMetrics
        height = metrics.height() + 2
        width = max(height, metrics.horizontalAdvance("W") + 8)
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)

        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        if key:
            badge = QRect(
                text_rect.left() + 2, text_rect.center().y() - height // 2 + 1, width, height
            )
            painter.setPen(QColor("#6b7280"))
            painter.setBrush(QColor("#ffffff"))
            painter.drawRoundedRect(badge, 3, 3)
            bold = QFont(opt.font)
            bold.setBold(True)
            painter.setFont(bold)
            painter.setPen(QColor("#111827"))
            painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, key)
        label_rect = text_rect.adjusted(width + 10, 0, 0, 0)
        painter.setFont(opt.font)
        role = opt.palette.ColorRole.HighlightedText if selected else opt.palette.ColorRole.Text
        painter.setPen(opt.palette.color(role))
        elided = metrics.elidedText(label, Qt.TextElideMode.ElideRight, label_rect.width())
        painter.drawText(
            label_rect, int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft), elided
        )
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        size = super().sizeHint(option, index)
        return QSize(size.width() + 24, max(size.height(), option.fontMetrics.height() + 6))
