"""What the build puts in the programs without building them: the version Windows shows in a
file's Properties (packaging/windows_version.py, read by installer.spec) and SARAH's mark
(packaging/sarah.ico and sarah.png, drawn by packaging/make_icon.py)."""

from __future__ import annotations

import importlib.util
import struct
import sys
from pathlib import Path
from types import ModuleType

import pytest
from PySide6.QtGui import QImage

from sarah import __version__

ROOT = Path(__file__).resolve().parents[2]
PACKAGING = ROOT / "packaging"


def load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, PACKAGING / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def windows_version() -> ModuleType:
    return load("windows_version")


def test_the_build_takes_the_version_written_in_the_package(windows_version: ModuleType) -> None:
    assert windows_version.read_version(ROOT) == __version__
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert 'version = {attr = "sarah.__version__"}' in pyproject  # one place, read by both


@pytest.mark.parametrize(
    ("version", "numbers"),
    [
        ("1.2.3", (1, 2, 3, 0)),
        ("1.4", (1, 4, 0, 0)),
        ("2.0.1rc2", (2, 0, 1, 0)),
        ("1.2.3.4.5", (1, 2, 3, 4)),
    ],
)
def test_windows_gets_four_numbers(
    windows_version: ModuleType, version: str, numbers: tuple[int, ...]
) -> None:
    assert windows_version.version_numbers(version) == numbers


def test_the_properties_window_names_sarah_and_its_version(windows_version: ModuleType) -> None:
    words = windows_version.version_strings("1.2.3", "sarah-console.exe")
    assert words["FileDescription"] == "SARAH — suivi des Points Relais"
    assert words["FileVersion"] == words["ProductVersion"] == "1.2.3"
    assert words["OriginalFilename"] == "sarah-console.exe"
    assert words["ProductName"] == "SARAH"
    assert "MIT" in words["LegalCopyright"] and words["CompanyName"]


@pytest.mark.skipif(sys.platform != "win32", reason="PyInstaller's versioninfo needs Windows")
def test_the_version_resource_holds_those_words(windows_version: ModuleType) -> None:
    raw = windows_version.version_resource("1.2.3", "sarah.exe").toRaw()
    assert "SARAH — suivi des Points Relais".encode("utf-16-le") in raw
    assert "1.2.3".encode("utf-16-le") in raw


def ico_sizes(data: bytes) -> list[int]:
    reserved, kind, count = struct.unpack_from("<HHH", data)
    assert (reserved, kind) == (0, 1)  # an icon file
    sizes = []
    for n in range(count):
        width, _h, _c, _r, _p, _bpp, length, offset = struct.unpack_from(
            "<BBBBHHII", data, 6 + 16 * n
        )
        image = QImage.fromData(data[offset : offset + length])
        assert image.width() == (width or 256)
        sizes.append(image.width())
    return sizes


def test_the_icon_has_every_size_windows_asks_for() -> None:
    assert ico_sizes((PACKAGING / "sarah.ico").read_bytes()) == [16, 24, 32, 48, 64, 128, 256]
    png = QImage(str(PACKAGING / "sarah.png"))
    assert (png.width(), png.height()) == (256, 256)
    assert png.pixelColor(2, 2).alpha() == 0  # rounded corners, not a white square


def test_the_icon_script_draws_the_committed_mark(qapp: object) -> None:
    make_icon = load("make_icon")
    drawn = make_icon.draw(256)
    committed = QImage(str(PACKAGING / "sarah.png")).convertToFormat(drawn.format())
    for (x, y), colour in {
        (128, 40): "#ffffff",
        (200, 59): "#f28c28",
        (40, 128): "#1d4e89",
    }.items():
        # the top of the S, the orange dot, the blue square
        assert drawn.pixelColor(x, y).name() == committed.pixelColor(x, y).name() == colour
