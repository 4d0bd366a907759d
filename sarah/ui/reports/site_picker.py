"""Multi-select of sites: a short list of check boxes, all ticked by default."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from sarah.ui.style import HINT_COLOUR


class SitePicker(QWidget):
    """Emits ``sitesChanged(list[str])`` with the ticked site names, in display order."""

    sitesChanged = Signal(list)  # noqa: N815 - Qt naming

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._updating = False
        self.list = QListWidget()
        self.list.setAccessibleName("Sites")
        self.list.setMinimumWidth(190)
        self.all_button = QPushButton("Tous")
        self.all_button.setToolTip("Cocher tous les sites")
        self.summary = QLabel()
        self.summary.setStyleSheet(f"color: {HINT_COLOUR};")
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(QLabel("Sites :"))
        top.addWidget(self.summary, 1)
        top.addWidget(self.all_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.list)
        self.list.itemChanged.connect(self._on_change)
        self.all_button.clicked.connect(self.select_all)

    def set_sites(self, names: Sequence[str]) -> None:
        """Fill the list; sites ticked before stay ticked, new ones arrive ticked."""
        before = {
            self.list.item(i).text(): self.list.item(i).checkState()
            for i in range(self.list.count())
        }
        self._updating = True
        try:
            self.list.clear()
            for name in names:
                item = QListWidgetItem(name)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(before.get(name, Qt.CheckState.Checked))
                self.list.addItem(item)
        finally:
            self._updating = False
        rows = min(5, max(2, self.list.count()))
        self.list.setFixedHeight(rows * max(self.list.sizeHintForRow(0), 18) + 6)
        self._update_summary()

    def all_sites(self) -> list[str]:
        return [self.list.item(i).text() for i in range(self.list.count())]

    def selected(self) -> list[str]:
        return [
            self.list.item(i).text()
            for i in range(self.list.count())
            if self.list.item(i).checkState() == Qt.CheckState.Checked
        ]

    def set_selected(self, names: Sequence[str]) -> None:
        wanted = {n.casefold() for n in names}
        self._updating = True
        try:
            for i in range(self.list.count()):
                item = self.list.item(i)
                state = item.text().casefold() in wanted
                item.setCheckState(Qt.CheckState.Checked if state else Qt.CheckState.Unchecked)
        finally:
            self._updating = False
        self._on_change()

    def select_all(self) -> None:
        self.set_selected(self.all_sites())

    def _update_summary(self) -> None:
        chosen, total = len(self.selected()), self.list.count()
        if total == 0:
            self.summary.setText("aucun site")
        elif chosen == total:
            self.summary.setText(f"tous ({total})")
        else:
            self.summary.setText(f"{chosen} sur {total}")

    def _on_change(self, *_args: object) -> None:
        if self._updating:
            return
        self._update_summary()
        self.sitesChanged.emit(self.selected())
