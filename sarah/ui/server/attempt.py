"""One try at a server, run by a worker: what it found, or what is wrong and in which field."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.engine import make_url

from sarah import server_probe
from sarah.db import CONNECT_TIMEOUT_S, database_url, server_of
from sarah.errors import ServerRefused, ServerUnreachable, UserError
from sarah.services.server.location import (
    ServerCheck,
    check_words,
    inspect_server,
    server_fields,
)
from sarah.services.server.reach import server_problem
from sarah.ui.server.fields_form import DATABASE, HOST, PASSWORD, PORT, TLS, USER


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
    except UserError as exc:
        return failed_attempt(url, exc)


def failed_attempt(url: str, exc: UserError) -> Attempt:
    """What a failure to connect means for the form: a refusal and its field, or a server to
    wait for (a server that answers but not with the TLS required is a refusal)."""
    if isinstance(exc, ServerRefused):
        return Attempt(None, exc, refused_field(url))
    if isinstance(exc, ServerUnreachable) and _refuses_tls(url):
        return Attempt(None, ServerRefused(tls_refused_message(url)), TLS)
    return Attempt(None, exc)


def _refuses_tls(url: str) -> bool:
    """Encryption required, the connection failed, yet the server answers SARAH's probe (which
    accepts a server without TLS): what fails is the server's lack of TLS."""
    fields = server_fields(url)
    return fields is not None and fields.encrypted and server_problem(url) is None


def tls_refused_message(url: str) -> str:
    fields = server_fields(url)
    label = fields.label if fields is not None else url
    return (
        f"Le serveur ({label}) répond, mais n'accepte pas les connexions chiffrées (TLS) que "
        "ce poste exige. Demandez à l'administrateur du serveur d'activer TLS "
        "(docs/serveur.md), ou décochez « Exiger le chiffrement » si le réseau est sûr. "
        "Rien n'a été enregistré."
    )
