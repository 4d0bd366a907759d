"""People by neighbourhood of residence, on a real database: a small history typed through the
desk's services with the counts written by hand, then the rows adding up to table 3, a merge,
and an erasure that leaves the table as it was."""

from __future__ import annotations

import uuid
from datetime import date, time

import pytest
from sqlalchemy import Engine, select

from sarah.db import read_connection, write_session
from sarah.reports.tables import Period
from sarah.schema import contacts, visitors
from sarah.services.contacts import ContactDraft, delete_contact, log_contact
from sarah.services.neighbourhoods.listing import (
    add_neighbourhood,
    list_neighbourhoods,
    retire_neighbourhood,
    set_visitor_neighbourhood,
)
from sarah.services.privacy.erase import erase_in
from sarah.services.sites import ensure_site, resolve_sites
from sarah.services.statistics.neighbourhoods import neighbourhoods_for_sites
from sarah.services.statistics.tables import semester_tables
from sarah.services.visitors import create_visitor, merge_visitors

S1 = Period.semester("2019-S1")
FDO, GRE = "Fontaine d'Ouche", "Grésilles"


class History:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.site_ids = {name: ensure_site(engine, name).id for name in (FDO, GRE)}
        self.fdo = add_neighbourhood(engine, "Fontaine d'Ouche").id
        self.gre = add_neighbourhood(engine, "Grésilles").id
        self.outside = next(n.id for n in list_neighbourhoods(engine) if not n.priority)

    def person(self, name: str, place: uuid.UUID | None) -> uuid.UUID:
        vid = create_visitor(self.engine, last_name=name, sex="F").id
        set_visitor_neighbourhood(self.engine, vid, place)
        return vid

    def visit(self, who: uuid.UUID | None, site: str, day: date) -> uuid.UUID:
        draft = ContactDraft(self.site_ids[site], "physique", day, time(10), visitor_id=who)
        return log_contact(self.engine, draft).id


def table(engine: Engine, sites: list[str] | None = None) -> dict:
    return neighbourhoods_for_sites(engine, S1, resolve_sites(engine, sites)).to_json()


@pytest.fixture
def history(engine: Engine) -> History:
    h = History(engine)
    # Fontaine d'Ouche: two from the QPV Fontaine d'Ouche (one came twice), one from outside
    # the QPVs, one not given.
    twice = h.person("Deux-fois", h.fdo)
    h.visit(twice, FDO, date(2019, 1, 10))
    h.visit(twice, FDO, date(2019, 2, 10))
    h.visit(h.person("Une-fois", h.fdo), FDO, date(2019, 3, 1))
    h.visit(h.person("Ailleurs", h.outside), FDO, date(2019, 3, 2))
    h.visit(h.person("Inconnue", None), FDO, date(2019, 3, 3))
    # Grésilles: one from the QPV Grésilles, and one from Grésilles who came to both sites.
    h.visit(h.person("Voisine", h.gre), GRE, date(2019, 4, 1))
    both = h.person("Deux-sites", h.gre)
    h.visit(both, GRE, date(2019, 4, 2))
    h.visit(both, FDO, date(2019, 4, 3))
    # Not counted: outside the period, a deleted contact, an anonymous call.
    h.visit(h.person("Avant", h.fdo), FDO, date(2018, 12, 31))
    delete_contact(engine, h.visit(h.person("Supprimée", h.gre), GRE, date(2019, 5, 1)))
    h.visit(None, GRE, date(2019, 5, 2))
    return h


def row(h: History, fdo: int = 0, gre: int = 0, outside: int = 0, not_given: int = 0) -> dict:
    known = fdo + gre + outside
    qpv = fdo + gre
    return {
        "by_neighbourhood": {h.fdo.hex: fdo, h.gre.hex: gre, h.outside.hex: outside},
        "not_given": not_given,
        "priority": qpv,
        "priority_share": round(qpv / known, 4) if known else None,
        "total": known + not_given,
    }


def test_people_are_counted_once_per_site_under_their_neighbourhood(history: History) -> None:
    found = table(history.engine)
    assert [n["label"] for n in found["neighbourhoods"]] == [
        "Fontaine d'Ouche",
        "Grésilles",
        "Hors QPV",
    ]
    assert [n["priority"] for n in found["neighbourhoods"]] == [True, True, False]
    assert found["by_site"][FDO] == row(history, fdo=2, gre=1, outside=1, not_given=1)
    assert found["by_site"][GRE] == row(history, gre=2)
    # The one who came to both sites counts once in the total.
    assert found["total"] == row(history, fdo=2, gre=2, outside=1, not_given=1)
    assert found["total"]["priority_share"] == 0.8  # 4 of the 5 whose neighbourhood is known


