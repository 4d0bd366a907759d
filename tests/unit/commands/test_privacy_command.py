"""`sarah privacy ...` on a real SQLite file: the person's export by id or search (JSON, and a
PDF made without any display), the erasure asked on a terminal or confirmed with --yes, the
purge's JSON; French messages and exit 2 for every mistake, nothing half-written."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers.pdf_text import pdf_text
from helpers.person_world import PersonWorld, build_person_world
from sqlalchemy import Engine, select

from sarah.cli import main
from sarah.db import read_connection
from sarah.schema import audit_log, visitors


@pytest.fixture
def world(engine: Engine) -> PersonWorld:
    w = build_person_world(engine)
    engine.dispose()
    return w


def run(capsys: pytest.CaptureFixture[str], db: Path, *words: str) -> tuple[int, str, str]:
    code = main(["--db", str(db), "privacy", *words])
    out, err = capsys.readouterr()
    return code, out, err


def _actions(engine: Engine) -> list[str]:
    with read_connection(engine) as conn:
        return list(conn.execute(select(audit_log.c.action).order_by(audit_log.c.seq)).scalars())


def _names(engine: Engine, world: PersonWorld) -> tuple[str, object]:
    with read_connection(engine) as conn:
        row = conn.execute(
            select(visitors.c.last_name, visitors.c.birth_date).where(visitors.c.id == world.lea.id)
        ).one()
    return row.last_name, row.birth_date


# --- export -------------------------------------------------------------------------------------


def test_export_by_id_writes_the_json_and_says_where(
    world: PersonWorld, db_target: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "acces.json"
    code, out, err = run(
        capsys, db_target, "person", "export", "--id", str(world.lea.id), "--output", str(target)
    )
    assert (code, err) == (0, "")
    assert out.strip() == (
        f"Données de la personne {world.lea.id} écrites dans {target} (JSON, 4 contacts)."
    )
    data = json.loads(target.read_text(encoding="utf-8"))
    assert data["person"]["last_name"] == "Dupont" and len(data["contacts"]) == 4


def test_export_by_search_refuses_several_people_and_lists_them(
    world: PersonWorld,
    engine: Engine,
    db_target: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    target = tmp_path / "acces.json"
    code, out, err = run(
        capsys, db_target, "person", "export", "--search", "dup", "--output", str(target)
    )
    assert code == 2 and out == ""
    assert "2 personnes correspondent à « dup » : choisissez-la avec --id." in err
    assert f"{world.lea.id} — DUPONT Léa — née le 03/04/1990 — Grésilles" in err
    assert f"{world.other.id} — DUPUIS Marc — né le 02/01/1985 — Fontaine d'Ouche" in err
    assert "Traceback" not in err and not target.exists()
    assert "export_named" not in _actions(engine)

    code, _out, err = run(
        capsys, db_target, "person", "export", "--search", "dupont léa", "--output", str(target)
    )
    assert code == 0 and target.exists()


def test_export_by_search_finding_nobody_says_so(
    world: PersonWorld, db_target: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _out, err = run(
        capsys,
        db_target,
        "person",
        "export",
        "--search",
        "martin",
        "--output",
        str(tmp_path / "a.pdf"),
    )
    assert code == 2 and "Personne ne correspond à « martin »" in err


@pytest.mark.parametrize(
    ("words", "message"),
    [
        (["--id", "pas-un-uuid", "--output", "a.json"], "Identifiant « pas-un-uuid » impossible"),
        (["--search", "dup", "--output", "fiche.txt"], "Format de fiche.txt inconnu"),
        (["--id", str(uuid.UUID(int=1)), "--output", "absent/a.json"], "n'existe pas"),
    ],
)
def test_export_mistakes_are_french_and_exit_2(
    world: PersonWorld,
    engine: Engine,
    db_target: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    words: list[str],
    message: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    if "absent" in words[-1]:
        words = ["--id", str(world.lea.id), *words[2:]]
    code, _out, err = run(capsys, db_target, "person", "export", *words)
    assert code == 2 and message in err and "Traceback" not in err
    assert list(tmp_path.glob("a.*")) == [] and list(tmp_path.glob("fiche.*")) == []
    assert "export_named" not in _actions(engine)


@pytest.mark.parametrize(
    ("words", "message"),
    [
        (["--search", "dup", "--output", "a.json", "--format", "docx"], "choix impossible"),
        (["--output", "a.json"], "l'un des arguments --id --search est obligatoire"),
        (["--id", "x", "--search", "dup", "--output", "a.json"], "impossible avec l'argument"),
        (["--search", "dup"], "il manque : --output"),
    ],
)
def test_export_words_argparse_refuses_are_french_and_exit_2(
    world: PersonWorld,
    db_target: str,
    capsys: pytest.CaptureFixture[str],
    words: list[str],
    message: str,
) -> None:
    with pytest.raises(SystemExit) as stopped:
        run(capsys, db_target, "person", "export", *words)
    assert stopped.value.code == 2 and message in capsys.readouterr().err


def test_the_pdf_is_made_without_any_display(
    world: PersonWorld, db_target: str, tmp_path: Path
) -> None:
    """A coordinator's terminal on a server: no DISPLAY, no Qt platform chosen."""
    target = tmp_path / "acces.pdf"
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "QT_QPA_PLATFORM")}
    done = subprocess.run(
        [sys.executable, "-m", "sarah", "--db", db_target, "privacy", "person", "export",
         "--search", "dupont lea", "--output", str(target)],
        capture_output=True, text=True, env=env, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "(PDF, 4 contacts)" in done.stdout
    assert target.read_bytes().startswith(b"%PDF")
    text = pdf_text(target)
    for expected in (
        "Données personnelles détenues par SARAH",
        "DUPONT Léa",
        "née le 03/04/1990",
        "Grésilles",
        "Fontaine d'Ouche",
        "Téléphone",
        "Nadia B.",
        "supprimé le",
        "Fiches en double réunies à la vôtre",
    ):
        assert expected in text, expected
    assert "DUPUIS" not in text
    assert list(tmp_path.glob(".*partiel")) == []


@pytest.fixture
def medium(tmp_path: Path) -> Iterator[Path]:
    """A real small file system (tmpfs): a USB key that fills up or is write-protected."""
    mount_point = tmp_path / "cle"
    mount_point.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount_point)],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here (needs root): {done.stderr.strip()}")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)


