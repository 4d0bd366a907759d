"""New person, opened from the desk only after a search found nobody (the search text pre-fills it).

Name, first name, sex and a birth date typed fast: F or H, and the cursor is already in the
birth date; digits only, the slashes come by themselves; the age and "jeune"/"adulte" are shown
live, and a wrong date is said once, under the field. Where the network keeps a list of
neighbourhoods, the whole date moves on to "Quartier", chosen by one key. Before creating, likely duplicates are
listed and the agent may pick the existing person instead.
"""

from __future__ import annotations

import html
from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from sarah.errors import UserError
from sarah.services.desk.search import VisitorHit, visitor_hit
from sarah.services.desk.values import format_date_typing, looks_like_date, parse_birth_date
from sarah.services.neighbourhoods.listing import NeighbourhoodInfo, list_neighbourhoods
from sarah.services.visitors import (
    VisitorInfo,
    age_group,
    age_on,
    create_visitor,
    likely_duplicates,
)
from sarah.ui.context import AppContext
from sarah.ui.dialogs.neighbourhood_combo import NeighbourhoodCombo
from sarah.ui.style import ERROR_COLOUR, ERROR_STYLE, HINT_COLOUR, SUCCESS_COLOUR
from sarah.vocabulary import AGE_GROUP_NAMES

SEX_CHOICES = (("Non renseigné", None), ("F — femme", "F"), ("H — homme", "H"))
SEX_KEYS = {"f": "F", "h": "H"}


class SexCombo(QComboBox):
    """F or H chooses and moves on (``chosen``); a digit means the birth date has begun
    (``digit_typed``); any other letter is refused (``refused``) instead of being searched."""

    chosen = Signal()
    digit_typed = Signal(QKeyEvent)
    refused = Signal(str)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        text = event.text()
        plain = not (
            event.modifiers()
            & ~(Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.KeypadModifier)
        )
        if plain and len(text) == 1 and text.isprintable() and not text.isspace():
            if text.lower() in SEX_KEYS:
                self.setCurrentIndex(self.findData(SEX_KEYS[text.lower()]))
                self.chosen.emit()
            elif text.isdigit():
                self.digit_typed.emit(event)
            else:
                self.refused.emit(text)
            event.accept()
            return
        super().keyPressEvent(event)


def prefill_from_search(text: str) -> tuple[str, str, str]:
    """(last name, first name, birth date text) guessed from what was typed in the search."""
    text = " ".join(text.split())
    if looks_like_date(text):
        return "", "", format_date_typing(text)
    words = text.split(" ")
    last = words[0] if words else ""
    first = " ".join(words[1:])
    if last.islower():
        last = last.capitalize()
    if first.islower():
        first = "-".join(part.capitalize() for part in first.split("-"))
        first = " ".join(w[:1].upper() + w[1:] for w in first.split(" "))
    return last, first, ""


def duplicate_line(info: VisitorInfo, today: date) -> str:
    """A likely duplicate as the list shows it: name, sex, birth date and age."""
    born_word = {"F": "née", "H": "né"}.get(info.sex or "", "né(e)")
    born_text = (
        f"{born_word} le {info.birth_date:%d/%m/%Y} ({age_on(info.birth_date, today)} ans)"
        if info.birth_date
        else "date de naissance inconnue"
    )
    sex = {"F": "F", "H": "H"}.get(info.sex or "", "sexe ?")
    return f"{info.display_name} — {sex}, {born_text}"


class _DuplicatesList(QListWidget):
    choose = Signal(int)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if self.currentRow() >= 0:
                self.choose.emit(self.currentRow())
            event.accept()
            return
        super().keyPressEvent(event)


