"""The sync package envelope: a plain header, then a body encrypted and authenticated with the
network's key (the STREAM construction of Tink and age, over AES-256-GCM).

Layout::

    SARAHSYNC\\n
    {"format": 1, "key_id": "<16 hex>", "nonce": "<base64url, 7 bytes>", "chunk": 1048576}\\n
    [u32 big-endian length][ciphertext] ...      one record per chunk, the last one flagged

Chunk ``i`` is sealed with the nonce ``nonce7 + i (u32 big-endian) + last flag (1 byte)`` and
the header bytes as associated data, so that reordering, dropping, cutting or extending the
chunks, or editing the header, fails authentication. The plaintext is a zlib stream of the
file the caller hands over (the SQLite container of the rows); both ways stream in pieces of
about a chunk, so memory stays small whatever the size of the file.
"""

from __future__ import annotations

import base64
import json
import re
import secrets
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from sarah.errors import UserError
from sarah.exports.files import write_atomically
from sarah.services.sync.errors import (
    NewerFormat,
    NoKey,
    NotAPackage,
    OtherNetwork,
    Tampered,
    TooLarge,
    TrailingData,
    Truncated,
)
from sarah.services.sync.keys import NetworkKey

MAGIC = b"SARAHSYNC\n"
FORMAT = 1
CHUNK = 1 << 20
MIN_CHUNK = 1 << 10
MAX_CHUNK = 1 << 24  # a header may not make the reader allocate more than this per record
MAX_HEADER_LINE = 4096
NONCE_BYTES = 7
TAG_BYTES = 16
LENGTH_BYTES = 4
MAX_COUNTER = (1 << 32) - 1
MAX_PLAINTEXT = 8 << 30  # the decompressed file: far above any real network's container
READ_PIECE = 1 << 20
COMPRESSION_LEVEL = 1  # fast: the container is mostly text and ids, level 1 gets most of it
KEY_ID_RE = re.compile(r"[0-9a-f]{16}")
NONCE_TEXT_RE = re.compile(r"[A-Za-z0-9_-]{10}")  # 7 bytes in base64url without padding


@dataclass(frozen=True)
class PackageHeader:
    format: int
    key_id: str
    nonce: bytes
    chunk: int
    raw: bytes  # MAGIC and the JSON line as written: authenticated with every chunk


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def new_header(key: NetworkKey, chunk: int = CHUNK) -> PackageHeader:
    nonce = secrets.token_bytes(NONCE_BYTES)
    fields = {"format": FORMAT, "key_id": key.id, "nonce": _b64url(nonce), "chunk": chunk}
    raw = MAGIC + json.dumps(fields).encode("utf-8") + b"\n"
    return PackageHeader(FORMAT, key.id, nonce, chunk, raw)


def chunk_nonce(header: PackageHeader, counter: int, last: bool) -> bytes:
    return header.nonce + counter.to_bytes(4, "big") + (b"\x01" if last else b"\x00")


# --- reading files, with French messages ------------------------------------------------------------


def _open_for_reading(path: Path, what: str) -> IO[bytes]:
    try:
        return open(path, "rb")  # the caller closes it (with-block)
    except FileNotFoundError as exc:
        raise UserError(f"{what} {path} est introuvable.") from exc
    except IsADirectoryError as exc:
        raise UserError(f"{what} {path} est un dossier : donnez le nom d'un fichier.") from exc
    except OSError as exc:
        raise UserError(f"Impossible de lire {what.lower()} {path} : {exc.strerror}.") from exc


def _read(fh: IO[bytes], size: int, path: Path, *, line: bool = False) -> bytes:
    """Read ``size`` bytes (fewer at the end; up to a newline with ``line``); an unreadable disk
    or a pulled-out USB key gives a French message, never one about the file being written."""
    try:
        return fh.readline(size) if line else fh.read(size)
    except OSError as exc:
        raise UserError(f"Impossible de lire {path} : {exc.strerror or exc}.") from exc


# --- writing --------------------------------------------------------------------------------------


def _compressed(source: IO[bytes], path: Path) -> Iterator[bytes]:
    compressor = zlib.compressobj(COMPRESSION_LEVEL)
    while piece := _read(source, READ_PIECE, path):
        if out := compressor.compress(piece):
            yield out
    yield compressor.flush()


