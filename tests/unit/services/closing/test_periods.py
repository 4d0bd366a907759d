"""Closing a published period: its figures stay as published whatever arrives later (a late
sheet, a site's sync package, a merge, the retention purge), what changed is listed exactly,
and reopening is an admin's audited action."""

from __future__ import annotations

import json
from datetime import date, datetime, time
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from sarah.errors import InvalidInput
from sarah.reports.tables import Period
from sarah.schema import audit_log
from sarah.services.accounts.roles import Forbidden
from sarah.services.audit.describe import details_text
from sarah.services.catalogue import list_services
from sarah.services.closing.changes import changes_since_published
from sarah.services.closing.periods import (
    close_period,
    publication_for,
    publications,
    reopen_period,
)
from sarah.services.contacts import ContactDraft, delete_contact, log_contact, update_contact
from sarah.services.database import open_database
from sarah.services.sites import ensure_site, list_sites
from sarah.services.statistics.report_figures import report_figures
from sarah.services.statistics.tables import semester_tables
from sarah.services.sync.export import export_package
from sarah.services.sync.keys import NetworkKey, install_key
from sarah.services.sync.receive import import_package
from sarah.services.visitors import create_visitor, merge_visitors

S1 = Period.semester("2019-S1")
AFTER = date(2019, 7, 15)  # the day the coordinator publishes
CLOSED_AT = datetime(2019, 7, 15, 10, 0)


@pytest.fixture
def world(engine: Engine) -> dict[str, object]:
    """Two sites; Léa twice at Fontaine d'Ouche, Jean once at Grésilles, an anonymous call."""
    fdo, gre = ensure_site(engine, "Fontaine d'Ouche"), ensure_site(engine, "Grésilles")
    rdv = next(s for s in list_services(engine) if s.code == "participer_rdv")
    lea = create_visitor(
        engine, last_name="Martin", first_name="Léa", sex="F", birth_date=date(2000, 5, 1)
    ).id
    jean = create_visitor(
        engine, last_name="Diallo", first_name="Jean", sex="H", birth_date=date(1970, 1, 2)
    ).id
    ids = {}
    for name, site, day, who in [
        ("lea1", fdo, date(2019, 1, 7), lea),
        ("lea2", fdo, date(2019, 3, 4), lea),
        ("jean_visit", gre, date(2019, 2, 1), jean),
        ("call", gre, date(2019, 6, 28), None),
    ]:
        ids[name] = log_contact(
            engine, ContactDraft(site.id, "physique", day, time(9), who, [rdv.id])
        ).id
    return {"fdo": fdo, "gre": gre, "rdv": rdv, "lea": lea, "jean": jean, **ids}


def _close(engine: Engine) -> object:
    return close_period(engine, S1, today=AFTER, now=CLOSED_AT)


def test_closing_keeps_the_four_tables_months_who_and_when(
    engine: Engine, world: dict[str, object]
) -> None:
    p = _close(engine)
    assert p.published_at == CLOSED_AT
    assert p.sites == ["Fontaine d'Ouche", "Grésilles"]
    assert p.report.to_json() == semester_tables(engine, S1).to_json()
    assert p.report.total.contacts_total == 4
    assert p.report.total.persons.total == 2
    assert [m["month"] for m in p.months["months"]] == [f"2019-0{i}" for i in range(1, 7)]
    assert p.months["months"][0]["by_site"]["Fontaine d'Ouche"] == {
        "contacts": 1,
        "people": 1,
        "low": False,
    }
    assert publication_for(engine, S1) == p
    assert publication_for(engine, Period.semester("2019-S2")) is None
    with engine.connect() as conn:
        entry = conn.execute(
            select(audit_log.c.action, audit_log.c.target, audit_log.c.details).order_by(
                audit_log.c.seq.desc()
            )
        ).first()
    assert entry is not None and entry.action == "period_close"
    assert entry.target == "1er semestre 2019"
    assert json.loads(entry.details)["contacts"] == 4
    assert details_text(entry.action, json.loads(entry.details)) == (
        "du 01/01/2019 au 30/06/2019 ; chiffres publiés : 4 contacts, 4 services, 2 personnes, "
        "2 personnes nouvelles ; sites : Fontaine d'Ouche, Grésilles"
    )


