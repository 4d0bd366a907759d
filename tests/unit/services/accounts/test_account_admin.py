"""What the admin does on the Comptes screen, in a real database: the first account must be an
admin, a new password for a forgotten one, the privacy settings, each audited once."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine

from sarah.errors import InvalidInput
from sarah.services.accounts.passwords import WeakPassword
from sarah.services.accounts.privacy_settings import change_settings
from sarah.services.accounts.store import (
    LoginRefused,
    add_account,
    authenticate,
    has_accounts,
    set_password,
)
from sarah.services.audit.listing import list_entries
from sarah.settings import Settings, load_settings, save_settings

GOOD = "Bonjour-2026x"
NEW = "Nouveau-depart-2027"
T0 = datetime(2026, 12, 2, 9, 0, 0)


def test_the_first_account_must_be_an_admin_when_asked(engine: Engine) -> None:
    with pytest.raises(InvalidInput, match="le premier doit être un administrateur"):
        add_account(engine, "Bruno", "agent", GOOD, first_must_be_admin=True)
    assert not has_accounts(engine)
    add_account(engine, "Amina", "admin", GOOD, first_must_be_admin=True)
    add_account(engine, "Bruno", "agent", GOOD, first_must_be_admin=True)
    assert has_accounts(engine)


def test_a_new_password_replaces_the_old_and_ends_the_wait(engine: Engine) -> None:
    add_account(engine, "Bruno", "agent", GOOD)
    for _ in range(5):
        with pytest.raises(LoginRefused):
            authenticate(engine, "Bruno", "pas-le-bon", now=T0)
    set_password(engine, "bruno", NEW)
    assert authenticate(engine, "Bruno", NEW, now=T0).failed_attempts == 0
    with pytest.raises(LoginRefused):
        authenticate(engine, "Bruno", GOOD, now=T0)
    changes = [e for e in list_entries(engine) if e.action == "account"]
    assert [e.details for e in changes] == [
        {"change": "add", "role": "agent"},
        {"change": "password"},
    ]
    assert all(NEW not in str(e) and GOOD not in str(e) for e in list_entries(engine))


def test_a_new_password_follows_the_rules_and_names_an_account(engine: Engine) -> None:
    add_account(engine, "Bruno", "agent", GOOD)
    with pytest.raises(WeakPassword):
        set_password(engine, "Bruno", "court")
    with pytest.raises(WeakPassword, match="nom du compte"):
        set_password(engine, "Bruno", "Bruno-2027-depart")
    with pytest.raises(InvalidInput, match="Aucun compte"):
        set_password(engine, "Personne", NEW)
    assert authenticate(engine, "Bruno", GOOD).name == "Bruno"


def test_each_setting_changed_leaves_one_audit_entry(engine: Engine, tmp_path: Path) -> None:
    file = tmp_path / "settings.json"
    settings = Settings()
    wanted = {"retention_months": 36, "audit_months": 12, "lock_minutes": 0}
    changed = change_settings(engine, settings, wanted, lambda: save_settings(settings, file))
    assert changed == ["retention_months", "lock_minutes"]  # audit_months was already 12
    assert load_settings(file).retention_months == 36 and load_settings(file).lock_minutes == 0
    entries = [e for e in list_entries(engine) if e.action == "settings"]
    assert [(e.target, e.details) for e in entries] == [
        ("retention_months", {"old": 24, "new": 36}),
        ("lock_minutes", {"old": 10, "new": 0}),
    ]
    assert change_settings(engine, settings, wanted, lambda: None) == []


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("retention_months", 5),
        ("retention_months", 121),
        ("audit_months", 13),
        ("lock_minutes", -1),
    ],
)
def test_a_setting_out_of_its_limits_is_refused_and_nothing_changes(
    engine: Engine, name: str, value: int
) -> None:
    settings = Settings()
    with pytest.raises(InvalidInput, match="hors des limites"):
        change_settings(engine, settings, {"lock_minutes": 5, name: value}, lambda: None)
    assert settings == Settings()
    assert not [e for e in list_entries(engine) if e.action == "settings"]


def test_a_settings_file_that_cannot_be_saved_leaves_no_entry(engine: Engine) -> None:
    settings = Settings()

    def fail() -> None:
        raise OSError("disque plein")

    with pytest.raises(OSError):
        change_settings(engine, settings, {"audit_months": 6}, fail)
    assert settings.audit_months == 12
    assert not [e for e in list_entries(engine) if e.action == "settings"]
