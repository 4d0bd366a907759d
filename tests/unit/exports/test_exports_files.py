"""Export files are written whole or not at all."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from sarah.errors import DiskFull, InvalidInput, UserError
from sarah.exports.files import write_atomically, write_text_atomically


def test_the_file_appears_only_complete(tmp_path: Path) -> None:
    target = tmp_path / "rapport.csv"
    write_text_atomically(target, "a;b\n")
    assert target.read_text(encoding="utf-8") == "a;b\n"
    assert [p.name for p in tmp_path.iterdir()] == ["rapport.csv"]


def test_a_failure_keeps_the_previous_file_and_leaves_no_partial_one(tmp_path: Path) -> None:
    target = tmp_path / "rapport.csv"
    target.write_text("ancien", encoding="utf-8")

    def broken(fh) -> None:  # type: ignore[no-untyped-def]
        fh.write(b"moitie")
        raise RuntimeError("bug in the middle of the export")

    with pytest.raises(RuntimeError):
        write_atomically(target, broken)
    assert target.read_text(encoding="utf-8") == "ancien"
    assert [p.name for p in tmp_path.iterdir()] == ["rapport.csv"]


def test_full_disk_says_so_in_french(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_space(_fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", no_space)
    with pytest.raises(DiskFull, match="disque est plein"):
        write_text_atomically(tmp_path / "rapport.csv", "x")
    assert list(tmp_path.iterdir()) == []


def test_a_file_open_in_excel(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def locked(_src: str, _dst: str) -> None:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(os, "replace", locked)
    with pytest.raises(UserError, match="ouvert dans un autre programme"):
        write_text_atomically(tmp_path / "rapport.xlsx", "x")
    assert list(tmp_path.iterdir()) == []


def test_missing_folder_or_a_folder_as_target(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="n'existe pas"):
        write_text_atomically(tmp_path / "absent" / "r.csv", "x")
    with pytest.raises(InvalidInput, match="est un dossier"):
        write_text_atomically(tmp_path, "x")
