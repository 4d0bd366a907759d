"""The drill-down's names: shown and exported only to a role that may, each time audited once,
never in the audit entry itself; the pseudonymised export names nobody and is not logged (a
file without names is not an "export nominatif")."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine, select

from sarah.db import read_connection
from sarah.errors import UserError
from sarah.exports.meta import ExportMeta
from sarah.reports.tables import Period
from sarah.schema import audit_log
from sarah.services.accounts.roles import Forbidden
from sarah.services.audit import actor
from sarah.services.audit.actor import set_actor
from sarah.services.audit.chain import verify_chain
from sarah.services.contacts import ContactDraft, log_contact
from sarah.services.privacy.pseudonyms import installation_pseudonym_key, pseudonym
from sarah.services.sites import ensure_site
from sarah.services.statistics.drilldown import CellRef, DrillDown, contacts_behind
from sarah.services.statistics.drilldown_export import export_drilldown, view_drilldown
from sarah.services.visitors import VisitorInfo, create_visitor

S1 = Period.semester("2019-S1")
ACTOR = "Claire (coordinatrice)"
META = ExportMeta("Claire Bernard", datetime(2019, 7, 2, 9, 30), "test")
# Everything that identifies the two people: none of it may reach a pseudonymised file.
IDENTITY = ("DUPONT", "Dupont", "Léa", "MARTIN", "Martin", "Yanis", "14/05/1990", "1990-05-14")


@pytest.fixture(autouse=True)
def acting(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(actor, "_actor", None)
    set_actor(ACTOR)
    yield


@pytest.fixture
def people(engine: Engine) -> tuple[VisitorInfo, VisitorInfo]:
    """Léa Dupont (two visits), Yanis Martin (one call), and one anonymous call, at Grésilles."""
    site = ensure_site(engine, "Grésilles")
    lea = create_visitor(
        engine, last_name="Dupont", first_name="Léa", sex="F", birth_date=date(1990, 5, 14)
    )
    yanis = create_visitor(
        engine, last_name="Martin", first_name="Yanis", sex="H", birth_date=date(2001, 2, 3)
    )
    for day, channel, who in [
        (date(2019, 2, 4), "physique", lea),
        (date(2019, 3, 4), "physique", lea),
        (date(2019, 3, 5), "telephone", yanis),
        (date(2019, 3, 6), "telephone", None),
    ]:
        log_contact(
            engine,
            ContactDraft(site.id, channel, day, time(10), who.id if who else None),
        )
    return lea, yanis


def entries(engine: Engine) -> list[Any]:
    with read_connection(engine) as conn:
        return list(conn.execute(select(audit_log).order_by(audit_log.c.seq)).all())


def all_contacts(engine: Engine) -> DrillDown:
    return contacts_behind(engine, S1, None, CellRef("contacts"))


def workbook_text(path: Path) -> str:
    wb = load_workbook(path)
    return "\n".join(
        str(v) for ws in wb for row in ws.iter_rows(values_only=True) for v in row if v is not None
    )


def assert_no_identity(text: str) -> None:
    for word in IDENTITY:
        assert word not in text, word


def test_the_pseudonymised_workbook_names_nobody_and_keeps_sex_and_age_group(
    engine: Engine, people: tuple[VisitorInfo, VisitorInfo], tmp_path: Path
) -> None:
    lea, yanis = people
    path = tmp_path / "liste.xlsx"
    result = export_drilldown(engine, all_contacts(engine), path, "xlsx", META, role="agent")
    assert (result.rows, result.people, result.named) == (4, 2, False)
    text = workbook_text(path)
    assert_no_identity(text)
    key = installation_pseudonym_key(engine)
    rows = [r for r in load_workbook(path)["Contacts"].iter_rows(values_only=True)]
    listed = [r for r in rows if r[0] and str(r[0]).count("/") == 2]
    assert [r[4] for r in listed] == [
        pseudonym(lea.id, key),
        pseudonym(lea.id, key),  # the same person, the same code
        pseudonym(yanis.id, key),
        "Anonyme",
    ]
    assert [(r[5], r[6]) for r in listed[:3]] == [
        ("adultes", "F"),
        ("adultes", "F"),
        ("jeunes", "H"),
    ]
    assert "Pseudonymisé" in text
    # Not an "export nominatif": nothing is logged.
    assert entries(engine) == []


def test_the_pseudonymised_csv_names_nobody(
    engine: Engine, people: tuple[VisitorInfo, VisitorInfo], tmp_path: Path
) -> None:
    lea, _yanis = people
    path = tmp_path / "liste.csv"
    export_drilldown(engine, all_contacts(engine), path, "csv", META, role=None)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert_no_identity(raw.decode("utf-8-sig"))
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines(), delimiter=";"))
    header = next(r for r in rows if r and r[0] == "Date")
    assert header[4] == "Code personne"
    code = pseudonym(lea.id, installation_pseudonym_key(engine))
    assert sum(code in r for r in rows) == 2
    assert entries(engine) == []


def test_a_named_export_leaves_one_entry_with_counts_and_no_name(
    engine: Engine, people: tuple[VisitorInfo, VisitorInfo], tmp_path: Path
) -> None:
    path = tmp_path / "nominatif.xlsx"
    result = export_drilldown(
        engine, all_contacts(engine), path, "xlsx", META, pseudonymised=False, role="coordinateur"
    )
    assert result.named
    text = workbook_text(path)
    assert "DUPONT Léa" in text and "MARTIN Yanis" in text and "Nominatif" in text
    [entry] = entries(engine)
    assert (entry.actor, entry.action, entry.target) == (ACTOR, "export_named", "nominatif.xlsx")
    assert json.loads(entry.details) == {"format": "xlsx", "people": 2, "rows": 4}
    assert_no_identity(f"{entry.target} {entry.details}")
    assert verify_chain(engine).intact


def test_an_agent_may_not_export_names_and_nothing_is_written(
    engine: Engine, people: tuple[VisitorInfo, VisitorInfo], tmp_path: Path
) -> None:
    path = tmp_path / "nominatif.csv"
    with pytest.raises(Forbidden, match="réservée aux coordinateurs"):
        export_drilldown(
            engine, all_contacts(engine), path, "csv", META, pseudonymised=False, role="agent"
        )
    assert not path.exists() and entries(engine) == []


def test_a_named_export_that_cannot_be_written_leaves_no_entry(
    engine: Engine, people: tuple[VisitorInfo, VisitorInfo], tmp_path: Path
) -> None:
    path = tmp_path / "absent" / "nominatif.csv"
    with pytest.raises(UserError, match="n'existe pas"):
        export_drilldown(engine, all_contacts(engine), path, "csv", META, pseudonymised=False)
    assert entries(engine) == []


def test_opening_a_drilldown_with_names_leaves_one_entry_saying_which_cell(
    engine: Engine, people: tuple[VisitorInfo, VisitorInfo]
) -> None:
    cell = CellRef("persons", "Grésilles", "adultes", "F")
    found = view_drilldown(engine, S1, ["Grésilles"], cell, role="coordinateur")
    assert [line.visitor for line in found.lines] == ["DUPONT Léa"]
    [entry] = entries(engine)
    assert (entry.actor, entry.action) == (ACTOR, "drilldown_named")
    assert entry.target == found.title
    details = json.loads(entry.details)
    assert details == {
        "table": "persons",
        "row": "adultes",
        "sex": "F",
        "site": "Grésilles",
        "month": None,
        "period": "2019-01-01/2019-06-30",
        "sites": ["Grésilles"],
        "people": 1,
    }
    assert_no_identity(f"{entry.target} {entry.details}")


def test_a_role_that_may_not_see_names_sees_codes_and_nothing_is_logged(
    engine: Engine, people: tuple[VisitorInfo, VisitorInfo]
) -> None:
    lea, yanis = people
    found = view_drilldown(engine, S1, None, CellRef("contacts"), role="agent")
    key = installation_pseudonym_key(engine)
    assert [line.visitor for line in found.lines] == [
        pseudonym(lea.id, key),
        pseudonym(lea.id, key),
        pseudonym(yanis.id, key),
        "Anonyme",
    ]
    assert entries(engine) == []


def test_a_drilldown_of_anonymous_contacts_only_shows_no_name_and_logs_nothing(
    engine: Engine, people: tuple[VisitorInfo, VisitorInfo]
) -> None:
    found = view_drilldown(
        engine, Period(date(2019, 3, 6), date(2019, 3, 6)), None, CellRef("contacts"), role=None
    )
    assert [line.visitor for line in found.lines] == ["Anonyme"]
    assert entries(engine) == []


def test_on_a_database_opened_read_only_names_are_not_shown(
    engine: Engine, people: tuple[VisitorInfo, VisitorInfo]
) -> None:
    """No entry could be written: codes, as for a role that may not see names."""
    lea, _yanis = people
    found = view_drilldown(engine, S1, None, CellRef("contacts"), role=None, read_only=True)
    assert found.lines[0].visitor == pseudonym(lea.id, installation_pseudonym_key(engine))
    assert entries(engine) == []


def test_an_erased_identity_has_no_code_and_is_not_counted_as_a_name_shown(
    engine: Engine, people: tuple[VisitorInfo, VisitorInfo], tmp_path: Path
) -> None:
    from sarah.db import write_session
    from sarah.services.privacy.erase import erase_in

    lea, yanis = people
    with write_session(engine) as s:
        erase_in(s.connection(), [lea.id])
    before = len(entries(engine))
    found = view_drilldown(engine, S1, None, CellRef("contacts"), role="coordinateur")
    assert [line.visitor for line in found.lines][:3] == [
        "Identité effacée",
        "Identité effacée",
        "MARTIN Yanis",
    ]
    [entry] = entries(engine)[before:]
    assert json.loads(entry.details)["people"] == 1  # only Yanis's name was shown
    path = tmp_path / "liste.csv"
    result = export_drilldown(engine, found, path, "csv", META)
    text = path.read_text(encoding="utf-8-sig")
    assert text.count("Identité effacée") == 2 and result.people == 1
    assert pseudonym(lea.id, installation_pseudonym_key(engine)) not in text
    assert pseudonym(yanis.id, installation_pseudonym_key(engine)) in text
