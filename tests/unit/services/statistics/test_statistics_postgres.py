"""The same history on PostgreSQL and on SQLite gives the same four tables.

Needs the local server (postgresql://postgres@127.0.0.1:5432, trust auth); skipped without it.
"""

from __future__ import annotations

import random
import uuid
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, insert

from sarah.db import write_session
from sarah.models import Contact, Visitor, contact_services
from sarah.reports.tables import Period
from sarah.services.catalogue import list_services
from sarah.services.database import open_database
from sarah.services.sites import ensure_site, resolve_sites
from sarah.services.statistics.tables import report_for_sites, semester_tables

SITES = ("Fontaine d'Ouche", "Grésilles", "Chenôve")


def history(seed: int = 7) -> tuple[list[dict], list[dict], list[dict]]:
    """People born around the 26-year limit, contacts over two years, some deleted."""
    rng = random.Random(seed)
    people = [
        {
            "id": uuid.uuid4(),
            "last_name": f"P{i}",
            "sex": rng.choice(["F", "H", None]),
            "birth_date": rng.choice(
                [None, date(1992, 2, 29), date(1993, 3, 15), date(1980 + i % 25, 1 + i % 12, 5)]
            ),
        }
        for i in range(40)
    ]
    contacts, links = [], []
    for _ in range(400):
        cid = uuid.uuid4()
        contacts.append(
            {
                "id": cid,
                "site": rng.randrange(len(SITES)),
                "local_date": date(2018, 1, 1) + timedelta(days=rng.randrange(730)),
                "local_time": time(10),
                "entered_at": datetime(2020, 1, 1),
                "channel": rng.choice(["physique", "telephone"]),
                "visitor_id": rng.choice([*[p["id"] for p in people], None]),
                "deleted_at": datetime(2020, 1, 2) if rng.random() < 0.1 else None,
            }
        )
        links.extend(
            {"contact_id": cid, "service": s} for s in rng.sample(range(20), rng.randrange(3))
        )
    return people, contacts, links


def load(engine: Engine, data: tuple[list[dict], list[dict], list[dict]]) -> None:
    people, contacts, links = data
    sites = [ensure_site(engine, name).id for name in SITES]
    services = [s.id for s in list_services(engine)]
    with write_session(engine) as s:
        s.execute(insert(Visitor), people)
        rows = [
            {**{k: v for k, v in c.items() if k != "site"}, "site_id": sites[c["site"]]}
            for c in contacts
        ]
        s.execute(insert(Contact), rows)
        s.execute(
            insert(contact_services),
            [
                {"contact_id": link["contact_id"], "service_id": services[link["service"]]}
                for link in links
            ],
        )


@pytest.mark.postgres
def test_postgresql_and_sqlite_agree(pg_engine: Engine, tmp_path: Path) -> None:
    sqlite = open_database(tmp_path / "same.sqlite")
    data = history()
    load(pg_engine, data)
    load(sqlite, data)
    periods = [
        Period.semester("2019-S1"),
        Period.semester("2018-S2"),
        Period.year(2019),
        Period(date(2019, 3, 15), date(2019, 3, 15)),
    ]
    for period in periods:
        for names in (None, ["Grésilles"], ["Fontaine d'Ouche", "Chenôve"]):
            on_pg = semester_tables(pg_engine, period, names)
            assert all(c.passed for c in on_pg.checks())
            for method in ("direct", "derived"):
                on_sqlite = report_for_sites(
                    sqlite, period, resolve_sites(sqlite, names), method=method
                )
                assert on_pg.to_json() == on_sqlite.to_json(), (period, names, method)
    assert semester_tables(pg_engine, Period.year(2019)).total.persons.total > 10
    sqlite.dispose()