def test_the_rows_add_up_to_table_3(history: History) -> None:
    found = table(history.engine)
    report = semester_tables(history.engine, S1)
    assert found["by_site"][FDO]["total"] == report.by_site[FDO].persons.total == 5
    assert found["by_site"][GRE]["total"] == report.by_site[GRE].persons.total == 2
    assert found["total"]["total"] == report.total.persons.total == 6


def test_one_site_alone(history: History) -> None:
    found = table(history.engine, [GRE])
    assert found["by_site"] == {GRE: row(history, gre=2)}
    assert found["total"] == row(history, gre=2)


def test_a_change_of_neighbourhood_moves_the_person(history: History) -> None:
    (inconnue,) = [
        vid
        for vid, name in _names(history.engine).items()
        if name == "Inconnue"  # not given, at Fontaine d'Ouche
    ]
    set_visitor_neighbourhood(history.engine, inconnue, history.outside)
    assert table(history.engine)["by_site"][FDO] == row(history, fdo=2, gre=1, outside=2)


def test_a_merge_counts_the_kept_record_under_its_neighbourhood(history: History) -> None:
    names = {name: vid for vid, name in _names(history.engine).items()}
    # "Une-fois" (Fontaine d'Ouche) turns out to be "Ailleurs": both contacts go to her.
    merge_visitors(history.engine, names["Une-fois"], names["Ailleurs"])
    assert table(history.engine)["by_site"][FDO] == row(history, fdo=2, gre=1, not_given=1)


def test_an_erasure_keeps_the_table_and_forgets_the_neighbourhood(history: History) -> None:
    before = table(history.engine)
    names = {name: vid for vid, name in _names(history.engine).items()}
    with write_session(history.engine) as s:
        erase_in(s.connection(), [names["Deux-sites"], names["Ailleurs"]])
    assert table(history.engine) == before
    with read_connection(history.engine) as conn:
        held = conn.execute(
            select(visitors.c.neighbourhood_id).where(visitors.c.erased_at.is_not(None))
        ).all()
        kept = conn.execute(
            select(contacts.c.neighbourhood_id)
            .join(visitors, visitors.c.id == contacts.c.visitor_id)
            .where(visitors.c.erased_at.is_not(None))
        ).all()
    assert [r[0] for r in held] == [None, None]  # the people's rows no longer say it
    assert sorted(r[0].hex for r in kept) == sorted(
        [history.gre.hex, history.gre.hex, history.outside.hex]
    )


def test_a_retired_neighbourhood_still_counts_its_people(history: History) -> None:
    retire_neighbourhood(history.engine, history.outside)
    found = table(history.engine)
    assert found["by_site"][FDO]["by_neighbourhood"][history.outside.hex] == 1
    assert found["neighbourhoods"][-1]["retired"] is True


def test_the_grid_shows_the_qpv_total_and_share(history: History) -> None:
    grid = neighbourhoods_for_sites(history.engine, S1, resolve_sites(history.engine, None)).grid()
    assert grid.headings == [
        "Fontaine d'Ouche",
        "Grésilles",
        "Ensemble des QPV",
        "% en QPV",
        "Hors QPV",
        "Non renseigné",
        "TOTAL tous publics",
    ]
    assert grid.groups == [("Quartiers prioritaires (QPV)", 0, 3)]
    labels = [r.label for r in grid.rows]
    assert labels == [FDO, GRE, "2 Points Relais"]
    total = grid.rows[-1]
    assert total.is_total
    assert total.values[:3] == [2, 2, 4] and total.values[4:] == [1, 1, 6]
    assert float(total.values[3]) == 0.8


def test_the_notes_say_the_share_and_the_unknown(history: History) -> None:
    t = neighbourhoods_for_sites(history.engine, S1, resolve_sites(history.engine, None))
    notes = t.table_notes()["persons_by_neighbourhood"]
    assert (
        "80 % des personnes dont le quartier est connu vivent dans un quartier prioritaire "
        "(4 sur 5) ; quartier non renseigné pour 1 sur 6." in notes
    )
    # 5 + 2 at the sites, 6 in the total: the one of both sites.
    assert any("1 de moins que la somme des sites" in n for n in notes)


def test_without_a_list_everyone_is_not_given(engine: Engine) -> None:
    site = ensure_site(engine, FDO)
    vid = create_visitor(engine, last_name="Seule").id
    log_contact(engine, ContactDraft(site.id, "physique", date(2019, 2, 1), time(9), vid))
    found = table(engine)
    assert found["neighbourhoods"] == []
    assert found["total"] == {
        "by_neighbourhood": {},
        "not_given": 1,
        "priority": 0,
        "priority_share": None,
        "total": 1,
    }


def _names(engine: Engine) -> dict[uuid.UUID, str]:
    with read_connection(engine) as conn:
        return dict(conn.execute(select(visitors.c.id, visitors.c.last_name)).all())
