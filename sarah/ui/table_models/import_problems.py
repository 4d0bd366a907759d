"""The bad cells of a refused import file as a table (Fichier > Importer): line, column, value, why;
copied as tab-separated text that pastes into a spreadsheet."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from sarah.services.imports.problems import Problem
from sarah.ui.table_models.list_model import ListTableModel


def _value_text(problem: Problem) -> str:
    """An empty cell is said "(vide)"; a missing column has no value at all."""
    if problem.value is None:
        return ""
    return problem.value if problem.value != "" else "(vide)"


# Column -> its text, in the order of ProblemsModel.HEADERS.
CELL_TEXT: tuple[Callable[[Problem], str], ...] = (
    lambda p: str(p.line),
    lambda p: p.column,
    _value_text,
    lambda p: p.reason,
)


class ProblemsModel(ListTableModel[Problem]):
    """Every bad cell of a refused file: line, column, value, why."""

    LINE, COLUMN, VALUE, REASON = range(4)
    HEADERS = ("Ligne", "Colonne", "Valeur", "Problème")
    RIGHT = frozenset({LINE})

    def set_problems(self, problems: Sequence[Problem]) -> None:
        self.set_rows(problems)

    def problems(self) -> list[Problem]:
        return self.rows()

    @staticmethod
    def text(problem: Problem, column: int) -> str:
        return CELL_TEXT[column](problem)

    def cell(self, item: Problem, column: int, role: int) -> Any:
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self.text(item, column)
        if role == Qt.ItemDataRole.ForegroundRole and column == self.VALUE and item.value == "":
            return QColor("#6b7280")
        return None

    def as_text(self, rows: Sequence[int] | None = None) -> str:
        """Tab-separated, with a header line: pastes into a spreadsheet as a table."""
        chosen = range(self.rowCount()) if rows is None else sorted(rows)
        lines = ["\t".join(self.HEADERS)]
        for row in chosen:
            problem = self.row_at(row)
            lines.append(
                "\t".join(" ".join(self.text(problem, c).split()) for c in range(len(self.HEADERS)))
            )
        return "\n".join(lines) + "\n"
