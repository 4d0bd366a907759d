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


def test_help_and_usage_errors_speak_french(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["--help"])
    assert stop.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("utilisation : sarah") and "affiche cette aide" in out
    assert "affiche la version" in out and "report" in out and "backup" in out
    for english in ("usage:", "positional arguments", "show this help", "version number"):
        assert english not in out
    with pytest.raises(SystemExit):
        main(["raport"])
    err = capsys.readouterr().err
    assert "choix impossible : 'raport'" in err and "invalid choice" not in err
    with pytest.raises(SystemExit):
        main(["report", "--semester"])
    err = capsys.readouterr().err
    assert "une valeur est attendue" in err and "expected one argument" not in err


def _commands_imported(*args: str, prefix: str = "sarah.commands.") -> list[str]:
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from sarah.cli import main\n"
        "try:\n"
        f"    main({list(args)!r})\n"
        "except SystemExit:\n"
        "    pass\n"
        f"print(sorted(m for m in sys.modules if m.startswith({prefix!r})))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1].replace("'", '"'))


def test_only_the_chosen_command_is_imported(tmp_path: Path) -> None:
    assert _commands_imported("--version") == []
    db = str(tmp_path / "x.sqlite")
    assert _commands_imported("--db", db, "report", "--semester", "2019-S1") == [
        "sarah.commands.report"
    ]
    assert "sarah.commands.demo" in _commands_imported("--help")


def test_a_report_on_a_current_database_needs_neither_alembic_nor_the_orm(tmp_path: Path) -> None:
    """What keeps a command as quick as a plain script (docs/benchmarks.md, start-up)."""
    db = str(tmp_path / "x.sqlite")
    report = ("--db", db, "report", "--semester", "2019-S1")
    assert "sarah.commands.report" in _commands_imported(*report)  # creates and migrates it
    assert _commands_imported(*report, prefix="alembic") == []
    assert _commands_imported(*report, prefix="sqlalchemy.orm") == []
    assert _commands_imported(*report, prefix="sarah.models") == []
