"""A person's file: search, contacts at every site, first visits, merge candidates."""

from __future__ import annotations

import uuid
from datetime import date, time

import pytest
from sqlalchemy import Engine

from sarah.errors import InvalidInput
from sarah.services.catalogue import list_services
from sarah.services.contacts import ContactDraft, delete_contact, log_contact
from sarah.services.sites import ensure_site
from sarah.services.visitor_history import (
    merge_candidates,
    parse_birth_date,
    search_visitors,
    visitor_history,
)
from sarah.services.visitors import create_visitor, merge_visitors

TODAY = date(2019, 6, 30)


def _log(
    engine: Engine,
    site_id: uuid.UUID,
    visitor_id: uuid.UUID | None,
    day: date,
    hour: int = 10,
    channel: str = "physique",
    services: tuple[uuid.UUID, ...] = (),
) -> uuid.UUID:
    draft = ContactDraft(
        site_id=site_id,
        channel=channel,
        local_date=day,
        local_time=time(hour, 0),
        visitor_id=visitor_id,
        service_ids=services,
        agent="Nadia",
    )
    return log_contact(engine, draft).id


def test_search_ignores_case_accents_and_matches_word_starts(engine: Engine) -> None:
    lea = create_visitor(engine, last_name="Dupont-Martin", first_name="Léa", sex="F")
    create_visitor(engine, last_name="Durand", first_name="Éloïse")
    create_visitor(engine, last_name="Lemaire", first_name="Paul")

    def names(text: str) -> list[str]:
        return [r.visitor.display_name for r in search_visitors(engine, text, today=TODAY)]

    assert names("du") == ["DUPONT-MARTIN Léa", "DURAND Éloïse"]
    assert names("ELOI") == ["DURAND Éloïse"]
    assert names("martin") == ["DUPONT-MARTIN Léa"]
    assert names("dup  lea") == ["DUPONT-MARTIN Léa"]
    assert names("ai") == []  # inside a word, not at its start
    assert names("d") == []  # one letter is not enough
    assert names("50%_") == []
    assert search_visitors(engine, "dup", today=TODAY)[0].visitor.id == lea.id


def test_search_by_birth_date_and_summary_of_visits(engine: Engine) -> None:
    site = ensure_site(engine, "Grésilles")
    young = create_visitor(
        engine, last_name="Benali", first_name="Sami", birth_date=date(1995, 7, 1)
    )
    create_visitor(engine, last_name="Other", birth_date=date(1980, 1, 1))
    _log(engine, site.id, young.id, date(2019, 2, 1))
    _log(engine, site.id, young.id, date(2019, 5, 3))
    gone = _log(engine, site.id, young.id, date(2019, 6, 1))
    delete_contact(engine, gone)
    [row] = search_visitors(engine, "01/07/1995", today=TODAY)
    assert row.visitor.id == young.id
    assert (row.age, row.age_group) == (23, "jeunes")
    assert (row.contacts, row.first_visit, row.last_visit) == (
        2,
        date(2019, 2, 1),
        date(2019, 5, 3),
    )
    assert search_visitors(engine, "1.7.1995", today=TODAY)[0].visitor.id == young.id
    assert search_visitors(engine, "01071995", today=TODAY)[0].visitor.id == young.id
    assert search_visitors(engine, "01/07/19", today=TODAY) == []  # still being typed
    with pytest.raises(InvalidInput, match="Date impossible : 31/02/1995"):
        search_visitors(engine, "31/02/1995")
    assert parse_birth_date("dupont") is None


def test_history_lists_every_site_newest_first_with_first_visits(engine: Engine) -> None:
    gre = ensure_site(engine, "Grésilles")
    fdo = ensure_site(engine, "Fontaine d'Ouche")
    services = list_services(engine)
    actu, cv = services[0], services[3]
    v = create_visitor(
        engine, last_name="Diallo", first_name="Awa", sex="F", birth_date=date(1990, 4, 2)
    )
    _log(engine, fdo.id, v.id, date(2019, 3, 1), services=(cv.id, actu.id))
    _log(engine, gre.id, v.id, date(2018, 11, 20), channel="telephone")
    _log(engine, gre.id, v.id, date(2019, 4, 8), hour=9)
    _log(engine, gre.id, v.id, date(2019, 4, 8), hour=15, services=(actu.id,))
    deleted = _log(engine, fdo.id, v.id, date(2017, 1, 5))
    delete_contact(engine, deleted)
    _log(engine, gre.id, None, date(2018, 1, 1))  # anonymous: nobody's history

    h = visitor_history(engine, v.id, today=TODAY)
    assert (h.age, h.age_group) == (29, "adultes")
    assert [(c.local_date, c.local_time.hour, c.site) for c in h.contacts] == [
        (date(2019, 4, 8), 15, "Grésilles"),
        (date(2019, 4, 8), 9, "Grésilles"),
        (date(2019, 3, 1), 10, "Fontaine d'Ouche"),
        (date(2018, 11, 20), 10, "Grésilles"),
    ]
    assert h.contacts[2].services == (actu.label, cv.label)  # catalogue order
    assert h.contacts[3].channel == "telephone" and h.contacts[3].agent == "Nadia"
    assert (h.first_visit, h.first_site, h.last_visit) == (
        date(2018, 11, 20),
        "Grésilles",
        date(2019, 4, 8),
    )
    assert [(s.site, s.first_visit, s.last_visit, s.contacts) for s in h.sites] == [
        ("Grésilles", date(2018, 11, 20), date(2019, 4, 8), 3),
        ("Fontaine d'Ouche", date(2019, 3, 1), date(2019, 3, 1), 1),
    ]


def test_person_without_contacts_has_no_first_visit(engine: Engine) -> None:
    v = create_visitor(engine, last_name="Nouveau")
    h = visitor_history(engine, v.id, today=TODAY)
    assert (h.contacts, h.sites, h.first_visit, h.age, h.age_group) == ([], [], None, None, "NR")


def test_after_a_merge_the_absorbed_record_opens_the_survivor(engine: Engine) -> None:
    site = ensure_site(engine, "Grésilles")
    kept = create_visitor(engine, last_name="Nguyen", first_name="Linh")
    twin = create_visitor(
        engine, last_name="NGUYEN", first_name="linh", birth_date=date(2001, 9, 9)
    )
    _log(engine, site.id, kept.id, date(2019, 5, 2))
    _log(engine, site.id, twin.id, date(2019, 1, 7))
    assert [r.visitor.id for r in merge_candidates(engine, kept.id)] == [twin.id]

    merge_visitors(engine, kept.id, twin.id, site_id=site.id, agent="Nadia")

    h = visitor_history(engine, twin.id, today=TODAY)
    assert h.visitor.id == kept.id and h.visitor.birth_date == date(2001, 9, 9)
    assert h.first_visit == date(2019, 1, 7) and len(h.contacts) == 2
    [trace] = h.merges
    assert (trace.absorbed_name, trace.moved_contacts, trace.agent) == ("NGUYEN linh", 1, "Nadia")
    assert trace.absorbed_birth_date == date(2001, 9, 9)
    assert [r.visitor.id for r in search_visitors(engine, "nguyen")] == [kept.id]
    assert merge_candidates(engine, kept.id) == []


def test_unknown_person(engine: Engine) -> None:
    with pytest.raises(InvalidInput, match="n'existe plus"):
        visitor_history(engine, uuid.uuid4())
