"""What runs by itself once a day (at start, then after midnight): the audit log's purge and
the retention purge (docs/rgpd.md). Both are rules of the installation, whoever is signed in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Engine

from sarah.services.audit.retention import AuditPurge
from sarah.services.audit.upkeep import purge_audit_if_due
from sarah.services.privacy.purge import PrivacyOutcome, Progress, ShouldStop, purge_expired
from sarah.settings import Settings


@dataclass(frozen=True)
class DailyUpkeep:
    audit: AuditPurge | None  # None: already purged today
    retention: PrivacyOutcome

    def words(self) -> str:
        """What the status bar says; "" when nothing was done (the usual day)."""
        lines = []
        if self.retention.erased or self.retention.replaced:
            lines.append(self.retention.words())
        if self.audit is not None and self.audit.removed:
            lines.append(
                f"Journal d'audit : {self.audit.removed} entrée(s) de plus de "
                "la durée de conservation supprimée(s)."
            )
        return "\n".join(lines)


def daily_upkeep(
    engine: Engine,
    settings: Settings,
    *,
    today: date | None = None,
    progress: Progress | None = None,
    should_stop: ShouldStop | None = None,
) -> DailyUpkeep:
    """The audit log's purge (if not done today), then the retention purge."""
    audit = purge_audit_if_due(engine, settings.audit_months, today)
    retention = purge_expired(
        engine, settings, today=today, progress=progress, should_stop=should_stop
    )
    return DailyUpkeep(audit, retention)