def _write_body(
    source: IO[bytes], path: Path, out: IO[bytes], key: NetworkKey, header: PackageHeader
) -> None:
    aead = AESGCM(key.secret)
    counter = 0

    def seal(plaintext: bytes, last: bool) -> None:
        record = aead.encrypt(chunk_nonce(header, counter, last), plaintext, header.raw)
        out.write(len(record).to_bytes(LENGTH_BYTES, "big"))
        out.write(record)

    out.write(header.raw)
    pending = bytearray()
    for piece in _compressed(source, path):
        pending += piece
        # Strictly more than a chunk: what remains at the end is the last chunk, never nothing.
        while len(pending) > header.chunk:
            seal(bytes(pending[: header.chunk]), last=False)
            del pending[: header.chunk]
            counter += 1
    seal(bytes(pending), last=True)


def write_package(source: Path, target: Path, key: NetworkKey, *, chunk: int = CHUNK) -> None:
    """Encrypt ``source`` into the package ``target``, atomically: a full disk or a read-only
    folder gives a UserError and leaves nothing behind (and any previous ``target`` as it was)."""
    header = new_header(key, chunk)
    with _open_for_reading(source, "Le fichier") as src:
        write_atomically(target, lambda out: _write_body(src, source, out, key, header))


# --- the header -----------------------------------------------------------------------------------


def _not_a_package(path: Path, why: str) -> NotAPackage:
    return NotAPackage(f"{path} n'est pas un paquet de synchronisation SARAH ({why}).")


def _header_line(fh: IO[bytes], path: Path) -> bytes:
    if _read(fh, len(MAGIC), path) != MAGIC:
        raise _not_a_package(path, "il ne commence pas comme un paquet")
    line = _read(fh, MAX_HEADER_LINE, path, line=True)
    if line.endswith(b"\n"):
        return line
    if len(line) >= MAX_HEADER_LINE:
        raise _not_a_package(path, "en-tête trop long")
    raise Truncated(f"Le paquet {path} est incomplet : il s'arrête dans son en-tête.")