def test_a_read_only_target_is_refused_plainly(
    world: PersonWorld,
    engine: Engine,
    db_target: str,
    medium: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    subprocess.run(["mount", "-o", "remount,ro", str(medium)], check=True)
    target = medium / "acces.json"
    code, _out, err = run(
        capsys, db_target, "person", "export", "--id", str(world.lea.id), "--output", str(target)
    )
    assert code == 2 and "lecture seule" in err and "Traceback" not in err
    assert list(medium.iterdir()) == [] and "export_named" not in _actions(engine)


def test_a_full_target_is_refused_plainly_and_keeps_nothing_half_written(
    world: PersonWorld,
    engine: Engine,
    db_target: str,
    medium: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    filler = medium / "remplissage.bin"
    with open(filler, "wb") as fh, pytest.raises(OSError):
        while True:
            fh.write(b"\0" * 65536)
            fh.flush()
    target = medium / "acces.json"
    code, _out, err = run(
        capsys, db_target, "person", "export", "--id", str(world.lea.id), "--output", str(target)
    )
    assert code == 2 and "Le disque est plein" in err and "Traceback" not in err
    assert sorted(p.name for p in medium.iterdir()) == ["remplissage.bin"]
    assert "export_named" not in _actions(engine)


# --- erase --------------------------------------------------------------------------------------


def test_erase_without_a_terminal_needs_yes(
    world: PersonWorld, engine: Engine, db_target: str, capsys: pytest.CaptureFixture[str]
) -> None:
    monkey_stdin = io.StringIO("oui\n")  # not a terminal: nobody to ask
    sys_stdin, sys.stdin = sys.stdin, monkey_stdin
    try:
        code, _out, err = run(capsys, db_target, "person", "erase", "--id", str(world.lea.id))
    finally:
        sys.stdin = sys_stdin
    assert code == 2 and "Relancez avec --yes" in err
    assert _names(engine, world)[0] == "Dupont"


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_erase_asks_on_a_terminal_and_no_keeps_everything(
    world: PersonWorld,
    engine: Engine,
    db_target: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sys, "stdin", _Terminal("non\n"))
    code, out, err = run(capsys, db_target, "person", "erase", "--id", str(world.lea.id))
    assert code == 1 and "Effacement abandonné : rien n'a été changé." in err
    assert "Effacer définitivement l'identité de DUPONT Léa, née le 03/04/1990 ?" in out
    assert _names(engine, world)[0] == "Dupont" and "erase" not in _actions(engine)


def test_erase_confirmed_on_a_terminal_erases_then_export_and_erase_again_are_refused(
    world: PersonWorld,
    engine: Engine,
    db_target: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sys, "stdin", _Terminal("oui\n"))
    code, out, err = run(capsys, db_target, "person", "erase", "--id", str(world.lea.id))
    assert code == 0, err
    assert "Identité effacée" in out
    assert _names(engine, world) == ("", None)
    assert "erase" in _actions(engine)

    target = tmp_path / "acces.json"
    code, _out, err = run(
        capsys, db_target, "person", "export", "--id", str(world.lea.id), "--output", str(target)
    )
    assert code == 2 and "a été effacée" in err and not target.exists()
    code, _out, err = run(
        capsys, db_target, "person", "export", "--search", "dupont lea", "--output", str(target)
    )
    assert code == 2 and "Personne ne correspond" in err
    code, _out, err = run(capsys, db_target, "person", "erase", "--id", str(world.lea.id), "--yes")
    assert code == 2 and "déjà été effacée" in err


def test_erase_with_yes_and_json(
    world: PersonWorld, engine: Engine, db_target: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(
        capsys, db_target, "person", "erase", "--id", str(world.lea.id), "--yes", "--format", "json"
    )
    assert code == 0, err
    outcome = json.loads(out)
    assert outcome["reason"] == "request" and outcome["erased"] == 1
    assert _names(engine, world) == ("", None)


def test_erase_refuses_a_merged_record_and_an_unknown_id(
    world: PersonWorld, engine: Engine, db_target: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _out, err = run(capsys, db_target, "person", "erase", "--id", str(world.twin.id), "--yes")
    assert code == 2 and f"effacez la fiche qui l'a absorbée ({world.lea.id})" in err
    unknown = "00000000-0000-4000-8000-000000000000"
    code, _out, err = run(capsys, db_target, "person", "erase", "--id", unknown, "--yes")
    assert code == 2 and f"Aucune personne n'a l'identifiant {unknown}" in err
    assert _names(engine, world)[0] == "Dupont"


# --- purge --------------------------------------------------------------------------------------


def test_purge_dry_run_prints_one_json_object_and_erases_nothing(
    world: PersonWorld, engine: Engine, db_target: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, db_target, "purge", "--dry-run", "--format", "json")
    assert code == 0, err
    outcome = json.loads(out)
    assert outcome["dry_run"] is True and outcome["erased"] == 0
    assert _names(engine, world)[0] == "Dupont"
    code, out, _err = run(capsys, db_target, "purge", "--dry-run")
    assert code == 0 and "simulation" in out
