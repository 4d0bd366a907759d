"""The checked rows of an import in compact columns (:class:`ParsedImport`), and the people found
in them (:class:`Person`)."""

from __future__ import annotations

from array import array
from dataclasses import dataclass, field
from datetime import date

from sarah.services.imports.layout import Catalogue
from sarah.services.imports.problems import Problem


@dataclass(slots=True)
class Person:
    """One person of the file, before matching to the database."""

    last_name: str
    first_name: str
    search_key: str
    birth_date: date | None
    sex: str | None
    sex_rank: int
    name_rank: int


@dataclass
class ParsedImport:
    """Every row checked, in compact columns; people grouped; keys made."""

    source: str
    description: str
    catalogue: Catalogue
    lines: array[int] = field(default_factory=lambda: array("i"))
    days: array[int] = field(default_factory=lambda: array("i"))  # date ordinals
    minutes: array[int] = field(default_factory=lambda: array("h"))
    sites: array[int] = field(default_factory=lambda: array("i"))
    channels: bytearray = field(default_factory=bytearray)
    groups: array[int] = field(default_factory=lambda: array("i"))
    combos: array[int] = field(default_factory=lambda: array("i"))
    agents: array[int] = field(default_factory=lambda: array("i"))
    keys: bytearray = field(default_factory=bytearray)  # 32 bytes per row
    site_names: list[str] = field(default_factory=list)
    site_folds: list[str] = field(default_factory=list)
    combo_services: list[tuple[int, ...]] = field(default_factory=list)
    agent_names: list[str] = field(default_factory=list)
    persons: list[Person] = field(default_factory=list)
    group_person: array[int] = field(default_factory=lambda: array("i"))
    ignored_columns: list[str] = field(default_factory=list)
    # Values kept as typed that a spreadsheet would take for formulas: the first MAX_LISTED,
    # and how many there are in all (they do not stop the import).
    warnings: list[Problem] = field(default_factory=list)
    warnings_total: int = 0
    _day_prefix: dict[int, str] = field(default_factory=dict, repr=False)

    def __len__(self) -> int:
        return len(self.lines)

    def import_key(self, i: int) -> str:
        """Contact.import_key of row ``i``: the contact's date then 224 bits of the row's
        fingerprint. Starting with the date keeps the index in date order: an import of recent
        months adds at its end instead of at random places (much faster on a large database)."""
        ordinal = self.days[i]
        prefix = self._day_prefix.get(ordinal)
        if prefix is None:
            prefix = self._day_prefix[ordinal] = date.fromordinal(ordinal).strftime("%Y%m%d")
        return prefix + self.keys[i * 32 : i * 32 + 28].hex()

    def rank(self, i: int) -> int:
        return ((self.days[i] * 1440 + self.minutes[i]) << 32) | self.lines[i]
