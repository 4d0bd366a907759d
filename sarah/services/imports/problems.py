"""A bad cell (:class:`Problem`), the refusal listing them (:class:`ImportRejected`), and a cell
shown as the user typed it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time

from sarah.errors import InvalidInput
from sarah.services.imports.limits import (
    MAX_LISTED,
    MAX_LISTED_CHARS,
    count,
)


@dataclass(frozen=True)
class Problem:
    """One thing wrong in the file: where (line, column), what (value) and why."""

    line: int
    column: str
    value: str | None
    reason: str

    def __str__(self) -> str:
        where = f"ligne {self.line}, colonne « {self.column} »"
        if self.value is None:
            return f"{where} : {self.reason}"
        if self.value == "":
            return f"{where} : {self.reason} (cellule vide)"
        return f"{where} : {self.reason} (valeur « {self.value} »)"


class ImportRejected(InvalidInput):
    """The file was not imported, nothing was written. ``problems`` holds the first
    MAX_PROBLEMS bad cells (for a table), ``total`` counts them all; the message's details
    (printed by the command) list the first MAX_LISTED (fewer if they are long), then how many
    others there are."""

    def __init__(
        self,
        message: str,
        problems: Sequence[Problem],
        *,
        list_details: bool = True,
        total: int | None = None,
    ) -> None:
        self.problems = list(problems)
        self.total = len(self.problems) if total is None else total
        details = None
        if list_details:
            details, size = [], 0
            for p in self.problems[:MAX_LISTED]:
                text = str(p)
                size += len(text)
                if size > MAX_LISTED_CHARS:
                    break
                details.append(text)
            rest = self.total - len(details)
            if rest > 0:
                plural = "s" if rest > 1 else ""
                details.append(f"… et {count(rest)} autre{plural} problème{plural}")
        super().__init__(message, details)

    @property
    def unlisted_note(self) -> str:
        """' Les 10 000 premiers problèmes sont listés, 70 autres ne le sont pas.' or ''."""
        rest = self.total - len(self.problems)
        if rest <= 0:
            return ""
        return (
            f" Les {count(len(self.problems))} premiers problèmes sont listés, {count(rest)} "
            f"autre{'s' if rest > 1 else ''} ne le {'sont' if rest > 1 else 'est'} pas."
        )


def show(value: object) -> str:
    """A cell as the user typed it, for messages."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        if value.time() == time(0):
            return f"{value:%d/%m/%Y}"
        return f"{value:%d/%m/%Y %H:%M}"
    if isinstance(value, date):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, time):
        return f"{value:%H:%M}"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return " ".join(value.split())
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return show(value)
