"""The network key: 32 random bytes shared by every installation of a network.

It travels once, in a small text file (``sync key create`` writes it, ``sync key import`` reads
it at another installation), and is kept in the one-row ``installation`` table. Its id, a
keyed hash, names the network in packages and messages without revealing the key.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, select, update

from sarah.db import read_connection, write_session
from sarah.errors import UserError
from sarah.exports.files import write_text_atomically
from sarah.schema import installation
from sarah.services.sync.errors import (
    DamagedKey,
    KeyAlreadyInstalled,
    KeyFileExists,
    NewerKeyFile,
    NotAKeyFile,
)

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

KEY_BYTES = 32
KEY_ID_CHARS = 16
KEY_ID_LABEL = b"sarah network key id"
KEY_FILE_MAGIC = "SARAH-CLE-RESEAU"
KEY_FILE_VERSION = 1
KEY_FILE_MAX_BYTES = 4096
# base64url of 32 bytes without padding: 43 characters.
KEY_TEXT_RE = re.compile(r"[A-Za-z0-9_-]{43}")


@dataclass(frozen=True)
class NetworkKey:
    secret: bytes = field(repr=False)

    @classmethod
    def generate(cls) -> NetworkKey:
        return cls(secrets.token_bytes(KEY_BYTES))

    @property
    def id(self) -> str:
        digest = hmac.new(self.secret, KEY_ID_LABEL, hashlib.sha256).hexdigest()
        return digest[:KEY_ID_CHARS]

    @property
    def text(self) -> str:
        """The key as stored and written: base64url without padding."""
        return base64.urlsafe_b64encode(self.secret).rstrip(b"=").decode("ascii")


def decode_key(value: str) -> NetworkKey | None:
    """The key written as ``value``, or None when it is not exactly a key's canonical text."""
    if not KEY_TEXT_RE.fullmatch(value):
        return None
    key = NetworkKey(base64.urlsafe_b64decode(value + "="))
    return key if key.text == value else None  # the last character's spare bits must be zero


# --- the key file ---------------------------------------------------------------------------------


def key_file_text(key: NetworkKey, created: date) -> str:
    return (
        f"{KEY_FILE_MAGIC} {KEY_FILE_VERSION}\n"
        f"id: {key.id}\n"
        f"cle: {key.text}\n"
        f"creee: {created.isoformat()}\n"
    )


def write_key_file(path: Path, key: NetworkKey, created: date) -> Path:
    """Write the key file atomically. Its temporary file is made by ``mkstemp`` (mode 0600 where
    the OS has modes), and the rename keeps that mode: only its owner can read the key."""
    return write_text_atomically(path, key_file_text(key, created))


def _key_file_bytes(path: Path) -> bytes:
    try:
        with open(path, "rb") as fh:
            data = fh.read(KEY_FILE_MAX_BYTES + 1)  # bounded: a wrong file may be huge
    except FileNotFoundError as exc:
        raise UserError(f"Le fichier de clé {path} est introuvable.") from exc
    except IsADirectoryError as exc:
        raise UserError(f"{path} est un dossier, pas un fichier de clé.") from exc
    except OSError as exc:
        raise UserError(f"Impossible de lire le fichier de clé {path} : {exc.strerror}.") from exc
    if len(data) > KEY_FILE_MAX_BYTES:
        raise NotAKeyFile(
            f"{path} n'est pas un fichier de clé de réseau SARAH (beaucoup trop gros)."
        )
    return data


def _key_file_version(first_line: str, path: Path) -> int:
    word, _, version = first_line.strip().partition(" ")
    if word != KEY_FILE_MAGIC or not version.isdigit() or int(version) < 1:
        raise NotAKeyFile(f"{path} n'est pas un fichier de clé de réseau SARAH.")
    if int(version) > KEY_FILE_VERSION:
        raise NewerKeyFile(
            f"Le fichier de clé {path} est d'une version plus récente ({version}) que celle que "
            f"cette version de SARAH sait lire ({KEY_FILE_VERSION}) : mettez SARAH à jour."
        )
    return int(version)


