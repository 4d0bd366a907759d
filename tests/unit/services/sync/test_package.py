"""The package envelope, on real files: round trips, and every refusal built for real."""

from __future__ import annotations

import json
import os
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from sarah.errors import UserError
from sarah.services.sync.errors import SyncRefused
from sarah.services.sync.keys import NetworkKey
from sarah.services.sync.package import (
    CHUNK,
    MAGIC,
    MIN_CHUNK,
    chunk_nonce,
    new_header,
    open_package,
    read_package,
    write_package,
)

KEY = NetworkKey(bytes(range(32)))


@pytest.fixture(scope="module")
def source_bytes() -> bytes:
    return os.urandom(3_200_000)  # incompressible: three full chunks and a short last one


@pytest.fixture
def package(tmp_path: Path, source_bytes: bytes) -> Path:
    source = tmp_path / "conteneur.sqlite"
    source.write_bytes(source_bytes)
    target = tmp_path / "paquets" / "site.sarahsync"
    target.parent.mkdir()
    write_package(source, target, KEY)
    return target


def header_end(data: bytes) -> int:
    return data.index(b"\n", len(MAGIC)) + 1


def records(data: bytes) -> list[tuple[int, int]]:
    """(offset of the length prefix, record length) of each record."""
    found, at = [], header_end(data)
    while at < len(data):
        length = int.from_bytes(data[at : at + 4], "big")
        found.append((at, length))
        at += 4 + length
    return found


def refused(path: Path, key: NetworkKey | None = KEY, **options: int) -> str:
    """The code of the refusal; checks that nothing was written and the message names the file."""
    out = path.parent / "sortie" / "conteneur.sqlite"
    out.parent.mkdir(exist_ok=True)
    with pytest.raises(SyncRefused) as refusal:
        read_package(path, key, out, **options)
    assert str(path) in str(refusal.value)
    assert list(out.parent.iterdir()) == []  # no target, no temporary file
    return refusal.value.code


def rewrite(path: Path, change: Callable[[bytes], bytes]) -> Path:
    path.write_bytes(change(path.read_bytes()))
    return path


def flip(data: bytes, at: int, mask: int = 0x01) -> bytes:
    return data[:at] + bytes([data[at] ^ mask]) + data[at + 1 :]


def test_a_file_comes_back_byte_for_byte(package: Path, source_bytes: bytes) -> None:
    out = package.parent / "lu.sqlite"
    header = read_package(package, KEY, out)
    assert out.read_bytes() == source_bytes
    assert header.key_id == KEY.id and header.format == 1 and header.chunk == CHUNK
    layout = records(package.read_bytes())
    assert [length for _, length in layout[:-1]] == [CHUNK + 16] * 3
    assert layout[-1][1] < CHUNK + 16
    assert sorted(p.name for p in package.parent.iterdir()) == ["lu.sqlite", "site.sarahsync"]


def test_an_empty_file_comes_back_empty(tmp_path: Path) -> None:
    source, target, out = tmp_path / "vide", tmp_path / "vide.sarahsync", tmp_path / "lu"
    source.write_bytes(b"")
    write_package(source, target, KEY)
    assert len(records(target.read_bytes())) == 1
    read_package(target, KEY, out)
    assert out.read_bytes() == b""


def test_a_last_chunk_exactly_full_is_read_as_the_last(tmp_path: Path) -> None:
    # Incompressible data of a length whose zlib stream is an exact number of chunks.
    data = next(
        d
        for d in (os.urandom(n) for n in range(3 * MIN_CHUNK, 4 * MIN_CHUNK))
        if len(zlib.compress(d, 1)) % MIN_CHUNK == 0
    )
    source, target, out = tmp_path / "plein", tmp_path / "plein.sarahsync", tmp_path / "lu"
    source.write_bytes(data)
    write_package(source, target, KEY, chunk=MIN_CHUNK)
    assert {length for _, length in records(target.read_bytes())} == {MIN_CHUNK + 16}
    read_package(target, KEY, out)
    assert out.read_bytes() == data


def test_the_header_is_read_without_the_key(package: Path) -> None:
    header = open_package(package)
    assert header.key_id == KEY.id and len(header.nonce) == 7
    line = package.read_bytes()[len(MAGIC) : header_end(package.read_bytes())]
    assert json.loads(line) == {
        "format": 1,
        "key_id": KEY.id,
        "nonce": json.loads(line)["nonce"],
        "chunk": CHUNK,
    }


