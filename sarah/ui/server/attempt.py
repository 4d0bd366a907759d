"""One try at a server, run by a worker: what it found, or what is wrong and in which field."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.engine import make_url

from sarah import server_probe
from sarah.db import CONNECT_TIMEOUT_S, database_url, server_of
from sarah.errors import ServerRefused, ServerUnreachable, UserError
from sarah.services.server.location import ServerCheck, check_words, inspect_server
from sarah.ui.server.fields_form import DATABASE, HOST, PASSWORD, PORT, USER


@dataclass(frozen=True)
class Attempt:
    check: ServerCheck | None  # the server answered: what its database holds
    error: UserError | None = None
    field: str | None = None  # the field to correct (a refusal), None when nothing to correct

    @property
    def answered(self) -> bool:
        return self.check is not None

    @property
    def unreachable(self) -> bool:
        return isinstance(self.error, ServerUnreachable)

    @property
    def usable(self) -> bool:
        """The window can open on it: it answered with an empty or a SARAH database it reads."""
        return self.check is not None and not (self.check.foreign or self.check.newer)

    def words(self) -> str:
        if self.check is not None:
            return check_words(self.check)
        return self.error.message if self.error is not None else ""


# The field each refusal points to, by the server's SQLSTATE (never by its text).
_FIELD_FOR_SQLSTATE = {
    "3D000": DATABASE,  # invalid_catalog_name: no such database
    "28000": USER,  # invalid_authorization_specification: no such role, no pg_hba line
    "28P01": PASSWORD,  # invalid_password
    "42501": USER,  # insufficient_privilege: no CONNECT right
}
_FIELD_FOR_OUTCOME = {
    server_probe.HOST_UNKNOWN: HOST,
    server_probe.PORT_CLOSED: PORT,
    server_probe.NOT_POSTGRES: PORT,
    server_probe.PASSWORD_NEEDED: PASSWORD,
}


def refused_field(url: str) -> str:
    """The field to correct after a refusal, found by asking the server again (SARAH's own
    probe gives its SQLSTATE); the password when the answer names none."""
    parsed = make_url(database_url(url))
    if parsed.get_backend_name() == "sqlite":
        return HOST
    found = server_probe.probe(server_of(parsed), CONNECT_TIMEOUT_S)
    if found.sqlstate in _FIELD_FOR_SQLSTATE:
        return _FIELD_FOR_SQLSTATE[found.sqlstate]
    return _FIELD_FOR_OUTCOME.get(found.outcome, PASSWORD)


def try_server(url: str) -> Attempt:
    """Connect once and read what the database holds (for a worker: never raises a UserError).
    A refusal names the field to correct; an unreachable server, none (the host is right to
    wait for)."""
    try:
        return Attempt(inspect_server(url))
    except ServerRefused as exc:
        return Attempt(None, exc, refused_field(url))
    except UserError as exc:
        return Attempt(None, exc)
