"""Checking every row of a contact import before anything is written.

Columns are recognised without regard to case, accents, spaces, underscores or hyphens; services
come either as one ``services`` column (catalogue labels separated by ``|``) or as one column per
catalogue service marked ``x``, ``1`` or ``oui``. Each value is checked and every problem is kept
(line, column, value, reason) so that the user can fix the whole file in one go.

Checked rows are stored compactly (arrays, interned sites and service sets) so that a file of a
million rows fits in a reasonable amount of memory. People are grouped by the identity rule of
interfaces.md; the latest row of a person (contact date and time, then line) decides their sex and
birth date when rows disagree, an empty cell never erases a value.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from array import array
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from sarah.errors import InvalidInput
from sarah.services.imports.limits import (
    MAX_CELL_CHARS,
    MAX_LISTED,
    MAX_LISTED_CHARS,
    clip,
    count,
)
from sarah.services.imports.text import formula_reason, looks_like_formula, quote, text_problem
from sarah.services.text import fold, search_key

MAX_NAME = 120  # Visitor.last_name / first_name, Site.name, Contact.agent
MAX_VISITOR_ID = 100
OLDEST_CONTACT = date(1990, 1, 1)
OLDEST_BIRTH = date(1900, 1, 1)

# Column names users write, for each field (compared after norm()).
FIELD_ALIASES: dict[str, tuple[str, ...]] = {
    "date": ("date", "date du contact", "date contact", "date de contact"),
    "heure": ("heure", "heure du contact", "heure contact", "heure de contact"),
    "site": ("site", "point relais", "nom du site"),
    "canal": ("canal", "type de contact", "type contact"),
    "nom": ("nom", "nom de famille"),
    "prenom": ("prenom",),
    "sexe": ("sexe", "genre"),
    "date_naissance": ("date naissance", "date de naissance", "naissance", "ne le", "nee le"),
    "visiteur": ("visiteur", "id visiteur", "identifiant", "identifiant visiteur", "n visiteur"),
    "services": ("services", "service", "services delivres", "services rendus"),
    "agent": ("agent", "agent d'accueil", "saisi par"),
}
REQUIRED = ("date", "site", "canal")

CHANNEL_WORDS = {
    "physique": 0,
    "p": 0,
    "visite": 0,
    "presentiel": 0,
    "surplace": 0,
    "entretienphysique": 0,
    "telephone": 1,
    "telephonique": 1,
    "t": 1,
    "tel": 1,
    "appel": 1,
    "entretientelephonique": 1,
}
CHANNELS = ("physique", "telephone")
SEX_WORDS = {
    "f": "F",
    "femme": "F",
    "feminin": "F",
    "mme": "F",
    "madame": "F",
    "mlle": "F",
    "h": "H",
    "homme": "H",
    "m": "H",
    "masculin": "H",
    "monsieur": "H",
    "mr": "H",
    "": "",
    "nr": "",
    "nonrenseigne": "",
    "inconnu": "",
    "?": "",
}
MARK_YES = frozenset({"x", "1", "oui", "vrai", "true"})
MARK_NO = frozenset({"", "0", "non", "faux", "false"})

_NORM_DROP = re.compile(r"[\s_\-'’‘`.]+")
_FR_DATE = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})(?:[ T]+(.+))?")
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]+(.+))?")
_TIME = re.compile(r"(\d{1,2})\s*[:hH]\s*(\d{2})?(?:\s*:\s*(\d{2})(?:[.,]\d+)?)?")
_HHMM = [f"{m // 60:02d}:{m % 60:02d}" for m in range(24 * 60)]

# A file whose every row is wrong (the wrong file chosen) must not exhaust the memory: past this
# many problems, the others are only counted.
MAX_PROBLEMS = 10_000
DUP_BITS = 1 << 26  # 8 MiB bitmap to spot identical rows without keeping every row's content


_length: Callable[[Any], int] = len  # len() over cells typed as objects (str in a CSV row)


def norm(text: object) -> str:
    """Compare column names and labels: 'Date_de naissance' == 'date de naissance' == 'DATEDENAISSANCE'."""
    return _NORM_DROP.sub("", fold(str(text))) if text is not None else ""


FIELD_BY_NORM = {norm(a): f for f, aliases in FIELD_ALIASES.items() for a in aliases}


# --- problems -----------------------------------------------------------------------------------


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


def _count(n: int) -> str:
    return f"{n:,}".replace(",", " ")


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


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return " ".join(value.split())
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return show(value)


# --- the catalogue and the columns ---------------------------------------------------------------


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
        full = _text(raw)
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


# --- values ---------------------------------------------------------------------------------------


class Bad(Exception):
    """A value that cannot be accepted; the message is the French reason."""


def parse_time_text(text: str) -> int:
    m = _TIME.fullmatch(text)
    if m is None:
        raise Bad("heure illisible : écrivez HH:MM")
    h, mi = int(m.group(1)), int(m.group(2) or 0)
    if h > 23 or mi > 59:
        raise Bad("heure impossible")
    return h * 60 + mi


def parse_time(value: object) -> int | None:
    """Minutes since midnight, None when empty."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.hour * 60 + value.minute
    if isinstance(value, time):
        return value.hour * 60 + value.minute
    if isinstance(value, timedelta):
        if timedelta(0) <= value < timedelta(days=1):
            return int(value.total_seconds()) // 60
        raise Bad("heure impossible")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 0 <= value < 1:  # an Excel time without its format: a fraction of a day
            return min(int(round(value * 1440)), 1439)
        raise Bad("heure illisible : écrivez HH:MM")
    text = str(value).strip()
    if not text:
        return None
    return parse_time_text(text)


