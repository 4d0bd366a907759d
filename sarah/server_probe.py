"""What is wrong with a PostgreSQL server, found by a probe of SARAH's own.

libpq gives a failed connection no SQLSTATE (only its English text, which SARAH never reads),
so the cause is found again by asking the network and the server directly, step by step:
the name (``getaddrinfo``), the port (a TCP connection, sorted by errno), then the server's own
answer to a startup message (the PostgreSQL protocol 3.0: TLS when offered, the password
exchange: clear text, MD5 or SCRAM-SHA-256), whose error carries its SQLSTATE.

No SARAH module above ``sarah.errors`` is imported: ``sarah.db`` uses it for every engine.
"""

from __future__ import annotations

import base64
import errno
import hashlib
import hmac
import os
import socket
import ssl
import struct
from dataclasses import dataclass, replace

from sarah.errors import ServerRefused, ServerUnreachable, UserError

# What the probe found, in order of the steps.
HOST_UNKNOWN = "host_unknown"  # the name does not resolve
PORT_CLOSED = "port_closed"  # the host answers, nothing listens on the port
TIMEOUT = "timeout"  # no answer within the delay (host down, firewall, a hung server)
NETWORK = "network"  # no route to the host, network down
NOT_POSTGRES = "not_postgres"  # something listens, but does not speak PostgreSQL
PASSWORD_NEEDED = "password_needed"  # the server asks for a password and none was given
REFUSED = "refused"  # the server answered with an error: see ``sqlstate``
ANSWERED = "answered"  # the server accepted the connection: nothing wrong now

PROTOCOL_3 = 196608
SSL_REQUEST = 80877103
AUTH_OK, AUTH_CLEARTEXT, AUTH_MD5, AUTH_SASL, AUTH_SASL_CONTINUE, AUTH_SASL_FINAL = (
    0,
    3,
    5,
    10,
    11,
    12,
)
MAX_MESSAGE = 1 << 20


@dataclass(frozen=True)
class Server:
    """Where and as whom to connect (the password is used, never shown)."""

    host: str
    port: int
    database: str
    user: str
    password: str | None = None
    sslmode: str = "prefer"


@dataclass(frozen=True)
class Probe:
    outcome: str
    sqlstate: str | None = None


class _ProtocolError(Exception):
    """The peer's bytes are not PostgreSQL's protocol."""


def probe(server: Server, timeout: float) -> Probe:
    """Where the connection to ``server`` fails, or ANSWERED when it does not."""
    if server.host.startswith("/"):  # a Unix socket's folder, as libpq takes it
        return _probe_socket_file(server, timeout)
    try:
        addresses = socket.getaddrinfo(server.host, server.port, type=socket.SOCK_STREAM)
    except socket.gaierror:
        return Probe(HOST_UNKNOWN)
    last = Probe(NETWORK)
    for family, kind, proto, _name, address in addresses:
        sock = socket.socket(family, kind, proto)
        sock.settimeout(timeout)
        try:
            sock.connect(address)
        except TimeoutError:
            last = Probe(TIMEOUT)
            sock.close()
            continue
        except OSError as exc:
            last = Probe(PORT_CLOSED if exc.errno == errno.ECONNREFUSED else NETWORK)
            sock.close()
            continue
        return _talk(sock, server)
    return last


def _probe_socket_file(server: Server, timeout: float) -> Probe:
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(timeout)
    try:
        sock.connect(f"{server.host}/.s.PGSQL.{server.port}")
    except TimeoutError:
        sock.close()
        return Probe(TIMEOUT)
    except OSError as exc:
        sock.close()
        closed = exc.errno in (errno.ECONNREFUSED, errno.ENOENT)
        return Probe(PORT_CLOSED if closed else NETWORK)
    return _talk(sock, replace(server, sslmode="disable"))  # no TLS on a local socket


def _talk(sock: socket.socket, server: Server) -> Probe:
    try:
        with sock:
            stream = _maybe_tls(sock, server)
            try:
                return _startup(stream, server)
            finally:
                if stream is not sock:
                    stream.close()
    except TimeoutError:
        return Probe(TIMEOUT)
    except (_ProtocolError, ssl.SSLError):
        return Probe(NOT_POSTGRES)
    except OSError:
        return Probe(NETWORK)


def _maybe_tls(sock: socket.socket, server: Server) -> socket.socket:
    """TLS as libpq would use it for this sslmode (the probe must meet the same pg_hba line)."""
    if server.sslmode in ("disable", "allow"):
        return sock
    sock.sendall(struct.pack("!ii", 8, SSL_REQUEST))
    answer = _exactly(sock, 1)
    if answer != b"S":
        if answer != b"N":
            raise _ProtocolError
        return sock
    context = ssl.create_default_context()
    if server.sslmode != "verify-full":
        context.check_hostname = False
    if server.sslmode not in ("verify-ca", "verify-full"):
        context.verify_mode = ssl.CERT_NONE
    return context.wrap_socket(sock, server_hostname=server.host)


