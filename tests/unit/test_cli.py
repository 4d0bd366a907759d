"""The command line finds the same database as the window, and refuses bad usage in French."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sarah import paths
from sarah.cli import main
from sarah.settings import Settings, save_settings


def test_commands_use_the_database_chosen_in_the_settings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    chosen = tmp_path / "poste" / "accueil.sqlite"
    save_settings(Settings(database=str(chosen)))
    assert main(["report", "--semester", "2019-S1"]) == 0
    assert json.loads(capsys.readouterr().out)["period"]["start"] == "2019-01-01"
    assert chosen.exists()
    assert not paths.default_database().exists()


def test_db_option_wins_over_the_settings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    save_settings(Settings(database=str(tmp_path / "settings.sqlite")))
    given = tmp_path / "given.sqlite"
    assert main(["--db", str(given), "report", "--semester", "2019-S2"]) == 0
    assert given.exists() and not (tmp_path / "settings.sqlite").exists()


def test_unknown_command_is_a_french_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["inventer"])
    assert stop.value.code == 2
    assert "erreur" in capsys.readouterr().err
