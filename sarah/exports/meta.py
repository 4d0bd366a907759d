"""What every export states about itself: who produced it, when, with which program."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class ExportMeta:
    produced_by: str  # the agent or coordinator named in the settings ("non renseigné" if none)
    generated_at: datetime
    program_version: str
    # For a closed period: whether the file shows the figures as published or today's, in
    # French, after the word "Chiffres" ("tels que publiés le 15/07/2019 à 10:00 par …");
    # "" for a period never closed.
    figures: str = ""
