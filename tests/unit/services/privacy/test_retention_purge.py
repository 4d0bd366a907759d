"""The retention purge: identities older than the retention period erased, every table of every
past period identical, the erased text gone from the file, its WAL and the backups."""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, insert, select, update

from sarah.db import read_connection, read_session, write_session
from sarah.errors import InvalidInput
from sarah.models import Contact, Visitor, contact_services
from sarah.reports.tables import Period
from sarah.schema import audit_log, contacts, visitor_merges, visitors
from sarah.services.audit.chain import verify_chain
from sarah.services.backups.create import create_backup
from sarah.services.backups.listing import list_backups
from sarah.services.catalogue import list_services
from sarah.services.privacy.purge import erase_on_request, purge_expired
from sarah.services.sites import SiteInfo, ensure_site, resolve_sites
from sarah.services.statistics.drilldown import CellRef, contacts_behind
from sarah.services.statistics.tables import report_for_sites
from sarah.services.statistics.upkeep import statistics_drift
from sarah.services.text import search_key
from sarah.services.visitor_merges import unmerge_visitors
from sarah.services.visitors import merge_visitors, visitors_named
from sarah.settings import Settings

TODAY = date(2026, 12, 2)
SITES = ("Fontaine d'Ouche", "Grésilles", "Chenôve")
FIRST_DAY = date(2019, 1, 1)


@dataclass
class History:
    engine: Engine
    db: Path
    settings: Settings
    sites: list[SiteInfo]
    names: dict[uuid.UUID, str]  # every person's distinctive last name
    last_seen: dict[uuid.UUID, date]
    merged: list[tuple[uuid.UUID, uuid.UUID]]  # (survivor, absorbed)


def name_of(i: int) -> str:
    return f"Zorglubescu{i:03d}"


def build_history(engine: Engine, db: Path, basedir: Path) -> History:
    """Seven years at three sites: 150 people, some crossing 26 during their visits, some with
    no birth date; anonymous and deleted contacts; merges, one of them of a merge."""
    rng = random.Random(20261202)
    for name in SITES:
        ensure_site(engine, name)
    sites = resolve_sites(engine, None)
    services = [s.id for s in list_services(engine)[:6]]
    people, names = [], {}
    for i in range(150):
        vid = uuid.uuid4()
        born = None if i % 9 == 0 else FIRST_DAY - timedelta(days=rng.randint(15 * 365, 60 * 365))
        if i % 7 == 0:  # 26 during the years of visits
            born = date(1995 + i % 5, 1 + i % 12, 1 + i % 28)
        last = name_of(i)
        people.append(
            {
                "id": vid,
                "last_name": last,
                "first_name": f"Prénomique{i:03d}",
                "sex": ("F", "H", None)[i % 3],
                "birth_date": born,
                "search_key": search_key(last, f"Prénomique{i:03d}"),
            }
        )
        names[vid] = last
    span = (TODAY - FIRST_DAY).days
    rows, links, last_seen = [], [], {}
    for n in range(2400):
        who = people[rng.randrange(len(people))] if n % 11 else None
        # Each person comes within a window of their own, so that many stop long ago.
        day = FIRST_DAY + timedelta(days=rng.randrange(span))
        if who is not None:
            index = people.index(who)
            start = FIRST_DAY + timedelta(days=(index * 37) % (span - 400))
            day = start + timedelta(days=rng.randrange(400))
        cid = uuid.uuid4()
        deleted = n % 17 == 0
        rows.append(
            {
                "id": cid,
                "site_id": sites[rng.randrange(3)].id,
                "local_date": day,
                "local_time": time(9 + n % 8, n % 60),
                "entered_at": datetime.combine(day, time(18)),
                "channel": ("physique", "telephone")[n % 2],
                "visitor_id": who["id"] if who else None,
                "deleted_at": datetime(2026, 1, 1) if deleted else None,
            }
        )
        links += [{"contact_id": cid, "service_id": s} for s in rng.sample(services, n % 3)]
        if who is not None and not deleted:
            last_seen[who["id"]] = max(last_seen.get(who["id"], day), day)
    with write_session(engine) as s:
        s.execute(insert(Visitor), people)
        s.execute(insert(Contact), rows)
        s.execute(insert(contact_services), links)
    merged = []
    for a, b in ((0, 1), (2, 3), (4, 5), (140, 141), (0, 6)):  # (0, 6): 0 already absorbed 1
        survivor, absorbed = people[a]["id"], people[b]["id"]
        merge_visitors(engine, survivor, absorbed)
        merged.append((survivor, absorbed))
        seen = [d for d in (last_seen.get(survivor), last_seen.pop(absorbed, None)) if d]
        if seen:
            last_seen[survivor] = max(seen)
    settings = Settings(backup_dir=str(basedir / "sauvegardes"))
    settings.backup_path().mkdir(parents=True)
    return History(engine, db, settings, sites, names, last_seen, merged)


