"""Checking every row of a contact import before anything is written.

Columns are recognised without regard to case, accents, spaces, underscores or hyphens; services
come either as one ``services`` column (catalogue labels separated by ``|``) or as one column per
catalogue service marked ``x``, ``1`` or ``oui``. Each value is checked and every problem is kept
(line, column, value, reason) so that the user can fix the whole file in one go.

Checked rows are stored compactly (arrays, interned sites and service sets) so that a file of a
million rows fits in a reasonable amount of memory. People are grouped by the identity rule of
docs/spec/interfaces.md; the latest row of a person (contact date and time, then line) decides
their sex and birth date when rows disagree, an empty cell never erases a value.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from sarah.services.imports.cells import CellParsers, parse_mark
from sarah.services.imports.layout import Catalogue, Layout, column_letter
from sarah.services.imports.limits import (
    MAX_CELL_CHARS,
    MAX_LISTED,
    count,
)
from sarah.services.imports.parsed import ParsedImport
from sarah.services.imports.persons import Identities
from sarah.services.imports.problems import ImportRejected, Problem, show
from sarah.services.imports.text import formula_reason, looks_like_formula, quote
from sarah.vocabulary import CHANNELS, count_text

RowProblem = tuple[int | str, object, str]  # column (index, field or words), raw cell, reason
When = tuple[int, str, int, int, int]  # day ordinal, ISO day, minute, site, channel
Who = tuple[
    str,  # sex: "F", "H" or ""
    "date | None",  # birth date
    int,  # its ordinal (0: none)
    str,  # ISO
    tuple[str, str, str | None],  # visitor identifier as stored, folded, problem
    tuple[str, str, str | None, bool],  # last name as stored, folded, problem, formula-like
    tuple[str, str, str | None, bool],  # first name
]
BAD_MARK = "valeur non reconnue pour un service : x, 1 ou oui s'il a été délivré, vide sinon"
TOO_WIDE = (
    "ligne plus longue que l'en-tête : une valeur contient-elle le séparateur sans guillemets ?"
)
_length: Callable[[Any], int] = len  # len() over cells typed as objects (str in a CSV row)
HHMM = [f"{m // 60:02d}:{m % 60:02d}" for m in range(24 * 60)]


class _UnknownColumn:
    __slots__ = ("marks", "others", "lines")

    def __init__(self) -> None:
        self.marks = 0
        self.others = 0
        self.lines: list[int] = []


# A file whose every row is wrong (the wrong file chosen) must not exhaust the memory: past this
# many problems, the others are only counted.
MAX_PROBLEMS = 10_000
DUP_BITS = 1 << 26  # 8 MiB bitmap to spot identical rows without keeping every row's content


def _birth(
    b: tuple[date, int, str] | str | None, raw: object, day: int, bad: list[RowProblem]
) -> tuple[date | None, int, str]:
    """A birth date cell read (date, ordinal, ISO), or its problem added to ``bad``; a birth
    after the contact's day (ordinal ``day``, 0: unknown) is one."""
    if isinstance(b, str):
        bad.append(("date_naissance", raw, b))
        return None, 0, ""
    if b is None:
        return None, 0, ""
    if day and b[1] > day:
        bad.append(("date_naissance", raw, "date de naissance après la date du contact"))
    return b


Name = tuple[str, str, str | None, bool]  # as stored, folded, problem, formula-like


