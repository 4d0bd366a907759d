"""A PostgreSQL server's connection fields, its URL, and its password in the OS keychain.

The settings keep the server's URL **without** its password (``settings.json`` is a plain file
any user of the PC can read); the password lives in the operating system's keychain (Windows
Credential Manager, macOS Keychain, Secret Service on Linux) through ``keyring``, under the
service ``SARAH`` and the username ``user@host:port/base``. Where no keychain works (keyring's
fail backend, a locked or absent Secret Service), nothing is stored: the window asks for the
password at each start.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import keyring
import keyring.errors
from sqlalchemy.engine import URL, make_url

from sarah.db import POSTGRES_DRIVER, database_url

log = logging.getLogger(__name__)

SERVICE = "SARAH"
DEFAULT_PORT = 5432
# libpq's sslmode values that refuse a connection in clear ("exiger le chiffrement").
ENCRYPTED_MODES = ("require", "verify-ca", "verify-full")
REQUIRED_MODE = "require"


@dataclass(frozen=True)
class ServerFields:
    """What the agent types for a server: host, port, database, user, and the TLS choice.

    ``sslmode`` is libpq's (None: its default, ``prefer``); a stricter mode typed by hand in a
    URL (``verify-full``) is kept as is when the fields go back into a URL.
    """

    host: str
    database: str
    user: str
    port: int = DEFAULT_PORT
    sslmode: str | None = None

    @property
    def encrypted(self) -> bool:
        """True when the connection must be encrypted (libpq refuses it in clear)."""
        return self.sslmode in ENCRYPTED_MODES

    def with_encryption(self, required: bool) -> ServerFields:
        """The same fields, TLS required or not (a stricter mode already chosen stays)."""
        if required:
            mode = self.sslmode if self.encrypted else REQUIRED_MODE
        else:
            mode = None if self.encrypted else self.sslmode
        return ServerFields(self.host, self.database, self.user, self.port, mode)

    @property
    def label(self) -> str:
        """``user@host:port/base``: the keychain's username and what the window shows."""
        return f"{self.user}@{self.host}:{self.port}/{self.database}"


def server_url(fields: ServerFields, password: str | None = None) -> str:
    """The SQLAlchemy URL of the fields, every part quoted (a ``@`` or ``/`` in a password or a
    user name stays itself). Without ``password`` it is what the settings keep."""
    url = URL.create(
        POSTGRES_DRIVER,
        username=fields.user or None,
        password=password or None,
        host=fields.host,
        port=fields.port,
        database=fields.database,
        query={"sslmode": fields.sslmode} if fields.sslmode else {},
    )
    return url.render_as_string(hide_password=False)


def without_password(target: str) -> str:
    """A server URL as the settings may keep it: the password, if any, removed."""
    url = make_url(database_url(target))
    bare = URL.create(  # URL.set(password=None) would leave the password as it is
        url.drivername,
        username=url.username,
        host=url.host,
        port=url.port,
        database=url.database,
        query=url.query,
    )
    return bare.render_as_string(hide_password=False)


def url_password(target: str) -> str | None:
    """The password written in a URL (typed on the command line), None when there is none."""
    password = make_url(database_url(target)).password
    return str(password) if password else None


def with_password(target: str, password: str | None) -> str:
    """The URL an engine connects with: the settings' URL and the password beside it."""
    url = make_url(database_url(target))
    if password:
        url = url.set(password=password)
    return url.render_as_string(hide_password=False)


# --- the keychain ---------------------------------------------------------------------------------


def keychain_available() -> bool:
    """False where keyring has no working backend (its fail backend, e.g. a Linux desk without
    a Secret Service): then the password is asked at each start and never written anywhere."""
    from keyring.backends.fail import Keyring as FailKeyring

    backend = keyring.get_keyring()
    if isinstance(backend, FailKeyring):
        return False
    backends = getattr(backend, "backends", None)  # the chainer: available only with a member
    return backends is None or bool(backends)


def stored_password(fields: ServerFields) -> str | None:
    """The password kept for these fields, None when none is kept or no keychain works."""
    try:
        return keyring.get_password(SERVICE, fields.label)
    except keyring.errors.KeyringError as exc:  # no backend, a locked keychain
        log.info("no password read from the keychain: %s", type(exc).__name__)
        return None


def store_password(fields: ServerFields, password: str) -> bool:
    """Keep the password in the OS keychain; False when no keychain takes it (nothing is
    written anywhere else). An empty password forgets the one kept."""
    if not password:
        forget_password(fields)
        return True
    if not keychain_available():
        return False
    try:
        keyring.set_password(SERVICE, fields.label, password)
    except keyring.errors.KeyringError as exc:
        log.info("password not stored in the keychain: %s", type(exc).__name__)
        return False
    return True


def forget_password(fields: ServerFields) -> None:
    """Remove the password kept for these fields (nothing to do when none is kept)."""
    try:
        keyring.delete_password(SERVICE, fields.label)
    except keyring.errors.PasswordDeleteError:
        pass  # none was kept
    except keyring.errors.KeyringError as exc:
        log.info("password not removed from the keychain: %s", type(exc).__name__)
