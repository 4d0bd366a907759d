"""Names that sound alike or nearly spell the same: the tolerant half of finding a person.

The desks see names of French, Maghrebi, West-African, Turkish and Comorian families, each
written as some office heard it: Mohamed / Mohammed / Mohamad / Muhammad, Diallo / Dialo,
Traoré / Traore, Ben Ali / Benali, Jean-Pierre / Jean Pierre. Two helps, both on the folded
letters of a name (case, accents, spaces, hyphens and apostrophes do not count):

- a phonetic code written for those names (no maintained library does French: jellyfish's
  soundex and metaphone are English): doubled letters, silent h, ph/f, c/k/qu, ch/sh, dj/j,
  y/i, w/v, s/z, a silent final e, s, t or x, and vowels reduced to three classes (a/e, i, o/u),
  so that the vowel a clerk heard in Mohamed, Muhammad or Mouhamad does not count;
- one typo: an edit distance (rapidfuzz's OSA, where swapping two letters is one typo) of at
  most 1 on a word of 4 letters or more, 2 from 8 letters; from 6 letters typed, to the start
  of a longer name too (the agent is still typing).

What is stored on each visitor (sarah.schema): for the last name and for the first name,
``"<code> <letters>"`` (``"dilo diallo"``), whose first letter groups the names a typed word
is compared with, and the person's ``sound_key`` (both codes, ``"dilo mamado"``), on which the
duplicate checks group people. Pure functions: no database here.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable
from functools import lru_cache

from rapidfuzz import process
from rapidfuzz.distance import OSA, Prefix

from sarah.services.text import fold

MIN_SOUND_LETTERS = 3  # a shorter word is only ever matched as typed
MIN_TYPO_LETTERS = 4  # one typo from 4 letters
MIN_PREFIX_TYPO_LETTERS = 6  # a typo away from the start of a name, from 6 letters
LONG_WORD = 8  # two typos from 8 letters

# Rank of a typed word's match, best first: spelled as typed, sounds alike, one typo, two.
SPELLED, SOUNDS, ONE_TYPO, TWO_TYPOS = range(4)

_WORD = re.compile(r"[^\W\d_]+")

# In this order: the spellings of one sound made one; what comes first makes later rules simpler
# (ch before c, gu before g, h last). Capitals mark a sound already settled, that later rules
# must leave alone (the ch of Chérif is not the x of Alexis, the g of Guérin stays hard).
_RULES = tuple(
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        (r"(.)\1+", r"\1"),  # doubled letters: Diallo / Dialo, Mohammed / Mohamed
        (r"(?<=..)(e?[stx]|e)$", ""),  # silent ending: Traoré / Traore / Traoret, Dubois
        (r"^ou(?=[aei])", "v"),  # Oualid / Walid, Ouedraogo / Wedraogo
        (r"sch|tch|sh", "X"),  # Schmitt, Sasha / Sacha
        (r"ch(?=[lrmnt])", "k"),  # Chloé, Christophe
        (r"ch", "X"),  # Chérif / Shérif
        (r"ph", "f"),  # Stéphane / Stefane
        (r"th", "t"),  # Thomas / Tomas
        (r"kh", "k"),  # Khadija / Kadija
        (r"gh", "g"),
        (r"dh", "d"),
        (r"dj", "j"),  # Khadidja / Khadija, Djamel / Jamel
        (r"ck|cq|qu|q", "k"),
        (r"c(?=[eiy])", "s"),  # Cissé / Sissé
        (r"c", "k"),
        (r"gu(?=[eiy])", "G"),  # Guérin
        (r"ge(?=[aou])|g(?=[eiy])", "j"),  # Georges, Gilles
        (r"w", "v"),
        (r"y", "i"),  # Sylvie / Silvie, Yasmine
        (r"z", "s"),  # Yasmine / Yazmine
        (r"x", "ks"),
        (r"h", ""),  # silent: Mohamed / Moamed, Hamza / Amza
        (r"e?au", "o"),  # Arnaud / Arnod, Rousseau
    )
)
_VOWELS = re.compile(r"[aeiou]+")
_VOWEL_CLASS = {"a": "a", "e": "a", "i": "i", "o": "o", "u": "o"}
_REPEATS = re.compile(r"(.)\1+")


def letters(text: str | None) -> str:
    """The letters of a name, folded: "  N'Diaye-Ben Ali " -> "ndiayebenali"."""
    return "".join(_WORD.findall(fold(text)))


def name_words(text: str | None) -> list[str]:
    """The words of what was typed, folded, letters only: "Jean-Pierre N'DIAYE" ->
    ["jean", "pierre", "n", "diaye"]."""
    return _WORD.findall(fold(text))


@lru_cache(maxsize=65536)
def sound_code(word: str) -> str:
    """The phonetic code of folded letters: "mohamed", "muhammad", "mouhamad" -> "momad"."""
    code = word
    for pattern, replacement in _RULES:
        code = pattern.sub(replacement, code)
    code = _VOWELS.sub(lambda m: _VOWEL_CLASS[m.group(0)[0]], code).lower()
    return _REPEATS.sub(r"\1", code) or word


def sound_value(name: str | None) -> str:
    """What is stored for a last or first name: "<code> <letters>" ("" for no letters)."""
    spelled = letters(name)
    return f"{sound_code(spelled)} {spelled}" if spelled else ""


# The columns of a visitor derived from the names (sarah.schema), in this order everywhere.
DERIVED_COLUMNS = ("sound_key", "last_sound", "first_sound", "first_key", "compound_name")


def derived_columns(last_name: str | None, first_name: str | None) -> dict[str, str | bool]:
    """The columns of a visitor derived from the names, as every writer of names stores them:
    the phonetic keys, and for the exact search the folded first name and whether a name has
    several words (the only people in whom a later word of the search key is not the first
    name)."""
    folded_last, last, last_code = _parts(last_name or "")
    folded_first, first, first_code = _parts(first_name or "")
    return {
        "sound_key": f"{last_code} {first_code}" if last or first else "",
        "last_sound": f"{last_code} {last}" if last else "",
        "first_sound": f"{first_code} {first}" if first else "",
        "first_key": folded_first,
        "compound_name": any(c in folded_last or c in folded_first for c in " -"),
    }


@lru_cache(maxsize=65536)
def _parts(name: str) -> tuple[str, str, str]:
    """A name folded, its letters, and their code (names recur: kept for the next writer)."""
    folded = fold(name)
    spelled = "".join(_WORD.findall(folded))
    return folded, spelled, sound_code(spelled) if spelled else ""


def split_value(value: str) -> tuple[str, str]:
    """A stored "<code> <letters>" as (code, letters)."""
    code, _, spelled = value.partition(" ")
    return code, spelled


def typos_allowed(length: int) -> int:
    """How many typos a word of ``length`` letters may hold and still be found."""
    if length >= LONG_WORD:
        return 2
    return 1 if length >= MIN_TYPO_LETTERS else 0


def typed_readings(words: list[str]) -> list[tuple[str, ...]]:
    """The ways the typed words may split a name: each on its own, all joined ("ben ali" is
    Benali, "jean pierre" Jeanpierre), and with three words or more the first or the last
    alone and the others joined."""
    readings = [tuple(words)]
    if len(words) > 1:
        readings.append(("".join(words),))
    if len(words) > 2:
        readings.append((words[0], "".join(words[1:])))
        readings.append(("".join(words[:-1]), words[-1]))
    return list(dict.fromkeys(readings))


class Bucket:
    """The stored values ("<code> <letters>") of one name whose code starts with one letter,
    sorted (those of one code side by side), with their letters: what a typed word is compared
    with, each comparison a loop of rapidfuzz in C over the whole bucket."""

    def __init__(self, values: Iterable[str]) -> None:
        self.values = sorted(values)
        self.names = [v.partition(" ")[2] for v in self.values]
        self._starts: dict[int, list[str]] = {}

    def starts(self, length: int) -> list[str]:
        """The first ``length`` letters of each name (kept for the other words typed)."""
        if length not in self._starts:
            self._starts[length] = [name[:length] for name in self.names]
        return self._starts[length]

    def of_code(self, code: str) -> range:
        """Where the values of one code are."""
        return range(bisect_left(self.values, f"{code} "), bisect_left(self.values, f"{code}!"))


def ranks_of(token: str, bucket: Bucket) -> dict[str, int]:
    """The stored values a typed word finds, with the rank of each: SPELLED when the name
    starts with the word, SOUNDS when the whole name sounds like it, ONE_TYPO / TWO_TYPOS when
    the name is that many typos away from it (from 6 letters typed, the start of a longer name
    too: "mohame" finds MOHAMMED)."""
    found: dict[str, int] = {}

    def rank(index: int, value_rank: int) -> None:
        value = bucket.values[index]
        if value_rank < found.get(value, TWO_TYPOS + 1):
            found[value] = value_rank

    allowed = typos_allowed(len(token))
    if allowed:
        # The start of a name compared with the word may be a letter or two shorter or longer
        # than it (one missing, one too many). Fewer letters typed compare only whole names:
        # most names start a typo away from "dupu" ("dupo", "dapu"...).
        lengths: list[int | None] = [None]
        if len(token) >= MIN_PREFIX_TYPO_LETTERS:
            lengths += range(len(token) - allowed, len(token) + allowed + 1)
        for length in lengths:
            compared = bucket.names if length is None else bucket.starts(length)
            for _name, typos, index in process.extract(
                token, compared, scorer=OSA.distance, score_cutoff=allowed, limit=None
            ):
                rank(index, SOUNDS + int(typos))
    if len(token) >= MIN_SOUND_LETTERS:
        for index in bucket.of_code(sound_code(token)):
            rank(index, SOUNDS)
    for _name, _length, index in process.extract(
        token, bucket.names, scorer=Prefix.similarity, score_cutoff=len(token), limit=None
    ):
        rank(index, SPELLED)
    return found


def names_alike(a: str | None, b: str | None) -> bool:
    """Two whole last (or first) names that may be one: spelled or sounding alike, or a typo
    or two apart by their length; two empty names too (nothing to tell them apart)."""
    return letters_alike(letters(a), letters(b))


def letters_alike(x: str, y: str) -> bool:
    """:func:`names_alike` on names already reduced to their letters."""
    if x == y:
        return True
    if not (x and y):
        return False
    if sound_code(x) == sound_code(y):
        return True
    allowed = typos_allowed(min(len(x), len(y)))
    return bool(allowed) and OSA.distance(x, y, score_cutoff=allowed) <= allowed
