"""The network key: its id, its file (written, read, refused) and the key kept by an installation."""

from __future__ import annotations

import hashlib
import hmac
import os
import stat
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from sarah.services.sync.errors import SyncRefused
from sarah.services.sync.keys import (
    NetworkKey,
    create_network_key,
    decode_key,
    install_key,
    installed_key,
    key_file_text,
    read_key_file,
    write_key_file,
)

CREATED = date(2026, 12, 1)


def refusal(path: Path) -> SyncRefused:
    with pytest.raises(SyncRefused) as refused:
        read_key_file(path)
    assert str(path) in str(refused.value)
    return refused.value


def test_the_id_names_the_network_without_revealing_the_key() -> None:
    key = NetworkKey(bytes(range(32)))
    expected = hmac.new(key.secret, b"sarah network key id", hashlib.sha256).hexdigest()[:16]
    assert key.id == expected and len(key.id) == 16
    assert key.text not in repr(key) and str(key.secret) not in repr(key)
    assert NetworkKey.generate() != NetworkKey.generate()
    assert decode_key(key.text) == key and len(key.text) == 43 and "=" not in key.text


def test_a_key_file_is_written_for_its_owner_only_and_read_back(tmp_path: Path) -> None:
    key = NetworkKey.generate()
    path = write_key_file(tmp_path / "reseau.cle", key, CREATED)
    assert path.read_text(encoding="utf-8").splitlines() == [
        "SARAH-CLE-RESEAU 1",
        f"id: {key.id}",
        f"cle: {key.text}",
        "creee: 2026-12-01",
    ]
    if os.name == "posix":
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert read_key_file(path) == key
    assert [p.name for p in tmp_path.iterdir()] == ["reseau.cle"]  # no temporary file left


def test_a_key_file_copied_through_windows_still_reads(tmp_path: Path) -> None:
    key = NetworkKey.generate()
    path = tmp_path / "reseau.cle"
    path.write_bytes(b"\xef\xbb\xbf" + key_file_text(key, CREATED).replace("\n", "\r\n").encode())
    assert read_key_file(path) == key


@pytest.mark.parametrize(
    "content",
    [
        b"",
        os.urandom(200),
        b"SARAH-CLE 1\nid: x\n",
        b"SARAH-CLE-RESEAU\ncle: x\n",
        b"SARAH-CLE-RESEAU un\n",
        b"SARAH-CLE-RESEAU 1" + b" " * 5000,  # bounded: never read whole
    ],
    ids=["empty", "random", "other-magic", "no-version", "bad-version", "too-big"],
)
def test_what_is_not_a_key_file_is_refused_as_such(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "autre.txt"
    path.write_bytes(content)
    assert refusal(path).code == "not_a_key_file"


def test_a_key_file_of_a_newer_version_asks_for_an_update(tmp_path: Path) -> None:
    key = NetworkKey.generate()
    path = tmp_path / "reseau.cle"
    path.write_text(key_file_text(key, CREATED).replace("RESEAU 1", "RESEAU 2"), encoding="utf-8")
    refused = refusal(path)
    assert refused.code == "newer_key_file" and "mettez SARAH à jour" in str(refused)


B64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def _damaged(key: NetworkKey) -> dict[str, str]:
    good = key_file_text(key, CREATED)
    other = NetworkKey.generate()
    # 43 characters carry 258 bits for 256: flipping the lowest bit of the last one changes
    # only a spare bit, which a lenient decoder would ignore.
    spare = key.text[:-1] + B64URL[B64URL.index(key.text[-1]) ^ 1]
    return {
        "bad-base64": good.replace(key.text, key.text[:-2] + "*!"),
        "short": good.replace(key.text, key.text[:-4]),
        "long": good.replace(key.text, key.text + "AAAA"),
        "missing": good.replace(f"cle: {key.text}\n", ""),
        "other-id": good.replace(key.id, other.id),
        "no-id": good.replace(f"id: {key.id}\n", ""),
        "spare-bits": good.replace(key.text, spare),
    }


@pytest.mark.parametrize(
    "case", ["bad-base64", "short", "long", "missing", "other-id", "no-id", "spare-bits"]
)
def test_a_damaged_key_file_is_refused(tmp_path: Path, case: str) -> None:
    key = NetworkKey.generate()
    path = tmp_path / "reseau.cle"
    path.write_text(_damaged(key)[case], encoding="utf-8")
    refused = refusal(path)
    assert refused.code == "damaged_key" and "abîmé" in str(refused)


def test_a_missing_key_file_or_a_folder_is_a_plain_user_error(tmp_path: Path) -> None:
    from sarah.errors import UserError

    with pytest.raises(UserError, match="introuvable"):
        read_key_file(tmp_path / "absent.cle")
    with pytest.raises(UserError, match="dossier"):
        read_key_file(tmp_path)


def test_importing_the_installed_key_again_changes_nothing(installation: Engine) -> None:
    key = NetworkKey.generate()
    assert installed_key(installation) is None
    assert install_key(installation, key) is True
    assert installed_key(installation) == key
    assert install_key(installation, key) is False
    assert installed_key(installation) == key
    with installation.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM installation")).scalar_one() == 1


def test_another_networks_key_is_refused_unless_replacing_on_purpose(installation: Engine) -> None:
    first, second = NetworkKey.generate(), NetworkKey.generate()
    install_key(installation, first)
    with pytest.raises(SyncRefused) as refused:
        install_key(installation, second)
    assert refused.value.code == "key_already_installed"
    assert first.id in str(refused.value) and second.id in str(refused.value)
    assert installed_key(installation) == first
    assert install_key(installation, second, replace=True) is True
    assert installed_key(installation) == second


def test_a_damaged_installed_key_is_refused(installation: Engine) -> None:
    with installation.begin() as conn:
        conn.execute(text("UPDATE installation SET network_key = 'abc'"))
    with pytest.raises(SyncRefused) as refused:
        installed_key(installation)
    assert refused.value.code == "damaged_key"


def test_creating_the_key_writes_the_file_and_installs_it(
    installation: Engine, tmp_path: Path
) -> None:
    output = tmp_path / "reseau.cle"
    key = create_network_key(installation, output, CREATED)
    assert installed_key(installation) == key
    assert read_key_file(output) == key


def test_creating_a_key_where_one_is_installed_is_refused_and_writes_nothing(
    installation: Engine, tmp_path: Path
) -> None:
    first = create_network_key(installation, tmp_path / "premier.cle", CREATED)
    with pytest.raises(SyncRefused) as refused:
        create_network_key(installation, tmp_path / "second.cle", CREATED)
    assert refused.value.code == "key_already_installed" and first.id in str(refused.value)
    assert not (tmp_path / "second.cle").exists()
    assert installed_key(installation) == first


def test_creating_never_overwrites_an_existing_file(installation: Engine, tmp_path: Path) -> None:
    output = tmp_path / "reseau.cle"
    output.write_text("la seule copie", encoding="utf-8")
    with pytest.raises(SyncRefused) as refused:
        create_network_key(installation, output, CREATED)
    assert refused.value.code == "key_file_exists"
    assert output.read_text(encoding="utf-8") == "la seule copie"
    assert installed_key(installation) is None


def test_a_key_file_that_cannot_be_written_installs_nothing(
    installation: Engine, tmp_path: Path
) -> None:
    from sarah.errors import UserError

    with pytest.raises(UserError):
        create_network_key(installation, tmp_path / "absent" / "reseau.cle", CREATED)
    assert installed_key(installation) is None
