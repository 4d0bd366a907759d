"""Small counts masked for publication outside the funders: 1 to 4 shown "< 5".

Off by default (the funders read the exact figures). When asked for, every count from 1 to 4
of an export (the four tables, the months, the comparison, the chart data) is written "< 5";
0 stays 0 (nobody is singled out by nobody). What would let a reader work a masked count back
is masked with it: the percentage of a masked count, the change between two years where
either is masked, a ratio whose numerator or denominator is masked, and the counts in the
notes. This is primary masking only: a total left visible minus the visible parts of its row
can still bound a masked cell (between 1 and 4 it already was), as in most published tables.
No Qt here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from fractions import Fraction

from sarah.reports.comparison import ComparedValue
from sarah.reports.tables import TOTAL, Report, SiteTables

MASK = "< 5"
MASKED_SHARE = "masqué"  # a percentage (or ratio, or change) computed from a masked count
NOTICE = "Effectifs de 1 à 4 masqués (« < 5 ») pour publication"

ShownValue = int | Fraction | float | str | None


def is_small(value: object) -> bool:
    """A count from 1 to 4 (a percentage or a ratio is never one itself)."""
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 4


def count(value: int, mask: bool) -> int | str:
    """A count as written: "< 5" when masked and small."""
    return MASK if mask and is_small(value) else value


def grid_values(
    kinds: Sequence[str], values: Sequence[int | Fraction | None], mask: bool
) -> list[ShownValue]:
    """One row of a table grid (sarah.reports.grids) as written. In the people tables each
    percentage follows the count it is the share of: masked with it."""
    if not mask:
        return list(values)
    out: list[ShownValue] = []
    for i, (kind, value) in enumerate(zip(kinds, values, strict=True)):
        if kind == "share":
            out.append(MASKED_SHARE if i > 0 and is_small(values[i - 1]) else value)
        else:
            out.append(MASK if is_small(value) else value)
    return out


def change_masked(value: ComparedValue, mask: bool) -> bool:
    """The change between two years lets a reader work back either of them."""
    return mask and (is_small(value.previous) or is_small(value.current))


# What each ratio of sarah.reports.ratios is computed from (numerator, denominator).
RATIO_OPERANDS: dict[str, Callable[[SiteTables], tuple[int, ...]]] = {
    "services_per_contact": lambda t: (t.services_delivered, t.contacts_total),
    "contacts_per_person": lambda t: (t.contacts_total - t.anonymous_contacts, t.persons.total),
    "new_share": lambda t: (t.new_persons.total, t.persons.total),
    "phone_share": lambda t: (t.contacts["telephone"], t.contacts_total),
    "young_share": lambda t: (t.persons.group_total("jeunes"), t.persons.total),
}


def ratio_masked(report: Report, key: str, column: str, mask: bool) -> bool:
    """Whether the ratio ``key`` of ``column`` (a site or TOTAL) rests on a masked count; a
    ratio this module does not know is masked (safer than a leak)."""
    if not mask:
        return False
    tables = report.total if column == TOTAL else report.by_site[column]
    operands = RATIO_OPERANDS.get(key)
    return operands is None or any(is_small(n) for n in operands(tables))


def service_share_masked(report: Report, column: str, code: str, mask: bool) -> bool:
    tables = report.total if column == TOTAL else report.by_site[column]
    return mask and is_small(tables.service_count(code))


# The numbers in the sentences of Report.notes(): "3 contact(s)…", "Grésilles : 2", "(1 de moins)".
_NOTE_COUNT = re.compile(r"(^|: |\()([1-4])(?=\D|$)")


def notes(lines: Sequence[str], mask: bool) -> list[str]:
    """The report's notes with their small counts masked."""
    if not mask:
        return list(lines)
    return [_NOTE_COUNT.sub(lambda m: m.group(1) + MASK, line) for line in lines]