class NewVisitorDialog(QDialog):
    chosen = Signal(object)  # VisitorHit: the created person, or the existing one picked instead

    def __init__(
        self, ctx: AppContext, search_text: str = "", parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._duplicates: list[VisitorInfo] = []
        self.result_hit: VisitorHit | None = None
        self.setWindowTitle("Nouvelle personne")
        self.setModal(True)

        intro = QLabel(
            "Personne n'a été trouvé : créez sa fiche. Seul le nom est obligatoire.", self
        )
        intro.setWordWrap(True)
        self.error_label = QLabel(self)
        self.error_label.setObjectName("error")
        self.error_label.setStyleSheet(ERROR_STYLE)
        self.error_label.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(self._form())
        layout.addWidget(self.error_label)
        layout.addWidget(self._duplicates_box())
        layout.addLayout(self._buttons())
        self.setMinimumWidth(560)
        self._typing_flow()
        self._prefill(search_text)

    # --- the dialog's parts, top to bottom ---------------------------------------------------

    def _form(self) -> QFormLayout:
        """Name, first name, sex (F or H) and birth date, with the age shown under the date."""
        self.last_edit = QLineEdit(self)
        self.last_edit.setObjectName("lastName")
        self.first_edit = QLineEdit(self)
        self.first_edit.setObjectName("firstName")
        self.sex_combo = SexCombo(self)
        self.sex_combo.setObjectName("sex")
        for label, value in SEX_CHOICES:
            self.sex_combo.addItem(label, value)
        self.sex_combo.setToolTip(
            "Tapez F ou H : le curseur passe à la date de naissance (vide si non renseigné)"
        )
        self.birth_edit = QLineEdit(self)
        self.birth_edit.setObjectName("birthDate")
        self.birth_edit.setPlaceholderText("JJ/MM/AAAA — les chiffres suffisent")
        self.birth_edit.setMaxLength(10)
        self.birth_edit.setToolTip("Tapez les 8 chiffres, ex. 05031990 ; vide si inconnue")
        self.age_label = QLabel(self)
        self.age_label.setObjectName("age")
        form = QFormLayout()
        form.addRow("&Nom :", self.last_edit)
        form.addRow("&Prénom :", self.first_edit)
        form.addRow("&Sexe :", self.sex_combo)
        form.addRow("&Date de naissance :", self.birth_edit)
        form.addRow("", self.age_label)
        # Only where the network keeps a list of neighbourhoods (off by default).
        self.place_combo: NeighbourhoodCombo | None = None
        places = self._places()
        if places:
            self.place_combo = NeighbourhoodCombo(places, self)
            self.place_combo.setObjectName("neighbourhood")
            keys = ", ".join(f"{p.shortcut} {p.label}" for p in places if p.shortcut)
            self.place_combo.setToolTip(
                f"Une touche : {keys} ; Tab s'il n'est pas connu. Jamais l'adresse."
            )
            form.addRow("&Quartier :", self.place_combo)
            keys_label = QLabel(self.place_combo.keys_text(), self)
            keys_label.setTextFormat(Qt.TextFormat.PlainText)
            keys_label.setObjectName("neighbourhoodKeys")
            keys_label.setWordWrap(True)
            keys_label.setStyleSheet(f"color: {HINT_COLOUR};")
            form.addRow("", keys_label)
        return form

    def _places(self) -> list[NeighbourhoodInfo]:
        try:
            return list_neighbourhoods(self.ctx.engine, include_retired=False)
        except UserError:
            return []  # the dialog works without: the neighbourhood stays "non renseigné"

    def _duplicates_box(self) -> QFrame:
        """Likely duplicates, shown before creating: pick one, or create the person anyway."""
        self.duplicates_frame = QFrame(self)
        self.duplicates_frame.setObjectName("duplicates")
        self.duplicates_frame.setStyleSheet(
            "#duplicates { background: #fff7ed; border: 1px solid #fb923c; border-radius: 4px; }"
        )
        self.duplicates_label = QLabel(self.duplicates_frame)
        self.duplicates_label.setWordWrap(True)
        self.duplicates_list = _DuplicatesList(self.duplicates_frame)
        self.duplicates_list.setObjectName("duplicatesList")
        self.duplicates_list.setMaximumHeight(110)
        self.duplicates_list.choose.connect(self._pick_duplicate)
        self.duplicates_list.itemDoubleClicked.connect(
            lambda item: self._pick_duplicate(self.duplicates_list.row(item))
        )
        self.pick_button = QPushButton("C'est elle : la &choisir (Entrée)", self)
        self.pick_button.setAutoDefault(False)
        self.pick_button.clicked.connect(
            lambda: self._pick_duplicate(max(self.duplicates_list.currentRow(), 0))
        )
        self.create_anyway_button = QPushButton(
            "Non, c'est une autre personne : &créer la fiche", self
        )
        self.create_anyway_button.setAutoDefault(False)
        self.create_anyway_button.clicked.connect(self._create)
        buttons = QHBoxLayout()
        buttons.addWidget(self.pick_button)
        buttons.addWidget(self.create_anyway_button)
        box = QVBoxLayout(self.duplicates_frame)
        box.addWidget(self.duplicates_label)
        box.addWidget(self.duplicates_list)
        box.addLayout(buttons)
        self.duplicates_frame.hide()
        return self.duplicates_frame

    def _buttons(self) -> QHBoxLayout:
        self.create_button = QPushButton("Créer la &fiche (Entrée)", self)
        self.create_button.setObjectName("create")
        self.create_button.setDefault(True)
        self.create_button.clicked.connect(self._check_then_create)
        cancel = QPushButton("Annuler (Échap)", self)
        cancel.setAutoDefault(False)
        cancel.clicked.connect(self.reject)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.create_button)
        row.addWidget(cancel)
        return row

    def _typing_flow(self) -> None:
        """Tab order, then what typing does: F/H or a digit on Sexe moves to the birth date,
        its slashes come by themselves, and any change hides the duplicates shown."""
        QWidget.setTabOrder(self.last_edit, self.first_edit)
        QWidget.setTabOrder(self.first_edit, self.sex_combo)
        QWidget.setTabOrder(self.sex_combo, self.birth_edit)
        if self.place_combo is not None:
            QWidget.setTabOrder(self.birth_edit, self.place_combo)
            QWidget.setTabOrder(self.place_combo, self.create_button)
            self.place_combo.chosen.connect(self._place_chosen)
            self.place_combo.refused.connect(self._place_refused)
            self.place_combo.currentIndexChanged.connect(self._fields_changed)
        else:
            QWidget.setTabOrder(self.birth_edit, self.create_button)
        self.birth_edit.textEdited.connect(self._birth_typed)
        self.birth_edit.textChanged.connect(self._update_age)
        for edit in (self.last_edit, self.first_edit, self.birth_edit):
            edit.textEdited.connect(self._fields_changed)
        self.sex_combo.currentIndexChanged.connect(self._fields_changed)
        self.sex_combo.chosen.connect(self._sex_chosen)
        self.sex_combo.digit_typed.connect(self._date_begun)
        self.sex_combo.refused.connect(self._sex_refused)

    def _prefill(self, search_text: str) -> None:
        """What the search had, in its fields; the focus on the first one still to type."""
        last, first, born = prefill_from_search(search_text)
        self.last_edit.setText(last)
        self.first_edit.setText(first)
        self.birth_edit.setText(born)
        self._update_age(born)
        if not last:
            self.last_edit.setFocus()
        elif not first:
            self.first_edit.setFocus()
        else:
            self.sex_combo.setFocus()

    # --- live feedback ---------------------------------------------------------------------------

    def _sex_chosen(self) -> None:
        self.birth_edit.setFocus(Qt.FocusReason.TabFocusReason)
        self.birth_edit.selectAll()  # a date already there is replaced by what is typed next

    def _date_begun(self, event: QKeyEvent) -> None:
        """A digit typed on Sexe: the sex is not known, the birth date starts with it."""
        self.birth_edit.setFocus(Qt.FocusReason.TabFocusReason)
        self.birth_edit.end(False)
        self.birth_edit.insert(event.text())
        self._birth_typed(self.birth_edit.text())
        self._fields_changed()

    def _sex_refused(self, text: str) -> None:
        self.error_label.setText(
            f"Sexe : « {text} » ne convient pas. Tapez F (femme) ou H (homme), ou passez "
            "(Tab) s'il n'est pas connu."
        )

    def _birth_typed(self, text: str) -> None:
        formatted = format_date_typing(text)
        if formatted != text:
            self.birth_edit.setText(formatted)
            self.birth_edit.setCursorPosition(len(formatted))
        if self.place_combo is not None and len(formatted) == 10 and self._date_is_valid():
            # The date is whole: the neighbourhood's key comes next (Entrée still creates).
            self.place_combo.setFocus(Qt.FocusReason.TabFocusReason)

    def _date_is_valid(self) -> bool:
        try:
            self._birth_date()
        except UserError:
            return False
        return True

    def _place_chosen(self) -> None:
        self.create_button.setFocus(Qt.FocusReason.TabFocusReason)

    def _place_refused(self, text: str) -> None:
        assert self.place_combo is not None
        self.error_label.setText(
            f"Quartier : la touche « {text} » n'est celle d'aucun quartier. Tapez "
            f"{', '.join(self.place_combo.keys())}, ou passez (Tab) s'il n'est pas connu."
        )

    def _update_age(self, text: str) -> None:
        text = text.strip()
        if not text:
            self.age_label.setText("Date inconnue : âge « non renseigné » dans les statistiques.")
            self.age_label.setStyleSheet(f"color: {HINT_COLOUR};")
            return
        if len(text) < 10:
            self.age_label.setText("…")
            self.age_label.setStyleSheet(f"color: {HINT_COLOUR};")
            return
        try:
            born = parse_birth_date(text)
        except UserError as exc:
            self.age_label.setText(exc.message)
            self.age_label.setStyleSheet(f"color: {ERROR_COLOUR};")
            return
        today = date.today()
        group = age_group(born, today, self.ctx.settings.young_age_limit)
        self.age_label.setText(f"<b>{age_on(born, today)} ans — {AGE_GROUP_NAMES[group]}</b>")
        self.age_label.setStyleSheet(f"color: {SUCCESS_COLOUR};")

    def _fields_changed(self, *_args: object) -> None:
        self.error_label.clear()
        if self.duplicates_frame.isVisible():
            self.duplicates_frame.hide()
            self.create_button.setDefault(True)

    # --- values ----------------------------------------------------------------------------------

    def _birth_date(self) -> date | None:
        text = self.birth_edit.text().strip()
        return parse_birth_date(text) if text else None

    def _values(self) -> tuple[str, str, str | None, date | None] | None:
        """What was typed, or None once the problem is said (once, next to where to fix it)."""
        last = " ".join(self.last_edit.text().split())
        if not last:
            self.last_edit.setFocus()
            self.error_label.setText("Le nom de famille est obligatoire.")
            return None
        try:
            born = self._birth_date()
        except UserError as exc:
            # The date's problem goes under the date, where the live check already says it;
            # not a second time in the error line.
            self.error_label.clear()
            self.age_label.setText(f"<b>{html.escape(exc.message, quote=False)}</b>")
            self.age_label.setStyleSheet(f"color: {ERROR_COLOUR};")
            self.birth_edit.setFocus()
            return None
        return last, " ".join(self.first_edit.text().split()), self.sex_combo.currentData(), born

    # --- create or pick --------------------------------------------------------------------------

    def _check_then_create(self) -> None:
        values = self._values()
        if values is None:
            return
        last, first, _sex, born = values
        try:
            self._duplicates = likely_duplicates(self.ctx.engine, last, first, born)
        except UserError as exc:
            self.error_label.setText(exc.message)
            return
        if not self._duplicates:
            self._create()
            return
        self.duplicates_list.clear()
        today = date.today()
        for info in self._duplicates:
            QListWidgetItem(duplicate_line(info, today), self.duplicates_list)
        n = len(self._duplicates)
        self.duplicates_label.setText(
            f"<b>Attention : {n} fiche{'s' if n > 1 else ''} ressemble{'nt' if n > 1 else ''} "
            "à cette personne.</b> Si c'est elle, choisissez-la (Entrée) plutôt que de créer un "
            "doublon."
        )
        self.duplicates_frame.show()
        self.create_button.setDefault(False)
        self.duplicates_list.setCurrentRow(0)
        self.duplicates_list.setFocus()

    def _pick_duplicate(self, row: int) -> None:
        if not (0 <= row < len(self._duplicates)):
            return
        try:
            hit = visitor_hit(
                self.ctx.engine,
                self._duplicates[row].id,
                young_age_limit=self.ctx.settings.young_age_limit,
            )
        except UserError as exc:
            self.error_label.setText(exc.message)
            return
        self._finish(hit)

    def _create(self) -> None:
        values = self._values()
        if values is None:
            return
        last, first, sex, born = values
        try:
            info = create_visitor(
                self.ctx.engine,
                last_name=last,
                first_name=first,
                sex=sex,
                birth_date=born,
                site_id=self.ctx.site.id,
                neighbourhood_id=self.place_combo.currentData() if self.place_combo else None,
            )
            hit = visitor_hit(
                self.ctx.engine, info.id, young_age_limit=self.ctx.settings.young_age_limit
            )
        except UserError as exc:
            self.error_label.setText(f"Fiche non créée : {exc}")
            return
        self._finish(hit)

    def _finish(self, hit: VisitorHit) -> None:
        self.result_hit = hit
        self.chosen.emit(hit)
        self.accept()
