"""Accounts in the database: add, list, disable, and authenticate with growing waits.

Names are trimmed, 1 to 120 characters, unique whatever their case ("Amina" and "amina" are one
account). The accounts table is small (the agents of one installation), so names are compared
in Python with ``casefold``, which SQLite's ``lower`` cannot do beyond ASCII.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, func, select, update

from sarah.db import read_connection, write_session
from sarah.errors import InvalidInput, UserError
from sarah.schema import accounts
from sarah.services.accounts import passwords
from sarah.services.audit.actor import current_actor
from sarah.services.audit.log import record

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

ROLES = ("agent", "coordinateur", "admin")
ADMIN = "admin"
NAME_MAX = 120
FREE_ATTEMPTS = 3  # wrong passwords before any wait (a typo, caps lock)
MAX_WAIT = timedelta(minutes=15)
WRONG_NAME_OR_PASSWORD = "Nom ou mot de passe incorrect."


class LoginRefused(UserError):
    """Logging in was refused: wrong name or password, a wait after failures, a disabled account."""


@dataclass(frozen=True)
class Account:
    """An account as shown to people: never its password hash."""

    name: str
    role: str
    disabled_at: datetime | None
    failed_attempts: int
    locked_until: datetime | None
    last_login_at: datetime | None
    created_at: datetime

    @property
    def active(self) -> bool:
        return self.disabled_at is None


ACCOUNT_COLUMNS = (
    accounts.c.name,
    accounts.c.role,
    accounts.c.disabled_at,
    accounts.c.failed_attempts,
    accounts.c.locked_until,
    accounts.c.last_login_at,
    accounts.c.created_at,
)


def account_name(name: str) -> str:
    """The name as kept: trimmed, 1 to 120 characters."""
    cleaned = name.strip()
    if not cleaned:
        raise InvalidInput("Le nom du compte est vide.")
    if len(cleaned) > NAME_MAX:
        raise InvalidInput(f"Le nom du compte dépasse {NAME_MAX} caractères ({len(cleaned)}).")
    return cleaned


def check_role(role: str) -> None:
    if role not in ROLES:
        raise InvalidInput(f"Rôle inconnu : {role!r} (possibles : {', '.join(ROLES)}).")


def _row_named(session: Session, name: str) -> Any | None:
    """The accounts row whose name matches, whatever its case, or None."""
    wanted = name.strip().casefold()
    rows = session.execute(select(accounts)).all()
    return next((row for row in rows if row.name.casefold() == wanted), None)


FIRST_MUST_BE_ADMIN = (
    "Cette base n'a encore aucun compte : le premier doit être un administrateur (rôle admin), "
    "qui créera ensuite ceux des agents et des coordinateurs. Rien n'a été créé."
)


def add_account(
    engine: Engine, name: str, role: str, password: str, *, first_must_be_admin: bool = False
) -> Account:
    """A new active account; its password must follow the rules (see ``passwords``). With
    ``first_must_be_admin`` (the command line, the Comptes screen), the first account of a
    database is refused unless it is an admin: roles start to apply as soon as one exists, and
    nobody could then manage the accounts."""
    name = account_name(name)
    check_role(role)
    passwords.check_password(name, password)
    password_hash = passwords.hash_password(password)
    with write_session(engine) as session:
        if first_must_be_admin and role != ADMIN and not _any_account(session):
            raise InvalidInput(FIRST_MUST_BE_ADMIN)
        existing = _row_named(session, name)
        if existing is not None:
            raise InvalidInput(f"Un compte nommé « {existing.name} » existe déjà.")
        new_id = uuid.uuid4()
        session.execute(
            accounts.insert().values(id=new_id, name=name, role=role, password_hash=password_hash)
        )
        record(session, current_actor(), "account", name, {"change": "add", "role": role})
        return _account(session, new_id)


def list_accounts(engine: Engine) -> list[Account]:
    """Every account, by name."""
    with read_connection(engine) as conn:
        rows = conn.execute(select(*ACCOUNT_COLUMNS)).all()
    found = [Account(**row._mapping) for row in rows]
    return sorted(found, key=lambda account: account.name.casefold())


def has_accounts(engine: Engine) -> bool:
    """Whether any account exists (the first start creates the admin when none does)."""
    with read_connection(engine) as conn:
        return bool(conn.execute(select(func.count()).select_from(accounts)).scalar_one())


def _any_account(session: Session) -> bool:
    return bool(session.execute(select(func.count()).select_from(accounts)).scalar_one())


def _existing_row(session: Session, name: str) -> Any:
    row = _row_named(session, name)
    if row is None:
        raise InvalidInput(f"Aucun compte nommé « {name.strip()} ».")
    return row


def set_password(engine: Engine, name: str, password: str) -> Account:
    """An admin gives the account a new password (a forgotten one): the rules apply, the wait
    after failed attempts ends. The password is never written anywhere but as its hash."""
    passwords.check_password(name, password)
    password_hash = passwords.hash_password(password)  # slow: outside the write transaction
    with write_session(engine) as session:
        row = _existing_row(session, name)
        passwords.check_password(row.name, password)  # the name as kept, whatever its case
        session.execute(
            update(accounts)
            .where(accounts.c.id == row.id)
            .values(
                password_hash=password_hash,
                failed_attempts=0,
                locked_until=None,
            )
        )
        record(session, current_actor(), "account", row.name, {"change": "password"})
        return _account(session, row.id)


def _active_admins(session: Session) -> int:
    query = select(func.count()).where(accounts.c.role == ADMIN, accounts.c.disabled_at.is_(None))
    return int(session.execute(query).scalar_one())


def disable_account(engine: Engine, name: str, now: datetime | None = None) -> bool:
    """Disable the account; False when it already was. The last active admin stays active."""
    with write_session(engine) as session:
        row = _existing_row(session, name)
        if row.disabled_at is not None:
            return False
        if row.role == ADMIN and _active_admins(session) <= 1:
            raise InvalidInput(
                f"« {row.name} » est le dernier administrateur actif : créez ou gardez un autre "
                "compte admin avant de le désactiver."
            )
        stamp = now or datetime.now()
        session.execute(update(accounts).where(accounts.c.id == row.id).values(disabled_at=stamp))
        record(session, current_actor(), "account", row.name, {"change": "disable"})
    return True


def wait_after(failed_attempts: int) -> timedelta:
    """How long the next try waits after that many wrong passwords in a row: nothing for the
    first 3, then 2, 4, 8... seconds, at most 15 minutes."""
    if failed_attempts <= FREE_ATTEMPTS:
        return timedelta(0)
    exponent = min(failed_attempts - FREE_ATTEMPTS, 20)  # 2^20 s is far past the cap
    return min(timedelta(seconds=2**exponent), MAX_WAIT)


def wait_words(wait: timedelta) -> str:
    """A wait in French, rounded up: "12 s", "3 min"."""
    seconds = max(1, int(-(-wait.total_seconds() // 1)))
    if seconds < 60:
        return f"{seconds} s"
    return f"{-(-seconds // 60)} min"


def _wait_refusal(row: Any, now: datetime) -> str | None:
    """The refusal while a wait after failures runs, else None."""
    if row.locked_until is not None and now < row.locked_until:
        return f"Trop d'essais manqués : réessayez dans {wait_words(row.locked_until - now)}."
    return None


def _record_failure(session: Session, row: Any, now: datetime) -> None:
    failed = row.failed_attempts + 1
    wait = wait_after(failed)
    locked_until = now + wait if wait else None
    session.execute(
        update(accounts)
        .where(accounts.c.id == row.id)
        .values(failed_attempts=failed, locked_until=locked_until)
    )


def _record_success(session: Session, row: Any, password: str, now: datetime) -> None:
    values: dict[str, object] = {"failed_attempts": 0, "locked_until": None, "last_login_at": now}
    if passwords.needs_rehash(row.password_hash):
        values["password_hash"] = passwords.hash_password(password)
    session.execute(update(accounts).where(accounts.c.id == row.id).values(**values))


def _account(session: Session, account_id: uuid.UUID) -> Account:
    row = session.execute(select(*ACCOUNT_COLUMNS).where(accounts.c.id == account_id)).one()
    return Account(**row._mapping)


def _login(session: Session, name: str, password: str, now: datetime) -> Account | str:
    """Check one try and record its outcome: the account, or the refusal to raise once the
    failure is committed."""
    row = _row_named(session, name)
    if row is None:
        passwords.spend_verification_time(password)
        return WRONG_NAME_OR_PASSWORD
    waiting = _wait_refusal(row, now)
    if waiting is not None:
        return waiting  # returned, not raised, so that the refusal is audited
    if not passwords.password_matches(row.password_hash, password):
        _record_failure(session, row, now)
        return WRONG_NAME_OR_PASSWORD
    if row.disabled_at is not None:
        return "Ce compte est désactivé : voyez avec un administrateur."
    _record_success(session, row, password, now)
    return _account(session, row.id)


def _record_login(session: Session, name: str, outcome: Account | str) -> None:
    """The login's audit entry, in the transaction of the attempt counter: the account's name on
    a success, the name as typed (trimmed, cut to 120) on a failure; never the password."""
    if isinstance(outcome, str):
        typed = name.strip()[:NAME_MAX]
        record(session, current_actor(), "login_failed", typed, {"reason": outcome})
    else:
        record(session, current_actor(), "login", outcome.name)


def authenticate(engine: Engine, name: str, password: str, now: datetime | None = None) -> Account:
    """The account when the name and password match; else :class:`LoginRefused`, with the same
    message for an unknown name as for a wrong password. Each wrong password makes the next try
    wait longer (:func:`wait_after`); a success resets the count."""
    with write_session(engine) as session:
        outcome = _login(session, name, password, now or datetime.now())
        _record_login(session, name, outcome)
    if isinstance(outcome, str):
        raise LoginRefused(outcome)
    return outcome
