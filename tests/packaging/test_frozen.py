"""The frozen build (installer.spec, `make dist`) works: built once per test session into a
temporary folder with PyInstaller, then its console companion runs as a desk PC would run it.

The build takes about a minute. Each run waits for the program to exit (the timeout only stops
a hung build from hanging the suite) and reads what it printed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sarah import __version__

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = ROOT / "tests" / "fixtures" / "reference-2019-S1.json"
EXE = ".exe" if os.name == "nt" else ""
POSTGRES_SERVER = "postgresql://postgres@127.0.0.1:5432"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="session")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """dist/sarah-<version>/ as `make dist` writes it, in a folder of the session's own."""
    where = tmp_path_factory.mktemp("frozen")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "PyInstaller",
            "--noconfirm",
            "--log-level",
            "WARN",
            "--distpath",
            str(where / "dist"),
            "--workpath",
            str(where / "build"),
            str(ROOT / "installer.spec"),
        ],
        capture_output=True,
        text=True,
        cwd=where,
        timeout=900,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return where / "dist" / f"sarah-{__version__}"


def frozen(bundle: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run the console companion from outside the source tree, without this test's Python."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    for name in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV"):
        env.pop(name, None)
    return subprocess.run(
        [str(bundle / f"sarah-console{EXE}"), *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=bundle.parent,
        env=env,
        timeout=600,
    )


def reference() -> dict[str, Any]:
    return json.loads(REFERENCE.read_text(encoding="utf-8"))


def without_anonymous(report: dict[str, Any]) -> dict[str, Any]:
    """The report minus the anonymous-contact counts, which the 2019 report does not print."""
    for part in [*report["by_site"].values(), report["total"]]:
        assert part.pop("anonymous_contacts", 0) == 0
    return report


def test_the_bundle_has_both_programs_the_migrations_and_the_mark(bundle: Path) -> None:
    assert (bundle / f"sarah{EXE}").is_file()  # the window
    assert (bundle / f"sarah-console{EXE}").is_file()  # the command line
    files = bundle / "_internal"  # sys._MEIPASS of a one-folder build
    assert (files / "sarah" / "migrations" / "env.py").is_file()
    assert any((files / "sarah" / "migrations" / "versions").glob("0001_*.py"))
    assert (files / "packaging" / "sarah.png").read_bytes() == (
        ROOT / "packaging" / "sarah.png"
    ).read_bytes()


def test_both_programs_say_their_version(bundle: Path) -> None:
    done = frozen(bundle, "--version")
    assert (done.returncode, done.stdout.strip()) == (0, f"sarah {__version__}")
    window = subprocess.run(
        [str(bundle / f"sarah{EXE}"), "--version"], capture_output=True, text=True, timeout=120
    )
    assert window.returncode == 0


def test_the_smoke_check_migrates_and_writes_a_workbook(bundle: Path, basedir: Path) -> None:
    done = frozen(bundle, "--smoke")
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.startswith(f"SARAH {__version__} : base créée et migrée")
    assert done.stdout.rstrip().endswith("OK")


def test_demo_then_the_report_gives_the_reference_semester(
    bundle: Path, basedir: Path, tmp_path: Path
) -> None:
    db = tmp_path / "poste.sqlite"
    loaded = frozen(bundle, "--db", str(db), "demo")
    assert loaded.returncode == 0, loaded.stderr[-2000:]
    assert "5\u202f937 contacts de 1\u202f828 personnes" in loaded.stdout
    report = frozen(bundle, "--db", str(db), "report", "--semester", "2019-S1")
    assert report.returncode == 0, report.stderr[-2000:]
    assert without_anonymous(json.loads(report.stdout)) == reference()
    # The Word section needs python-docx's template inside the bundle.
    section = tmp_path / "section.docx"
    word = frozen(
        bundle, "--db", str(db), "report", "--semester", "2019-S1", "--format", "docx",
        "--output", str(section),
    )  # fmt: skip
    assert word.returncode == 0, word.stderr[-2000:]
    from docx import Document

    text = " ".join(p.text for p in Document(str(section)).paragraphs)
    assert "On dénombre 5\u202f937 contacts dont 3\u202f129 à la Fontaine d'Ouche" in text


def test_a_mistake_is_a_french_message_and_exit_2(
    bundle: Path, basedir: Path, tmp_path: Path
) -> None:
    done = frozen(bundle, "--db", str(tmp_path / "x.sqlite"), "report", "--semester", "2019-S3")
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert "2019-S3" in done.stderr


@pytest.fixture
def server_database() -> Iterator[str]:
    """An empty database of its own on the local PostgreSQL server (skipped without one)."""
    from sqlalchemy import create_engine, text

    name = f"sarah_frozen_{uuid.uuid4().hex[:12]}"
    admin = create_engine(f"{POSTGRES_SERVER}/postgres", isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:
        admin.dispose()
        pytest.skip(f"PostgreSQL unavailable: {exc}")
    try:
        yield f"{POSTGRES_SERVER}/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.mark.postgres
def test_the_frozen_build_reaches_a_postgresql_server(
    bundle: Path, basedir: Path, server_database: str
) -> None:
    """psycopg's binary driver travels in the bundle: the URL users type works frozen too."""
    loaded = frozen(bundle, "--db", server_database, "demo")
    assert loaded.returncode == 0, loaded.stderr[-2000:]
    report = frozen(bundle, "--db", server_database, "report", "--semester", "2019-S1")
    assert report.returncode == 0, report.stderr[-2000:]
    assert without_anonymous(json.loads(report.stdout)) == reference()