def test_two_packages_of_the_same_file_never_share_a_nonce(tmp_path: Path, package: Path) -> None:
    again = tmp_path / "encore.sarahsync"
    write_package(tmp_path / "conteneur.sqlite", again, KEY)
    assert open_package(again).nonce != open_package(package).nonce


def test_without_a_key_here_the_package_is_refused(package: Path) -> None:
    assert refused(package, key=None) == "no_key"


def test_another_networks_package_is_refused_naming_both(package: Path) -> None:
    other = NetworkKey.generate()
    out = package.parent / "sortie"
    with pytest.raises(SyncRefused) as refusal:
        read_package(package, other, out)
    assert refusal.value.code == "other_network"
    assert KEY.id in str(refusal.value) and other.id in str(refusal.value)
    assert not out.exists()


def test_a_header_edited_even_harmlessly_fails_authentication(package: Path) -> None:
    # Still valid JSON with the same values: only the authentication can see it.
    rewrite(package, lambda d: d.replace(b'"format": 1', b'"format":\t1', 1))
    assert open_package(package).format == 1
    assert refused(package) == "tampered"


def test_a_flipped_byte_in_a_chunk_is_refused(package: Path) -> None:
    at, _ = records(package.read_bytes())[1]
    rewrite(package, lambda d: flip(d, at + 4 + 1000))
    assert refused(package) == "tampered"


@pytest.mark.parametrize("byte, mask", [(0, 0x01), (3, 0x01), (3, 0x20), (1, 0x80)])
def test_a_flipped_byte_in_a_length_is_refused(package: Path, byte: int, mask: int) -> None:
    at, _ = records(package.read_bytes())[0]
    rewrite(package, lambda d: flip(d, at + byte, mask))
    assert refused(package) == "tampered"


def test_swapped_chunks_are_refused(package: Path) -> None:
    def swap(data: bytes) -> bytes:
        (a, la), (b, lb) = records(data)[:2]
        first, second = data[a : a + 4 + la], data[b : b + 4 + lb]
        return data[:a] + second + first + data[b + 4 + lb :]

    rewrite(package, swap)
    assert refused(package) == "tampered"


def test_a_dropped_chunk_is_refused(package: Path) -> None:
    def drop(data: bytes) -> bytes:
        at, length = records(data)[1]
        return data[:at] + data[at + 4 + length :]

    rewrite(package, drop)
    assert refused(package) == "tampered"


@pytest.mark.parametrize(
    "where",
    [
        "in-header",
        "after-header",
        "in-length",
        "in-first-chunk",
        "at-chunk-boundary",
        "before-last-chunk",
        "one-byte-short",
    ],
)
def test_a_cut_package_is_refused_as_truncated(package: Path, where: str) -> None:
    data = package.read_bytes()
    layout, end = records(data), header_end(data)
    cut = {
        "in-header": end - 5,
        "after-header": end,
        "in-length": end + 2,
        "in-first-chunk": end + 4 + 5000,
        "at-chunk-boundary": layout[1][0],
        "before-last-chunk": layout[-1][0],
        "one-byte-short": len(data) - 1,
    }[where]
    rewrite(package, lambda d: d[:cut])
    assert refused(package) == "truncated"


@pytest.mark.parametrize("extra", [b"\x00", b"x" * 100, "a whole record"])
def test_bytes_after_the_end_are_refused(package: Path, extra: bytes | str) -> None:
    data = package.read_bytes()
    at, length = records(data)[-1]
    tail = data[at : at + 4 + length] if isinstance(extra, str) else extra
    rewrite(package, lambda d: d + tail)
    assert refused(package) == "trailing_data"


