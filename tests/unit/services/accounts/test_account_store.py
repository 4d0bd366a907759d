"""Accounts in a real SQLite database: add, list, disable, authenticate with growing waits."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta

import pytest
from argon2 import PasswordHasher
from sqlalchemy import Engine, select

from sarah.errors import InvalidInput
from sarah.schema import accounts
from sarah.services.accounts import passwords
from sarah.services.accounts.passwords import WeakPassword
from sarah.services.accounts.store import (
    WRONG_NAME_OR_PASSWORD,
    Account,
    LoginRefused,
    add_account,
    authenticate,
    disable_account,
    has_accounts,
    list_accounts,
    wait_after,
    wait_words,
)

GOOD = "Bonjour-2026x"
T0 = datetime(2026, 12, 2, 9, 0, 0)


def stored_row(engine: Engine, name: str) -> dict[str, object]:
    with engine.connect() as conn:
        row = conn.execute(select(accounts).where(accounts.c.name == name)).one()
    return dict(row._mapping)


def test_add_keeps_the_trimmed_name_the_role_and_only_an_argon2id_hash(engine: Engine) -> None:
    assert not has_accounts(engine)
    account = add_account(engine, "  Amina  ", "agent", GOOD)
    assert (account.name, account.role, account.active) == ("Amina", "agent", True)
    assert has_accounts(engine)
    row = stored_row(engine, "Amina")
    assert str(row["password_hash"]).startswith("$argon2id$")
    assert GOOD not in str(row.values())


def test_names_are_unique_whatever_their_case(engine: Engine) -> None:
    add_account(engine, "Élodie", "agent", GOOD)
    with pytest.raises(InvalidInput, match="« Élodie » existe déjà"):
        add_account(engine, "ÉLODIE ", "admin", GOOD)


@pytest.mark.parametrize(
    ("name", "message"),
    [("   ", "Le nom du compte est vide."), ("x" * 121, "dépasse 120 caractères")],
)
def test_names_are_1_to_120_characters(engine: Engine, name: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        add_account(engine, name, "agent", GOOD)
    assert list_accounts(engine) == []


def test_unknown_role_and_weak_password_are_refused(engine: Engine) -> None:
    with pytest.raises(InvalidInput, match="Rôle inconnu"):
        add_account(engine, "Amina", "stagiaire", GOOD)
    with pytest.raises(WeakPassword, match="trop faible"):
        add_account(engine, "Amina", "agent", "court")
    assert list_accounts(engine) == []


def test_list_gives_frozen_accounts_by_name_without_hashes(engine: Engine) -> None:
    add_account(engine, "zoé", "agent", GOOD)
    add_account(engine, "Amina", "admin", GOOD)
    found = list_accounts(engine)
    assert [a.name for a in found] == ["Amina", "zoé"]
    assert "password_hash" not in {f.name for f in dataclasses.fields(Account)}
    with pytest.raises(dataclasses.FrozenInstanceError):
        found[0].role = "agent"  # type: ignore[misc]


def test_disable_refuses_the_last_active_admin(engine: Engine) -> None:
    add_account(engine, "Amina", "admin", GOOD)
    add_account(engine, "Bruno", "admin", GOOD)
    assert disable_account(engine, "bruno", now=T0) is True
    assert disable_account(engine, "Bruno") is False
    with pytest.raises(InvalidInput, match="dernier administrateur actif"):
        disable_account(engine, "Amina")
    states = {a.name: a.disabled_at for a in list_accounts(engine)}
    assert states == {"Amina": None, "Bruno": T0}


def test_disable_an_unknown_name(engine: Engine) -> None:
    with pytest.raises(InvalidInput, match="Aucun compte nommé « Personne »"):
        disable_account(engine, " Personne ")


def test_success_resets_the_count_and_records_the_login(engine: Engine) -> None:
    add_account(engine, "Amina", "agent", GOOD)
    with pytest.raises(LoginRefused):
        authenticate(engine, "Amina", "faux", now=T0)
    account = authenticate(engine, "amina", GOOD, now=T0 + timedelta(seconds=1))
    assert account.name == "Amina"
    assert account.failed_attempts == 0 and account.locked_until is None
    assert account.last_login_at == T0 + timedelta(seconds=1)


def test_unknown_name_and_wrong_password_give_the_same_message(engine: Engine) -> None:
    add_account(engine, "Amina", "agent", GOOD)
    with pytest.raises(LoginRefused) as unknown:
        authenticate(engine, "Personne", GOOD, now=T0)
    with pytest.raises(LoginRefused) as wrong:
        authenticate(engine, "Amina", "faux", now=T0)
    assert str(unknown.value) == str(wrong.value) == WRONG_NAME_OR_PASSWORD


def test_waits_grow_after_three_failures_and_are_capped() -> None:
    assert [wait_after(n).total_seconds() for n in range(1, 9)] == [0, 0, 0, 2, 4, 8, 16, 32]
    assert wait_after(13) == timedelta(minutes=15)
    assert wait_after(10_000) == timedelta(minutes=15)
    assert (wait_words(timedelta(seconds=1.2)), wait_words(timedelta(seconds=61))) == (
        "2 s",
        "2 min",
    )


def test_wrong_passwords_make_the_next_try_wait(engine: Engine) -> None:
    add_account(engine, "Amina", "agent", GOOD)
    for _ in range(3):  # typos cost nothing
        with pytest.raises(LoginRefused, match=WRONG_NAME_OR_PASSWORD):
            authenticate(engine, "Amina", "faux", now=T0)
    assert stored_row(engine, "Amina")["locked_until"] is None
    with pytest.raises(LoginRefused, match=WRONG_NAME_OR_PASSWORD):
        authenticate(engine, "Amina", "faux", now=T0)
    assert stored_row(engine, "Amina")["locked_until"] == T0 + timedelta(seconds=2)
    # during the wait even the right password is refused, saying how long, and counts nothing
    with pytest.raises(LoginRefused, match="réessayez dans 1 s"):
        authenticate(engine, "Amina", GOOD, now=T0 + timedelta(seconds=1))
    assert stored_row(engine, "Amina")["failed_attempts"] == 4
    with pytest.raises(LoginRefused, match=WRONG_NAME_OR_PASSWORD):
        authenticate(engine, "Amina", "faux", now=T0 + timedelta(seconds=2))
    assert stored_row(engine, "Amina")["locked_until"] == T0 + timedelta(seconds=6)
    with pytest.raises(LoginRefused, match="réessayez dans 4 s"):
        authenticate(engine, "Amina", "faux", now=T0 + timedelta(seconds=2))
    assert authenticate(engine, "Amina", GOOD, now=T0 + timedelta(seconds=6)).failed_attempts == 0


def test_a_long_wait_is_said_in_minutes(engine: Engine) -> None:
    add_account(engine, "Amina", "agent", GOOD)
    moment = T0
    for _ in range(14):
        with pytest.raises(LoginRefused, match=WRONG_NAME_OR_PASSWORD):
            authenticate(engine, "Amina", "faux", now=moment)
        locked_until = stored_row(engine, "Amina")["locked_until"]
        moment = locked_until if isinstance(locked_until, datetime) else moment
    assert stored_row(engine, "Amina")["locked_until"] == moment
    with pytest.raises(LoginRefused, match="réessayez dans 15 min"):
        authenticate(engine, "Amina", GOOD, now=moment - timedelta(minutes=15))


def test_a_disabled_account_cannot_log_in(engine: Engine) -> None:
    add_account(engine, "Amina", "admin", GOOD)
    add_account(engine, "Bruno", "agent", GOOD)
    disable_account(engine, "Bruno")
    with pytest.raises(LoginRefused, match="désactivé"):
        authenticate(engine, "Bruno", GOOD, now=T0)
    with pytest.raises(LoginRefused, match=WRONG_NAME_OR_PASSWORD):
        authenticate(engine, "Bruno", "faux", now=T0)
    assert stored_row(engine, "Bruno")["last_login_at"] is None


def test_a_hash_made_with_other_parameters_is_redone_at_login(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_account(engine, "Amina", "agent", GOOD)
    old_hash = str(stored_row(engine, "Amina")["password_hash"])
    monkeypatch.setattr(passwords, "HASHER", PasswordHasher(time_cost=2, memory_cost=2048))
    authenticate(engine, "Amina", GOOD, now=T0)
    new_hash = str(stored_row(engine, "Amina")["password_hash"])
    assert new_hash != old_hash and "t=2" in new_hash and "m=2048" in new_hash
    assert authenticate(engine, "Amina", GOOD, now=T0).name == "Amina"
    assert stored_row(engine, "Amina")["password_hash"] == new_hash  # not redone again
