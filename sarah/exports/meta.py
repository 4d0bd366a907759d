"""What every export states about itself: who produced it, when, with which program."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class ExportMeta:
    produced_by: str  # the agent or coordinator named in the settings ("non renseigné" if none)
    generated_at: datetime
    program_version: str
