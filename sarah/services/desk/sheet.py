"""A line of a paper sheet as typed in the catch-up grid, read with all of its mistakes at once."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import time

from sarah.errors import InvalidInput
from sarah.services.catalogue import ServiceInfo
from sarah.services.desk.values import parse_channel, parse_time, read_service_keys


@dataclass(frozen=True)
class SheetRow:
    """One line of a paper sheet as typed in the catch-up grid."""

    time_text: str = ""
    person_text: str = ""
    visitor_id: uuid.UUID | None = None  # the person chosen from the list, None: not chosen
    channel_text: str = ""
    services_text: str = ""


@dataclass(frozen=True)
class SheetValues:
    """What a sheet line says. ``problems`` lists every mistake of the line at once; where a
    value could not be read, the field holds a stand-in (the default time, physique, the
    services that were recognised) so that the rest of the line can still be checked."""

    local_time: time
    channel: str
    services: tuple[ServiceInfo, ...]
    visitor_id: uuid.UUID | None
    problems: tuple[str, ...]


def read_sheet_row(
    row: SheetRow, default_time: time, services: Sequence[ServiceInfo]
) -> SheetValues:
    """Read every cell of a sheet line and report all of its mistakes together."""
    problems: list[str] = []
    at, channel = default_time, "physique"
    try:
        at = parse_time(row.time_text, default_time)
    except InvalidInput as exc:
        problems.append(exc.message)
    try:
        channel = parse_channel(row.channel_text)
    except InvalidInput as exc:
        problems.append(exc.message)
    chosen, problem = read_service_keys(row.services_text, services)
    if problem:
        problems.append(problem)
    person = " ".join(row.person_text.split())
    if person and row.visitor_id is None:
        problems.append(
            f"Personne « {person} » non choisie : ↓ puis Entrée dans la liste, Ctrl+N pour la "
            "créer, ou laissez vide (anonyme)."
        )
    return SheetValues(at, channel, tuple(chosen), row.visitor_id, tuple(problems))