def test_a_period_is_closed_once_and_only_when_over(
    engine: Engine, world: dict[str, object]
) -> None:
    with pytest.raises(InvalidInput, match="pas terminé"):
        close_period(engine, S1, today=date(2019, 6, 30))
    _close(engine)
    with pytest.raises(InvalidInput, match="déjà clôturé : publié le 15/07/2019"):
        _close(engine)
    assert len(publications(engine)) == 1


def test_late_entries_leave_the_published_figures_and_are_listed_exactly(
    engine: Engine, world: dict[str, object]
) -> None:
    p = _close(engine)
    fdo, gre, rdv = world["fdo"], world["gre"], world["rdv"]
    late = log_contact(  # a paper sheet typed in July
        engine, ContactDraft(fdo.id, "telephone", date(2019, 6, 3), time(14), world["lea"])
    ).id
    update_contact(  # the call was in fact a visit by Jean, with no service
        engine,
        world["call"],
        ContactDraft(gre.id, "physique", date(2019, 6, 28), time(9), world["jean"]),
    )
    delete_contact(engine, world["lea2"])
    outside = log_contact(  # another semester: not a change of this one
        engine, ContactDraft(fdo.id, "physique", date(2019, 7, 2), time(9), None, [rdv.id])
    ).id

    assert publication_for(engine, S1).report.to_json() == p.report.to_json()
    changes = changes_since_published(engine, p, [fdo.id, gre.id])
    assert {(c.id, c.kind) for c in changes.contacts} == {
        (late, "added"),
        (world["call"], "changed"),
        (world["lea2"], "deleted"),
    }
    assert outside not in {c.id for c in changes.contacts}
    assert changes.to_json() == {"added": 1, "changed": 1, "deleted": 1}
    assert (changes.contacts_published, changes.contacts_now) == (4, 4)
    assert changes.banner() == "Publié le 15/07/2019 : 4 contacts — aujourd'hui : 4 (±0)"
    # One site's share: Grésilles had only the call changed.
    gre_only = changes_since_published(engine, p, [gre.id])
    assert [(c.id, c.kind) for c in gre_only.contacts] == [(world["call"], "changed")]
    assert gre_only.contacts_published == 2


def test_nothing_changed_says_so(engine: Engine, world: dict[str, object]) -> None:
    p = _close(engine)
    changes = changes_since_published(engine, p, [world["fdo"].id, world["gre"].id])
    assert changes.unchanged
    assert changes.banner() == "Publié le 15/07/2019 : 4 contacts — inchangé depuis"


def test_a_merge_after_closing_is_a_change_not_a_new_published_figure(
    engine: Engine, world: dict[str, object]
) -> None:
    fdo, gre = world["fdo"], world["gre"]
    twin = create_visitor(engine, last_name="Martin", first_name="Lea", sex="F").id
    twin_contact = log_contact(
        engine, ContactDraft(gre.id, "physique", date(2019, 4, 1), time(9), twin)
    ).id
    p = _close(engine)
    assert p.report.total.persons.total == 3
    merge_visitors(engine, world["lea"], twin)
    assert publication_for(engine, S1).report.total.persons.total == 3
    assert semester_tables(engine, S1).total.persons.total == 2
    changes = changes_since_published(engine, p, [fdo.id, gre.id])
    assert [(c.id, c.kind) for c in changes.contacts] == [(twin_contact, "changed")]


