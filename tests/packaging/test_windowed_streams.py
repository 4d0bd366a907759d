"""The windowed build on Windows starts with no standard streams (``console=False``): a command
typed to it still runs to its end (its output goes nowhere; sarah-console is for that) instead
of stopping on its first write. Here the streams are closed before SARAH starts, which leaves
Python without them exactly as the windowed build does."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_without_streams(*args: str) -> int:
    def close_streams() -> None:
        for fd in (0, 1, 2):
            os.close(fd)

    return subprocess.run(
        [sys.executable, "-m", "sarah", *args],
        stdin=subprocess.DEVNULL,
        preexec_fn=close_streams,  # after the fork, before SARAH: no fd 0, 1 or 2
        cwd=ROOT,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        timeout=300,
    ).returncode


def test_a_report_to_a_missing_console_still_runs_and_writes_its_file(
    tmp_path: Path, basedir: Path
) -> None:
    db = str(tmp_path / "poste.sqlite")
    assert run_without_streams("--db", db, "report", "--semester", "2019-S1") == 0  # JSON: nowhere
    out = tmp_path / "s1.csv"
    args = ("--db", db, "report", "--semester", "2019-S1", "--format", "csv", "--output", str(out))
    assert run_without_streams(*args) == 0
    assert "Contacts" in out.read_text(encoding="utf-8-sig")


def test_a_mistake_still_exits_2(tmp_path: Path, basedir: Path) -> None:
    db = str(tmp_path / "poste.sqlite")
    assert run_without_streams("--db", db, "report", "--semester", "2019-S3") == 2