def periods() -> list[Period]:
    out = []
    for year in range(2019, 2027):
        out += [Period.semester(f"{year}-S1"), Period.semester(f"{year}-S2")]
        out.append(Period(date(year, 1, 1), date(year, 12, 31)))
    out.append(Period(date(2019, 3, 15), date(2026, 11, 30)))
    return out


def every_table(h: History) -> dict[tuple[object, ...], object]:
    """Every table of every period, site selection, age threshold and way of computing."""
    selections = [h.sites, *([s] for s in h.sites), h.sites[:2]]
    out: dict[tuple[object, ...], object] = {}
    for period in periods():
        for chosen in selections:
            for limit in (26, 30):
                for method in ("direct", "derived"):
                    report = report_for_sites(
                        h.engine, period, chosen, young_age_limit=limit, method=method
                    )
                    key = (period.start, period.end, tuple(s.name for s in chosen), limit)
                    out[(*key, method)] = report.to_json()
    return out


@pytest.fixture
def history(engine: Engine, db_path: Path, basedir: Path) -> History:
    return build_history(engine, db_path, basedir)


def due(h: History) -> set[uuid.UUID]:
    cutoff = date(2024, 12, 2)
    return {vid for vid, seen in h.last_seen.items() if seen < cutoff}


def test_every_table_of_every_period_is_identical_after_the_purge(history: History) -> None:
    h = history
    before = every_table(h)
    outcome = purge_expired(h.engine, h.settings, today=TODAY)
    assert outcome.cutoff == date(2024, 12, 2)
    assert outcome.erased == len(due(h)) > 20
    assert outcome.contacts > 100
    after = every_table(h)
    assert after == before
    assert statistics_drift(h.engine) == []
    # The drill-down still finds everyone a cell counts, without their names.
    period = Period.semester("2020-S1")
    cell = CellRef("persons", None, "jeunes")
    lines = contacts_behind(h.engine, period, None, cell).lines
    assert lines and {line.visitor for line in lines} <= {"Identité effacée"} | {
        f"{n.upper()} Prénomique{n[-3:]}" for n in h.names.values()
    }
    assert any(line.visitor == "Identité effacée" for line in lines)


def test_purged_identities_are_erased_and_the_others_kept(history: History) -> None:
    h = history
    purge_expired(h.engine, h.settings, today=TODAY)
    erased = due(h) | {absorbed for survivor, absorbed in h.merged if survivor in due(h)}
    with read_connection(h.engine) as conn:
        rows = {r.id: r for r in conn.execute(select(visitors))}
    for vid, row in rows.items():
        if vid in erased:
            assert (row.last_name, row.first_name, row.birth_date, row.search_key) == (
                "",
                "",
                None,
                "",
            )
            assert row.erased_at is not None
        else:
            assert row.last_name == h.names[vid] and row.erased_at is None
    # Sexes stay (table 3 needs them); the merge traces lost the profiles they kept.
    assert any(rows[v].sex for v in erased)
    with read_connection(h.engine) as conn:
        traces = conn.execute(
            select(visitor_merges.c.absorbed_profile, visitor_merges.c.survivor_id)
        ).all()
    for profile, survivor in traces:
        assert ("Zorglub" in profile) == (survivor not in erased)


