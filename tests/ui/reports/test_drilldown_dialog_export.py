"""The drill-down window's export: pseudonymised by default (the file names nobody, nothing is
logged), names only when unticked by a role that may (one "export_named" entry); opening a
list that shows names leaves one "drilldown_named" entry; an agent sees codes."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from datetime import date, time
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine, select

from sarah.db import read_connection
from sarah.reports.tables import Period
from sarah.schema import audit_log
from sarah.services.audit import actor
from sarah.services.audit.actor import set_actor
from sarah.services.privacy.pseudonyms import installation_pseudonym_key, pseudonym
from sarah.services.statistics.drilldown import CellRef
from sarah.ui.reports.drilldown import PSEUDONYMISED, DrillDownDialog
from sarah.ui.reports.statistics_screen import StatisticsScreen

S1 = Period.semester("2019-S1")
WAIT = 30_000
ACTOR = "Claire (coordinatrice)"


@pytest.fixture(autouse=True)
def acting(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(actor, "_actor", None)
    set_actor(ACTOR)
    yield


@pytest.fixture
def people(make_visitor, make_contact):  # type: ignore[no-untyped-def]
    lea = make_visitor("Dupont", "Léa", "F", date(1990, 5, 14))
    yanis = make_visitor("Martin", "Yanis", "H", date(2001, 2, 3))
    make_contact(date(2019, 2, 4), visitor=lea)
    make_contact(date(2019, 3, 4), time(11), visitor=lea)
    make_contact(date(2019, 3, 5), visitor=yanis, channel="telephone")
    return lea, yanis


def entries(engine: Engine) -> list[Any]:
    with read_connection(engine) as conn:
        return list(conn.execute(select(audit_log).order_by(audit_log.c.seq)).all())


ALL_CONTACTS = CellRef("contacts")


def opened(qtbot, ctx, cell: CellRef = ALL_CONTACTS) -> DrillDownDialog:  # type: ignore[no-untyped-def]
    dialog = DrillDownDialog(ctx.engine, S1, None, cell, young_age_limit=26, role=ctx.role)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.loaded, timeout=WAIT):
        dialog.show()
    return dialog


def export(qtbot, dialog: DrillDownDialog, path: Path, kind: str) -> None:  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(dialog.exported, timeout=WAIT) as done:
        dialog.export(path, kind)
    assert done.args == [str(path)]


def sheet_text(path: Path) -> str:
    ws = load_workbook(path)["Contacts"]
    return "\n".join(str(v) for row in ws.iter_rows(values_only=True) for v in row if v)


def test_the_screen_opens_names_for_a_coordinator_and_logs_it_once(
    qtbot, ctx, people, engine: Engine
) -> None:
    ctx.role = "coordinateur"
    screen = StatisticsScreen(ctx, today=date(2019, 11, 8))
    qtbot.addWidget(screen)
    screen.select(period=S1)
    with qtbot.waitSignal(screen.computed, timeout=WAIT):
        screen.show()
    dialog = screen.open_drilldown(CellRef("persons", "Grésilles", "adultes", "F"))
    assert dialog is not None
    if dialog.found is None:
        with qtbot.waitSignal(dialog.loaded, timeout=WAIT):
            pass
    assert dialog.model.line(0).visitor == "DUPONT Léa"
    [entry] = entries(engine)
    assert entry.action == "drilldown_named" and json.loads(entry.details)["people"] == 1
    assert "Léa" not in entry.target + entry.details and "Dupont" not in entry.details
    # The export offers the pseudonymised form first, and the coordinator may untick it.
    assert dialog.pseudonymised.text() == PSEUDONYMISED
    assert dialog.pseudonymised.isChecked() and dialog.pseudonymised.isEnabled()
    dialog.close()


def test_the_default_export_is_pseudonymised_and_not_logged(
    qtbot, ctx, people, engine: Engine, tmp_path: Path
) -> None:
    lea, yanis = people
    dialog = opened(qtbot, ctx)
    before = len(entries(engine))  # the opening's own entry
    assert before == 1
    path = tmp_path / "liste.xlsx"
    export(qtbot, dialog, path, "xlsx")
    text = sheet_text(path)
    for word in ("Dupont", "DUPONT", "Léa", "Martin", "MARTIN", "Yanis", "1990", "2001"):
        assert word not in text, word
    key = installation_pseudonym_key(engine)
    assert text.count(pseudonym(lea.id, key)) == 2 and pseudonym(yanis.id, key) in text
    assert "pseudonymisé" in dialog.export_status.text()
    assert len(entries(engine)) == before  # nothing logged for a file without names
    dialog.close()


def test_unticked_the_file_names_people_and_one_entry_says_so(
    qtbot, ctx, people, engine: Engine, tmp_path: Path
) -> None:
    dialog = opened(qtbot, ctx)
    dialog.pseudonymised.setChecked(False)
    path = tmp_path / "nominatif.csv"
    export(qtbot, dialog, path, "csv")
    rows = list(csv.reader(path.read_text(encoding="utf-8-sig").splitlines(), delimiter=";"))
    assert sum("DUPONT Léa" in r for r in rows) == 2 and any("MARTIN Yanis" in r for r in rows)
    drilldown, named = entries(engine)
    assert drilldown.action == "drilldown_named"
    assert (named.actor, named.action, named.target) == (ACTOR, "export_named", "nominatif.csv")
    assert json.loads(named.details) == {"format": "csv", "people": 2, "rows": 3}
    assert "inscrit au journal" in dialog.export_status.text()
    dialog.close()


def test_an_agent_sees_codes_cannot_untick_and_nothing_is_logged(
    qtbot, ctx, people, engine: Engine, tmp_path: Path
) -> None:
    lea, _yanis = people
    ctx.role = "agent"
    dialog = opened(qtbot, ctx)
    key = installation_pseudonym_key(engine)
    assert dialog.model.line(0).visitor == pseudonym(lea.id, key)
    assert dialog.pseudonymised.isChecked() and not dialog.pseudonymised.isEnabled()
    assert "ne permet pas" in dialog.pseudonymised.toolTip()
    path = tmp_path / "liste.csv"
    export(qtbot, dialog, path, "csv")
    assert "Dupont" not in path.read_text(encoding="utf-8-sig")
    assert entries(engine) == []
    dialog.close()


def test_a_named_export_to_a_missing_folder_says_so_and_logs_nothing(
    qtbot, ctx, people, engine: Engine, tmp_path: Path
) -> None:
    dialog = opened(qtbot, ctx)
    dialog.pseudonymised.setChecked(False)
    with qtbot.waitSignal(dialog.exportFailed, timeout=WAIT) as failed:
        dialog.export(tmp_path / "absent" / "nominatif.xlsx", "xlsx")
    assert failed.args[0].startswith("Rien n'a été enregistré : Le dossier")
    assert [e.action for e in entries(engine)] == ["drilldown_named"]
    assert all(b.isEnabled() for b in dialog.export_buttons.values())
    dialog.close()


def test_read_only_the_export_stays_pseudonymised(qtbot, ctx, people, engine: Engine) -> None:
    ctx.read_only = True
    dialog = DrillDownDialog(ctx.engine, S1, None, ALL_CONTACTS, young_age_limit=26, read_only=True)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.loaded, timeout=WAIT):
        dialog.show()
    assert dialog.model.line(0).visitor.startswith("P-")
    assert dialog.pseudonymised.isChecked() and not dialog.pseudonymised.isEnabled()
    assert "lecture seule" in dialog.pseudonymised.toolTip()
    assert entries(engine) == []
    dialog.close()