@pytest.mark.sqlite_only("sync packages are made from and merged into SQLite files")
def test_a_site_package_after_closing_shows_as_added_contacts(
    engine: Engine, world: dict[str, object], tmp_path: Path
) -> None:
    key = NetworkKey.generate()
    install_key(engine, key)
    # A site that was offline: its own installation, which had the network's data once.
    everything = tmp_path / "coordination.sarah"
    export_package(engine, everything, name="Coordination")
    site = open_database(tmp_path / "site.sqlite")
    install_key(site, key)
    import_package(site, everything)
    gre = next(s for s in list_sites(site) if s.name == "Grésilles")
    late = [
        log_contact(site, ContactDraft(gre.id, "telephone", date(2019, 5, d), time(11))).id
        for d in (6, 7)
    ]
    package = tmp_path / "gresilles.sarah"
    export_package(site, package, name="Grésilles")
    site.dispose()

    p = _close(engine)
    import_package(engine, package)
    assert publication_for(engine, S1).report.to_json() == p.report.to_json()
    figures = report_figures(engine, S1)
    assert figures.report.total.contacts_total == 6
    assert figures.changes is not None
    assert sorted(c.id for c in figures.changes.contacts) == sorted(late)
    assert figures.changes.banner() == "Publié le 15/07/2019 : 4 contacts — aujourd'hui : 6 (+2)"


def test_reopening_is_an_admins_audited_action_and_keeps_the_history(
    engine: Engine, world: dict[str, object]
) -> None:
    _close(engine)
    with pytest.raises(Forbidden):
        reopen_period(engine, S1, role="coordinateur")
    with pytest.raises(InvalidInput, match="pas clôturé"):
        reopen_period(engine, Period.semester("2018-S2"), role="admin")
    reopened = reopen_period(engine, S1, role="admin", now=datetime(2019, 9, 1, 8, 30))
    assert reopened.reopened_at == datetime(2019, 9, 1, 8, 30)
    assert publication_for(engine, S1) is None
    with engine.connect() as conn:
        entry = conn.execute(
            select(audit_log.c.action, audit_log.c.details).order_by(audit_log.c.seq.desc())
        ).first()
    assert entry is not None and entry.action == "period_reopen"
    assert json.loads(entry.details)["published_at"].startswith("2019-07-15")
    # Closed again later: a second publication, the first kept in the list.
    close_period(engine, S1, today=AFTER, now=datetime(2019, 9, 2, 9, 0))
    assert [x.published_at.day for x in publications(engine)] == [2, 15]


def test_an_agent_may_not_close(engine: Engine, world: dict[str, object]) -> None:
    with pytest.raises(Forbidden):
        close_period(engine, S1, role="agent", today=AFTER)
    assert publications(engine) == []


def test_published_figures_need_the_sites_closed_together(
    engine: Engine, world: dict[str, object]
) -> None:
    with pytest.raises(InvalidInput, match="pas été clôturé"):
        report_figures(engine, S1, published=True)
    _close(engine)
    log_contact(engine, ContactDraft(world["fdo"].id, "physique", date(2019, 6, 3), time(9)))
    shown = report_figures(engine, S1, published=True)
    assert shown.report.total.contacts_total == 4
    assert shown.figures_text.startswith("tels que publiés le 15/07/2019 à 10:00 par ")
    today = report_figures(engine, S1)
    assert today.report.total.contacts_total == 5
    assert today.figures_text.startswith("d'aujourd'hui, différents des chiffres publiés")
    with pytest.raises(InvalidInput, match="sites clôturés ensemble"):
        report_figures(engine, S1, ["Grésilles"], published=True)


def test_the_retention_purge_changes_no_figure_published_or_not(
    engine: Engine, world: dict[str, object]
) -> None:
    from sarah.services.privacy.purge import purge_expired
    from sarah.settings import Settings

    p = _close(engine)
    before = semester_tables(engine, S1).to_json()
    outcome = purge_expired(engine, Settings(retention_months=24), today=date(2022, 1, 10))
    assert outcome.erased == 2  # Léa's and Jean's identities erased
    assert semester_tables(engine, S1).to_json() == before == p.report.to_json()
    changes = changes_since_published(engine, p, [world["fdo"].id, world["gre"].id])
    assert changes.unchanged
