"""How the report's sentences name sites and compare them (sarah.reports.sentences uses it).

- **Sites.** The seed writes "à la Fontaine d'Ouche", "aux Grésilles": whether a bare name takes
  an article cannot be known ("à Chenôve", but "aux Grésilles"), so the rule is a table of the
  names whose words are known (the two Dijon sites), the contracted preposition for a name that
  starts with an article ("Les Lentillères" -> "aux Lentillères", "Le Mail" -> "au Mail"), and
  otherwise the site named through what it is: "au Point Relais X" is French whatever X is.
- **Comparisons.** Two counts that differ by at most COMPARABLE_MARGIN of the larger are
  "comparables" (exact fractions: no floating point decides); the margin is stated once, where
  the word first appears. Three sites or more are ranked with their figures, sites with equal
  counts named together, so that a sentence is never false when sites tie.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction

from sarah.reports.tables import percent_text, round_percent
from sarah.vocabulary import count_text

COMPARABLE_MARGIN = Fraction(5, 100)
NBSP = "\u00a0"  # before "%" and inside « », so that neither is left alone at a line's end

KNOWN_PLACES = {"fontaine d'ouche": "à la Fontaine d'Ouche", "grésilles": "aux Grésilles"}
_ARTICLES = (("les ", "aux "), ("le ", "au "), ("la ", "à la "), ("l'", "à l'"))
_SITE_WORDS = ("point relais", "pr ")


def place(site: str) -> str:
    """'à la Fontaine d'Ouche', 'aux Grésilles', 'aux Lentillères', 'au Point Relais Chenôve'."""
    name = " ".join(site.split())
    key = name.casefold().replace("\u2019", "'")
    if key in KNOWN_PLACES:
        return KNOWN_PLACES[key]
    for article, preposition in _ARTICLES:
        if key.startswith(article) and len(name) > len(article):
            return preposition + name[len(article) :]
    if key.startswith(_SITE_WORDS):
        return "au " + name
    return "au Point Relais " + name


def comparable(counts: Sequence[int]) -> bool:
    """Every count within COMPARABLE_MARGIN of the largest."""
    return max(counts) - min(counts) <= COMPARABLE_MARGIN * max(counts)


def and_list(items: Sequence[str]) -> str:
    """'a', 'a et b', 'a, b et c'."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " et " + items[-1]


def percent(value: Fraction | None) -> str:
    """The tables' percentage (percent_text), its space made unbreakable."""
    return percent_text(value).replace(" ", NBSP)


def quoted(label: str) -> str:
    return f"«{NBSP}{label}{NBSP}»"


def capitalized(text: str) -> str:
    return text[:1].upper() + text[1:]


class Margin:
    """Says "(à 5 % près)" the first time counts are called comparable, and not after."""

    def __init__(self) -> None:
        self.stated = False

    def note(self) -> str:
        if self.stated:
            return ""
        self.stated = True
        return f" (à {round_percent(COMPARABLE_MARGIN)}{NBSP}% près)"


@dataclass(frozen=True)
class Measure:
    """How a compared count is named: 'les entretiens physiques', 'nombres d'entretiens…'."""

    subject: str
    of: str
    feminine: bool = False

    @property
    def more(self) -> str:
        return "plus nombreuses" if self.feminine else "plus nombreux"

    def even(self, margin: Margin) -> str:
        """'les nombres d'entretiens physiques sont comparables d'un site à l'autre (à 5 % près)'."""
        return f"les nombres {self.of} sont comparables d'un site à l'autre{margin.note()}"


def ranking(values: Sequence[tuple[str, int]], shown: Callable[[int], str] = count_text) -> str:
    """'à A (9), puis à B et à C (5 chacun), enfin à D (1)': by decreasing count, ties together
    (in display order)."""
    groups: list[tuple[int, list[str]]] = []
    for site, n in sorted(values, key=lambda v: -v[1]):  # sorted() is stable
        if groups and groups[-1][0] == n:
            groups[-1][1].append(site)
        else:
            groups.append((n, [site]))
    parts = [
        f"{and_list([place(s) for s in sites])} ({shown(n)}{' chacun' if len(sites) > 1 else ''})"
        for n, sites in groups
    ]
    if len(parts) <= 2:
        return ", puis ".join(parts)
    return f"{parts[0]}, puis {', '.join(parts[1:-1])}, enfin {parts[-1]}"


def compare_sites(
    measure: Measure,
    values: Sequence[tuple[str, int]],
    margin: Margin,
    shown: Callable[[int], str] = count_text,
) -> str:
    """One sentence comparing a count between two sites or more (a site's name, its count)."""
    if comparable([n for _s, n in values]):
        return capitalized(measure.even(margin)) + "."
    subject = capitalized(measure.subject)
    if len(values) == 2:
        (big, _), (small, _) = sorted(values, key=lambda v: -v[1])
        return f"{subject} sont {measure.more} {place(big)} qu'{place(small)}."
    return f"{subject} sont les {measure.more} {ranking(values, shown)}."