def parse_date(value: object) -> tuple[date, int | None] | None:
    """(date, minutes or None when the cell has no time part); None when empty."""
    if value is None:
        return None
    if isinstance(value, datetime):
        minutes: int | None = value.hour * 60 + value.minute
        return value.date(), (minutes or None)
    if isinstance(value, date):
        return value, None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 20000 <= value < 80000:  # an Excel date without its format (serial number)
            return date(1899, 12, 30) + timedelta(days=int(value)), None
        raise Bad("date illisible : écrivez JJ/MM/AAAA ou AAAA-MM-JJ")
    text = str(value).strip()
    if not text:
        return None
    m = _FR_DATE.fullmatch(text)
    if m is not None:
        d, mo, y, rest = int(m.group(1)), int(m.group(2)), int(m.group(3)), m.group(4)
    else:
        m = _ISO_DATE.fullmatch(text)
        if m is None:
            raise Bad("date illisible : écrivez JJ/MM/AAAA (année sur 4 chiffres) ou AAAA-MM-JJ")
        y, mo, d, rest = int(m.group(1)), int(m.group(2)), int(m.group(3)), m.group(4)
    try:
        day = date(y, mo, d)
    except ValueError:
        raise Bad("date impossible : ce jour n'existe pas") from None
    minutes = None
    if rest:
        try:
            minutes = parse_time_text(rest.strip()) or None
        except Bad:
            raise Bad("date illisible : écrivez JJ/MM/AAAA ou AAAA-MM-JJ") from None
    return day, minutes


# --- the checked rows ------------------------------------------------------------------------------


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


class _UnknownColumn:
    __slots__ = ("marks", "others", "lines")

    def __init__(self) -> None:
        self.marks = 0
        self.others = 0
        self.lines: list[int] = []


