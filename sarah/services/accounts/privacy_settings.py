"""The settings an admin changes on the Comptes screen: how long identities and the audit log
are kept, and the idle lock's delay. Each change is checked, then leaves one audit entry (the
setting's name, its old and new values) in the same transaction as the settings file is saved.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from sqlalchemy import Engine

from sarah.db import write_session
from sarah.errors import InvalidInput
from sarah.services.audit.actor import current_actor
from sarah.services.audit.log import record
from sarah.settings import Settings


@dataclass(frozen=True)
class SettingRule:
    label: str  # French, for messages and the screen
    lowest: int
    highest: int
    unit: str = "mois"


RULES: dict[str, SettingRule] = {
    # The retention period after the last contact; the CNIL asks for a period, 2 years is usual.
    "retention_months": SettingRule("Conservation des identités", 6, 120),
    # The CNIL's recommendation for access logs: 6 to 12 months.
    "audit_months": SettingRule("Conservation du journal d'audit", 6, 12),
    # 0: the idle lock is off, only Ctrl+L locks.
    "lock_minutes": SettingRule("Verrouillage après inactivité", 0, 120, "minutes"),
}


def check_setting(name: str, value: int) -> None:
    rule = RULES[name]  # an unknown name is a bug, not a user's mistake
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInput(f"{rule.label} : un nombre entier de {rule.unit} est attendu.")
    if not rule.lowest <= value <= rule.highest:
        raise InvalidInput(
            f"{rule.label} : {value} {rule.unit} est hors des limites "
            f"({rule.lowest} à {rule.highest} {rule.unit})."
        )


def change_settings(
    engine: Engine, settings: Settings, wanted: Mapping[str, int], save: Callable[[], None]
) -> list[str]:
    """Apply the values that differ from ``settings``, save them with ``save`` and audit each
    one; returns the names changed. All are checked before any is applied; if saving fails,
    ``settings`` keeps its old values and no entry is kept."""
    for name, value in wanted.items():
        check_setting(name, value)
    old = {name: getattr(settings, name) for name in wanted}
    changed = [name for name, value in wanted.items() if old[name] != value]
    if not changed:
        return []
    try:
        with write_session(engine) as session:
            for name in changed:
                details = {"old": old[name], "new": wanted[name]}
                record(session, current_actor(), "settings", name, details)
                setattr(settings, name, wanted[name])
            save()  # inside the transaction: a file that cannot be written leaves no entry
    except BaseException:
        for name in changed:
            setattr(settings, name, old[name])
        raise
    return changed
