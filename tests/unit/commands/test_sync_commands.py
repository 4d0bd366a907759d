"""`sarah sync export | import | status` as a coordinator types them: what they print, in French
or as one JSON object (docs/spec/interfaces.md), and what they do."""

from __future__ import annotations

import json
from datetime import date, time
from pathlib import Path

import pytest

from sarah.cli import main
from sarah.services.contacts import ContactDraft, log_contact
from sarah.services.database import open_database
from sarah.services.sites import ensure_site
from sarah.settings import Settings, save_settings


@pytest.fixture
def network(tmp_path: Path) -> tuple[Path, Path]:
    """Grésilles' desk (two contacts) and the coordination, one network key."""
    desk, coordination = tmp_path / "gresilles.sqlite", tmp_path / "coordination.sqlite"
    engine = open_database(desk)
    site = ensure_site(engine, "Grésilles")
    for hour in (9, 10):
        log_contact(engine, ContactDraft(site.id, "physique", date(2019, 2, 4), time(hour)))
    engine.dispose()
    key = tmp_path / "cle.txt"
    assert main(["--db", str(coordination), "sync", "key", "create", "--output", str(key)]) == 0
    assert main(["--db", str(desk), "sync", "key", "import", str(key)]) == 0
    return desk, coordination


def test_export_then_import_then_status_as_text(
    network: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    desk, coordination = network
    capsys.readouterr()
    package = tmp_path / "usb" / "gresilles.sarahsync"
    package.parent.mkdir()
    assert (
        main(["--db", str(desk), "sync", "export", "--output", str(package), "--name", "Grésilles"])
        == 0
    )
    said = capsys.readouterr().out
    assert f"Paquet écrit : {package}" in said and "Grésilles (2 contacts)" in said
    assert main(["--db", str(coordination), "sync", "import", str(package)]) == 0
    said = capsys.readouterr().out
    assert "Paquet importé (Grésilles" in said and "2 contacts nouveaux" in said
    assert main(["--db", str(coordination), "sync", "status"]) == 0
    said = capsys.readouterr().out
    assert said.startswith("Réseau : ")
    assert "- Grésilles : 2 contacts, dernier le 04/02/2019 ; dernier paquet écrit le" in said
    assert "(aujourd'hui)" in said


def test_the_same_as_json(
    network: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    desk, coordination = network
    package = tmp_path / "g.sarahsync"
    capsys.readouterr()
    export = ["--db", str(desk), "sync", "export", "--output", str(package), "--name", "Grésilles"]
    assert main([*export, "--format", "json"]) == 0
    exported = json.loads(capsys.readouterr().out)
    assert exported["sites"] == [{"name": "Grésilles", "contacts": 2}] and exported["size"] > 0
    args = ["--db", str(coordination), "sync", "import", str(package), "--format", "json"]
    assert main([*args, "--dry-run"]) == 0
    preview = json.loads(capsys.readouterr().out)
    assert preview["dry_run"] and preview["new"]["contacts"] == 2 and preview["backup"] is None
    assert main(args) == 0
    done = json.loads(capsys.readouterr().out)
    assert done["new"]["contacts"] == 2 and done["backup"] is not None
    assert main(args) == 0
    again = json.loads(capsys.readouterr().out)
    assert again["changed"] == 0 and again["backup"] is None
    assert main(["--db", str(coordination), "sync", "status", "--format", "json"]) == 0
    status = json.loads(capsys.readouterr().out)
    [site] = status["sites"]
    assert (site["name"], site["contacts"], site["here"]) == ("Grésilles", 2, False)
    assert site["silent_days"] == 0 and status["silent_sites"] == []
    assert status["installations"][0]["name"] == "Grésilles"


def test_a_coordination_post_signs_its_packages_and_owns_no_site(
    network: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _desk, coordination = network
    save_settings(Settings(home_site="Grésilles", coordination=True))
    package = tmp_path / "c.sarahsync"
    assert (
        main(
            [
                "--db",
                str(coordination),
                "sync",
                "export",
                "--output",
                str(package),
                "--format",
                "json",
            ]
        )
        == 0
    )
    assert json.loads(capsys.readouterr().out.splitlines()[-1])["installation"] == "Coordination"
    assert main(["--db", str(coordination), "sync", "status", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["home_site"] is None


def test_a_silent_site_is_pointed_out(
    network: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Grésilles was heard from once; another site's rows came through it and its own desk
    has never written: the coordinator is told, calmly, which one."""
    desk, coordination = network
    engine = open_database(desk)
    other = ensure_site(engine, "Chenôve")
    log_contact(engine, ContactDraft(other.id, "physique", date(2019, 2, 5), time(9)))
    engine.dispose()
    package = tmp_path / "g.sarahsync"
    main(["--db", str(desk), "sync", "export", "--output", str(package), "--name", "Grésilles"])
    main(["--db", str(coordination), "sync", "import", str(package)])
    capsys.readouterr()
    assert main(["--db", str(coordination), "sync", "status"]) == 0
    said = capsys.readouterr().out
    assert "- Chenôve : 1 contact, dernier le 05/02/2019 ; aucun paquet reçu de son poste." in said
    assert "Attention, Chenôve : jamais rien reçu de son poste." in said
