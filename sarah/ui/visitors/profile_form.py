"""A person's profile on the Visiteurs screen: the fields, with the age and public shown as the
birth date is typed."""

from __future__ import annotations

import uuid
from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

from sarah.errors import InvalidInput, UserError
from sarah.services.visitor_history import VisitorHistory, parse_birth_date
from sarah.services.visitors import age_group, age_on
from sarah.ui.dialogs.neighbourhood_combo import NeighbourhoodCombo
from sarah.ui.style import ERROR_COLOUR
from sarah.vocabulary import AGE_GROUP_NAMES

SEX_CHOICES = (("Non renseigné", None), ("Femme", "F"), ("Homme", "H"))


class ProfileForm(QGroupBox):
    """Last name, first name, sex, birth date; the age and jeune/adulte shown as the date is typed;
    the neighbourhood where the network keeps a list of them."""

    changed = Signal()

    def __init__(self, young_age_limit: int, parent: QWidget | None = None) -> None:
        super().__init__("Fiche", parent)
        self.young_age_limit = young_age_limit
        self.last_name = QLineEdit()
        self.last_name.setMaxLength(120)
        self.first_name = QLineEdit()
        self.first_name.setMaxLength(120)
        self.sex = QComboBox()
        for label, value in SEX_CHOICES:
            self.sex.addItem(label, value)
        self.birth_date = QLineEdit()
        self.birth_date.setPlaceholderText("JJ/MM/AAAA")
        self.birth_date.setMaxLength(10)
        self.age_label = QLabel()
        self.age_label.setMinimumWidth(140)
        # Only where the network keeps a list of neighbourhoods (off by default).
        self.place = NeighbourhoodCombo([])
        self.place.setToolTip("Le quartier de résidence, d'une touche ; jamais l'adresse.")
        self.place_label = self._buddy("&Quartier", self.place)

        grid = QGridLayout(self)
        grid.addWidget(self._buddy("&Nom", self.last_name), 0, 0)
        grid.addWidget(self.last_name, 0, 1)
        grid.addWidget(self._buddy("&Prénom", self.first_name), 0, 2)
        grid.addWidget(self.first_name, 0, 3)
        grid.addWidget(self._buddy("Se&xe", self.sex), 1, 0)
        grid.addWidget(self.sex, 1, 1)
        grid.addWidget(self._buddy("Né(e) l&e", self.birth_date), 1, 2)
        born = QHBoxLayout()
        born.addWidget(self.birth_date, 1)
        born.addWidget(self.age_label)
        grid.addLayout(born, 1, 3)
        grid.addWidget(self.place_label, 2, 0)
        grid.addWidget(self.place, 2, 1)
        self.place_label.hide()
        self.place.hide()
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)

        self._loaded: tuple[str, str, str | None, str] = ("", "", None, "")
        self._loaded_place: uuid.UUID | None = None
        for edit in (self.last_name, self.first_name, self.birth_date):
            edit.textChanged.connect(self._on_change)
        self.sex.currentIndexChanged.connect(self._on_change)
        self.place.currentIndexChanged.connect(self._on_change)

    @staticmethod
    def _buddy(text: str, widget: QWidget) -> QLabel:
        label = QLabel(text)
        label.setBuddy(widget)
        return label

    def load(self, history: VisitorHistory) -> None:
        v = history.visitor
        born = f"{v.birth_date:%d/%m/%Y}" if v.birth_date else ""
        self._loaded = (v.last_name, v.first_name, v.sex, born)
        self._loaded_place = history.neighbourhood_id
        widgets = (self.last_name, self.first_name, self.sex, self.birth_date, self.place)
        for w in widgets:
            w.blockSignals(True)
        self.last_name.setText(v.last_name)
        self.first_name.setText(v.first_name)
        self.sex.setCurrentIndex(self.sex.findData(v.sex) if v.sex else 0)
        self.birth_date.setText(self._loaded[3])
        self.place.set_places(list(history.places))
        self.place.choose(history.neighbourhood_id)
        for w in widgets:
            w.blockSignals(False)
        self.place.setVisible(bool(history.places))
        self.place_label.setVisible(bool(history.places))
        self._on_change()

    def neighbourhood(self) -> uuid.UUID | None:
        """The neighbourhood chosen (None: not given)."""
        value = self.place.currentData()
        return value if isinstance(value, uuid.UUID) else None

    def values(self) -> tuple[str, str, str | None, str]:
        return (
            self.last_name.text(),
            self.first_name.text(),
            self.sex.currentData(),
            self.birth_date.text().strip(),
        )

    def is_dirty(self) -> bool:
        last, first, sex, born = self.values()
        l0, f0, s0, b0 = self._loaded
        typed = (" ".join(last.split()), " ".join(first.split()), sex, born)
        return typed != (l0, f0, s0, b0) or self.neighbourhood() != self._loaded_place

    def parsed_birth_date(self) -> date | None:
        """The typed date, None when empty; InvalidInput when incomplete or impossible."""
        text = self.birth_date.text().strip()
        if not text:
            return None
        born = parse_birth_date(text)
        if born is None:
            raise InvalidInput(f"Date de naissance « {text} » incomplète : tapez JJ/MM/AAAA.")
        return born

    def _on_change(self) -> None:
        try:
            born = self.parsed_birth_date()
        except UserError as exc:
            text = "date incomplète" if "incomplète" in exc.message else "date impossible"
            self.age_label.setText(text)
            self.age_label.setStyleSheet(f"color: {ERROR_COLOUR};")
        else:
            self.age_label.setStyleSheet("")
            if born is None:
                self.age_label.setText("âge inconnu")
            elif born > date.today():
                self.age_label.setText("date dans le futur")
                self.age_label.setStyleSheet(f"color: {ERROR_COLOUR};")
            else:
                group = age_group(born, date.today(), self.young_age_limit)
                self.age_label.setText(
                    f"{age_on(born, date.today())} ans · {AGE_GROUP_NAMES[group]}"
                )
        self.changed.emit()
