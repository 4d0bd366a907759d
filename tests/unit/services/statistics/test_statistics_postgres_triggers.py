"""On PostgreSQL the statistics read the sums the triggers of migrations 0007-0009 keep (a
semester's people from stat_semester_people): after every kind of write (desk, import, merge
and unmerge, deletion, erasure, purge, bulk statements, concurrent desks) they equal a fresh
computation and give the tables the contacts give.

Needs the local server (postgresql://postgres@127.0.0.1:5432, trust auth); skipped without it.
"""

from __future__ import annotations

import threading
import uuid
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from alembic import command
from helpers.import_files import write_csv
from sqlalchemy import Engine, delete, func, insert, select, text, update

from sarah.db import alembic_config, read_session, write_session
from sarah.models import Contact, VisitorMerge, contact_services
from sarah.reports.tables import Period, Report
from sarah.services.catalogue import list_services
from sarah.services.contacts import (
    ContactDraft,
    delete_contact,
    log_contact,
    restore_contact,
    update_contact,
)
from sarah.services.database import open_database
from sarah.services.imports.run import import_file
from sarah.services.privacy.purge import erase_on_request, purge_expired
from sarah.services.sites import SiteInfo, ensure_site, resolve_sites
from sarah.services.statistics.months import month_breakdown
from sarah.services.statistics.tables import report_for_sites
from sarah.services.statistics.upkeep import rebuild_statistics, statistics_drift
from sarah.services.visitor_merges import unmerge_visitors
from sarah.services.visitors import create_visitor, merge_visitors, update_visitor
from sarah.settings import Settings

pytestmark = pytest.mark.postgres

PERIODS = (
    Period.semester("2019-S1"),
    Period.year(2019),
    Period(date(2019, 3, 4), date(2019, 3, 4)),
)


def agree(engine: Engine) -> Report:
    """The derived sums equal a fresh computation, and both paths give the same tables (the
    first period's, all sites, returned as the screen shows them)."""
    assert statistics_drift(engine) == []
    sites = resolve_sites(engine, None)
    for period in PERIODS:
        for chosen in (sites, sites[:1], sites[1:]):
            if not chosen:
                continue
            derived = report_for_sites(engine, period, chosen, method="derived")
            direct = report_for_sites(engine, period, chosen, method="direct")
            assert derived.to_json() == direct.to_json(), (period, [s.name for s in chosen])
            assert all(check.passed for check in derived.checks())
        names = [s.name for s in sites]
        assert month_breakdown(engine, period, names, method="derived") == month_breakdown(
            engine, period, names, method="direct"
        )
    return report_for_sites(engine, PERIODS[0], sites)


def contacts_in(report: Report) -> int:
    return sum(report.total.contacts.values())


def draft(
    site: SiteInfo,
    day: date,
    who: uuid.UUID | None = None,
    services: tuple[uuid.UUID, ...] = (),
    channel: str = "physique",
) -> ContactDraft:
    return ContactDraft(site.id, channel, day, time(10), who, services)


