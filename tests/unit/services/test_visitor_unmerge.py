"""Undoing a merge ("Annuler la fusion"): both records and exactly their contacts come back,
the statistics are what they were before the merge, and the undo travels as a new revision."""

from __future__ import annotations

import json
import uuid
from datetime import date, datetime, time
from typing import Any

import pytest
from sqlalchemy import Engine, insert, select, text

from sarah.db import read_session, write_session
from sarah.errors import InvalidInput
from sarah.models import Contact, Visitor, VisitorMerge
from sarah.reports.tables import Period
from sarah.services.catalogue import list_services
from sarah.services.contacts import (
    ContactDraft,
    delete_contact,
    log_contact,
    restore_contact,
    update_contact,
)
from sarah.services.demo.loader import load_demo
from sarah.services.sites import SiteInfo, ensure_site, resolve_sites
from sarah.services.statistics.tables import report_for_sites
from sarah.services.statistics.upkeep import statistics_drift
from sarah.services.visitor_history import search_visitors, visitor_history
from sarah.services.visitor_merges import unmerge_preview, unmerge_visitors
from sarah.services.visitors import (
    VisitorInfo,
    create_visitor,
    merge_preview,
    merge_visitors,
    update_visitor,
)

S1 = Period.semester("2019-S1")
STAT_TABLES = ("stat_persons", "stat_visits", "stat_days", "stat_day_services")


def _log(
    engine: Engine,
    site: SiteInfo,
    who: VisitorInfo | None,
    day: date,
    *,
    channel: str = "physique",
    services: tuple[int, ...] = (0,),
) -> uuid.UUID:
    catalogue = list_services(engine)
    return log_contact(
        engine,
        ContactDraft(
            site_id=site.id,
            channel=channel,
            local_date=day,
            local_time=time(10, 0),
            visitor_id=who.id if who else None,
            service_ids=[catalogue[i].id for i in services],
            agent="Nadia",
        ),
    ).id


def _contacts_of(engine: Engine, visitor_id: uuid.UUID) -> set[uuid.UUID]:
    with read_session(engine) as s:
        return set(s.scalars(select(Contact.id).where(Contact.visitor_id == visitor_id)))


