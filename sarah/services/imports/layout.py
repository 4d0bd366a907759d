"""The catalogue of services a file may name, and the columns of a file (:func:`build_layout`):
which column holds which field, which are service marks, which are unknown."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sarah.services.imports.limits import (
    clip,
    count,
)
from sarah.services.imports.problems import ImportRejected, Problem, cell_text
from sarah.services.imports.words import FIELD_BY_NORM, REQUIRED, norm


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
        if not key:
            unknown.append(ci)
            continue
        fname = FIELD_BY_NORM.get(key)
        if fname is not None:
            if fname in fields:
                problems.append(
                    Problem(
                        header_line,
                        text,
                        None,
                        f"colonne en double (déjà en colonne {column_letter(fields[fname])})",
                    )
                )
            else:
                fields[fname] = ci
            continue
        si = catalogue.by_norm.get(key)
        if si is not None:
            if si in services:
                problems.append(
                    Problem(
                        header_line,
                        text,
                        None,
                        f"service en double (déjà en colonne {column_letter(services[si])})",
                    )
                )
            else:
                services[si] = ci
            continue
        unknown.append(ci)
    missing = [f for f in REQUIRED if f not in fields]
    if "visiteur" not in fields:
        missing += [f for f in ("nom", "prenom") if f not in fields]
    if missing:
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
        raise ImportRejected(
            f"Le fichier {source} n'a pas été importé : colonne{plural} obligatoire{plural} "
            f"absente{plural} : {what}{extra}. Colonnes trouvées : {found}.",
            [
                *problems,
                *(Problem(header_line, m, None, "colonne obligatoire absente") for m in missing),
            ],
            list_details=bool(problems),
        )
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