def test_a_package_of_a_newer_format_asks_for_an_update(package: Path) -> None:
    rewrite(package, lambda d: d.replace(b'"format": 1', b'"format": 2', 1))
    with pytest.raises(SyncRefused) as refusal:
        open_package(package)
    assert refusal.value.code == "newer_format" and "mettez SARAH à jour" in str(refusal.value)
    assert refused(package) == "newer_format"
    assert refused(package, key=None) == "newer_format"  # said before the missing key


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"SARAH",
        os.urandom(5000),
        MAGIC + b"{pas du json}\n",
        MAGIC + b"[1, 2]\n",
        MAGIC + b"\xff\xfe\n",
        MAGIC + b'{"format": 1}\n',
        MAGIC
        + b'{"format": "1", "key_id": "0123456789abcdef", "nonce": "AAAAAAAAAA", "chunk": 1048576}\n',
        MAGIC
        + b'{"format": 1, "key_id": "0123456789ABCDEF", "nonce": "AAAAAAAAAA", "chunk": 1048576}\n',
        MAGIC + b'{"format": 1, "key_id": "0123456789abcdef", "nonce": "AAAA", "chunk": 1048576}\n',
        MAGIC
        + b'{"format": 1, "key_id": "0123456789abcdef", "nonce": "AAAAAAAAAB", "chunk": 1048576}\n',
        MAGIC
        + b'{"format": 1, "key_id": "0123456789abcdef", "nonce": "AAAAAAAAAA", "chunk": 1099511627776}\n',
        MAGIC
        + b'{"format": 1, "key_id": "0123456789abcdef", "nonce": "AAAAAAAAAA", "chunk": true}\n',
        MAGIC + b" " * 5000 + b"\n",
    ],
    ids=[
        "empty",
        "magic-cut",
        "random",
        "bad-json",
        "not-an-object",
        "not-utf8",
        "missing-fields",
        "format-text",
        "key-id-upper",
        "short-nonce",
        "nonce-spare-bits",
        "huge-chunk",
        "chunk-bool",
        "header-too-long",
    ],
)
def test_what_is_not_a_package_is_refused_as_such(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "autre.bin"
    path.write_bytes(content)
    with pytest.raises(SyncRefused) as refusal:
        open_package(path)
    assert refusal.value.code == "not_a_package"
    assert refused(path) == "not_a_package"


def test_a_package_too_large_once_decompressed_is_refused(tmp_path: Path) -> None:
    source, target = tmp_path / "zeros", tmp_path / "zeros.sarahsync"
    source.write_bytes(bytes(3_000_000))  # compresses to a few kilobytes: a bomb in miniature
    write_package(source, target, KEY)
    assert target.stat().st_size < 50_000
    assert refused(target, max_size=2_000_000) == "too_large"
    out = tmp_path / "lu"
    read_package(target, KEY, out, max_size=3_000_000)
    assert out.stat().st_size == 3_000_000


def test_a_package_that_cannot_be_written_leaves_nothing(tmp_path: Path) -> None:
    source = tmp_path / "conteneur.sqlite"
    source.write_bytes(b"x" * 1000)
    with pytest.raises(UserError, match="n'existe pas"):
        write_package(source, tmp_path / "absent" / "p.sarahsync", KEY)
    with pytest.raises(UserError, match="dossier"):
        write_package(source, tmp_path, KEY)
    with pytest.raises(UserError, match="introuvable"):
        write_package(tmp_path / "absent.sqlite", tmp_path / "p.sarahsync", KEY)
    assert [p.name for p in tmp_path.iterdir()] == ["conteneur.sqlite"]


def test_a_missing_package_is_a_plain_user_error(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="introuvable"):
        open_package(tmp_path / "absent.sarahsync")
    with pytest.raises(UserError, match="introuvable"):
        read_package(tmp_path / "absent.sarahsync", KEY, tmp_path / "lu")
    assert not (tmp_path / "lu").exists()


def sealed_by_hand(path: Path, plaintexts: list[bytes]) -> Path:
    """A package whose chunks are sealed with the right key but hold what SARAH never writes."""
    header = new_header(KEY, MIN_CHUNK)
    aead = AESGCM(KEY.secret)
    body = b""
    for counter, plaintext in enumerate(plaintexts):
        last = counter == len(plaintexts) - 1
        record = aead.encrypt(chunk_nonce(header, counter, last), plaintext, header.raw)
        body += len(record).to_bytes(4, "big") + record
    path.write_bytes(header.raw + body)
    return path


@pytest.mark.parametrize(
    "plaintext",
    [b"pas du zlib", zlib.compress(b"x" * 5000)[:-6], zlib.compress(b"x") + b"en trop"],
    ids=["not-zlib", "zlib-cut", "after-zlib"],
)
def test_an_authenticated_body_that_sarah_never_writes_is_refused(
    tmp_path: Path, plaintext: bytes
) -> None:
    assert refused(sealed_by_hand(tmp_path / "p.sarahsync", [plaintext])) == "tampered"


def test_chunks_sealed_by_hand_in_order_read_back(tmp_path: Path) -> None:
    stream = zlib.compress(os.urandom(3000), 1)
    pieces = [stream[i : i + MIN_CHUNK] for i in range(0, len(stream), MIN_CHUNK)]
    package = sealed_by_hand(tmp_path / "p.sarahsync", pieces)
    out = tmp_path / "lu"
    read_package(package, KEY, out)
    assert out.read_bytes() == zlib.decompress(stream)
