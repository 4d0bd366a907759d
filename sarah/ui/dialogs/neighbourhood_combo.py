"""Where a person lives, chosen by one key (the neighbourhood's desk key): the new person's
dialog, the desk's chooser and the person's page use the same combo."""

from __future__ import annotations

import html
import uuid

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QComboBox, QDialog, QLabel, QVBoxLayout, QWidget

from sarah.services.neighbourhoods.listing import NeighbourhoodInfo
from sarah.ui.style import ERROR_STYLE, HINT_COLOUR


class NeighbourhoodCombo(QComboBox):
    """Where the person lives, by one key: a neighbourhood's desk key chooses it and moves on
    (``chosen``); a key that is nobody's is refused (``refused``); Tab leaves it "non
    renseigné"."""

    chosen = Signal()
    refused = Signal(str)

    def __init__(self, places: list[NeighbourhoodInfo], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._keys: dict[str, tuple[int, str]] = {}  # desk key -> (row, label)
        self.set_places(places)

    def set_places(self, places: list[NeighbourhoodInfo]) -> None:
        """Offer ``places`` after "Non renseigné" (the list may have changed by sync)."""
        self.clear()
        self._keys.clear()
        self.addItem("Non renseigné", None)
        for place in places:
            shortcut = None if place.retired else place.shortcut  # a retired one keeps no key
            key = f"{shortcut} — " if shortcut else ""
            kind = " (QPV)" if place.priority else ""
            self.addItem(f"{key}{place.label}{kind}", place.id)
            if shortcut:
                self._keys[shortcut] = (self.count() - 1, place.label)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        text = event.text().lower()
        plain = not (
            event.modifiers()
            & ~(Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.KeypadModifier)
        )
        if plain and len(text) == 1 and text.isprintable() and not text.isspace():
            if text in self._keys:
                self.setCurrentIndex(self._keys[text][0])
                self.chosen.emit()
            else:
                self.refused.emit(event.text())
            event.accept()
            return
        super().keyPressEvent(event)

    def keys(self) -> list[str]:
        """The desk keys offered, in the list's order."""
        return list(self._keys)

    def keys_text(self) -> str:
        """'1 Fontaine d'Ouche · 2 Grésilles · 0 Hors QPV': the keys, shown beside the combo."""
        return " · ".join(f"{key} {label}" for key, (_row, label) in self._keys.items())

    def choose(self, neighbourhood_id: object) -> None:
        """Show ``neighbourhood_id`` (None or one not offered: "Non renseigné"). Qt's findData
        cannot compare Python objects such as a UUID."""
        found = [i for i in range(self.count()) if self.itemData(i) == neighbourhood_id]
        self.setCurrentIndex(found[0] if found else 0)


NEIGHBOURHOOD_KEY = "F6"  # at the desk: the chosen person's neighbourhood


class NeighbourhoodDialog(QDialog):
    """The desk's chooser for a known person: one key picks the neighbourhood and closes
    (``chosen`` carries it, None for "non renseigné"); Échap leaves it as it was."""

    chosen = Signal(object)

    def __init__(
        self,
        name: str,
        places: list[NeighbourhoodInfo],
        current: uuid.UUID | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Quartier de résidence")
        self.setModal(True)
        self.combo = NeighbourhoodCombo(places, self)
        self.combo.setObjectName("neighbourhood")
        self.combo.choose(current)
        self.error_label = QLabel(self)
        self.error_label.setStyleSheet(ERROR_STYLE)
        intro = QLabel(
            f"Où habite {html.escape(name)} ? Tapez la touche du quartier, ou Entrée pour "
            "garder le choix affiché. Jamais l'adresse.",
            self,
        )
        intro.setWordWrap(True)
        keys = QLabel(self.combo.keys_text(), self)
        keys.setTextFormat(Qt.TextFormat.PlainText)
        keys.setObjectName("keys")
        keys.setWordWrap(True)
        keys.setStyleSheet(f"color: {HINT_COLOUR};")
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.combo)
        layout.addWidget(keys)
        layout.addWidget(self.error_label)
        self.combo.chosen.connect(self._done)
        self.combo.refused.connect(
            lambda text: self.error_label.setText(
                f"La touche « {text} » n'est celle d'aucun quartier."
            )
        )
        self.setMinimumWidth(420)
        self.combo.setFocus()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._done()
            return
        super().keyPressEvent(event)

    def _done(self) -> None:
        self.chosen.emit(self.combo.currentData())
        self.accept()
