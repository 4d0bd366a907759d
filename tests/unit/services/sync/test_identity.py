"""One person, several sites (docs/sync.md, merge rules 6 and 7), on real installations."""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Iterator
from datetime import date, time
from pathlib import Path

import pytest

from sarah.reports.tables import Period
from sarah.services.catalogue import list_services
from sarah.services.contacts import ContactDraft, log_contact, update_contact
from sarah.services.database import open_database
from sarah.services.sites import SiteInfo, ensure_site
from sarah.services.statistics.tables import semester_tables
from sarah.services.sync.export import export_package
from sarah.services.sync.keys import NetworkKey, install_key
from sarah.services.sync.receive import import_package
from sarah.services.visitor_history import duplicates_between_sites, visitor_history
from sarah.services.visitor_merges import unmerge_visitors
from sarah.services.visitors import create_visitor, merge_visitors

S1 = Period(date(2019, 1, 1), date(2019, 6, 30))


class Desk:
    def __init__(self, path: Path, site: str, key: NetworkKey) -> None:
        self.path, self.name = path, site
        self.engine = open_database(path)
        install_key(self.engine, key)
        self.site: SiteInfo = ensure_site(self.engine, site)

    def person(self, last: str, first: str, born: date | None) -> uuid.UUID:
        v = create_visitor(
            self.engine, last_name=last, first_name=first, birth_date=born, site_id=self.site.id
        )
        return v.id

    def contact(self, who: uuid.UUID | None, day: date) -> None:
        log_contact(self.engine, ContactDraft(self.site.id, "physique", day, time(10), who))

    def send_to(self, other: Desk, folder: Path) -> int:
        package = folder / f"{self.name}-{uuid.uuid4().hex[:6]}.sarahsync"
        export_package(self.engine, package, name=self.name)
        return import_package(other.engine, package).people_made_one

    def rows(self, table: str) -> list[tuple[object, ...]]:
        conn = sqlite3.connect(f"file:{self.path.as_posix()}?mode=ro", uri=True)
        try:
            return sorted(conn.execute(f"SELECT * FROM {table}").fetchall(), key=repr)
        finally:
            conn.close()


@pytest.fixture
def desks(tmp_path: Path) -> Iterator[tuple[Desk, Desk]]:
    key = NetworkKey.generate()
    fo = Desk(tmp_path / "fo.sqlite", "Fontaine d'Ouche", key)
    gr = Desk(tmp_path / "gr.sqlite", "Grésilles", key)
    yield fo, gr
    fo.engine.dispose()
    gr.engine.dispose()


def _exchange(a: Desk, b: Desk, folder: Path) -> None:
    for _ in range(2):  # there and back, twice: what one side did in reply reaches the other
        a.send_to(b, folder)
        b.send_to(a, folder)


def test_the_same_person_at_two_sites_is_counted_once_everywhere(
    desks: tuple[Desk, Desk], tmp_path: Path
) -> None:
    fo, gr = desks
    lea_fo = fo.person("Durand", "Léa", date(2000, 5, 1))
    lea_gr = gr.person("DURAND", "Lea ", date(2000, 5, 1))  # folded alike, as the import does
    fo.contact(lea_fo, date(2019, 2, 4))
    gr.contact(lea_gr, date(2018, 11, 5))  # her first contact ever, at the other site
    gr.contact(lea_gr, date(2019, 3, 11))

    assert fo.send_to(gr, tmp_path) == 1
    _exchange(fo, gr, tmp_path)

    for desk in (fo, gr):
        report = semester_tables(desk.engine, S1)
        assert report.total.persons.total == 1  # tables 3 and 4 count her once
        assert report.by_site["Fontaine d'Ouche"].persons.total == 1
        assert report.by_site["Grésilles"].persons.total == 1
        # Her first contact ever was in 2018 at Grésilles: she is new in S1 nowhere.
        assert report.total.new_persons.total == 0
        assert report.by_site["Fontaine d'Ouche"].new_persons.total == 1  # new at that site
    kept = min(lea_fo, lea_gr, key=lambda i: i.hex)
    history = visitor_history(fo.engine, max(lea_fo, lea_gr, key=lambda i: i.hex))
    assert history.visitor.id == kept  # the other id opens the record kept
    assert len(history.contacts) == 3
    [trace] = history.merges
    assert trace.can_undo
    for table in ("visitors", "visitor_merges", "contacts", "contact_services"):
        assert fo.rows(table) == gr.rows(table), table