@pytest.mark.sqlite_only("reads the SQLite file's bytes, its WAL and its backups")
def test_the_erased_text_is_gone_from_the_file_its_wal_and_every_backup(
    history: History, basedir: Path
) -> None:
    h = history
    folder = h.settings.backup_path()
    create_backup(h.db, folder, "manuelle")  # an older backup, holding every identity
    outcome = purge_expired(h.engine, h.settings, today=TODAY)
    erased_names = [h.names[v].encode() for v in due(h)]
    kept_names = [h.names[v].encode() for v in h.last_seen if v not in due(h)]
    files = [h.db, h.db.with_name(h.db.name + "-wal"), *folder.iterdir()]
    blobs = {f: f.read_bytes() for f in files if f.exists()}
    assert h.db in blobs and any(f.suffix == ".sqlite" for f in folder.iterdir())
    for f, blob in blobs.items():
        assert not [n for n in erased_names if n in blob], f
    # The identities kept are still in the file and in the fresh backup.
    assert all(n in blobs[h.db] for n in kept_names[:5])
    assert outcome.backup is not None and kept_names[0] in outcome.backup.read_bytes()
    # The older backup was replaced, never leaving the folder empty; the purge says so.
    names = [b.path.name for b in list_backups(folder)]
    assert names == [outcome.backup.name]
    assert len(outcome.replaced) == 2  # the manual one and the one made just before the purge
    assert (
        "2 anciennes sauvegardes qui contenaient ces identités ont été supprimées"
        in outcome.words()
    )


def test_an_erased_person_cannot_be_searched_merged_or_unmerged(history: History) -> None:
    h = history
    purge_expired(h.engine, h.settings, today=TODAY)
    gone = sorted(due(h))[0]
    with read_session(h.engine) as s:
        assert visitors_named(s, [search_key(h.names[gone], "")], 10) == []
        assert visitors_named(s, ["zorglubescu"], 500)  # the others are still found
    other = next(v for v in h.last_seen if v not in due(h))
    with pytest.raises(InvalidInput, match="effacée"):
        merge_visitors(h.engine, other, gone)
    erased_merge = next((s, a) for s, a in h.merged if s in due(h))
    with read_connection(h.engine) as conn:
        trace = conn.execute(
            select(visitor_merges.c.id).where(visitor_merges.c.absorbed_id == erased_merge[1])
        ).scalar_one()
    with pytest.raises(InvalidInput, match="effacée"):
        unmerge_visitors(h.engine, trace)


def test_the_purge_is_audited_and_the_chain_holds(history: History) -> None:
    h = history
    outcome = purge_expired(h.engine, h.settings, today=TODAY)
    with read_connection(h.engine) as conn:
        entries = conn.execute(select(audit_log.c.action, audit_log.c.details)).all()
    purges = [d for a, d in entries if a == "retention_purge"]
    assert purges and all("Zorglub" not in (d or "") for _a, d in entries)
    # the backups holding the erased text are replaced: SQLite's copies of the file
    replaced = 1 if h.engine.dialect.name == "sqlite" else 0
    assert [a for a, _d in entries].count("backups_replaced") == replaced
    assert sum(__import__("json").loads(d)["persons"] for d in purges) == outcome.erased
    assert verify_chain(h.engine).intact


def test_a_dry_run_counts_and_changes_nothing(history: History) -> None:
    h = history
    with read_connection(h.engine) as conn:
        before = conn.execute(select(visitors).order_by(visitors.c.id)).all()
    outcome = purge_expired(h.engine, h.settings, today=TODAY, dry_run=True)
    assert outcome.dry_run and outcome.due == len(due(h)) and outcome.erased == 0
    assert "simulation" in outcome.words()
    with read_connection(h.engine) as conn:
        assert conn.execute(select(visitors).order_by(visitors.c.id)).all() == before
    assert list_backups(h.settings.backup_path()) == []


def test_a_second_purge_finds_nothing_to_do(history: History) -> None:
    h = history
    purge_expired(h.engine, h.settings, today=TODAY)
    again = purge_expired(h.engine, h.settings, today=TODAY)
    assert again.due == 0 and "Aucune identité" in again.words()


def test_erasure_on_request_keeps_every_table(history: History) -> None:
    h = history
    recent = max(h.last_seen, key=lambda v: h.last_seen[v])  # came last month: not due
    before = every_table(h)
    outcome = erase_on_request(h.engine, h.settings, recent)
    assert outcome.erased == 1 and outcome.reason == "request"
    assert every_table(h) == before
    with read_connection(h.engine) as conn:
        row = conn.execute(select(visitors).where(visitors.c.id == recent)).one()
        ages = conn.execute(
            select(contacts.c.age_years).where(contacts.c.visitor_id == recent)
        ).scalars()
        assert row.last_name == "" and row.erased_at is not None
        assert all(a is not None for a in ages) or row.sex is None
    if h.engine.dialect.name == "sqlite":  # and gone from the file's bytes
        assert h.names[recent].encode() not in h.db.read_bytes()
    with pytest.raises(InvalidInput, match="déjà été effacée"):
        erase_on_request(h.engine, h.settings, recent)
    with pytest.raises(InvalidInput, match="Aucune personne"):
        erase_on_request(h.engine, h.settings, uuid.uuid4())