class RowChecker:
    """Feed rows with :meth:`add`, then :meth:`finish` — raises :class:`ImportRejected` if any is bad."""

    def __init__(self, catalogue: Catalogue, *, source: str, today: date | None = None) -> None:
        self.source = source
        self.today = today or date.today()
        self.out = ParsedImport(source=source, description="", catalogue=catalogue)
        self.problems: list[Problem] = []
        self.bad_rows = 0
        self.unlisted = 0  # problems past MAX_PROBLEMS, counted only
        self.header_line = 1
        self._catalogue = catalogue
        # Cached conversions: the value, or the French reason why the cell is wrong (a str).
        self._dates: dict[object, tuple[int, str, int | None] | str] = {}
        self._times: dict[object, int | str | None] = {}
        self._births: dict[object, tuple[date, int, str] | str | None] = {}
        self._sites: dict[object, int | str] = {}
        self._site_by_fold: dict[str, int] = {}
        self._channels: dict[object, int | str] = {}
        self._sexes: dict[object, str] = {}  # "F", "H", "" or a reason (longer)
        self._services: dict[object, int | str] = {}
        self._marks: dict[object, bool | None] = {}
        # text as stored, folded, why it cannot be stored (or None), looks like a formula
        self._names: dict[object, tuple[str, str, str | None, bool]] = {}
        self._agents: dict[object, tuple[str, str, str | None, bool]] = {}
        self._visitors: dict[object, tuple[str, str, str | None]] = {}
        self._formula_sites: set[int] = set()
        self._combo_by_mask: dict[int, int] = {}
        self._combo_codes: list[str] = []
        self._agent_index: dict[str, int] = {}
        self._group_index: dict[tuple[object, ...], int] = {}
        self._g_last: list[str] = []
        self._g_first: list[str] = []
        self._g_name_rank: list[int] = []
        self._g_sex: list[str] = []
        self._g_sex_rank: list[int] = []
        self._g_birth: list[date | None] = []
        self._g_birth_rank: list[int] = []
        self._g_visitor: list[str] = []
        self._unknown: dict[str, _UnknownColumn] = {}
        self._bitmap = bytearray(DUP_BITS // 8)
        self._maybe_dup: set[bytes] = set()

    # -- cached conversions: a cell value seen once is never parsed again --

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
        name = _text(raw)
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
                self._formula_sites.add(index)
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
        text = raw if isinstance(raw, str) else _text(raw)
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

    def _mark(self, raw: object) -> bool | None:
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

    def _name(self, raw: object) -> tuple[str, str, str | None, bool]:
        """A person's name or an agent: as stored, folded, why refused, formula-like."""
        text = _text(raw)
        return text, fold(text), text_problem(text, MAX_NAME), looks_like_formula(text)

    def _visitor(self, raw: object) -> tuple[str, str, str | None]:
        text = _text(raw)
        problem = text_problem(text, MAX_VISITOR_ID, "identifiant ")
        return text, fold(text), problem

    def _oversized(self, layout: Layout, line: int, cells: Sequence[object]) -> bool:
        """Report each cell over a spreadsheet's 32,767 characters; True if there was one."""
        located = []
        for ci, c in enumerate(cells):
            if isinstance(c, str) and len(c) > MAX_CELL_CHARS:
                column = (
                    layout.names[ci]
                    if ci < len(layout.names)
                    else f"colonne {column_letter(ci)} (sans en-tête)"
                )
                reason = (
                    f"cellule trop longue ({count(len(c))} caractères ; un tableur en permet "
                    f"{count(MAX_CELL_CHARS)} au plus)"
                )
                located.append(Problem(line, column, quote(c), reason))
        if not located:
            return False
        self.bad_rows += 1
        for problem in located:
            if len(self.problems) < MAX_PROBLEMS:
                self.problems.append(problem)
            else:
                self.unlisted += 1
        return True

    def _warn_formulas(self, layout: Layout, line: int, values: Sequence[tuple[str, str]]) -> None:
        """One warning per value that a spreadsheet would read as a formula (kept as text)."""
        out = self.out
        for name, text in values:
            if not looks_like_formula(text):
                continue
            out.warnings_total += 1
            if len(out.warnings) < MAX_LISTED:
                column = layout.names[layout.fields[name]]
                out.warnings.append(Problem(line, column, quote(text), formula_reason(text)))

    def _combo(self, mask: int) -> int:
        index = self._combo_by_mask.get(mask)
        if index is None:
            members = tuple(i for i in range(mask.bit_length()) if mask >> i & 1)
            index = len(self.out.combo_services)
            self._combo_by_mask[mask] = index
            self.out.combo_services.append(members)
            self._combo_codes.append(self._catalogue.codes(members))
        return index

    # -- rows --

    def add(self, layout: Layout, line: int, cells: Sequence[object]) -> None:
        """Check one data row; a wholly empty row is skipped."""
        n = len(cells)
        for c in cells:
            if c is not None and (not isinstance(c, str) or c.strip()):
                break
        else:
            return
        try:  # a CSV row is only text: one pass in C
            chars = sum(map(_length, cells))
        except TypeError:  # typed cells (xlsx: numbers, dates, None)
            chars = sum(len(c) for c in cells if isinstance(c, str))
        if chars > MAX_CELL_CHARS and self._oversized(layout, line, cells):
            return
        f = layout.fields
        bad: list[tuple[int | str, object, str]] = []

        def cell(name: str) -> object:
            ci = f.get(name, -1)
            return cells[ci] if 0 <= ci < n else None

        raw_date = cell("date")
        d = self._dates.get(raw_date)
        if d is None:
            d = self._dates[raw_date] = self._contact_date(raw_date)
        # Each check keeps the good value under a typed name (a wrong row is refused below).
        day_ord, day_iso, date_minutes = 0, "", None
        if isinstance(d, str):
            bad.append(("date", raw_date, d))
        else:
            day_ord, day_iso, date_minutes = d

        raw_time = cell("heure")
        t = self._times.get(raw_time, -1)
        if t == -1:
            t = self._times[raw_time] = self._time(raw_time)
        minute = 0
        if isinstance(t, str):
            bad.append(("heure", raw_time, t))
        else:
            minute = t if t is not None else (date_minutes or 0)

        raw_site = cell("site")
        s = self._sites.get(raw_site)
        if s is None:
            s = self._sites[raw_site] = self._site(raw_site)
        site = 0
        if isinstance(s, str):
            bad.append(("site", raw_site, s))
        else:
            site = s

        raw_channel = cell("canal")
        ch = self._channels.get(raw_channel)
        if ch is None:
            ch = self._channels[raw_channel] = self._channel(raw_channel)
        channel = 0
        if isinstance(ch, str):
            bad.append(("canal", raw_channel, ch))
        else:
            channel = ch

        raw_sex = cell("sexe")
        sex = self._sexes.get(raw_sex)
        if sex is None:
            sex = self._sexes[raw_sex] = self._sex(raw_sex)
        if len(sex) > 1:
            bad.append(("sexe", raw_sex, sex))

        raw_birth = cell("date_naissance")
        b = self._births.get(raw_birth, -1)
        if b == -1:
            b = self._births[raw_birth] = self._birth(raw_birth)
        birth, birth_ord, birth_iso = None, 0, ""
        if isinstance(b, str):
            bad.append(("date_naissance", raw_birth, b))
        elif isinstance(b, tuple):
            birth, birth_ord, birth_iso = b
            if isinstance(d, tuple) and birth_ord > d[0]:
                bad.append(
                    ("date_naissance", raw_birth, "date de naissance après la date du contact")
                )

        raw_visitor = cell("visiteur")
        vis = self._visitors.get(raw_visitor)
        if vis is None:
            vis = self._visitors[raw_visitor] = self._visitor(raw_visitor)
        visitor = vis[0]
        if vis[2] is not None:
            bad.append(("visiteur", raw_visitor, vis[2]))
        raw_last, raw_first = cell("nom"), cell("prenom")
        last = self._names.get(raw_last)
        if last is None:
            last = self._names[raw_last] = self._name(raw_last)
        first = self._names.get(raw_first)
        if first is None:
            first = self._names[raw_first] = self._name(raw_first)
        if not visitor:
            why = "obligatoire quand il n'y a pas d'identifiant visiteur"
            if not last[0]:
                bad.append(("nom", raw_last, f"nom manquant ({why})"))
            if not first[0]:
                bad.append(("prenom", raw_first, f"prénom manquant ({why})"))
        if last[2] is not None:
            bad.append(("nom", raw_last, last[2]))
        if first[2] is not None:
            bad.append(("prenom", raw_first, first[2]))

        mask = 0
        if "services" in f:
            raw_services = cell("services")
            if raw_services is not None and not isinstance(raw_services, (str, int, float)):
                raw_services = "|".join(str(x) for x in raw_services)  # type: ignore[attr-defined]
            m = self._services.get(raw_services)
            if m is None:
                m = self._services[raw_services] = self._service_list(raw_services)
            if isinstance(m, str):
                bad.append(("services", raw_services, m))
            else:
                mask = m
        for ci, si in layout.service_columns:
            raw = cells[ci] if ci < n else None
            mark = self._marks.get(raw, 2)
            if mark == 2:
                mark = self._marks[raw] = self._mark(raw)
            if mark:
                mask |= 1 << si
            elif mark is None:
                bad.append(
                    (
                        ci,
                        raw,
                        "valeur non reconnue pour un service : x, 1 ou oui s'il a été délivré, vide sinon",
                    )
                )
        for ci in layout.unknown:
            raw = cells[ci] if ci < n else None
            if raw is None or (isinstance(raw, str) and not raw.strip()):
                continue
            stats = self._unknown.setdefault(layout.names[ci], _UnknownColumn())
            mark = self._mark(raw)
            if mark:
                stats.marks += 1
                if len(stats.lines) < 5:
                    stats.lines.append(line)
            elif mark is None:
                stats.others += 1

        width = len(layout.names)
        if n > width:
            extra = next((c for c in cells[width:] if c is not None and str(c).strip()), None)
            if extra is not None:
                bad.append(
                    (
                        f"colonne {column_letter(width)} et suivantes (sans en-tête)",
                        extra,
                        "ligne plus longue que l'en-tête : une valeur contient-elle le "
                        "séparateur sans guillemets ?",
                    )
                )

        raw_agent = cell("agent")
        ag = self._agents.get(raw_agent)
        if ag is None:
            ag = self._agents[raw_agent] = self._name(raw_agent)
        agent = ag[0]
        if ag[2] is not None:
            bad.append(("agent", raw_agent, ag[2]))

        if bad:
            self.bad_rows += 1
            located = []
            for where, raw, reason in bad:
                ci = where if isinstance(where, int) else f.get(where, -1)
                column = layout.names[ci] if ci >= 0 else str(where)
                located.append((ci if ci >= 0 else len(cells), column, raw, reason))
            located.sort(key=lambda x: x[0])  # in the order of the columns
            for _, column, raw, reason in located:
                if len(self.problems) < MAX_PROBLEMS:
                    self.problems.append(Problem(line, column, quote(show(raw)), reason))
                else:
                    self.unlisted += 1
            return
        if self.problems:
            return  # the import is refused anyway: keep checking, stop storing
        if last[3] or first[3] or ag[3] or (self._formula_sites and site in self._formula_sites):
            self._warn_formulas(
                layout,
                line,
                (
                    ("site", self.out.site_names[site]),
                    ("nom", last[0]),
                    ("prenom", first[0]),
                    ("agent", agent),
                ),
            )

        visitor_fold = vis[1]
        rank = ((day_ord * 1440 + minute) << 32) | line

        gkey = ("v", visitor_fold) if visitor else ("n", last[1], first[1], birth_ord)
        g = self._group_index.get(gkey)
        if g is None:
            g = self._group_index[gkey] = len(self._g_last)
            self._g_last.append("")
            self._g_first.append("")
            self._g_name_rank.append(-1)
            self._g_sex.append("")
            self._g_sex_rank.append(-1)
            self._g_birth.append(None)
            self._g_birth_rank.append(-1)
            self._g_visitor.append(visitor)
        if last[0] and rank > self._g_name_rank[g]:
            self._g_last[g], self._g_first[g], self._g_name_rank[g] = last[0], first[0], rank
        if sex and rank > self._g_sex_rank[g]:
            self._g_sex[g], self._g_sex_rank[g] = sex, rank
        if birth is not None and rank > self._g_birth_rank[g]:
            self._g_birth[g], self._g_birth_rank[g] = birth, rank

        combo = self._combo(mask)
        if agent:
            a = self._agent_index.get(agent)
            if a is None:
                a = self._agent_index[agent] = len(self.out.agent_names)
                self.out.agent_names.append(agent)
        else:
            a = -1

        content = "\x1f".join(
            (
                day_iso,
                _HHMM[minute],
                self.out.site_folds[site],
                CHANNELS[channel],
                last[1],
                first[1],
                sex,
                birth_iso,
                visitor_fold,
                self._combo_codes[combo],
                ag[1],
            )
        )
        digest = hashlib.sha256(content.encode("utf-8")).digest()
        h = int.from_bytes(digest[:4], "little") % DUP_BITS
        bit = 1 << (h & 7)
        if self._bitmap[h >> 3] & bit:
            self._maybe_dup.add(digest)
        else:
            self._bitmap[h >> 3] |= bit

        out = self.out
        out.lines.append(line)
        out.days.append(day_ord)
        out.minutes.append(minute)
        out.sites.append(site)
        out.channels.append(channel)
        out.groups.append(g)
        out.combos.append(combo)
        out.agents.append(a)
        out.keys += digest

    def finish(self) -> ParsedImport:
        """The checked rows, or :class:`ImportRejected` naming every problem."""
        for name, stats in self._unknown.items():
            if stats.marks and not stats.others:
                where = ", ".join(str(x) for x in stats.lines)
                more = f" et {stats.marks - len(stats.lines)} autres" if stats.marks > 5 else ""
                self.problems.append(
                    Problem(
                        self.header_line,
                        name,
                        None,
                        "service inconnu du catalogue (colonne cochée aux lignes "
                        f"{where}{more}) : corrigez le nom de la colonne ou ajoutez ce service "
                        "au catalogue",
                    )
                )
            else:
                self.out.ignored_columns.append(name)
        if self.problems:
            self.problems.sort(key=lambda p: p.line)
            rows = self.bad_rows
            what = (
                f"{_count(rows)} ligne{'s' if rows > 1 else ''} en erreur"
                if rows
                else "une colonne en erreur"
            )
            raise ImportRejected(
                f"Le fichier {self.source} n'a pas été importé ({what}, rien n'a été "
                "enregistré). Corrigez ces points puis importez-le à nouveau :",
                self.problems,
                total=len(self.problems) + self.unlisted,
            )
        self._number_identical_rows()
        self._make_persons()
        self._bitmap = bytearray()
        return self.out

    def _number_identical_rows(self) -> None:
        """Identical rows are distinct contacts: the 2nd, 3rd… get a key with their rank."""
        if not self._maybe_dup:
            return
        keys, seen = self.out.keys, dict.fromkeys(self._maybe_dup, 0)
        for i in range(len(self.out)):
            digest = bytes(keys[i * 32 : i * 32 + 32])
            count = seen.get(digest)
            if count is None:
                continue
            seen[digest] = count + 1
            if count:
                keys[i * 32 : i * 32 + 32] = hashlib.sha256(digest + b"#%d" % count).digest()

    def _make_persons(self) -> None:
        """Groups of rows -> people: groups with the same folded name and birth date are one."""
        index: dict[tuple[str, int], int] = {}
        persons = self.out.persons
        group_person = self.out.group_person
        for g in range(len(self._g_last)):
            last, first = self._g_last[g], self._g_first[g]
            if not last:  # only an identifier in the source file
                last, first = f"Visiteur {self._g_visitor[g]}", ""
            birth = self._g_birth[g]
            key = (search_key(last, first), birth.toordinal() if birth else 0)
            sex = self._g_sex[g] or None
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
                        sex_rank=self._g_sex_rank[g],
                        name_rank=self._g_name_rank[g],
                    )
                )
            else:
                person = persons[p]
                if self._g_name_rank[g] > person.name_rank:
                    person.last_name, person.first_name = last, first
                    person.name_rank = self._g_name_rank[g]
                if sex and self._g_sex_rank[g] > person.sex_rank:
                    person.sex, person.sex_rank = sex, self._g_sex_rank[g]
            group_person.append(p)