def parse_key_file(content: str, path: Path) -> NetworkKey:
    lines = content.splitlines()
    _key_file_version(lines[0] if lines else "", path)
    fields = {}
    for line in lines[1:]:
        name, sep, value = line.partition(":")
        if sep:
            fields[name.strip()] = value.strip()
    key = decode_key(fields.get("cle", ""))
    if key is None:
        raise DamagedKey(
            f"Le fichier de clé {path} est abîmé : la clé qu'il contient est illisible "
            "(manquante, mal recopiée ou de mauvaise longueur). Demandez une nouvelle copie du "
            "fichier à l'installation qui a créé la clé."
        )
    if fields.get("id") != key.id:
        raise DamagedKey(
            f"Le fichier de clé {path} est abîmé : la clé ne correspond pas à son identifiant "
            f"({fields.get('id') or 'absent'}). Demandez une nouvelle copie du fichier."
        )
    return key


def read_key_file(path: Path) -> NetworkKey:
    data = _key_file_bytes(path)
    try:
        content = data.decode("utf-8-sig")  # a BOM left by a Windows editor is harmless
    except UnicodeDecodeError as exc:
        raise NotAKeyFile(f"{path} n'est pas un fichier de clé de réseau SARAH.") from exc
    return parse_key_file(content, path)


# --- the key kept by this installation ------------------------------------------------------------

SELECT_KEY = select(installation.c.network_key)
DAMAGED_INSTALLED_KEY = (
    "La clé du réseau enregistrée dans cette installation est abîmée : importez de nouveau le "
    "fichier de clé du réseau (sarah sync key import FICHIER)."
)


def _stored_key_text(session: Session) -> str | None:
    row = session.execute(SELECT_KEY).first()
    if row is None:  # migration 0004 inserts the one row: its absence is a bug, not a user's act
        raise RuntimeError("the installation table has no row")
    return None if row[0] is None else str(row[0])


def _store(session: Session, key: NetworkKey) -> None:
    session.execute(update(installation).values(network_key=key.text))


def _id_of_text(value: str) -> str:
    key = decode_key(value)
    return "(clé abîmée)" if key is None else key.id


def installed_key(engine: Engine) -> NetworkKey | None:
    """The network key of this installation, or None when it belongs to no network yet."""
    with read_connection(engine) as conn:
        row = conn.execute(SELECT_KEY).first()
    if row is None or row[0] is None:
        return None
    key = decode_key(str(row[0]))
    if key is None:
        raise DamagedKey(DAMAGED_INSTALLED_KEY)
    return key


def install_key(engine: Engine, key: NetworkKey, *, replace: bool = False) -> bool:
    """Keep ``key`` as this installation's network key; False when it already was.

    Another key already installed is refused unless ``replace``: changing networks is not a
    casual act (packages of the old network can no longer be read here).
    """
    with write_session(engine) as session:
        current = _stored_key_text(session)
        if current == key.text:
            return False
        if current is not None and not replace:
            raise KeyAlreadyInstalled(
                f"Cette installation appartient déjà au réseau {_id_of_text(current)} : la clé "
                f"du réseau {key.id} n'a pas été installée. Changer de réseau n'est pas anodin "
                "(les paquets de l'ancien réseau ne pourront plus être lus ici)."
            )
        _store(session, key)
    return True


def create_network_key(engine: Engine, output: Path, created: date) -> NetworkKey:
    """Make a new network's key, write it to ``output`` and install it, in one transaction:
    either both are done or neither (the file is removed when the installation fails)."""
    if output.exists():
        raise KeyFileExists(
            f"Le fichier {output} existe déjà : il n'a pas été remplacé (ce pourrait être la "
            "seule copie d'une clé). Choisissez un autre nom."
        )
    key = NetworkKey.generate()
    written: Path | None = None
    try:
        with write_session(engine) as session:
            current = _stored_key_text(session)
            if current is not None:
                raise KeyAlreadyInstalled(
                    f"Cette installation appartient déjà au réseau {_id_of_text(current)} : "
                    "aucune nouvelle clé n'a été créée. Pour relier une autre installation, "
                    "importez-y le fichier de clé de ce réseau (sarah sync key import FICHIER)."
                )
            written = write_key_file(output, key, created)
            _store(session, key)
    except BaseException:
        if written is not None:
            with contextlib.suppress(OSError):
                written.unlink()
        raise
    return key