def test_the_sums_follow_every_kind_of_write(pg_engine: Engine, tmp_path: Path) -> None:
    e = pg_engine
    gres, fontaine = ensure_site(e, "Grésilles"), ensure_site(e, "Fontaine d'Ouche")
    svc = [s.id for s in list_services(e)]
    assert contacts_in(agree(e)) == 0
    lea = create_visitor(
        e, last_name="Martin", first_name="Léa", sex="F", birth_date=date(1995, 3, 5)
    )
    jean = create_visitor(e, last_name="Petit", first_name="Jean", sex="H")
    # The desk: three contacts, one anonymous call; services given or not.
    first = log_contact(e, draft(gres, date(2019, 3, 4), lea.id, (svc[0], svc[1])))
    log_contact(e, draft(gres, date(2019, 3, 4), None, (), "telephone"))
    second = log_contact(e, draft(fontaine, date(2019, 4, 1), jean.id, (svc[2],)))
    report = agree(e)
    assert contacts_in(report) == 3
    assert report.total.anonymous_contacts == 1
    assert report.total.persons.total == 2
    # Edits: another day, site, person, channel and services; then a profile change.
    update_contact(e, first.id, draft(fontaine, date(2019, 2, 1), jean.id, (svc[3],), "telephone"))
    assert agree(e).by_site["Grésilles"].contacts["physique"] == 0
    update_contact(e, second.id, draft(fontaine, date(2019, 4, 1), lea.id, ()))
    update_visitor(e, lea.id, last_name="Martin", first_name="Léa", sex="F", birth_date=None)
    assert agree(e).total.persons.cells["NR"]["F"] == 1
    # Deletion and undelete.
    delete_contact(e, first.id)
    assert contacts_in(agree(e)) == 2
    restore_contact(e, first.id)
    assert contacts_in(agree(e)) == 3
    # An import of a spreadsheet: new people, existing sites, services by label.
    labels = [s.label for s in list_services(e)]
    rows = [
        [
            f"{1 + i % 28:02d}/{1 + i % 6:02d}/2019",
            "10:00",
            ("Grésilles", "Fontaine d'Ouche")[i % 2],
        ]
        + [("physique", "telephone")[i % 2], f"Nom{i % 7}", "Prénom", ("F", "H", "")[i % 3]]
        + [f"01/01/{1970 + i % 40}", "|".join(labels[: i % 3])]
        for i in range(60)
    ]
    import_file(e, write_csv(tmp_path / "import.csv", rows))
    people = agree(e).total.persons.total
    assert contacts_in(agree(e)) == 63
    # A merge of two people, and its undo.
    merge_visitors(e, lea.id, jean.id)
    assert agree(e).total.persons.total == people - 1
    with read_session(e) as s:
        merge_id = s.scalars(
            select(VisitorMerge.id).where(VisitorMerge.absorbed_id == jean.id)
        ).one()
    unmerge_visitors(e, merge_id)
    assert agree(e).total.persons.total == people
    # Erasure on request, then the retention purge: the ages kept on the contacts count.
    before = agree(e)
    erase_on_request(e, Settings(backup_dir=str(tmp_path / "b")), lea.id)
    assert agree(e).to_json() == before.to_json()
    purge_expired(e, Settings(backup_dir=str(tmp_path / "b")), today=date(2026, 12, 1))
    assert agree(e).to_json() == before.to_json()


def test_bulk_statements_and_hard_deletes_keep_the_sums(pg_engine: Engine) -> None:
    """What a sync merge or a script does: many rows in one statement, services removed from
    many contacts at once, contacts removed for good (their services go by cascade)."""
    e = pg_engine
    sites = [ensure_site(e, name) for name in ("Grésilles", "Chenôve", "Talant")]
    svc = [s.id for s in list_services(e)]
    people = [
        create_visitor(
            e, last_name=f"P{i}", sex=("F", "H", None)[i % 3], birth_date=date(1990 + i, 1, 1)
        )
        for i in range(6)
    ]
    ids = [uuid.uuid4() for _ in range(300)]
    rows = [
        {
            "id": cid,
            "site_id": sites[i % 3].id,
            "local_date": date(2019, 1, 1) + timedelta(days=i % 90),
            "local_time": time(9),
            "entered_at": datetime(2019, 6, 1),
            "channel": ("physique", "telephone")[i % 2],
            "visitor_id": None if i % 5 == 0 else people[i % 6].id,
        }
        for i, cid in enumerate(ids)
    ]
    with write_session(e) as s:
        s.execute(insert(Contact.__table__).values(rows))  # one statement, 300 rows
        s.execute(
            insert(contact_services).values(
                [{"contact_id": cid, "service_id": svc[i % 4]} for i, cid in enumerate(ids)]
                + [{"contact_id": cid, "service_id": svc[5]} for cid in ids[::3]]
            )
        )
    assert contacts_in(agree(e)) == 300
    with write_session(e) as s:  # moved, re-dated, given to someone, a few deleted
        s.execute(
            update(Contact)
            .where(Contact.id.in_(ids[:100]))
            .values(site_id=sites[0].id, local_date=Contact.local_date + 7, visitor_id=people[0].id)
        )
        s.execute(
            update(Contact)
            .where(Contact.id.in_(ids[100:120]))
            .values(deleted_at=datetime(2020, 1, 1))
        )
        s.execute(update(Contact).where(Contact.id.in_(ids[:5])).values(revision=99))  # no effect
        s.execute(delete(contact_services).where(contact_services.c.contact_id.in_(ids[150:250])))
        s.execute(
            update(contact_services)
            .where(
                contact_services.c.contact_id.in_(ids[250:260]),
                contact_services.c.service_id == svc[5],
            )
            .values(service_id=svc[6])
        )
    report = agree(e)
    assert contacts_in(report) == 280
    with write_session(e) as s:
        s.execute(delete(Contact).where(Contact.id.in_(ids[200:300])))  # services by cascade
    assert contacts_in(agree(e)) == 180
    with read_session(e) as s:
        assert (
            s.scalar(
                select(func.count())
                .select_from(contact_services)
                .where(contact_services.c.contact_id.in_(ids[200:]))
            )
            == 0
        )


