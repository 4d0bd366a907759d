"""`sarah sync key create|import`: one key per network, installed once at each installation."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from sarah.cli import main
from sarah.services.database import open_database
from sarah.services.sync.keys import NetworkKey, installed_key, key_file_text


def installation_db(path: Path) -> Path:
    """A database migrated to head: its ``installation`` row has no network key yet."""
    open_database(path).dispose()
    return path


def key_of(db: Path) -> NetworkKey | None:
    engine = open_database(db)
    try:
        return installed_key(engine)
    finally:
        engine.dispose()


def sarah(db: Path, *words: str) -> int:
    return main(["--db", str(db), "sync", "key", *words])


def user_error(capsys: pytest.CaptureFixture[str]) -> str:
    captured = capsys.readouterr()
    assert captured.out == "" and "Traceback" not in captured.err
    assert captured.err.startswith("Erreur : ")
    return captured.err


@pytest.fixture
def first(tmp_path: Path) -> Path:
    return installation_db(tmp_path / "siege.sqlite")


@pytest.fixture
def second(tmp_path: Path) -> Path:
    return installation_db(tmp_path / "antenne.sqlite")


def test_create_installs_the_key_writes_the_file_and_prints_its_id(
    first: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    keyfile = tmp_path / "reseau.cle"
    assert sarah(first, "create", "--output", str(keyfile), "--format", "json") == 0
    said = json.loads(capsys.readouterr().out)
    key = key_of(first)
    assert key is not None and said == {"key_id": key.id, "changed": True}
    assert f"id: {key.id}" in keyfile.read_text(encoding="utf-8")


def test_create_says_the_id_in_words(
    first: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert sarah(first, "create", "--output", str(tmp_path / "reseau.cle")) == 0
    key = key_of(first)
    assert key is not None and f"Clé du réseau {key.id} créée" in capsys.readouterr().out


def test_import_installs_once_then_changes_nothing(
    first: Path, second: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    keyfile = tmp_path / "reseau.cle"
    sarah(first, "create", "--output", str(keyfile))
    capsys.readouterr()
    key = key_of(first)
    assert key is not None
    assert sarah(second, "import", str(keyfile), "--format", "json") == 0
    assert json.loads(capsys.readouterr().out) == {"key_id": key.id, "changed": True}
    assert key_of(second) == key
    assert sarah(second, "import", str(keyfile)) == 0
    assert "rien n'a changé" in capsys.readouterr().out
    assert sarah(second, "import", str(keyfile), "--format", "json") == 0
    assert json.loads(capsys.readouterr().out)["changed"] is False


def test_create_where_a_key_is_installed_is_refused_with_exit_2(
    first: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sarah(first, "create", "--output", str(tmp_path / "reseau.cle"))
    capsys.readouterr()
    key = key_of(first)
    assert key is not None
    assert sarah(first, "create", "--output", str(tmp_path / "autre.cle")) == 2
    assert f"appartient déjà au réseau {key.id}" in user_error(capsys)
    assert not (tmp_path / "autre.cle").exists() and key_of(first) == key


def test_importing_another_networks_key_is_refused_with_exit_2(
    first: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sarah(first, "create", "--output", str(tmp_path / "reseau.cle"))
    capsys.readouterr()
    mine = key_of(first)
    other = tmp_path / "autre.cle"
    other.write_text(key_file_text(NetworkKey.generate(), date(2026, 12, 1)), encoding="utf-8")
    assert sarah(first, "import", str(other)) == 2
    assert "Changer de réseau" in user_error(capsys)
    assert key_of(first) == mine


@pytest.mark.parametrize(
    "content, words",
    [
        ("bonjour\n", "n'est pas un fichier de clé"),
        ("SARAH-CLE-RESEAU 2\n", "version plus récente"),
        ("SARAH-CLE-RESEAU 1\nid: 0123456789abcdef\ncle: AAAA\n", "abîmé"),
    ],
    ids=["not-a-key-file", "newer", "damaged"],
)
def test_a_bad_key_file_is_refused_with_exit_2_and_nothing_installed(
    second: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, words: str
) -> None:
    keyfile = tmp_path / "reseau.cle"
    keyfile.write_text(content, encoding="utf-8")
    assert sarah(second, "import", str(keyfile)) == 2
    err = user_error(capsys)
    assert words in err and str(keyfile) in err
    assert key_of(second) is None


def test_sync_without_an_action_is_a_french_usage_error(
    first: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["--db", str(first), "sync"])
    assert stop.value.code == 2
    assert "il manque" in capsys.readouterr().err
    with pytest.raises(SystemExit) as stop:
        main(["--db", str(first), "sync", "key", "create"])
    assert stop.value.code == 2
    assert "--output" in capsys.readouterr().err
