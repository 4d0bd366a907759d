"""The audit log's export: the filtered entries newest first, the filters and the chain's verdict
stated in the file, text kept as text, and the export itself in the log."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine

from sarah.db import write_session
from sarah.errors import InvalidInput
from sarah.services.audit import actor as actor_module
from sarah.services.audit.actor import set_actor
from sarah.services.audit.chain import verify_chain
from sarah.services.audit.describe import details_text
from sarah.services.audit.export import export_audit, filters_text
from sarah.services.audit.listing import AuditFilter, list_entries
from sarah.services.audit.log import record

START = datetime(2026, 3, 2, 9, 0)
NOW = datetime(2026, 12, 2, 10, 0)


@pytest.fixture
def logged(engine: Engine) -> Engine:
    with write_session(engine) as session:
        record(session, "alice", "login", at=START)
        record(session, "=HYPERLINK(\"x\")", "login_failed", "=1+1",
               {"reason": "Nom ou mot de passe incorrect."}, at=START + timedelta(days=1))  # fmt: skip
        record(session, "bob", "import", "mars.csv",
               {"rows_read": 3, "contacts_added": 3, "skipped_existing": 0,
                "visitors_created": 2, "visitors_matched": 1, "sites_created": 0},
               at=START + timedelta(days=2))  # fmt: skip
    return engine


@pytest.fixture(autouse=True)
def admin_acts() -> Iterator[None]:
    set_actor("Aline (admin)")
    yield
    actor_module._actor = None  # later tests' entries name the OS user again


def _rows(path: Path) -> list[list[object]]:
    ws = load_workbook(path).active
    return [list(r) for r in ws.iter_rows(values_only=True)]


def test_xlsx_states_filters_and_verdict_and_lists_newest_first(
    logged: Engine, tmp_path: Path
) -> None:
    out = tmp_path / "journal.xlsx"
    done = export_audit(logged, AuditFilter(start=date(2026, 3, 3)), out, now=NOW)
    assert done.rows == 2 and done.check.intact
    rows = _rows(out)
    assert rows[0][0] == "Journal d'audit de SARAH"
    assert rows[1][0] == "Exporté le 02/12/2026 à 10:00 par Aline (admin)"
    assert rows[2][0] == "Filtres : à partir du 03/03/2026"
    assert rows[3][0] == "Vérification : Journal intègre : 3 entrées"
    assert rows[5] == ["N°", "Date et heure", "Qui", "Action", "Sur quoi", "Détails"]
    assert [r[0] for r in rows[6:]] == [3, 2]
    assert rows[6][1:4] == ["04/03/2026 09:00:00", "bob", "import de contacts"]
    assert rows[6][5] == (
        "3 lignes lues, 3 contacts ajoutés, 0 déjà présent, 2 fiches créées, "
        "1 fiche retrouvée, 0 site créé"
    )


def test_text_that_looks_like_a_formula_stays_text(logged: Engine, tmp_path: Path) -> None:
    out = tmp_path / "journal.xlsx"
    export_audit(logged, AuditFilter(actions=frozenset({"login_failed"})), out, now=NOW)
    ws = load_workbook(out).active
    cell = ws.cell(row=7, column=3)
    assert cell.value == '=HYPERLINK("x")' and cell.data_type == "s" and cell.quotePrefix
    assert ws.cell(row=7, column=5).value == "=1+1" and ws.cell(row=7, column=5).data_type == "s"
    out_csv = tmp_path / "journal.csv"
    export_audit(logged, AuditFilter(actions=frozenset({"login_failed"})), out_csv, now=NOW)
    text = out_csv.read_bytes().decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "'=1+1" in text


def test_csv_for_french_excel(logged: Engine, tmp_path: Path) -> None:
    out = tmp_path / "journal.csv"
    wanted = AuditFilter(actors=frozenset({"alice", "bob"}), text="a")
    done = export_audit(logged, wanted, out, now=NOW)
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads the accents
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert rows[2] == ["Filtres : qui : alice, bob ; texte : « a »"]
    assert rows[5] == ["N°", "Date et heure", "Qui", "Action", "Sur quoi", "Détails"]
    assert [r[2] for r in rows[6:]] == ["bob", "alice"] and done.rows == 2


def test_the_export_is_in_the_log_without_the_text_typed(logged: Engine, tmp_path: Path) -> None:
    done = export_audit(logged, AuditFilter(text="Dupont"), tmp_path / "j.csv", now=NOW)
    entry = list_entries(logged)[-1]
    assert (entry.seq, entry.actor, entry.action, entry.target) == (
        done.seq, "Aline (admin)", "export_audit", "j.csv",
    )  # fmt: skip
    assert entry.details == {
        "rows": 0, "format": "csv", "filters": "aucun (tout le journal)", "text_filter": True,
    }  # fmt: skip
    assert "Dupont" not in str(entry.details)
    assert details_text(entry.action, entry.details) == (
        "0 entrée exportée ; filtres : aucun (tout le journal) + un texte"
    )
    assert verify_chain(logged).intact


def test_a_broken_chain_is_said_in_the_file(logged: Engine, tmp_path: Path) -> None:
    with logged.begin() as conn:  # behind SARAH's back, as with a SQL tool
        conn.exec_driver_sql("UPDATE audit_log SET actor = 'mallory' WHERE seq = 2")
    out = tmp_path / "journal.xlsx"
    done = export_audit(logged, AuditFilter(), out, now=NOW)
    assert not done.check.intact
    assert _rows(out)[3][0] == (
        "Vérification : Journal rompu à l'entrée n° 2 : son contenu ne correspond plus à son "
        "empreinte (modifiée)"
    )
    assert load_workbook(out).active.cell(row=4, column=1).font.color.rgb.endswith("991B1B")


def test_another_format_is_refused_and_nothing_is_logged(logged: Engine, tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="Choisissez un nom en .xlsx ou en .csv"):
        export_audit(logged, AuditFilter(), tmp_path / "journal.pdf")
    assert len(list_entries(logged)) == 3


def test_a_missing_folder_is_refused_and_nothing_is_logged(logged: Engine, tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="n'existe pas"):
        export_audit(logged, AuditFilter(), tmp_path / "absent" / "journal.csv")
    assert len(list_entries(logged)) == 3


def test_filters_in_words() -> None:
    assert filters_text(AuditFilter()) == "aucun (tout le journal)"
    both = AuditFilter(date(2026, 3, 1), date(2026, 3, 31), actions=frozenset({"merge", "login"}))
    assert (
        filters_text(both) == "du 01/03/2026 au 31/03/2026 ; action : connexion, fusion de fiches"
    )
    assert filters_text(AuditFilter(end=date(2026, 3, 31))) == "jusqu'au 31/03/2026"
