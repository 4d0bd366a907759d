"""A calm one-line message under a screen: done (green), problem (red), or information."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from sarah.ui.style import ERROR_COLOUR, SUCCESS_COLOUR

STYLES = {
    "ok": f"color: {SUCCESS_COLOUR}; background: #dcfce7; border: 1px solid #86efac;",
    "error": f"color: {ERROR_COLOUR}; background: #fee2e2; border: 1px solid #fca5a5;",
    "info": "color: #1e3a8a; background: #eff6ff; border: 1px solid #bfdbfe;",
}


class StatusLine(QLabel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.kind = ""
        self.clear_message()

    def show_message(self, text: str, kind: str = "info") -> None:
        self.kind = kind
        self.setText(text)
        self.setStyleSheet(f"QLabel {{ {STYLES[kind]} border-radius: 4px; padding: 4px 8px; }}")
        self.setVisible(True)

    def clear_message(self) -> None:
        self.kind = ""
        self.setText("")
        self.setVisible(False)