def test_a_contact_entered_after_an_erasure_counts_with_the_age_kept(engine: Engine) -> None:
    """A late paper sheet typed for an erased person at a site: table 3's age group is read from
    the contact's own age when it has one, the person row having no birth date."""
    ensure_site(engine, SITES[0])
    (site,) = resolve_sites(engine, None)
    vid, cid = uuid.uuid4(), uuid.uuid4()
    with write_session(engine) as s:
        s.execute(
            insert(Visitor),
            [{"id": vid, "last_name": "Zorglubescu", "sex": "F", "birth_date": date(2000, 5, 1)}],
        )
        s.execute(
            insert(Contact),
            [
                {
                    "id": cid,
                    "site_id": site.id,
                    "local_date": date(2020, 3, 1),
                    "local_time": time(9),
                    "entered_at": datetime(2020, 3, 1),
                    "channel": "physique",
                    "visitor_id": vid,
                }
            ],
        )
    period = Period.semester("2020-S1")
    before = report_for_sites(engine, period, [site], young_age_limit=20).to_json()
    erase_on_request(engine, Settings(), vid)
    with write_session(engine) as s:
        s.execute(update(Contact).where(Contact.id == cid).values(local_time=time(10)))
    for method in ("direct", "derived"):
        after = report_for_sites(engine, period, [site], young_age_limit=20, method=method)
        assert after.to_json() == before  # 19 years old that day: jeune below 20


def test_the_purge_keeps_every_table_on_postgresql(pg_engine: Engine, tmp_path: Path) -> None:
    """A network on one server purges the same way (no backup file there: the server's own)."""
    h = build_history(pg_engine, tmp_path / "unused.sqlite", tmp_path)
    selections = [h.sites, h.sites[:1]]
    before = [
        report_for_sites(pg_engine, p, chosen, method="direct").to_json()
        for p in periods()
        for chosen in selections
    ]
    outcome = purge_expired(pg_engine, h.settings, today=TODAY)
    assert outcome.erased == len(due(h)) > 20 and outcome.backup is None
    after = [
        report_for_sites(pg_engine, p, chosen, method="direct").to_json()
        for p in periods()
        for chosen in selections
    ]
    assert after == before
    with read_connection(pg_engine) as conn:
        names = conn.execute(select(visitors.c.last_name).where(visitors.c.erased_at.is_not(None)))
        assert set(names.scalars()) == {""}


@pytest.mark.sqlite_only("the purge replaces the backups of the SQLite file")
def test_a_purge_stopped_between_batches_is_finished_by_the_next_run(
    history: History, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The window closing stops the purge after its current batch; what was erased stays
    erased, and the next run erases the rest and replaces the backups then."""
    h = history
    monkeypatch.setattr("sarah.services.privacy.purge.BATCH", 10)
    folder = h.settings.backup_path()
    create_backup(h.db, folder, "manuelle")
    asked = []

    def stop_after_two() -> bool:
        asked.append(1)
        return len(asked) > 2

    first = purge_expired(h.engine, h.settings, today=TODAY, should_stop=stop_after_two)
    assert first.stopped and first.erased == 20 and first.backup is None
    assert any(b.path.name.startswith("manuelle") for b in list_backups(folder))
    second = purge_expired(h.engine, h.settings, today=TODAY)
    assert second.erased == len(due(h)) - 20 and not second.stopped
    assert [b.path for b in list_backups(folder)] == [second.backup]
    # Nothing due, but a replacement still owed (an erasure came by sync, say): it is done.
    with write_session(h.engine) as s:
        from sarah.services.audit.log import record

        record(s, "test", "erase", "paquet.sarahsync", {"reason": "sync", "persons": 1})
    third = purge_expired(h.engine, h.settings, today=TODAY)
    assert third.due == 0 and third.backup is not None and third.backup != second.backup
    assert "Nouvelle sauvegarde vérifiée" in third.words()
    assert purge_expired(h.engine, h.settings, today=TODAY).backup is None  # owed no more
