"""Person identity over the rows: rows grouped by visitor identifier or by folded name and birth
date; the latest row of a group decides its name, sex and birth date; groups then become people."""

from __future__ import annotations

from datetime import date

from sarah.services.imports.parsed import ParsedImport, Person
from sarah.services.text import search_key


class Identities:
    """Rows grouped by person as they are added (:meth:`group`); :meth:`make_persons` at the end.

    A group is a visitor identifier, or a folded last name, first name and birth date. For each
    group the latest row (contact date and time, then line) with a value decides the name, the sex
    and the birth date: an empty cell never erases a value."""

    def __init__(self) -> None:
        self._index: dict[tuple[object, ...], int] = {}
        self._last: list[str] = []
        self._first: list[str] = []
        self._name_rank: list[int] = []
        self._sex: list[str] = []
        self._sex_rank: list[int] = []
        self._birth: list[date | None] = []
        self._birth_rank: list[int] = []
        self._visitor: list[str] = []

    def group(
        self,
        visitor: tuple[str, str, str | None],
        last: tuple[str, str, str | None, bool],
        first: tuple[str, str, str | None, bool],
        sex: str,
        birth: date | None,
        birth_ord: int,
        rank: int,
    ) -> int:
        """The group of a row (as stored, folded...); its values kept when the row is the latest."""
        key = ("v", visitor[1]) if visitor[0] else ("n", last[1], first[1], birth_ord)
        g = self._index.get(key)
        if g is None:
            g = self._index[key] = len(self._last)
            self._last.append("")
            self._first.append("")
            self._name_rank.append(-1)
            self._sex.append("")
            self._sex_rank.append(-1)
            self._birth.append(None)
            self._birth_rank.append(-1)
            self._visitor.append(visitor[0])
        if last[0] and rank > self._name_rank[g]:
            self._last[g], self._first[g], self._name_rank[g] = last[0], first[0], rank
        if sex and rank > self._sex_rank[g]:
            self._sex[g], self._sex_rank[g] = sex, rank
        if birth is not None and rank > self._birth_rank[g]:
            self._birth[g], self._birth_rank[g] = birth, rank
        return g

    def make_persons(self, out: ParsedImport) -> None:
        """Groups of rows -> people: groups with the same folded name and birth date are one."""
        index: dict[tuple[str, int], int] = {}
        persons = out.persons
        group_person = out.group_person
        for g in range(len(self._last)):
            last, first = self._last[g], self._first[g]
            if not last:  # only an identifier in the source file
                last, first = f"Visiteur {self._visitor[g]}", ""
            birth = self._birth[g]
            key = (search_key(last, first), birth.toordinal() if birth else 0)
            sex = self._sex[g] or None
            p = index.get(key)
            if p is None:
                p = index[key] = len(persons)
                persons.append(
                    Person(
                        last_name=last,
                        first_name=first,
                        search_key=key[0],
                        birth_date=birth,
                        sex=sex,
                        sex_rank=self._sex_rank[g],
                        name_rank=self._name_rank[g],
                    )
                )
            else:
                person = persons[p]
                if self._name_rank[g] > person.name_rank:
                    person.last_name, person.first_name = last, first
                    person.name_rank = self._name_rank[g]
                if sex and self._sex_rank[g] > person.sex_rank:
                    person.sex, person.sex_rank = sex, self._sex_rank[g]
            group_person.append(p)
