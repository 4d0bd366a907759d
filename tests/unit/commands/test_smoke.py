"""`sarah --smoke`: the check run on a frozen build proves migrations and exports were shipped."""

from __future__ import annotations

import pytest

from sarah.cli import main


def test_smoke_run_migrates_a_fresh_database_and_writes_a_workbook(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["--smoke"]) == 0
    out = capsys.readouterr().out
    assert "base créée et migrée" in out and "classeur écrit" in out and out.rstrip().endswith("OK")


def test_version_is_printed(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["--version"])
    assert stop.value.code == 0
    assert capsys.readouterr().out.startswith("sarah ")
