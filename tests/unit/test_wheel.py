"""A plain install works: the wheel carries the migrations, and an installed SARAH migrates.

The wheel is built from this tree (no build isolation, nothing downloaded) and installed with
no dependencies into a fresh virtual environment, which borrows the dependencies of the
running one through a path file (not its editable install of SARAH: a path added that way does
not run the editable finder). `sarah --smoke` then runs from outside the source tree.
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_an_installed_wheel_migrates_a_new_database(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            str(ROOT),
            "--no-deps",
            "--no-build-isolation",
            "--quiet",
            "-w",
            str(wheels),
        ],
        check=True,
        capture_output=True,
        cwd=tmp_path,
    )
    wheel = next(wheels.glob("sarah-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "sarah/migrations/env.py" in names
    assert any(n.startswith("sarah/migrations/versions/0001_") for n in names)

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    bindir = venv / ("Scripts" if os.name == "nt" else "bin")
    python = bindir / ("python.exe" if os.name == "nt" else "python")
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    # The running environment's dependencies (PySide6, SQLAlchemy, …), SARAH excluded.
    Path(purelib, "dependances.pth").write_text(
        sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8"
    )
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "--no-deps",
            "--no-index",
            "--quiet",
            str(wheel),
        ],
        check=True,
        capture_output=True,
    )
    env = {**os.environ, "SARAH_BASEDIR": str(tmp_path / "home"), "QT_QPA_PLATFORM": "offscreen"}
    env.pop("PYTHONPATH", None)
    where = subprocess.run(
        [
            str(python),
            "-c",
            "import sarah, sarah.paths; print(sarah.__file__); print(sarah.paths.migrations_dir())",
        ],
        check=True,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
    ).stdout.split()
    assert all(Path(p).is_relative_to(venv) for p in where), where  # the wheel, not this tree
    done = subprocess.run(
        [str(bindir / "sarah"), "--smoke"], capture_output=True, text=True, cwd=tmp_path, env=env
    )
    assert done.returncode == 0, done.stderr[-2000:]