def _stat_rows(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """The four derived tables, row for row (nothing computed by the code under test)."""
    with engine.connect() as conn:
        return {
            t: sorted(tuple(r) for r in conn.execute(text(f"SELECT * FROM {t}")))
            for t in STAT_TABLES
        }


def _reports(engine: Engine) -> list[dict[str, Any]]:
    """The four tables of the semester and of the year, summed both ways (derived, direct)."""
    sites = resolve_sites(engine, None)
    return [
        report_for_sites(engine, period, sites, method=method).to_json()
        for period in (S1, Period.year(2019))
        for method in ("derived", "direct")
    ]


def _merge_id(engine: Engine, absorbed_id: uuid.UUID) -> uuid.UUID:
    with read_session(engine) as s:
        return s.scalars(
            select(VisitorMerge.id).where(
                VisitorMerge.absorbed_id == absorbed_id, VisitorMerge.deleted_at.is_(None)
            )
        ).one()


@pytest.fixture
def gre(engine: Engine) -> SiteInfo:
    return ensure_site(engine, "Grésilles")


@pytest.fixture
def fdo(engine: Engine) -> SiteInfo:
    return ensure_site(engine, "Fontaine d'Ouche")


def test_undo_gives_back_both_records_and_exactly_their_contacts(
    engine: Engine, gre: SiteInfo, fdo: SiteInfo
) -> None:
    kept = create_visitor(engine, last_name="Bouvier", first_name="Angélique", sex="F")
    other = create_visitor(
        engine, last_name="Bouvier", first_name="Aya", sex="F", birth_date=date(1972, 1, 11)
    )
    own = {_log(engine, gre, kept, date(2019, 1, 3)), _log(engine, fdo, kept, date(2019, 2, 4))}
    theirs = {
        _log(engine, gre, other, date(2019, 1, 3)),
        _log(engine, gre, other, date(2019, 3, 1)),
    }
    deleted = _log(engine, fdo, other, date(2019, 4, 2))
    delete_contact(engine, deleted)
    theirs.add(deleted)
    assert merge_preview(engine, kept.id, other.id).contacts_to_move == 2  # live ones

    merge_visitors(engine, kept.id, other.id, site_id=gre.id, agent="Nadia")
    assert _contacts_of(engine, kept.id) == own | theirs
    later = _log(engine, gre, kept, date(2019, 5, 6))  # typed after the merge: stays with kept
    with read_session(engine) as s:
        merge_revision = s.scalars(select(VisitorMerge.revision)).one()
    [trace] = visitor_history(engine, kept.id).merges
    assert trace.can_undo and trace.moved_contacts == 2

    plan = unmerge_preview(engine, trace.id)
    assert (plan.contacts_back, plan.contacts_elsewhere, plan.fields_back) == (
        2,
        0,
        ("birth_date",),
    )
    done = unmerge_visitors(engine, trace.id, site_id=gre.id)

    assert done.restored.id == other.id and done.contacts_back == 2
    assert _contacts_of(engine, kept.id) == own | {later}
    assert _contacts_of(engine, other.id) == theirs
    with read_session(engine) as s:
        restored, survivor = s.get(Visitor, other.id), s.get(Visitor, kept.id)
        m = s.get(VisitorMerge, trace.id)
        gone = s.get(Contact, deleted)
        assert restored is not None and survivor is not None and m is not None and gone
        assert (restored.merged_into_id, restored.deleted_at) == (None, None)
        assert survivor.birth_date is None  # the date came from the other record: taken back
        assert gone.deleted_at is not None  # a deleted contact goes back deleted
        # A new write that a sync can carry: a tombstone, never a hard delete, newer revisions.
        assert m.deleted_at is not None and m.revision > merge_revision
        assert restored.revision == survivor.revision == m.revision
        moved_back = s.scalars(select(Contact.revision).where(Contact.id.in_(theirs))).all()
        assert set(moved_back) == {m.revision}
        own_revisions = s.scalars(select(Contact.revision).where(Contact.id.in_(own))).all()
        assert m.revision not in own_revisions
        # The undo was this installation's last change: its clock stands at that version.
        assert s.execute(text("SELECT clock FROM installation")).scalar_one() == m.revision
    assert [r.visitor.display_name for r in search_visitors(engine, "bouvier")] == [
        "BOUVIER Angélique",
        "BOUVIER Aya",
    ]
    assert visitor_history(engine, kept.id).merges == []
    with pytest.raises(InvalidInput, match="déjà été annulée"):
        unmerge_visitors(engine, trace.id, site_id=gre.id)


def test_statistics_after_undo_are_exactly_those_before_the_merge(
    engine: Engine, gre: SiteInfo, fdo: SiteInfo
) -> None:
    # The kept record has no sex nor birth date: the merge fills both in, which moves the
    # person between the age and sex columns; the other record is a young man.
    kept = create_visitor(engine, last_name="Diallo", first_name="Awa")
    other = create_visitor(
        engine, last_name="Diallo", first_name="Awa", sex="H", birth_date=date(2000, 2, 2)
    )
    third = create_visitor(engine, last_name="Martin", sex="F", birth_date=date(1970, 1, 1))
    _log(engine, fdo, kept, date(2018, 12, 1))  # came before the semester at one site
    _log(engine, gre, kept, date(2019, 1, 3), services=(0, 3))
    _log(engine, gre, other, date(2019, 1, 3), services=(3,))  # same day and site as kept
    _log(engine, fdo, other, date(2019, 2, 5), channel="telephone", services=())
    _log(engine, gre, other, date(2019, 7, 9))
    _log(engine, gre, third, date(2019, 3, 3))
    _log(engine, gre, None, date(2019, 3, 3))
    before_rows, before_reports = _stat_rows(engine), _reports(engine)

    merge_visitors(engine, kept.id, other.id, site_id=gre.id)
    assert _reports(engine) != before_reports  # the merge does change the tables
    assert _stat_rows(engine) != before_rows
    unmerge_visitors(engine, _merge_id(engine, other.id), site_id=fdo.id)

    assert _stat_rows(engine) == before_rows
    assert _reports(engine) == before_reports
    assert statistics_drift(engine) == []


def test_demo_merge_of_the_user_trial_is_undone_to_the_same_tables(engine: Engine) -> None:
    load_demo(engine)
    [angelique] = search_visitors(engine, "bouvier angelique")
    [aya] = search_visitors(engine, "bouvier aya")
    assert angelique.visitor.birth_date != aya.visitor.birth_date  # the orange warning's case
    sites = resolve_sites(engine, None)
    periods = (S1, Period.semester("2019-S2"), Period.year(2018))

    def tables() -> list[dict[str, Any]]:
        return [report_for_sites(engine, p, sites).to_json() for p in periods]

    before, before_rows = tables(), _stat_rows(engine)
    site = sites[0].id
    merge_visitors(engine, angelique.visitor.id, aya.visitor.id, site_id=site, agent="Essai")
    assert tables() != before
    [trace] = visitor_history(engine, angelique.visitor.id).merges
    unmerge_visitors(engine, trace.id, site_id=site)
    assert tables() == before
    assert _stat_rows(engine) == before_rows
    assert search_visitors(engine, "bouvier angelique") == [angelique]
    assert search_visitors(engine, "bouvier aya") == [aya]


def test_a_demo_merge_can_be_undone_too(engine: Engine) -> None:
    load_demo(engine)
    with read_session(engine) as s:
        m = s.scalars(select(VisitorMerge).order_by(VisitorMerge.merged_at)).first()
        assert m is not None
        merge_id, survivor_id, absorbed_id = m.id, m.survivor_id, m.absorbed_id
        moved = {uuid.UUID(x) for x in json.loads(m.moved_contact_ids or "[]")}
    assert len(moved) == 1 and moved <= _contacts_of(engine, survivor_id)
    done = unmerge_visitors(engine, merge_id, site_id=resolve_sites(engine, None)[0].id)
    assert done.contacts_back == 1 and _contacts_of(engine, absorbed_id) == moved
    assert statistics_drift(engine) == []


def test_a_chain_is_undone_from_its_newest_link(engine: Engine, gre: SiteInfo) -> None:
    a = create_visitor(engine, last_name="Traore", first_name="Moussa", birth_date=date(1980, 1, 5))
    b = create_visitor(engine, last_name="Traoré", first_name="Mousa")
    c = create_visitor(engine, last_name="TRAORE", first_name="Moussa", sex="H")
    contacts = {
        v.id: {_log(engine, gre, v, date(2019, 1, d)), _log(engine, gre, v, date(2019, 2, d))}
        for d, v in ((3, a), (4, b), (5, c))
    }
    before_rows, before_reports = _stat_rows(engine), _reports(engine)
    merge_visitors(engine, b.id, a.id, site_id=gre.id)  # A into B
    merge_visitors(engine, c.id, b.id, site_id=gre.id)  # then B into C
    a_into_b, b_into_c = _merge_id(engine, a.id), _merge_id(engine, b.id)

    # C's page lists B, and A inside B; A's merge cannot be undone first, and says why.
    [outer] = visitor_history(engine, c.id).merges
    assert outer.id == b_into_c and outer.can_undo
    [inner] = outer.within
    assert inner.id == a_into_b and not inner.can_undo
    assert "TRAORÉ Mousa a ensuite été réunie dans TRAORE Moussa" in (inner.undo_blocker or "")
    with pytest.raises(InvalidInput, match="annulez d'abord cette fusion-là"):
        unmerge_visitors(engine, a_into_b, site_id=gre.id)

    plan = unmerge_visitors(engine, b_into_c, site_id=gre.id)
    assert plan.contacts_back == 4 and plan.inner_merges == ("TRAORE Moussa",)
    assert _contacts_of(engine, c.id) == contacts[c.id]
    assert _contacts_of(engine, b.id) == contacts[a.id] | contacts[b.id]
    [left] = visitor_history(engine, b.id).merges
    assert left.id == a_into_b and left.can_undo

    unmerge_visitors(engine, a_into_b, site_id=gre.id)
    for v in (a, b, c):
        assert _contacts_of(engine, v.id) == contacts[v.id]
    with read_session(engine) as s:
        profiles = {
            v.id: (v.sex, v.birth_date)
            for v in s.scalars(select(Visitor).where(Visitor.deleted_at.is_(None)))
        }
    assert profiles == {a.id: (None, date(1980, 1, 5)), b.id: (None, None), c.id: ("H", None)}
    assert _stat_rows(engine) == before_rows
    assert _reports(engine) == before_reports


def test_a_field_corrected_after_the_merge_is_kept(engine: Engine, gre: SiteInfo) -> None:
    kept = create_visitor(engine, last_name="Nguyen", first_name="Linh")
    other = create_visitor(
        engine, last_name="Nguyen", first_name="Linh", sex="F", birth_date=date(2001, 9, 9)
    )
    merge_visitors(engine, kept.id, other.id, site_id=gre.id)
    update_visitor(  # the agent corrects the date the merge brought
        engine,
        kept.id,
        last_name="Nguyen",
        first_name="Linh",
        sex="F",
        birth_date=date(2001, 9, 19),
        site_id=gre.id,
    )
    plan = unmerge_visitors(engine, _merge_id(engine, other.id), site_id=gre.id)
    assert plan.fields_back == ("sex",)
    with read_session(engine) as s:
        survivor = s.get(Visitor, kept.id)
        assert survivor is not None
        assert (survivor.sex, survivor.birth_date) == (None, date(2001, 9, 19))


def test_a_contact_given_to_someone_else_since_stays_there(engine: Engine, gre: SiteInfo) -> None:
    kept = create_visitor(engine, last_name="Benali", first_name="Sami")
    other = create_visitor(engine, last_name="Benali", first_name="Sammy")
    third = create_visitor(engine, last_name="Benali", first_name="Samia")
    first = _log(engine, gre, other, date(2019, 1, 3))
    second = _log(engine, gre, other, date(2019, 1, 4))
    merge_visitors(engine, kept.id, other.id, site_id=gre.id)
    update_contact(  # the desk's journal: this visit was Samia's
        engine, second, ContactDraft(gre.id, "physique", date(2019, 1, 4), time(10), third.id)
    )
    delete_contact(engine, first)
    restore_contact(engine, first)
    plan = unmerge_visitors(engine, _merge_id(engine, other.id), site_id=gre.id)
    assert (plan.contacts_back, plan.contacts_elsewhere) == (1, 1)
    assert _contacts_of(engine, other.id) == {first}
    assert _contacts_of(engine, third.id) == {second}
    assert statistics_drift(engine) == []


def test_a_merge_recorded_before_the_trace_kept_its_contacts_is_refused(
    engine: Engine, gre: SiteInfo
) -> None:
    kept = create_visitor(engine, last_name="Moreau", first_name="Inès")
    other = create_visitor(engine, last_name="Moreau", first_name="Ines")
    _log(engine, gre, other, date(2019, 1, 3))
    merge_visitors(engine, kept.id, other.id, site_id=gre.id)
    with write_session(engine) as s:  # as a merge made by SARAH before schema 0003 looks
        s.execute(
            text("UPDATE visitor_merges SET moved_contact_ids = NULL, survivor_profile = NULL")
        )
    [trace] = visitor_history(engine, kept.id).merges
    assert not trace.can_undo and "ne notait pas quels contacts" in (trace.undo_blocker or "")
    with pytest.raises(InvalidInput, match="ne peut pas être annulée"):
        unmerge_preview(engine, trace.id)
    assert _contacts_of(engine, other.id) == set()


def test_unknown_merge_and_damaged_loop_are_refused_in_french(engine: Engine) -> None:
    with pytest.raises(InvalidInput, match="Cette fusion n'existe pas"):
        unmerge_visitors(engine, uuid.uuid4())
    a = create_visitor(engine, last_name="Loop", first_name="A")
    b = create_visitor(engine, last_name="Loop", first_name="B")
    merge_visitors(engine, a.id, b.id)
    with write_session(engine) as s:  # damaged data from outside: B points back at A's B
        s.execute(
            insert(VisitorMerge.__table__).values(
                id=uuid.uuid4(),
                survivor_id=b.id,
                absorbed_id=a.id,
                merged_at=datetime(2019, 1, 1),
                moved_contacts=0,
                absorbed_profile="{}",
                moved_contact_ids="[]",
            )
        )
    [trace] = visitor_history(engine, a.id).merges  # shown once, no endless nesting
    assert [t.absorbed_id for t in trace.within] == []
