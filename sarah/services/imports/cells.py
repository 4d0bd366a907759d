"""Each field of a row parsed once per distinct cell value: a memo per field (raw cell -> its value,
or the French reason it is wrong), filled on a miss by the field's parser."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import TypeVar

from sarah.services.imports.layout import Catalogue
from sarah.services.imports.limits import (
    count,
)
from sarah.services.imports.parsed import ParsedImport
from sarah.services.imports.problems import cell_text
from sarah.services.imports.text import looks_like_formula, quote, text_problem
from sarah.services.imports.values import Bad, parse_date, parse_time
from sarah.services.imports.words import (
    CHANNEL_WORDS,
    MARK_NO,
    MARK_YES,
    MAX_NAME,
    MAX_VISITOR_ID,
    OLDEST_BIRTH,
    OLDEST_CONTACT,
    SEX_WORDS,
    norm,
)
from sarah.services.text import fold

V = TypeVar("V")


class Memo(dict[object, V]):
    """Raw cell value -> what ``parse`` made of it. A value seen once is never parsed again: a
    hit is one dict lookup in C, a miss calls ``parse`` and keeps its answer."""

    __slots__ = ("parse",)

    def __init__(self, parse: Callable[[object], V]) -> None:
        super().__init__()
        self.parse = parse

    def __missing__(self, raw: object) -> V:
        value = self[raw] = self.parse(raw)
        return value


def parse_mark(raw: object) -> bool | None:
    """A service column's cell: True (x, 1, oui), False (empty, 0, non), None (anything else)."""
    if raw is None or raw is False:
        return False
    if raw is True:
        return True
    if isinstance(raw, (int, float)):
        return True if raw == 1 else False if raw == 0 else None
    key = norm(raw)
    if key in MARK_YES:
        return True
    if key in MARK_NO:
        return False
    return None


class CellParsers:
    """One memo per field. Each parser returns the value, or the French reason (a str) why the
    cell is wrong; sites are numbered as they are first seen (``out.site_names``)."""

    def __init__(self, catalogue: Catalogue, out: ParsedImport, today: date) -> None:
        self.today = today
        self.out = out
        self._catalogue = catalogue
        self._site_by_fold: dict[str, int] = {}
        self.formula_sites: set[int] = set()  # sites whose name looks like a formula
        self.date: Memo[tuple[int, str, int | None] | str] = Memo(self._contact_date)
        self.time: Memo[int | str | None] = Memo(self._time)
        self.birth: Memo[tuple[date, int, str] | str | None] = Memo(self._birth)
        self.site: Memo[int | str] = Memo(self._site)
        self.channel: Memo[int | str] = Memo(self._channel)
        self.sex: Memo[str] = Memo(self._sex)  # "F", "H", "" or a reason (longer)
        self.services: Memo[int | str] = Memo(self._service_list)
        self.mark: Memo[bool | None] = Memo(parse_mark)
        # text as stored, folded, why it cannot be stored (or None), looks like a formula
        self.name: Memo[tuple[str, str, str | None, bool]] = Memo(self._name)
        self.visitor: Memo[tuple[str, str, str | None]] = Memo(self._visitor)

    def _contact_date(self, raw: object) -> tuple[int, str, int | None] | str:
        try:
            parsed = parse_date(raw)
        except Bad as exc:
            return str(exc)
        if parsed is None:
            return "date manquante"
        day, minutes = parsed
        if day > self.today:
            return "date dans le futur"
        if day < OLDEST_CONTACT:
            return f"date trop ancienne (avant {OLDEST_CONTACT:%Y}) : vérifiez l'année"
        return (day.toordinal(), day.isoformat(), minutes)

    def _birth(self, raw: object) -> tuple[date, int, str] | str | None:
        try:
            parsed = parse_date(raw)
        except Bad as exc:
            return str(exc).replace("date", "date de naissance", 1)
        if parsed is None:
            return None
        day = parsed[0]
        if day > self.today:
            return "date de naissance dans le futur"
        if day < OLDEST_BIRTH:
            return "date de naissance impossible (avant 1900)"
        return (day, day.toordinal(), day.isoformat())

    def _time(self, raw: object) -> int | str | None:
        try:
            return parse_time(raw)
        except Bad as exc:
            return str(exc)

    def _site(self, raw: object) -> int | str:
        name = cell_text(raw)
        if not name:
            return "site manquant"
        problem = text_problem(name, MAX_NAME, "nom de site ")
        if problem is not None:
            return problem
        folded = fold(name)
        index = self._site_by_fold.get(folded)
        if index is None:
            index = len(self.out.site_names)
            self._site_by_fold[folded] = index
            self.out.site_names.append(name)
            self.out.site_folds.append(folded)
            if looks_like_formula(name):
                self.formula_sites.add(index)
        return index

    def _channel(self, raw: object) -> int | str:
        key = norm(raw)
        if not key:
            return "canal manquant"
        value = CHANNEL_WORDS.get(key)
        if value is None:
            return "canal inconnu : physique ou téléphone (aussi P, T, tel, visite, appel)"
        return value

    def _sex(self, raw: object) -> str:
        value = SEX_WORDS.get(norm(raw))
        if value is None:
            return "sexe inconnu : F ou H (aussi femme, homme, M), vide si non renseigné"
        return value

    def _service_list(self, raw: object) -> int | str:
        text = raw if isinstance(raw, str) else cell_text(raw)
        mask, unknown = 0, []
        for piece in re.split(r"[|\n\r]+", text):
            piece = " ".join(piece.split())
            if not piece:
                continue
            si = self._catalogue.by_norm.get(norm(piece))
            if si is None:
                unknown.append(piece)
            else:
                mask |= 1 << si
        if unknown:
            names = ", ".join(f"« {quote(u)} »" for u in unknown[:5])
            if len(unknown) > 5:
                names += f" et {count(len(unknown) - 5)} autres"
            plural = "s" if len(unknown) > 1 else ""
            return f"service{plural} inconnu{plural} du catalogue : {names}"
        return mask

    def _name(self, raw: object) -> tuple[str, str, str | None, bool]:
        """A person's name or an agent: as stored, folded, why refused, formula-like."""
        text = cell_text(raw)
        return text, fold(text), text_problem(text, MAX_NAME), looks_like_formula(text)

    def _visitor(self, raw: object) -> tuple[str, str, str | None]:
        text = cell_text(raw)
        problem = text_problem(text, MAX_VISITOR_ID, "identifiant ")
        return text, fold(text), problem
