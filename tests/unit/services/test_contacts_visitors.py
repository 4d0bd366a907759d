"""Logging, editing, deleting contacts; creating and merging visitors (real SQLite)."""

from __future__ import annotations

from datetime import date, time

import pytest
from sqlalchemy import Engine, func, select

from sarah.db import read_session
from sarah.errors import InvalidInput
from sarah.models import Contact, Visitor, VisitorMerge, contact_services
from sarah.services.catalogue import list_services
from sarah.services.contacts import (
    ContactDraft,
    delete_contact,
    log_contact,
    restore_contact,
    update_contact,
)
from sarah.services.sites import ensure_site
from sarah.services.visitors import (
    age_group,
    create_visitor,
    likely_duplicates,
    merge_preview,
    merge_visitors,
)


def test_age_group_turns_adult_on_26th_birthday() -> None:
    born = date(1993, 3, 15)
    assert age_group(born, date(2019, 3, 14)) == "jeunes"
    assert age_group(born, date(2019, 3, 15)) == "adultes"
    assert age_group(None, date(2019, 3, 15)) == "NR"


def test_logged_contact_is_stored_with_its_services_once(engine: Engine) -> None:
    site = ensure_site(engine, "Grésilles")
    services = list_services(engine)
    v = create_visitor(engine, last_name="Dupont", first_name="Léa", sex="F", site_id=site.id)
    draft = ContactDraft(
        site_id=site.id,
        channel="physique",
        local_date=date(2019, 2, 1),
        local_time=time(9, 30),
        visitor_id=v.id,
        service_ids=[services[0].id, services[0].id, services[3].id],
        agent="Nadia",
    )
    saved = log_contact(engine, draft)
    with read_session(engine) as s:
        c = s.get(Contact, saved.id)
        assert c is not None and c.visitor_id == v.id and c.revision > 0
        n = s.scalar(
            select(func.count())
            .select_from(contact_services)
            .where(contact_services.c.contact_id == saved.id)
        )
    assert n == 2


def test_an_entry_saved_again_under_its_id_is_recorded_once_as_last_typed(engine: Engine) -> None:
    """The desk tries a save again after a lost answer: one contact, with the second content."""
    import uuid

    site = ensure_site(engine, "Grésilles")
    services = list_services(engine)
    entry = uuid.uuid4()
    first = ContactDraft(site.id, "telephone", date(2019, 2, 1), time(9), contact_id=entry)
    again = ContactDraft(
        site.id,
        "physique",
        date(2019, 2, 1),
        time(9),
        service_ids=[services[2].id],
        contact_id=entry,
    )
    saved_first = log_contact(engine, first)
    saved_again = log_contact(engine, again)
    assert saved_first == saved_again and saved_first.id == entry
    with read_session(engine) as s:
        rows = s.execute(select(Contact.id, Contact.channel)).all()
        kept = s.scalars(select(contact_services.c.service_id)).all()
    assert rows == [(entry, "physique")]
    assert kept == [services[2].id]


def test_future_date_and_unknown_channel_are_refused(engine: Engine) -> None:
    site = ensure_site(engine, "Grésilles")
    with pytest.raises(InvalidInput, match="futur"):
        log_contact(engine, ContactDraft(site.id, "physique", date(2999, 1, 1), time(9)))
    with pytest.raises(InvalidInput, match="Canal"):
        log_contact(engine, ContactDraft(site.id, "courrier", date(2019, 1, 1), time(9)))
    with read_session(engine) as s:
        assert s.scalar(select(func.count()).select_from(Contact)) == 0


def test_delete_then_restore_and_edit(engine: Engine) -> None:
    site = ensure_site(engine, "Fontaine d'Ouche")
    services = list_services(engine)
    saved = log_contact(engine, ContactDraft(site.id, "telephone", date(2019, 1, 2), time(10)))
    delete_contact(engine, saved.id)
    with read_session(engine) as s:
        assert s.get(Contact, saved.id).deleted_at is not None
    restore_contact(engine, saved.id)
    update_contact(
        engine,
        saved.id,
        ContactDraft(site.id, "physique", date(2019, 1, 3), time(11), service_ids=[services[1].id]),
    )
    with read_session(engine) as s:
        c = s.get(Contact, saved.id)
        assert c.deleted_at is None and c.channel == "physique" and c.local_date == date(2019, 1, 3)


def test_merge_moves_contacts_and_keeps_a_trace(engine: Engine) -> None:
    site = ensure_site(engine, "Grésilles")
    a = create_visitor(engine, last_name="Martin", first_name="Paul", sex="H", site_id=site.id)
    b = create_visitor(
        engine, last_name="MARTIN", first_name="paul", birth_date=date(1990, 5, 1), site_id=site.id
    )
    for visitor in (a, b, b):
        log_contact(
            engine, ContactDraft(site.id, "physique", date(2019, 1, 2), time(10), visitor.id)
        )
    assert merge_preview(engine, a.id, b.id).contacts_to_move == 2
    result = merge_visitors(engine, a.id, b.id, site_id=site.id, agent="Nadia")
    assert result.moved_contacts == 2
    assert result.survivor.birth_date == date(1990, 5, 1)  # filled in from the absorbed record
    with read_session(engine) as s:
        assert (
            s.scalar(select(func.count()).select_from(Contact).where(Contact.visitor_id == a.id))
            == 3
        )
        absorbed = s.get(Visitor, b.id)
        assert absorbed.merged_into_id == a.id and absorbed.deleted_at is not None
        assert s.scalar(select(func.count()).select_from(VisitorMerge)) == 1
    with pytest.raises(InvalidInput):
        merge_visitors(engine, a.id, b.id)


def test_likely_duplicates_same_birth_date_or_same_name_without_date(engine: Engine) -> None:
    create_visitor(engine, last_name="Benali", first_name="Sofiane", birth_date=date(2000, 1, 1))
    create_visitor(engine, last_name="Nguyen", first_name="Anh")
    assert [
        v.last_name for v in likely_duplicates(engine, "BENALI", "Sofian", date(2000, 1, 1))
    ] == ["Benali"]
    assert [v.last_name for v in likely_duplicates(engine, "nguyen", "ánh", date(1980, 1, 1))] == [
        "Nguyen"
    ]
    assert likely_duplicates(engine, "Benali", "Sofiane", date(2001, 1, 1)) == []
