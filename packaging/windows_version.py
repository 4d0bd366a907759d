"""The version SARAH's build carries: read from sarah/__init__.py, and the Windows version
resource (what Explorer shows in the file's Properties > Details) built from it.

installer.spec imports this module; tests/packaging/test_version_resource.py reads it too.
PyInstaller's versioninfo module imports pywin32 and pefile, which exist on Windows only (and
PyInstaller embeds the resource on Windows only): the resource is built there, its words and
numbers are plain data that any machine can check.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
COMPANY = "Points Relais emploi de Dijon"
DESCRIPTION = "SARAH — suivi des Points Relais"
COPYRIGHT = "© Points Relais emploi de Dijon, licence MIT"
FRENCH_UNICODE = "040C04B0"  # language 0x040C (French), code page 1200 (UTF-16)


def read_version(root: Path = ROOT) -> str:
    """``__version__`` from sarah/__init__.py, read without importing the package."""
    tree = ast.parse((root / "sarah" / "__init__.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "__version__" for t in node.targets
        ):
            return str(ast.literal_eval(node.value))
    raise SystemExit(f"no __version__ in {root / 'sarah' / '__init__.py'}")


def version_numbers(version: str) -> tuple[int, int, int, int]:
    """Windows wants four numbers: "1.2" is 1.2.0.0; a suffix ("1.2.3rc1") keeps its digits
    before the letters only (1.2.3.0)."""
    numbers = []
    for part in version.split(".")[:4]:
        digits = ""
        for char in part:
            if not char.isdigit():
                break
            digits += char
        numbers.append(int(digits or 0))
    a, b, c, d = (*numbers, 0, 0, 0, 0)[:4]
    return a, b, c, d


def version_strings(version: str, original_name: str) -> dict[str, str]:
    """The resource's words, in the order Explorer lists them."""
    return {
        "CompanyName": COMPANY,
        "FileDescription": DESCRIPTION,
        "FileVersion": version,
        "InternalName": original_name.removesuffix(".exe"),
        "LegalCopyright": COPYRIGHT,
        "OriginalFilename": original_name,
        "ProductName": "SARAH",
        "ProductVersion": version,
    }


def version_resource(version: str, original_name: str) -> Any:
    """PyInstaller's VSVersionInfo for one program of the build (Windows only)."""
    from PyInstaller.utils.win32.versioninfo import (
        FixedFileInfo,
        StringFileInfo,
        StringStruct,
        StringTable,
        VarFileInfo,
        VarStruct,
        VSVersionInfo,
    )

    numbers = version_numbers(version)
    strings = [StringStruct(k, v) for k, v in version_strings(version, original_name).items()]
    return VSVersionInfo(
        ffi=FixedFileInfo(filevers=numbers, prodvers=numbers),
        kids=[
            StringFileInfo([StringTable(FRENCH_UNICODE, strings)]),
            VarFileInfo([VarStruct("Translation", [0x040C, 1200])]),
        ],
    )
