"""The catalogue of services a file may name, and the columns of a file (:func:`build_layout`):
which column holds which field, which are service marks, which are unknown."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from sarah.services.imports.limits import (
    clip,
    count,
)
from sarah.services.imports.problems import ImportRejected, Problem, cell_text
from sarah.services.imports.words import FIELD_BY_NORM, REQUIRED, norm

K = TypeVar("K")


@dataclass(frozen=True)
class CatalogueService:
    id: uuid.UUID
    code: str
    label: str


class Catalogue:
    """Services a file may name, by label (current label) or by stable code, compared normed."""

    def __init__(self, services: Sequence[CatalogueService]) -> None:
        self.services = list(services)
        self.by_norm: dict[str, int] = {}
        for i, s in enumerate(self.services):
            self.by_norm.setdefault(norm(s.code), i)
        for i, s in enumerate(self.services):
            self.by_norm[norm(s.label)] = i

    def codes(self, indexes: Sequence[int]) -> str:
        return ",".join(sorted(self.services[i].code for i in indexes))


@dataclass
class Layout:
    """Which column holds what, for one header row."""

    names: list[str]  # each column's name as shown to the user
    fields: dict[str, int]
    service_columns: list[tuple[int, int]]  # (column, catalogue index)
    unknown: list[int]  # columns not recognised (ignored unless they look like services)


def header_score(catalogue: Catalogue) -> Callable[[Sequence[object]], int]:
    """How many cells of a candidate header row name a known column (to find the header row)."""

    def score(cells: Sequence[object]) -> int:
        n = 0
        for c in cells:
            if isinstance(c, str) and c.strip():
                key = norm(c)
                if key in FIELD_BY_NORM or key in catalogue.by_norm:
                    n += 1
        return n

    return score


def column_letter(index: int) -> str:
    letters, n = "", index + 1
    while n:
        n, r = divmod(n - 1, 26)
        letters = chr(65 + r) + letters
    return letters


def _claim(
    columns: dict[K, int], key: K, ci: int, what: str, *, header_line: int, text: str
) -> Problem | None:
    """Record that column ``ci`` holds ``key``; a second column for it is a problem."""
    if key in columns:
        first = column_letter(columns[key])
        return Problem(header_line, text, None, f"{what} en double (déjà en colonne {first})")
    columns[key] = ci
    return None


def _missing_columns(fields: dict[str, int]) -> list[str]:
    missing = [f for f in REQUIRED if f not in fields]
    if "visiteur" not in fields:
        missing += [f for f in ("nom", "prenom") if f not in fields]
    return missing


def _refuse_missing(
    missing: list[str], names: list[str], problems: list[Problem], source: str, header_line: int
) -> ImportRejected:
    """The refusal of a file without a required column, naming the columns it has."""
    named = [n for n in names if not n.startswith("colonne ")]
    found = ", ".join(named[:20]) or "aucune"
    if len(named) > 20:
        found += f" et {count(len(named) - 20)} autres"
    what = ", ".join(f"« {m} »" for m in missing)
    plural = "s" if len(missing) > 1 else ""
    extra = (
        " (nom et prénom peuvent être remplacés par une colonne « visiteur »)"
        if {"nom", "prenom"} & set(missing)
        else ""
    )
    return ImportRejected(
        f"Le fichier {source} n'a pas été importé : colonne{plural} obligatoire{plural} "
        f"absente{plural} : {what}{extra}. Colonnes trouvées : {found}.",
        [
            *problems,
            *(Problem(header_line, m, None, "colonne obligatoire absente") for m in missing),
        ],
        list_details=bool(problems),
    )


def build_layout(
    headers: Sequence[object], catalogue: Catalogue, *, source: str, header_line: int = 1
) -> Layout:
    """Map header cells to fields and services; a missing or doubled column is refused."""
    names: list[str] = []
    fields: dict[str, int] = {}
    services: dict[int, int] = {}
    unknown: list[int] = []
    problems: list[Problem] = []
    for ci, raw in enumerate(headers):
        full = cell_text(raw)
        text = clip(full)  # as shown in messages
        names.append(text or f"colonne {column_letter(ci)} (sans en-tête)")
        key = norm(full)
        fname = FIELD_BY_NORM.get(key) if key else None
        si = catalogue.by_norm.get(key) if key and fname is None else None
        if fname is not None:
            problem = _claim(fields, fname, ci, "colonne", header_line=header_line, text=text)
        elif si is not None:
            problem = _claim(services, si, ci, "service", header_line=header_line, text=text)
        else:
            unknown.append(ci)
            continue
        if problem is not None:
            problems.append(problem)
    missing = _missing_columns(fields)
    if missing:
        raise _refuse_missing(missing, names, problems, source, header_line)
    if problems:
        raise ImportRejected(
            f"Le fichier {source} n'a pas été importé : des colonnes sont en double.", problems
        )
    return Layout(
        names=names,
        fields=fields,
        service_columns=sorted((ci, si) for si, ci in services.items()),
        unknown=unknown,
    )
