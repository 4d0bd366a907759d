"""`sarah audit list` and `sarah audit purge` on a real SQLite file: the entries, the chain's
verdict at the end (or in the JSON), French messages and exit 2 for bad dates."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine

from sarah.cli import main
from sarah.db import write_session
from sarah.services.audit.log import record

START = datetime(2026, 3, 2, 9, 30)


@pytest.fixture
def logged(engine: Engine, db_target: str) -> str:
    """Three entries on 02/03, 03/03 and 04/03/2026."""
    with write_session(engine) as session:
        record(session, "alice", "login", at=START)
        record(session, "bob", "export_named", target="export.xlsx", details={"lignes": 12},
               at=START + timedelta(days=1))  # fmt: skip
        record(session, "alice", "merge", target="fiche 42", at=START + timedelta(days=2))
    return db_target


def test_list_prints_the_entries_then_the_verdict(
    logged: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--db", str(logged), "audit", "list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines == [
        "n° 1 — 02/03/2026 09:30:00 — alice — connexion",
        'n° 2 — 03/03/2026 09:30:00 — bob — export nominatif — export.xlsx — {"lignes": 12}',
        "n° 3 — 04/03/2026 09:30:00 — alice — fusion de fiches — fiche 42",
        "Vérification : journal intègre (3 entrées).",
    ]


def test_list_json_shape_and_period(logged: str, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["--db", str(logged), "audit", "list", "--from", "2026-03-03", "--to", "2026-03-03"]
    assert main([*argv, "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out == {
        "entries": [
            {
                "seq": 2,
                "at": "2026-03-03T09:30:00",
                "actor": "bob",
                "action": "export_named",
                "label": "export nominatif",
                "target": "export.xlsx",
                "details": {"lignes": 12},
            }
        ],
        "chain": {"intact": True, "broken_at": None, "message": "journal intègre (3 entrées)"},
    }


def test_list_says_where_the_chain_breaks(
    engine: Engine, logged: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with engine.begin() as conn:  # behind SARAH's back, as with a SQL tool
        conn.exec_driver_sql("UPDATE audit_log SET actor = 'mallory' WHERE seq = 2")
    assert main(["--db", str(logged), "audit", "list", "--format", "json"]) == 0
    chain = json.loads(capsys.readouterr().out)["chain"]
    assert chain["intact"] is False and chain["broken_at"] == 2
    assert main(["--db", str(logged), "audit", "list", "--from", "2026-03-04"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == (
        "Vérification : journal rompu à l'entrée n° 2 : son contenu ne correspond plus à son "
        "empreinte (modifiée)."
    )


def test_an_empty_period(logged: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", str(logged), "audit", "list", "--from", "2027-01-01"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "Aucune entrée pour cette période.",
        "Vérification : journal intègre (3 entrées).",
    ]


@pytest.mark.parametrize(
    ("words", "message"),
    [
        (["--from", "hier"], "Date illisible pour --from : « hier »"),
        (["--to", "2026-02-30"], "Date impossible pour --to"),
        (["--from", "2026-03-04", "--to", "2026-03-02"], "Période impossible"),
    ],
)
def test_bad_dates_exit_2_in_french(
    db_path: Path, capsys: pytest.CaptureFixture[str], words: list[str], message: str
) -> None:
    assert main(["--db", str(db_path), "audit", "list", *words]) == 2
    err = capsys.readouterr().err
    assert err.startswith("Erreur : ") and message in err
    assert not db_path.exists()  # refused before the database is opened


def test_purge_records_itself_under_the_os_user(
    engine: Engine,
    db_target: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("getpass.getuser", lambda: "marie")
    old = datetime.now() - timedelta(days=800)
    with write_session(engine) as session:
        record(session, "alice", "login", at=old)
        record(session, "alice", "login")
    assert main(["--db", db_target, "audit", "purge", "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["removed"] == 1 and out["seq"] == 3
    assert main(["--db", db_target, "audit", "list", "--format", "json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [(e["seq"], e["actor"], e["action"]) for e in listed["entries"]] == [
        (2, "alice", "login"),
        (3, "marie", "purge"),
    ]
    assert listed["chain"]["intact"] is True


def test_purge_with_nothing_to_remove(db_target: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", db_target, "audit", "purge"]) == 0
    assert "rien n'a été retiré" in capsys.readouterr().out


def test_purge_months_must_be_positive(db_target: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", db_target, "audit", "purge", "--months", "0"]) == 2
    assert "Durée impossible" in capsys.readouterr().err


def test_purge_says_what_it_removed(
    engine: Engine, db_target: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with write_session(engine) as session:
        for days in (900, 800):
            record(session, "alice", "login", at=datetime.now() - timedelta(days=days))
    assert main(["--db", db_target, "audit", "purge", "--months", "24"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Journal : 2 entrées d'avant le ") and "retirées ; la purge" in out
    assert out.rstrip().endswith("(entrée n° 3).")


def test_list_by_action_code_or_french_words(
    logged: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--db", str(logged), "audit", "list", "--action", "merge"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "n° 3 — 04/03/2026 09:30:00 — alice — fusion de fiches — fiche 42",
        "Vérification : journal intègre (3 entrées).",  # the whole log, whatever the filters
    ]
    argv = ["--db", str(logged), "audit", "list", "--action", "Connexion", "--action", "merge"]
    assert main([*argv, "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert [e["seq"] for e in out["entries"]] == [1, 3]


def test_list_by_actor_case_aside(logged: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", str(logged), "audit", "list", "--actor", "BOB", "--format", "json"]) == 0
    assert [e["seq"] for e in json.loads(capsys.readouterr().out)["entries"]] == [2]
    argv = ["--db", str(logged), "audit", "list", "--actor", "alice", "--action", "login"]
    assert main(argv) == 0
    assert (
        capsys.readouterr().out.splitlines()[0] == "n° 1 — 02/03/2026 09:30:00 — alice — connexion"
    )


def test_list_by_an_actor_nobody_is(logged: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", str(logged), "audit", "list", "--actor", "ali"]) == 0
    assert capsys.readouterr().out.splitlines()[0] == "Aucune entrée pour ces filtres."


def test_an_unknown_action_exits_2_in_french(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--db", str(db_path), "audit", "list", "--action", "danse"]) == 2
    err = capsys.readouterr().err
    assert "Action inconnue : « danse »" in err and "login" in err
    assert not db_path.exists()  # refused before the database is opened
