"""The completeness table of the Statistiques screen: per site and month, what may be missing
before publishing (weekdays without entries, contacts without service, people without birth
date or sex) and the late entries (docs/statistiques.md, « Complétude des saisies »).

A gap is never shown by colour alone: its cell reads "⚠ 3", in the warning colour and bold
(the model: sarah.ui.table_models.completeness), and the sentences above the table say it in
words. The table is read with the keyboard: the arrows move between cells, Tab leaves it, and
the line under it spells out the current row, dates included (the tooltip of a "Jours sans
saisie" cell gives them to the mouse).
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QAbstractItemView, QLabel, QTableView, QVBoxLayout, QWidget

from sarah.reports.completeness import TITLE, Completeness, CompletenessRow
from sarah.ui.reports.grid_table import title_label
from sarah.ui.style import HINT_COLOUR, SUCCESS_COLOUR, WARNING_COLOUR
from sarah.ui.table_models.completeness import GAP_SIGN, CompletenessModel
from sarah.vocabulary import count_of

OK_SIGN = "✓"
SHOWN_WARNINGS = 8  # sentences above the table; the table holds every gap anyway
EMPTY_TEXT = "Complétude des saisies en cours de calcul…"


def row_detail(row: CompletenessRow) -> str:
    """The current row in words (what the keyboard reader gets instead of a tooltip)."""
    where = f"{row.site}, {'toute la période' if row.whole_period else row.month}"
    phrases = row.gaps.gap_phrases()
    if row.gaps.late:
        late = count_of(row.gaps.late, "saisie tardive", "saisies tardives")
        phrases.append(f"{late} sur {count_of(row.gaps.contacts, 'contact')}")
    if not phrases:
        return f"{where} : rien à compléter."
    return f"{where} : {' ; '.join(phrases)}."


def _plain_label(text: str = "") -> QLabel:
    """A wrapped label that never reads a site's name as HTML."""
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    return label


class CompletenessView(QWidget):
    """The title, a line that says whether anything is missing, the sentences to read, the
    table, and the current row in words. Give it a :class:`Completeness` with
    :meth:`show_completeness` (None: being computed)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.completeness: Completeness | None = None
        self.title = title_label(TITLE)
        self.summary = _plain_label(EMPTY_TEXT)
        self.warnings = _plain_label()
        self.warnings.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.model = CompletenessModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName(TITLE)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setTabKeyNavigation(False)  # Tab leaves the table, arrows move inside
        self.table.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.table.setWordWrap(False)
        self.table.horizontalHeader().setDefaultAlignment(Qt.AlignmentFlag.AlignCenter)
        self.detail = _plain_label()
        self.detail.setStyleSheet(f"color: {HINT_COLOUR};")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in (self.title, self.summary, self.warnings):
            layout.addWidget(widget)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.detail)
        self.table.selectionModel().currentRowChanged.connect(self._show_detail)

    def show_completeness(self, completeness: Completeness | None) -> None:
        self.completeness = completeness
        self.model.set_rows(completeness.rows() if completeness is not None else [])
        self.detail.clear()
        if completeness is None:
            self.summary.setStyleSheet("")
            self.summary.setText(EMPTY_TEXT)
            self.warnings.clear()
            self.warnings.hide()
            return
        complete = completeness.complete
        sign, colour = (OK_SIGN, SUCCESS_COLOUR) if complete else (GAP_SIGN, WARNING_COLOUR)
        self.summary.setStyleSheet(f"color: {colour}; font-weight: 600;")
        self.summary.setText(f"{sign} {completeness.summary()}")
        sentences = completeness.warnings()
        shown = [f"• {s}" for s in sentences[:SHOWN_WARNINGS]]
        if len(sentences) > SHOWN_WARNINGS:
            shown.append(f"… et {len(sentences) - SHOWN_WARNINGS} autre(s) : voir le tableau.")
        self.warnings.setText("\n".join(shown))
        self.warnings.setVisible(bool(shown))
        self.table.resizeColumnsToContents()
        self.table.resizeRowsToContents()
        if self.model.rowCount():
            self.table.setCurrentIndex(self.model.index(0, 0))

    def _show_detail(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            self.detail.setText(row_detail(self.model.row_at(current.row())))
        else:
            self.detail.clear()
