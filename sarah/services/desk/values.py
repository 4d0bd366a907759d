"""What the agent types at the desk, read into values: birth dates, times, channels, service keys."""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from datetime import date, time

from sarah.errors import InvalidInput
from sarah.services.catalogue import ServiceInfo
from sarah.services.text import fold

_DATE_RE = re.compile(r"^\s*(\d{1,2})[/.\- ](\d{1,2})[/.\- ](\d{4})\s*$")
_DIGITS_DATE_RE = re.compile(r"^\s*(\d{2})(\d{2})(\d{4})\s*$")


def looks_like_date(text: str) -> bool:
    """True when the search text is (the beginning of) a date rather than a name."""
    stripped = text.strip()
    return bool(stripped) and stripped[0].isdigit()


def whole_date(text: str) -> date | None:
    """``JJ/MM/AAAA`` (also ``JJMMAAAA``, ``J/M/AAAA``, dots or dashes) -> a date; None while the
    date is not typed whole; raises InvalidInput when that day does not exist."""
    match = _DATE_RE.match(text) or _DIGITS_DATE_RE.match(text)
    if not match:
        return None
    day, month, year = (int(g) for g in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        raise InvalidInput(
            f"Date impossible : {day:02d}/{month:02d}/{year} n'existe pas dans le calendrier."
        ) from None


def parse_birth_date(text: str, *, today: date | None = None) -> date:
    """``JJ/MM/AAAA`` (also ``JJMMAAAA``, ``J/M/AAAA``, dots or dashes) -> a date, validated."""
    today = today or date.today()
    value = whole_date(text)
    if value is None:
        raise InvalidInput(f"Date « {text.strip()} » incomplète : tapez JJ/MM/AAAA.")
    if value > today:
        raise InvalidInput(f"Date de naissance dans le futur : {value:%d/%m/%Y}.")
    if value.year < 1900:
        raise InvalidInput(f"Date de naissance trop ancienne : {value:%d/%m/%Y}.")
    return value


def format_date_typing(text: str) -> str:
    """Put the slashes in while a date is typed: '1203198' -> '12/03/198'."""
    digits = "".join(c for c in text if c.isdigit())[:8]
    parts = [digits[:2], digits[2:4], digits[4:]]
    out = parts[0]
    if len(digits) > 2 or (len(digits) == 2 and text.rstrip().endswith("/")):
        out += "/" + parts[1]
    if len(digits) > 4 or (len(digits) == 4 and text.rstrip().endswith("/")):
        out += "/" + parts[2]
    return out


_TIME_RE = re.compile(r"^\s*(\d{1,2})(?:\s*[:hH.]\s*(\d{0,2}))?\s*$")


def parse_time(text: str, default: time | None = None) -> time:
    """``HH:MM``, ``9h30``, ``9h``, ``930`` or ``9`` -> a time; empty -> ``default``."""
    stripped = text.strip()
    if not stripped:
        if default is None:
            raise InvalidInput("Heure manquante : tapez HH:MM.")
        return default
    if stripped.isdigit() and len(stripped) in (3, 4):
        stripped = f"{stripped[:-2]}:{stripped[-2:]}"
    match = _TIME_RE.match(stripped)
    if not match:
        raise InvalidInput(f"Heure « {text.strip()} » illisible : tapez HH:MM (ex. 09:30).")
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    if hour > 23 or minute > 59:
        raise InvalidInput(f"Heure impossible : {hour:02d}:{minute:02d}.")
    return time(hour, minute)


_CHANNELS = {
    "": "physique",
    "p": "physique",
    "physique": "physique",
    "visite": "physique",
    "v": "physique",
    "t": "telephone",
    "tel": "telephone",
    "telephone": "telephone",
    "appel": "telephone",
}


def parse_channel(text: str) -> str:
    """'P' / 'T' (also 'physique', 'téléphone', 'tel', 'visite', 'appel'); empty -> physique."""
    key = fold(text).replace(".", "")
    if key not in _CHANNELS:
        raise InvalidInput(f"Canal « {text.strip()} » inconnu : P (physique) ou T (téléphone).")
    return _CHANNELS[key]


def read_service_keys(
    text: str, services: Sequence[ServiceInfo]
) -> tuple[list[ServiceInfo], str | None]:
    """The services recognised in ``text``, in catalogue order, and the problem with the rest."""
    by_key = {s.shortcut.lower(): s for s in services if s.shortcut}
    by_code = {s.code.lower(): s for s in services}
    chosen: dict[uuid.UUID, ServiceInfo] = {}
    unknown: list[str] = []
    for token in re.split(r"[\s,;+|]+", text.strip().lower()):
        if not token:
            continue
        if token in by_code:
            chosen.setdefault(by_code[token].id, by_code[token])
            continue
        for letter in token:
            if letter in by_key:
                chosen.setdefault(by_key[letter].id, by_key[letter])
            else:
                unknown.append(letter)
    order = {s.id: i for i, s in enumerate(services)}
    known = sorted(chosen.values(), key=lambda s: order[s.id])
    if unknown:
        return known, "Touche de service inconnue : " + ", ".join(dict.fromkeys(unknown)) + "."
    return known, None


def parse_service_keys(text: str, services: Sequence[ServiceInfo]) -> list[ServiceInfo]:
    """Services typed as shortcut letters ('ac', 'a c', 'a,c') or codes ('cv_lm actualisation_pe').

    Unknown keys are an error naming them; a service typed twice counts once.
    """
    known, problem = read_service_keys(text, services)
    if problem:
        raise InvalidInput(problem)
    return known
