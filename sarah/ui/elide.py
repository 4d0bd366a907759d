"""Long paths and addresses shown in one line: cut in their middle so that they never widen the
window past a desk's 1366 px screen (the whole text goes in the tooltip)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

# Enough for "C:\Users\accueil\Documents\SARAH\sarah.sqlite" and most shares, whole.
MAX_CHARS = 70


def cut_in_middle(widget: QWidget, text: str, max_chars: int = MAX_CHARS) -> str:
    """``text`` as ``widget``'s font shows it in at most about ``max_chars`` characters."""
    metrics = widget.fontMetrics()
    width = metrics.averageCharWidth() * max_chars
    return metrics.elidedText(text, Qt.TextElideMode.ElideMiddle, width)
