"""The top of the Statistiques screen: the period and the sites chosen, the refresh and export
buttons, and the line that says what is going on (progress bar, cancel button, status)."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from sarah.ui.reports.period_picker import PeriodPicker
from sarah.ui.reports.site_picker import SitePicker
from sarah.ui.style import ERROR_COLOUR, HINT_COLOUR, SUCCESS_COLOUR

GREEN, RED, GREY = SUCCESS_COLOUR, ERROR_COLOUR, HINT_COLOUR

# kind -> (button text, tooltip)
EXPORT_BUTTONS = {
    "xlsx": (
        "Excel…",
        "Classeur Excel : les quatre tableaux, les mois, la comparaison, les ratios et les "
        "graphiques",
    ),
    "csv": ("CSV…", "Les quatre tableaux en CSV (séparateur ;)"),
    "pdf": ("PDF…", "Document PDF A4 paysage à imprimer"),
    "docx": (
        "Word…",
        "La section du rapport d'activité : les quatre tableaux et les phrases qui les "
        "commentent, à reprendre dans Word ou LibreOffice (nombres exacts, jamais masqués)",
    ),
}
# The age groups of tables 3 and 4 (key of sarah.reports.age_bands.PROFILES, or None): the
# Mission Locale's jeunes/adultes always; a funder's bands shown below them when chosen.
AGE_PROFILES = (
    ("Jeunes / adultes", None),
    ("Jeunes / adultes + tranches FSE+", "fse"),
)
AGE_PROFILE_TIP = (
    "Les tableaux 3 et 4 comptent jeunes et adultes (seuil de la Mission Locale). Le Fonds "
    "social européen (FSE+) demande d'autres tranches : moins de 18 ans, 18-29, 30-54, 55 ans "
    "et plus. Choisies ici, elles s'ajoutent sous les tableaux et dans les exports."
)
MASK_SMALL = "Masquer les petits effectifs (« < 5 »)"
MASK_SMALL_TIP = (
    "Pour une publication hors financeurs : dans les fichiers exportés, les effectifs de 1 à 4 "
    "sont écrits « < 5 » et les pourcentages qui en dépendent « masqué » ; le fichier le dit. "
    "L'écran garde les nombres exacts. Décoché pour les financeurs."
)


class StatisticsBar(QWidget):
    """Selection on the left, sites in the middle, buttons on the right."""

    def __init__(self, parent: QWidget | None = None, *, today: date | None = None) -> None:
        super().__init__(parent)
        self.period_picker = PeriodPicker(today=today)
        self.site_picker = SitePicker()
        self.refresh_button = QPushButton("Actualiser")
        self.refresh_button.setToolTip("Recalculer avec les dernières saisies (F5)")
        self.export_buttons: dict[str, QPushButton] = {}
        for kind, (text, tooltip) in EXPORT_BUTTONS.items():
            button = QPushButton(text)
            button.setToolTip(tooltip)
            button.setEnabled(False)  # nothing to export before the figures are computed
            self.export_buttons[kind] = button
        self.age_profile = QComboBox()
        for label, key in AGE_PROFILES:
            self.age_profile.addItem(label, key)
        self.age_profile.setToolTip(AGE_PROFILE_TIP)
        self.mask_small = QCheckBox(MASK_SMALL)
        self.mask_small.setToolTip(MASK_SMALL_TIP)  # off by default: funders read exact figures

        self.progress = QProgressBar()
        self.progress.setMaximumWidth(220)
        self.progress.setTextVisible(False)
        self.progress.hide()
        self.cancel_button = QPushButton("Annuler")
        self.cancel_button.setToolTip("Arrêter le calcul en cours")
        self.cancel_button.hide()
        self.status = QLabel()
        self.status.setWordWrap(True)

        top = QHBoxLayout(self)
        top.setContentsMargins(0, 0, 0, 0)
        top.addLayout(self._selection_column(), 1)
        top.addWidget(self.site_picker)
        top.addLayout(self._buttons_column())

    def _selection_column(self) -> QVBoxLayout:
        column = QVBoxLayout()
        period_row = QHBoxLayout()
        period_row.addWidget(QLabel("Période :"))
        period_row.addWidget(self.period_picker)
        period_row.addStretch(1)
        column.addLayout(period_row)
        ages_row = QHBoxLayout()
        ages = QLabel("Â&ges :")
        ages.setBuddy(self.age_profile)
        ages_row.addWidget(ages)
        ages_row.addWidget(self.age_profile)
        ages_row.addStretch(1)
        column.addLayout(ages_row)
        status_row = QHBoxLayout()
        status_row.addWidget(self.progress)
        status_row.addWidget(self.cancel_button)
        status_row.addWidget(self.status, 1)
        column.addLayout(status_row)
        column.addStretch(1)
        return column

    def _buttons_column(self) -> QVBoxLayout:
        column = QVBoxLayout()
        column.addWidget(self.refresh_button)
        export_row = QHBoxLayout()
        export_row.addWidget(QLabel("Exporter :"))
        for button in self.export_buttons.values():
            export_row.addWidget(button)
        column.addLayout(export_row)
        column.addWidget(self.mask_small)
        column.addStretch(1)
        return column

    def profile(self) -> str | None:
        """The funder's age bands chosen (a key of sarah.reports.age_bands.PROFILES), or None."""
        key = self.age_profile.currentData()
        return str(key) if key else None

    def show_status(self, text: str, colour: str) -> None:
        self.status.setText(text)
        self.status.setStyleSheet(f"color: {colour};")

    def set_busy(self, busy: bool) -> None:
        """A computation running (progress without an end yet, cancel offered) or not."""
        if busy:
            self.progress.setRange(0, 0)
        self.progress.setVisible(busy)
        self.cancel_button.setVisible(busy)

    def show_writing(self, what: str) -> None:
        """A file being written: progress without an end, no export until it is done."""
        self.progress.setRange(0, 0)
        self.progress.show()
        self.show_status(f"{what} en cours d'écriture…", GREY)
        self.set_exports_enabled(False)

    def set_exports_enabled(self, enabled: bool) -> None:
        for button in self.export_buttons.values():
            button.setEnabled(enabled)