def test_records_that_only_look_alike_are_proposed_never_merged(
    desks: tuple[Desk, Desk], tmp_path: Path
) -> None:
    fo, gr = desks
    fo.contact(fo.person("Martin", "Paul", None), date(2019, 2, 4))
    gr.contact(gr.person("Martin", "Paul", date(1980, 1, 2)), date(2019, 2, 5))
    gr.contact(gr.person("Martin", "Paule", date(1980, 1, 2)), date(2019, 2, 6))  # spelling
    _exchange(fo, gr, tmp_path)
    for desk in (fo, gr):
        assert semester_tables(desk.engine, S1).total.persons.total == 3
        # The two "Martin Paul" of two sites, side by side in Visiteurs; not "Paule".
        listed = duplicates_between_sites(desk.engine)
        assert sorted((r.visitor.first_name, str(r.visitor.birth_date)) for r in listed) == [
            ("Paul", "1980-01-02"),
            ("Paul", "None"),
        ]


def test_a_contact_typed_on_a_record_merged_away_elsewhere_follows_it(
    desks: tuple[Desk, Desk], tmp_path: Path
) -> None:
    fo, gr = desks
    kept, twin = fo.person("Roux", "Ana", None), fo.person("Roux", "Anna", None)
    fo.contact(kept, date(2019, 1, 7))
    fo.contact(twin, date(2019, 1, 8))
    fo.send_to(gr, tmp_path)
    merge_visitors(fo.engine, kept, twin, site_id=fo.site.id)  # at Fontaine d'Ouche
    gr.contact(twin, date(2019, 4, 1))  # meanwhile at Grésilles, on the record merged away
    _exchange(fo, gr, tmp_path)
    for desk in (fo, gr):
        assert semester_tables(desk.engine, S1).total.persons.total == 1
        assert len(visitor_history(desk.engine, kept).contacts) == 3
    assert fo.rows("contacts") == gr.rows("contacts")


def test_an_edit_made_meanwhile_at_the_other_site_is_not_beaten_by_the_automatic_merge(
    desks: tuple[Desk, Desk], tmp_path: Path
) -> None:
    """Grésilles corrects a contact of Léa while Fontaine d'Ouche, receiving an older package,
    makes her two records one: the correction is kept everywhere, on the record kept."""
    fo, gr = desks
    lea_fo = fo.person("Durand", "Léa", date(2000, 5, 1))
    lea_gr = gr.person("Durand", "Léa", date(2000, 5, 1))
    fo.contact(lea_fo, date(2019, 2, 4))
    gr.contact(lea_gr, date(2019, 3, 11))
    [contact] = [r for r in gr.rows("contacts")]
    contact_id = uuid.UUID(str(contact[columns_of(gr, "contacts").index("id")]))
    gr.send_to(fo, tmp_path)  # Fontaine d'Ouche makes her one (an automatic merge)
    services = list_services(gr.engine)[:2]
    update_contact(  # meanwhile at Grésilles: the services of that contact corrected
        gr.engine,
        contact_id,
        ContactDraft(
            gr.site.id, "telephone", date(2019, 3, 11), time(10), lea_gr, [s.id for s in services]
        ),
    )
    _exchange(fo, gr, tmp_path)
    for desk in (fo, gr):
        report = semester_tables(desk.engine, S1)
        assert report.total.persons.total == 1
        assert report.by_site["Grésilles"].contacts["telephone"] == 1  # the correction stays
        assert sum(s.count for s in report.by_site["Grésilles"].services) == 2
    assert fo.rows("contacts") == gr.rows("contacts")


def test_an_automatic_merge_undone_stays_undone_everywhere(
    desks: tuple[Desk, Desk], tmp_path: Path
) -> None:
    fo, gr = desks
    a = fo.person("Durand", "Léa", date(2000, 5, 1))
    b = gr.person("Durand", "Léa", date(2000, 5, 1))
    fo.contact(a, date(2019, 2, 4))
    gr.contact(b, date(2019, 3, 11))
    _exchange(fo, gr, tmp_path)
    [trace] = visitor_history(fo.engine, a).merges
    unmerge_visitors(fo.engine, trace.id, site_id=fo.site.id)  # "they are two people"
    _exchange(fo, gr, tmp_path)
    for desk in (fo, gr):
        assert semester_tables(desk.engine, S1).total.persons.total == 2
    assert fo.rows("visitors") == gr.rows("visitors")


def columns_of(desk: Desk, table: str) -> list[str]:
    conn = sqlite3.connect(f"file:{desk.path.as_posix()}?mode=ro", uri=True)
    try:
        return [row[1] for row in conn.execute(f"PRAGMA table_info({table})")]
    finally:
        conn.close()