def test_desks_writing_at_once_at_several_sites_and_at_one(
    pg_engine: Engine, tmp_path: Path
) -> None:
    """Ten desks, each with its own connections: five at five sites, five at one site, saving,
    editing across days and deleting at the same moment, and an import meanwhile."""
    url = pg_engine.url.render_as_string(hide_password=False)
    sites = [ensure_site(pg_engine, f"Site {i}") for i in range(5)]
    svc = [s.id for s in list_services(pg_engine)]
    people = [create_visitor(pg_engine, last_name=f"P{i}", sex="F").id for i in range(10)]
    days = (date(2019, 3, 4), date(2019, 3, 5))
    per_desk = 12
    errors: list[tuple[object, Exception]] = []
    saved: dict[int, list[uuid.UUID]] = {}
    start = threading.Barrier(11, timeout=120)

    def desk(n: int) -> None:
        engine = open_database(url)
        site = sites[n] if n < 5 else sites[0]
        mine = saved.setdefault(n, [])
        try:
            start.wait()
            for k in range(per_desk):
                day = days[(n + k) % 2]
                mine.append(
                    log_contact(engine, draft(site, day, people[n], (svc[k % 3], svc[3]))).id
                )
                if k % 4 == 3:  # moved to the other day: the desks cross each other's days
                    update_contact(
                        engine, mine[-1], draft(site, days[(n + k + 1) % 2], people[n], (svc[4],))
                    )
            delete_contact(engine, mine[0])
        except Exception as exc:  # reported below with the desk number
            errors.append((n, exc))
        finally:
            engine.dispose()

    def importer() -> None:
        rows = [
            [f"0{4 + i % 2}/03/2019", "11:00", "Site 0", "physique", f"Imp{i}", "Anne", "F", "", ""]
            for i in range(40)
        ]
        path = write_csv(tmp_path / "desks.csv", rows)
        engine = open_database(url)
        try:
            start.wait()
            import_file(engine, path)
        except Exception as exc:  # reported below
            errors.append(("import", exc))
        finally:
            engine.dispose()

    threads = [threading.Thread(target=desk, args=(n,)) for n in range(10)]
    threads.append(threading.Thread(target=importer))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [(n, repr(exc)[:1500], getattr(exc, "details", "")) for n, exc in errors] == []
    report = agree(pg_engine)
    assert contacts_in(report) == 10 * (per_desk - 1) + 40
    assert sum(report.by_site["Site 0"].contacts.values()) == 6 * (per_desk - 1) + 40
    assert sum(report.by_site["Site 3"].contacts.values()) == per_desk - 1


def test_the_migration_fills_what_was_there_and_goes_down_cleanly(pg_engine: Engine) -> None:
    e = pg_engine
    site = ensure_site(e, "Grésilles")
    svc = [s.id for s in list_services(e)]
    who = create_visitor(e, last_name="Martin", sex="F", birth_date=date(2000, 1, 1))
    log_contact(e, draft(site, date(2019, 3, 4), who.id, (svc[0],)))
    with e.begin() as conn:
        command.downgrade(alembic_config(conn), "0006")
    with e.connect() as conn:
        triggers = conn.execute(
            text("SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'stat\\_%'")
        )
        assert triggers.scalar_one() == 0
        assert conn.execute(text("SELECT count(*) FROM stat_days")).scalar_one() == 0
    # Written while the schema had no triggers (an older SARAH): counted by the filling.
    log_contact(e, draft(site, date(2019, 3, 5), who.id, (svc[1], svc[2])))
    with e.begin() as conn:
        command.upgrade(alembic_config(conn), "head")
    report = agree(e)
    assert contacts_in(report) == 2
    assert report.total.persons.total == 1
    rebuild_statistics(e)
    assert agree(e).to_json() == report.to_json()


