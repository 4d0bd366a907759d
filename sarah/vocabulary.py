"""The domain's words and formats, once: channels, age groups, sexes, how a number, a date, a
period is written in French. Every module (core, exports, windows) takes them from here.

Thousands are separated by a narrow no-break space (U+202F), as French typography does, so a
count never breaks across two lines; dates are JJ/MM/AAAA.
"""

from __future__ import annotations

from datetime import date

CHANNELS = ("physique", "telephone")
CHANNEL_NAMES = {"physique": "Physique", "telephone": "Téléphone"}
AGE_GROUPS = ("jeunes", "adultes", "NR")  # NR: unknown birth date
AGE_GROUP_NAMES = {"jeunes": "jeune", "adultes": "adulte", "NR": "âge inconnu"}
SEXES = ("F", "H", "NR")  # NR: sex not given
NOT_GIVEN = "Non renseigné"

THOUSANDS_SEPARATOR = "\u202f"


def count_text(n: int | None, unknown: str = "?") -> str:
    """``5937`` as ``5 937`` (narrow no-break space); ``unknown`` for None."""
    if n is None:
        return unknown
    return f"{n:,}".replace(",", THOUSANDS_SEPARATOR)


def count_of(n: int, one: str, many: str | None = None) -> str:
    """``1 contact``, ``0 contact``, ``5 937 contacts``: French puts 0 and 1 in the singular.
    ``many`` defaults to ``one`` + s (give it for "nouveaux sites", "fiches mises")."""
    return f"{count_text(n)} {one if n < 2 else (many or one + 's')}"


def day_text(day: date) -> str:
    return f"{day:%d/%m/%Y}"


def span_text(start: date, end: date) -> str:
    """``du 01/01/2019 au 30/06/2019`` (``le 01/01/2019`` for a single day)."""
    if start == end:
        return f"le {day_text(start)}"
    return f"du {day_text(start)} au {day_text(end)}"


def period_text(label: str, start: date, end: date) -> str:
    """A period's name with its dates: ``1er semestre 2019 (du 01/01/2019 au 30/06/2019)``; the
    dates alone when the name is nothing but them."""
    span = span_text(start, end)
    return label if label == span else f"{label} ({span})"