def _check_names(
    visitor: tuple[str, str, str | None],
    last: tuple[object, Name],
    first: tuple[object, Name],
    bad: list[RowProblem],
) -> None:
    """Names are required without a visitor identifier; each name's own problem is listed."""
    (raw_last, last_name), (raw_first, first_name) = last, first
    if not visitor[0]:
        why = "obligatoire quand il n'y a pas d'identifiant visiteur"
        if not last_name[0]:
            bad.append(("nom", raw_last, f"nom manquant ({why})"))
        if not first_name[0]:
            bad.append(("prenom", raw_first, f"prénom manquant ({why})"))
    if last_name[2] is not None:
        bad.append(("nom", raw_last, last_name[2]))
    if first_name[2] is not None:
        bad.append(("prenom", raw_first, first_name[2]))


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
        self._cells = CellParsers(catalogue, self.out, self.today)
        self._identities = Identities()
        self._combo_by_mask: dict[int, int] = {}
        self._combo_codes: list[str] = []
        self._agent_index: dict[str, int] = {}
        self._unknown: dict[str, _UnknownColumn] = {}
        self._bitmap = bytearray(DUP_BITS // 8)
        self._maybe_dup: set[bytes] = set()

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
        """Check one data row; a wholly empty row is skipped. A bad row's problems are listed;
        a good one is stored (only while the file has no problem: it is refused anyway)."""
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
        bad: list[RowProblem] = []
        when = self._when(layout, cells, bad)
        who = self._who(layout, cells, bad, when[0])
        mask = self._services(layout, line, cells, bad)
        agent = self._agent(layout, cells, bad)
        if bad:
            self._refuse(layout, line, len(cells), bad)
        elif not self.problems:
            self._store(layout, line, when, who, agent, mask)

    def _when(self, layout: Layout, cells: Sequence[object], bad: list[RowProblem]) -> When:
        """Date, time, site and channel of a row: each value, or its problem added to ``bad``."""
        f, n, memo = layout.fields, len(cells), self._cells
        ci = f.get("date", n)
        raw = cells[ci] if ci < n else None
        d = memo.date[raw]
        day_ord, day_iso, date_minutes = 0, "", None
        if isinstance(d, str):
            bad.append(("date", raw, d))
        else:
            day_ord, day_iso, date_minutes = d
        ci = f.get("heure", n)
        raw = cells[ci] if ci < n else None
        t = memo.time[raw]
        minute = 0
        if isinstance(t, str):
            bad.append(("heure", raw, t))
        else:
            minute = t if t is not None else (date_minutes or 0)
        ci = f.get("site", n)
        raw = cells[ci] if ci < n else None
        site = memo.site[raw]
        if isinstance(site, str):
            bad.append(("site", raw, site))
            site = 0
        ci = f.get("canal", n)
        raw = cells[ci] if ci < n else None
        channel = memo.channel[raw]
        if isinstance(channel, str):
            bad.append(("canal", raw, channel))
            channel = 0
        return day_ord, day_iso, minute, site, channel

    def _who(self, layout: Layout, cells: Sequence[object], bad: list[RowProblem], day: int) -> Who:
        """Sex, birth date, visitor identifier and names of a row (``day``: the contact's)."""
        f, n, memo = layout.fields, len(cells), self._cells
        ci = f.get("sexe", n)
        raw = cells[ci] if ci < n else None
        sex = memo.sex[raw]
        if len(sex) > 1:
            bad.append(("sexe", raw, sex))
        ci = f.get("date_naissance", n)
        raw = cells[ci] if ci < n else None
        birth, birth_ord, birth_iso = _birth(memo.birth[raw], raw, day, bad)
        ci = f.get("visiteur", n)
        raw = cells[ci] if ci < n else None
        visitor = memo.visitor[raw]
        if visitor[2] is not None:
            bad.append(("visiteur", raw, visitor[2]))
        ci = f.get("nom", n)
        raw_last = cells[ci] if ci < n else None
        ci = f.get("prenom", n)
        raw_first = cells[ci] if ci < n else None
        last, first = memo.name[raw_last], memo.name[raw_first]
        _check_names(visitor, (raw_last, last), (raw_first, first), bad)
        return sex, birth, birth_ord, birth_iso, visitor, last, first

    def _services(
        self, layout: Layout, line: int, cells: Sequence[object], bad: list[RowProblem]
    ) -> int:
        """The row's services as a bit mask (the services column, then one column per service);
        unknown columns are tallied; cells past the header are a problem."""
        f, n, memo = layout.fields, len(cells), self._cells
        mask = 0
        if "services" in f:
            ci = f["services"]
            raw = cells[ci] if ci < n else None
            if raw is not None and not isinstance(raw, (str, int, float)):
                raw = "|".join(str(x) for x in raw)  # type: ignore[attr-defined]
            m = memo.services[raw]
            if isinstance(m, str):
                bad.append(("services", raw, m))
            else:
                mask = m
        for ci, si in layout.service_columns:
            raw = cells[ci] if ci < n else None
            mark = memo.mark[raw]
            if mark:
                mask |= 1 << si
            elif mark is None:
                bad.append((ci, raw, BAD_MARK))
        if layout.unknown:
            self._tally_unknown(layout, line, cells)
        width = len(layout.names)
        if n > width:
            extra = next((c for c in cells[width:] if c is not None and str(c).strip()), None)
            if extra is not None:
                where = f"colonne {column_letter(width)} et suivantes (sans en-tête)"
                bad.append((where, extra, TOO_WIDE))
        return mask

    def _tally_unknown(self, layout: Layout, line: int, cells: Sequence[object]) -> None:
        """Columns not recognised: is it a service column (only marks) or something ignored?"""
        n = len(cells)
        for ci in layout.unknown:
            raw = cells[ci] if ci < n else None
            if raw is None or (isinstance(raw, str) and not raw.strip()):
                continue
            stats = self._unknown.setdefault(layout.names[ci], _UnknownColumn())
            mark = parse_mark(raw)
            if mark:
                stats.marks += 1
                if len(stats.lines) < 5:
                    stats.lines.append(line)
            elif mark is None:
                stats.others += 1

    def _agent(
        self, layout: Layout, cells: Sequence[object], bad: list[RowProblem]
    ) -> tuple[str, str, str | None, bool]:
        ci = layout.fields.get("agent", len(cells))
        raw = cells[ci] if ci < len(cells) else None
        agent = self._cells.name[raw]
        if agent[2] is not None:
            bad.append(("agent", raw, agent[2]))
        return agent

    def _refuse(self, layout: Layout, line: int, width: int, bad: list[RowProblem]) -> None:
        """A bad row: its problems, in the order of the columns."""
        self.bad_rows += 1
        located = []
        for where, raw, reason in bad:
            ci = where if isinstance(where, int) else layout.fields.get(where, -1)
            column = layout.names[ci] if ci >= 0 else str(where)
            located.append((ci if ci >= 0 else width, column, raw, reason))
        located.sort(key=lambda x: x[0])
        for _, column, raw, reason in located:
            if len(self.problems) < MAX_PROBLEMS:
                self.problems.append(Problem(line, column, quote(show(raw)), reason))
            else:
                self.unlisted += 1

    def _store(
        self,
        layout: Layout,
        line: int,
        when: When,
        who: Who,
        ag: tuple[str, str, str | None, bool],
        mask: int,
    ) -> None:
        """A good row into the compact columns, with its person's group and its key."""
        day_ord, day_iso, minute, site, channel = when
        sex, birth, birth_ord, birth_iso, visitor, last, first = who
        out = self.out
        agent = ag[0]
        if last[3] or first[3] or ag[3] or site in self._cells.formula_sites:
            values = (
                ("site", out.site_names[site]),
                ("nom", last[0]),
                ("prenom", first[0]),
                ("agent", agent),
            )
            self._warn_formulas(layout, line, values)
        rank = ((day_ord * 1440 + minute) << 32) | line
        g = self._identities.group(visitor, last, first, sex, birth, birth_ord, rank)
        combo = self._combo(mask)
        a = -1
        if agent:
            a = self._agent_index.get(agent, -1)
            if a < 0:
                a = self._agent_index[agent] = len(out.agent_names)
                out.agent_names.append(agent)
        content = "\x1f".join(
            (
                day_iso,
                HHMM[minute],
                out.site_folds[site],
                CHANNELS[channel],
                last[1],
                first[1],
                sex,
                birth_iso,
                visitor[1],
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
                f"{count_text(rows)} ligne{'s' if rows > 1 else ''} en erreur"
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
        self._identities.make_persons(self.out)
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