def _exactly(sock: socket.socket, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = sock.recv(size - len(data))
        if not chunk:
            raise _ProtocolError
        data += chunk
    return data


def _read_message(sock: socket.socket) -> tuple[bytes, bytes]:
    head = _exactly(sock, 5)
    kind, length = head[:1], struct.unpack("!i", head[1:])[0]
    if not kind.isalpha() or not 4 <= length <= MAX_MESSAGE:
        raise _ProtocolError
    return kind, _exactly(sock, length - 4)


def _send(sock: socket.socket, kind: bytes, body: bytes) -> None:
    sock.sendall(kind + struct.pack("!i", len(body) + 4) + body)


def _sqlstate(body: bytes) -> str | None:
    for field in body.split(b"\0"):
        if field[:1] == b"C":
            return field[1:].decode("ascii", "replace")
    return None


def _startup(sock: socket.socket, server: Server) -> Probe:
    params = b"".join(
        k + b"\0" + v.encode() + b"\0"
        for k, v in (
            (b"user", server.user),
            (b"database", server.database),
            (b"application_name", "sarah-probe"),
        )
    )
    body = struct.pack("!i", PROTOCOL_3) + params + b"\0"
    sock.sendall(struct.pack("!i", len(body) + 4) + body)
    scram: _Scram | None = None
    while True:
        kind, payload = _read_message(sock)
        if kind == b"E":
            return Probe(REFUSED, _sqlstate(payload))
        if kind == b"Z":  # ready for query: the server took us
            _send(sock, b"X", b"")
            return Probe(ANSWERED)
        if kind != b"R":
            continue  # parameter status, backend key, notices, protocol negotiation
        code = struct.unpack("!i", payload[:4])[0]
        if code == AUTH_OK:
            continue
        if server.password is None:
            return Probe(PASSWORD_NEEDED)
        scram = _answer_auth(sock, server, code, payload[4:], scram)


def _answer_auth(
    sock: socket.socket, server: Server, code: int, data: bytes, scram: _Scram | None
) -> _Scram | None:
    password = server.password or ""
    if code == AUTH_CLEARTEXT:
        _send(sock, b"p", password.encode() + b"\0")
    elif code == AUTH_MD5:
        inner = hashlib.md5(
            (password + server.user).encode()
        ).hexdigest()  # the protocol's own hash
        outer = hashlib.md5(inner.encode() + data[:4]).hexdigest()  # the protocol's own hash
        _send(sock, b"p", b"md5" + outer.encode() + b"\0")
    elif code == AUTH_SASL:
        if b"SCRAM-SHA-256" not in data.split(b"\0"):
            raise _ProtocolError
        scram = _Scram(password)
        first = scram.client_first()
        _send(sock, b"p", b"SCRAM-SHA-256\0" + struct.pack("!i", len(first)) + first)
    elif code == AUTH_SASL_CONTINUE and scram is not None:
        _send(sock, b"p", scram.client_final(data))
    elif code != AUTH_SASL_FINAL:  # the final message is checked by the server's own answer
        raise _ProtocolError
    return scram


class _Scram:
    """The client side of SCRAM-SHA-256 (RFC 5802, RFC 7677), without channel binding."""

    def __init__(self, password: str) -> None:
        self.password = password.encode()
        self.nonce = base64.b64encode(os.urandom(18)).decode()
        self.first_bare = f"n=,r={self.nonce}"

    def client_first(self) -> bytes:
        return f"n,,{self.first_bare}".encode()

    def client_final(self, server_first: bytes) -> bytes:
        fields = dict(item.split("=", 1) for item in server_first.decode().split(","))
        if not fields.get("r", "").startswith(self.nonce):
            raise _ProtocolError
        salted = hashlib.pbkdf2_hmac(
            "sha256", self.password, base64.b64decode(fields["s"]), int(fields["i"])
        )
        client_key = hmac.digest(salted, b"Client Key", "sha256")
        stored_key = hashlib.sha256(client_key).digest()
        without_proof = f"c=biws,r={fields['r']}"
        auth_message = f"{self.first_bare},{server_first.decode()},{without_proof}".encode()
        signature = hmac.digest(stored_key, auth_message, "sha256")
        proof = bytes(a ^ b for a, b in zip(client_key, signature, strict=True))
        return f"{without_proof},p={base64.b64encode(proof).decode()}".encode()


# --- the French message for each failure ------------------------------------------------------


def server_words(server: Server) -> str:
    """The server named in a message: host, port, database and user (never the password)."""
    return f"serveur {server.host}:{server.port}, base « {server.database} », utilisateur « {server.user} »"


NOTHING_SAVED = "Rien n'a été enregistré."


def commit_answer_lost(server: Server) -> ServerUnreachable:
    """The connection was cut during COMMIT: the server may have committed, so never say that
    nothing was saved (the desk's entry id makes its own retry safe)."""
    return ServerUnreachable(
        f"La connexion au serveur a été coupée au moment même d'enregistrer "
        f"({server_words(server)}) : l'enregistrement a peut-être eu lieu. Réessayez quand le "
        "serveur répond : une saisie de l'accueil enregistrée deux fois ne compte qu'une fois ; "
        "ailleurs, vérifiez avant de refaire."
    )


STOPPING = ("57P01", "57P02", "57P03")


def error_for_sqlstate(server: Server, sqlstate: str) -> UserError | None:
    """The message for a server's error code, None for one that is not a setting or an outage
    (a bug, or a conflict the caller retries)."""
    host = f"{server.host}:{server.port}"
    if sqlstate == "3D000":
        return ServerRefused(
            f"La base « {server.database} » n'existe pas sur le serveur {host} "
            f"(utilisateur « {server.user} »). Vérifiez son nom, ou faites-la créer par "
            f"l'administrateur du serveur (docs/serveur.md). {NOTHING_SAVED}"
        )
    if sqlstate == "28000":
        return ServerRefused(
            f"Le serveur {host} refuse l'utilisateur « {server.user} » pour la base "
            f"« {server.database} » : cet utilisateur n'existe pas, ou n'a pas le droit de se "
            f"connecter depuis ce poste. Vérifiez le nom d'utilisateur. {NOTHING_SAVED}"
        )
    if sqlstate == "28P01":
        return ServerRefused(
            f"Le serveur {host} refuse le mot de passe de l'utilisateur « {server.user} » "
            f"(ou cet utilisateur n'existe pas). Vérifiez le nom d'utilisateur et le mot de "
            f"passe (base « {server.database} »). {NOTHING_SAVED}"
        )
    if sqlstate == "42501":
        return ServerRefused(
            f"L'utilisateur « {server.user} » n'a pas les droits nécessaires sur la base "
            f"« {server.database} » du serveur {host} : demandez à l'administrateur du serveur "
            f"de les lui donner (docs/serveur.md). {NOTHING_SAVED}"
        )
    if sqlstate == "53300":
        return ServerUnreachable(
            f"Le serveur {host} a atteint son nombre maximal de connexions (base "
            f"« {server.database} », utilisateur « {server.user} ») : réessayez dans un moment, "
            f"ou demandez à l'administrateur d'en permettre davantage. {NOTHING_SAVED}"
        )
    if sqlstate in STOPPING or sqlstate.startswith("08"):
        return ServerUnreachable(
            f"Le serveur {host} s'arrête ou redémarre ({server_words(server)}) : réessayez dans un "
            f"moment. {NOTHING_SAVED}"
        )
    if sqlstate.startswith("28"):
        return ServerRefused(
            f"Le serveur refuse la connexion ({server_words(server)} ; code {sqlstate}) : vérifiez "
            f"ces réglages avec l'administrateur du serveur. {NOTHING_SAVED}"
        )
    return None


def error_for_probe(server: Server, found: Probe, timeout: float) -> UserError:
    """The message for what the probe found (a connection failure with no SQLSTATE)."""
    if found.outcome == REFUSED and found.sqlstate is not None:
        known = error_for_sqlstate(server, found.sqlstate)
        if known is not None:
            return known
    where = server_words(server)
    messages: dict[str, UserError] = {
        HOST_UNKNOWN: ServerUnreachable(
            f"Le serveur « {server.host} » est introuvable : ce nom ne correspond à aucune "
            f"machine du réseau ({where}). Vérifiez le nom du serveur et la connexion du poste "
            f"au réseau. {NOTHING_SAVED}"
        ),
        PORT_CLOSED: ServerUnreachable(
            f"Aucun serveur PostgreSQL n'écoute sur le port {server.port} de {server.host} "
            f"({where}) : le service est arrêté ou le port est faux. Vérifiez le port, ou "
            f"réessayez quand le serveur aura redémarré. {NOTHING_SAVED}"
        ),
        TIMEOUT: ServerUnreachable(
            f"Le serveur ne répond pas ({where} ; rien en {timeout:g} s) : machine éteinte, "
            f"réseau coupé ou pare-feu. Réessayez plus tard. {NOTHING_SAVED}"
        ),
        NETWORK: ServerUnreachable(
            f"Le serveur est injoignable ({where}) : pas de chemin réseau jusqu'à lui. Vérifiez "
            f"la connexion du poste au réseau. {NOTHING_SAVED}"
        ),
        NOT_POSTGRES: ServerRefused(
            f"Le programme qui répond sur le port {server.port} de {server.host} n'est pas un "
            f"serveur PostgreSQL ({where}) : vérifiez le port. {NOTHING_SAVED}"
        ),
        PASSWORD_NEEDED: ServerRefused(
            f"Le serveur demande un mot de passe pour l'utilisateur « {server.user} » et aucun "
            f"n'a été donné ({where}). {NOTHING_SAVED}"
        ),
    }
    return messages.get(
        found.outcome,
        ServerUnreachable(
            f"La connexion au serveur a été interrompue ({where}) : réessayez. {NOTHING_SAVED}"
        ),
    )
