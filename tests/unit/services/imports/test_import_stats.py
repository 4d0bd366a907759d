"""A large import keeps the statistics sums right, and a cancelled one leaves everything as it was."""

from __future__ import annotations

from datetime import date, time
from pathlib import Path
from typing import Any

import pytest
from helpers.import_files import SAMPLE_ROWS, counts, write_csv
from sqlalchemy import Engine, event, text

from sarah.db import read_session
from sarah.services.contacts import ContactDraft, delete_contact, log_contact
from sarah.services.imports import stats as import_stats
from sarah.services.imports import write as import_write
from sarah.services.imports.run import import_file, import_file_steps
from sarah.services.sites import ensure_site
from sarah.services.statistics.upkeep import statistics_drift
from sarah.services.visitors import create_visitor

TRIGGERS_SQL = {
    "sqlite": "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'",
    "postgresql": "SELECT tgname, pg_get_triggerdef(oid) FROM pg_trigger WHERE NOT tgisinternal",
}


def _triggers(engine: Engine) -> list[tuple[str, str]]:
    """Every trigger of the schema with its definition, on either engine."""
    with read_session(engine) as s:
        return sorted((r[0], r[1]) for r in s.execute(text(TRIGGERS_SQL[engine.dialect.name])))


def _rows(count: int) -> list[list[str]]:
    sites = ("Grésilles", "Fontaine d'Ouche", "Bourroches")
    services = ("Actualisation Pôle Emploi", "Consulter des Offres|Demander un RDV", "")
    return [
        [
            f"{1 + i % 28:02d}/{1 + i % 12:02d}/2019",
            f"{9 + i % 8}:{i % 60:02d}",
            sites[i % 3],
            ("physique", "telephone")[i % 2],
            f"Nom{i % 40}",
            "Prénom",
            ("F", "H", "")[i % 3],
            f"01/01/{1960 + i % 40}",
            services[i % 3],
        ]
        for i in range(count)
    ]


def _history(engine: Engine) -> None:
    """Contacts typed at the desk before the import, one of them deleted."""
    site = ensure_site(engine, "Grésilles")
    v = create_visitor(engine, last_name="Nom3", first_name="Prénom", sex="H", site_id=site.id)
    for day in (2, 3, 4):
        log_contact(engine, ContactDraft(site.id, "physique", date(2019, 3, day), time(10), v.id))
    saved = log_contact(engine, ContactDraft(site.id, "telephone", date(2019, 3, 5), time(11)))
    delete_contact(engine, saved.id)


@pytest.mark.parametrize("bulk_from", [0, 10**9], ids=["bulk path", "trigger path"])
def test_statistics_sums_stay_right_after_an_import(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, bulk_from: int
) -> None:
    monkeypatch.setattr(import_stats, "BULK_MIN_ROWS", bulk_from)
    _history(engine)
    triggers = _triggers(engine)
    assert {"stat_contacts_insert", "stat_contact_services_insert"} <= {n for n, _ in triggers}
    import_file(engine, write_csv(tmp_path / "a.csv", _rows(300)))
    import_file(engine, write_csv(tmp_path / "b.csv", _rows(500)))  # 200 new rows
    assert counts(engine)["contacts"] == 4 + 500
    assert statistics_drift(engine) == []
    assert _triggers(engine) == triggers


def test_cancelled_import_writes_nothing_and_keeps_the_triggers(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(import_stats, "BULK_MIN_ROWS", 0)
    monkeypatch.setattr(import_write, "CHUNK", 2)  # a progress step after every two rows
    _history(engine)
    triggers, before = _triggers(engine), counts(engine)
    steps = import_file_steps(engine, write_csv(tmp_path / "s.csv", SAMPLE_ROWS))
    for _done, _total, message in steps:
        if message.startswith("Enregistrement"):
            break
    steps.close()  # what the window's Cancel button does
    assert counts(engine) == before
    assert _triggers(engine) == triggers
    assert statistics_drift(engine) == []


@pytest.mark.sqlite_only("PRAGMA cache_size: SQLite's page cache, raised for a large import")
def test_page_cache_is_put_back_after_a_large_import(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(import_write, "LARGE_IMPORT", 0)
    with engine.connect() as conn:
        before = conn.exec_driver_sql("PRAGMA cache_size").scalar_one()
    returned: list[int] = []

    def on_checkin(dbapi_conn: Any, _record: object) -> None:
        returned.append(dbapi_conn.execute("PRAGMA cache_size").fetchone()[0])

    event.listen(engine, "checkin", on_checkin)
    try:
        import_file(engine, write_csv(tmp_path / "s.csv", SAMPLE_ROWS))
    finally:
        event.remove(engine, "checkin", on_checkin)
    assert returned and set(returned) == {before}