def test_the_first_days_are_filled_from_the_visits_an_older_schema_kept(
    pg_engine: Engine,
) -> None:
    e = pg_engine
    fdo, gre = ensure_site(e, "Fontaine d'Ouche"), ensure_site(e, "Grésilles")
    # Created first: the visitors table of today's schema is what create_visitor writes.
    back = create_visitor(e, last_name="Martin", sex="F", birth_date=date(1980, 1, 1))
    with e.begin() as conn:
        command.downgrade(alembic_config(conn), "0007")  # the sums, not the first days
    log_contact(e, draft(fdo, date(2018, 11, 5), back.id))  # came before the semester
    log_contact(e, draft(fdo, date(2019, 3, 4), back.id))
    log_contact(e, draft(gre, date(2019, 3, 4), back.id))  # her first time at Grésilles
    with e.begin() as conn:
        command.upgrade(alembic_config(conn), "head")
    report = agree(e)
    assert report.by_site["Fontaine d'Ouche"].new_persons.total == 0
    assert report.by_site["Grésilles"].new_persons.total == 1
    assert report.total.new_persons.total == 0
    assert report.total.persons.total == 1


def test_the_semesters_people_are_filled_from_what_an_older_schema_kept(
    pg_engine: Engine,
) -> None:
    e = pg_engine
    fdo, gre = ensure_site(e, "Fontaine d'Ouche"), ensure_site(e, "Grésilles")
    young = create_visitor(e, last_name="Martin", sex="F", birth_date=date(1993, 3, 5))
    with e.begin() as conn:
        command.downgrade(alembic_config(conn), "0008")  # the first days, not the semesters
    log_contact(e, draft(fdo, date(2018, 11, 5), young.id))
    log_contact(e, draft(fdo, date(2019, 3, 4), young.id))  # 25 on her first day of 2019-S1
    log_contact(e, draft(gre, date(2019, 3, 5), young.id))  # 26 there: an adult at Grésilles
    with e.begin() as conn:
        command.upgrade(alembic_config(conn), "head")
    report = agree(e)
    assert report.by_site["Fontaine d'Ouche"].persons.cells["jeunes"]["F"] == 1
    assert report.by_site["Fontaine d'Ouche"].new_persons.total == 0
    assert report.by_site["Grésilles"].persons.cells["adultes"]["F"] == 1
    assert report.by_site["Grésilles"].new_persons.cells["adultes"]["F"] == 1
    assert report.total.persons.cells["jeunes"]["F"] == 1  # her first day at any site
    assert report.total.new_persons.total == 0  # she came to Fontaine d'Ouche in 2018


def test_a_drift_is_seen_and_a_rebuild_mends_it(pg_engine: Engine) -> None:
    e = pg_engine
    site = ensure_site(e, "Grésilles")
    who = create_visitor(e, last_name="Martin", sex="H")
    log_contact(e, draft(site, date(2019, 3, 4), who.id))
    with write_session(e) as s:
        s.execute(text("UPDATE stat_days SET physique = physique + 5"))
        s.execute(text("DELETE FROM stat_visits"))
    # The day changed (seen twice), the visit lost, and the person's first day with it.
    assert len(statistics_drift(e)) == 4
    rebuild_statistics(e)
    assert statistics_drift(e) == []
    assert contacts_in(agree(e)) == 1
    # A semester's person row changed behind the triggers' back: seen, then mended.
    with write_session(e) as s:
        s.execute(text("UPDATE stat_semester_people SET is_new = NOT is_new"))
    assert [p.split(":")[0] for p in statistics_drift(e)] == ["stat_semester_people"] * 2
    rebuild_statistics(e)
    assert statistics_drift(e) == []
    assert agree(e).total.new_persons.total == 1