def _header_fields(line: bytes, path: Path) -> dict[str, object]:
    try:
        fields = json.loads(line.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise _not_a_package(path, "en-tête illisible") from exc
    if not isinstance(fields, dict):
        raise _not_a_package(path, "en-tête illisible")
    return fields


def _whole_number(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _check_format(fields: dict[str, object], path: Path) -> int:
    fmt = _whole_number(fields.get("format"))
    if fmt is None or fmt < 1:
        raise _not_a_package(path, "version de format absente")
    if fmt > FORMAT:
        raise NewerFormat(
            f"Le paquet {path} est d'un format plus récent ({fmt}) que celui que cette version "
            f"de SARAH sait lire ({FORMAT}) : mettez SARAH à jour sur ce poste, puis importez-le."
        )
    return fmt


def _parse_header(raw: bytes, line: bytes, path: Path) -> PackageHeader:
    fields = _header_fields(line, path)
    fmt = _check_format(fields, path)  # a newer format may have other fields: said first
    key_id, nonce_text = fields.get("key_id"), fields.get("nonce")
    chunk = _whole_number(fields.get("chunk"))
    if not (isinstance(key_id, str) and KEY_ID_RE.fullmatch(key_id)):
        raise _not_a_package(path, "identifiant de réseau absent ou invalide")
    if not (isinstance(nonce_text, str) and NONCE_TEXT_RE.fullmatch(nonce_text)):
        raise _not_a_package(path, "nonce absent ou invalide")
    if chunk is None or not MIN_CHUNK <= chunk <= MAX_CHUNK:
        raise _not_a_package(path, "taille de bloc absente ou invalide")
    nonce = base64.urlsafe_b64decode(nonce_text + "==")
    if len(nonce) != NONCE_BYTES or _b64url(nonce) != nonce_text:
        raise _not_a_package(path, "nonce invalide")
    return PackageHeader(fmt, key_id, nonce, chunk, raw)


def _read_header(fh: IO[bytes], path: Path) -> PackageHeader:
    line = _header_line(fh, path)
    return _parse_header(MAGIC + line, line, path)


def open_package(path: Path) -> PackageHeader:
    """Read and check the header only: what a message or a listing without the key needs."""
    with _open_for_reading(path, "Le paquet") as fh:
        return _read_header(fh, path)


# --- reading the body -----------------------------------------------------------------------------


def _check_key(header: PackageHeader, key: NetworkKey | None, path: Path) -> NetworkKey:
    if key is None:
        raise NoKey(
            f"Le paquet {path} ne peut pas être lu : cette installation n'a pas encore la clé du "
            f"réseau {header.key_id}. Importez d'abord le fichier de clé (sarah sync key import)."
        )
    if key.id != header.key_id:
        raise OtherNetwork(
            f"Le paquet {path} vient d'un autre réseau ({header.key_id}) que celui de cette "
            f"installation ({key.id}) : il ne peut pas être importé ici."
        )
    return key


def _tampered(path: Path) -> Tampered:
    return Tampered(
        f"Le paquet {path} a été modifié ou abîmé (son authentification échoue) : il est refusé "
        "en entier. Demandez un nouveau paquet à l'installation qui l'a écrit."
    )


def _truncated(path: Path) -> Truncated:
    return Truncated(
        f"Le paquet {path} est incomplet (copie interrompue ?) : il s'arrête avant sa fin. "
        "Recopiez-le ou demandez-en un nouveau."
    )


def _next_record(fh: IO[bytes], header: PackageHeader, path: Path) -> bytes | None:
    """The next record's ciphertext; None at the end of the file."""
    prefix = _read(fh, LENGTH_BYTES, path)
    if not prefix:
        return None
    if len(prefix) < LENGTH_BYTES:
        raise _truncated(path)
    length = int.from_bytes(prefix, "big")
    if not TAG_BYTES <= length <= header.chunk + TAG_BYTES:  # bounded before reading it
        raise _tampered(path)
    record = _read(fh, length, path)
    if len(record) < length:
        raise _truncated(path)
    return record


def _open_record(
    aead: AESGCM, header: PackageHeader, counter: int, record: bytes, path: Path
) -> tuple[bytes, bool]:
    """The plaintext of a record and whether it is the last one. Only a full record can be
    followed by another; a full last record is tried as such too."""
    full = len(record) == header.chunk + TAG_BYTES
    for last in (False, True) if full else (True,):
        try:
            return aead.decrypt(chunk_nonce(header, counter, last), record, header.raw), last
        except InvalidTag:
            continue
    raise _tampered(path)


def _plaintext_chunks(
    fh: IO[bytes], header: PackageHeader, key: NetworkKey, path: Path
) -> Iterator[bytes]:
    """Each chunk once authenticated, in order, up to the last one; then nothing may follow."""
    aead = AESGCM(key.secret)
    for counter in range(MAX_COUNTER + 1):
        record = _next_record(fh, header, path)
        if record is None:
            raise _truncated(path)
        plaintext, last = _open_record(aead, header, counter, record, path)
        yield plaintext
        if last:
            break
    else:
        raise _too_large(path)
    if _read(fh, 1, path):
        raise TrailingData(
            f"Le paquet {path} contient des données après sa fin : il a été modifié ou mal "
            "recopié, il est refusé en entier."
        )


def _too_large(path: Path) -> TooLarge:
    return TooLarge(
        f"Le paquet {path} est trop gros une fois décompressé : il est refusé (ce n'est pas un "
        "paquet qu'une installation de SARAH aurait écrit)."
    )


def _inflate(chunks: Iterable[bytes], out: IO[bytes], max_size: int, path: Path) -> None:
    """Decompress into ``out`` in bounded pieces, refusing more than ``max_size`` bytes."""
    inflater = zlib.decompressobj()
    total = 0
    try:
        for chunk in chunks:
            data = chunk
            while True:
                piece = inflater.decompress(data, READ_PIECE)
                total += len(piece)
                if total > max_size:
                    raise _too_large(path)
                out.write(piece)
                data = inflater.unconsumed_tail
                if not data and len(piece) < READ_PIECE:
                    break
    except zlib.error as exc:
        raise _tampered(path) from exc
    if not inflater.eof or inflater.unused_data:
        raise _tampered(path)  # authenticated, but not what SARAH writes


def read_package(
    path: Path, key: NetworkKey | None, target: Path, *, max_size: int = MAX_PLAINTEXT
) -> PackageHeader:
    """Check, decrypt and decompress the package ``path`` into ``target``.

    Returns only once the whole file was authenticated. ``target`` is written atomically: on
    any refusal it is not created (and a previous file of that name is left as it was).
    """
    with _open_for_reading(path, "Le paquet") as fh:
        header = _read_header(fh, path)
        checked = _check_key(header, key, path)
        write_atomically(
            target,
            lambda out: _inflate(_plaintext_chunks(fh, header, checked, path), out, max_size, path),
        )
    return header
