"""One cell's value parsed: dates (French, ISO, typed), times, and the French reason a cell is wrong
(:class:`Bad`)."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

_FR_DATE = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})(?:[ T]+(.+))?")
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]+(.+))?")
_TIME = re.compile(r"(\d{1,2})\s*[:hH]\s*(\d{2})?(?:\s*:\s*(\d{2})(?:[.,]\d+)?)?")


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


def _date_parts(text: str) -> tuple[int, int, int, str | None]:
    """Year, month, day and what follows (a time, perhaps) of a French or ISO date."""
    m = _FR_DATE.fullmatch(text)
    if m is not None:
        return int(m.group(3)), int(m.group(2)), int(m.group(1)), m.group(4)
    m = _ISO_DATE.fullmatch(text)
    if m is None:
        raise Bad("date illisible : écrivez JJ/MM/AAAA (année sur 4 chiffres) ou AAAA-MM-JJ")
    return int(m.group(1)), int(m.group(2)), int(m.group(3)), m.group(4)


def parse_date_text(text: str) -> tuple[date, int | None]:
    """A date typed as text, with the minutes of a time after it (None: no time, or midnight)."""
    y, mo, d, rest = _date_parts(text)
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
    return parse_date_text(text)
