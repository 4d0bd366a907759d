"""Closing a period from the Statistiques screen: the button, the question, the line that then
compares the published figures with today's, the contacts behind the difference, the exports
that say which figures they show, and who may close or reopen."""

from __future__ import annotations

import csv
from datetime import date, time
from pathlib import Path

import pytest
from sqlalchemy import Engine

from sarah.reports.tables import Period
from sarah.services.closing.periods import close_period, publication_for
from sarah.services.contacts import ContactDraft, log_contact
from sarah.services.sites import list_sites
from sarah.settings import Settings
from sarah.ui.context import AppContext
from sarah.ui.reports.statistics_screen import StatisticsScreen

S1_2019 = Period.semester("2019-S1")
TODAY = date(2019, 11, 8)
WAIT = 30_000  # ms; generous for a loaded machine


def _screen(qtbot, engine: Engine, role: str | None = None) -> StatisticsScreen:
    ctx = AppContext(
        engine=engine, settings=Settings(), site=list_sites(engine)[0], agent="Claire", role=role
    )
    screen = StatisticsScreen(ctx, today=TODAY)
    qtbot.addWidget(screen)
    screen.resize(1300, 850)
    screen.select(period=S1_2019)
    with qtbot.waitSignal(screen.computed, timeout=WAIT):
        screen.show()
    return screen


def test_closing_from_the_screen_then_a_late_entry_shows_the_difference(
    qtbot, demo: Engine, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import sarah.ui.reports.publication_bar as bar_module

    screen = _screen(qtbot, demo)
    bar = screen.publication_bar
    assert bar.text.text() == "Période non clôturée : ses chiffres peuvent encore changer."
    assert bar.close_button.isVisibleTo(screen) and not bar.reopen_button.isVisibleTo(screen)
    asked: list[str] = []
    monkeypatch.setattr(bar_module, "ask", lambda _parent, _title, text: asked.append(text) or True)
    with qtbot.waitSignal(screen.computed, timeout=WAIT):
        bar.close_button.click()
    assert "Fontaine d'Ouche, Grésilles" in asked[0]
    assert "Seul un administrateur pourra rouvrir" in asked[0]
    published = publication_for(demo, S1_2019)
    assert published is not None and published.report.total.contacts_total == 5937
    day = f"{published.published_at:%d/%m/%Y}"
    assert f"Clôturée — Publié le {day} : 5\u202f937 contacts — inchangé depuis" in bar.text.text()
    assert not bar.close_button.isVisibleTo(screen)
    assert not bar.changes_button.isVisibleTo(screen)

    fdo = list_sites(demo)[0]
    late = log_contact(demo, ContactDraft(fdo.id, "telephone", date(2019, 6, 3), time(14))).id
    with qtbot.waitSignal(screen.computed, timeout=WAIT):
        screen.refresh()
    assert f"Publié le {day} : 5\u202f937 contacts — aujourd'hui : 5\u202f938 (+1)" in (
        bar.text.text()
    )
    assert "1 contact ajouté, 0 contact modifié, 0 contact supprimé" in bar.text.text()
    assert bar.changes_button.isVisibleTo(screen)
    assert screen.tables["contacts"].grid_model.grid is not None

    bar.changes_button.click()
    dialog = screen.last_drilldown
    assert dialog is not None
    with qtbot.waitSignal(dialog.loaded, timeout=WAIT):
        pass
    assert dialog.found is not None
    assert [line.contact_id for line in dialog.found.lines] == [late]
    assert "Contacts ajoutés, modifiés ou supprimés depuis la publication" in dialog.title.text()
    dialog.close()

    path = tmp_path / "stats.csv"
    with qtbot.waitSignal(screen.exported, timeout=WAIT):
        screen.export_csv(path)
    rows = list(csv.reader(path.read_text(encoding="utf-8-sig").splitlines(), delimiter=";"))
    said = next(r[1] for r in rows if r and r[0] == "Chiffres")
    assert said.startswith("d'aujourd'hui, différents des chiffres publiés")
    assert "aujourd'hui : 5\u202f938 (+1) ; 1 contact ajouté" in said


def test_an_agent_sees_no_closing_and_a_coordinator_no_reopening(qtbot, demo: Engine) -> None:
    close_period(demo, S1_2019, today=TODAY)
    coordinator = _screen(qtbot, demo, role="coordinateur")
    assert coordinator.publication_bar.text.text().startswith("<b>Clôturée — Publié le")
    assert not coordinator.publication_bar.reopen_button.isVisibleTo(coordinator)


def test_an_admin_reopens_after_a_question(
    qtbot, demo: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sarah.ui.reports.publication_bar as bar_module

    close_period(demo, S1_2019, today=TODAY)
    screen = _screen(qtbot, demo, role="admin")
    bar = screen.publication_bar
    assert bar.reopen_button.isVisibleTo(screen)
    monkeypatch.setattr(bar_module, "ask", lambda *_args: False)
    bar.reopen_button.click()
    assert publication_for(demo, S1_2019) is not None  # "Non": nothing done
    monkeypatch.setattr(bar_module, "ask", lambda *_args: True)
    with qtbot.waitSignal(screen.computed, timeout=WAIT):
        bar.reopen_button.click()
    assert publication_for(demo, S1_2019) is None
    assert bar.text.text() == "Période non clôturée : ses chiffres peuvent encore changer."
    assert screen.status.text() == "Période rouverte." or "contact" in screen.status.text()


def test_a_period_not_over_cannot_be_closed_yet(qtbot, demo: Engine) -> None:
    ctx = AppContext(engine=demo, settings=Settings(), site=list_sites(demo)[0], agent="Claire")
    screen = StatisticsScreen(ctx, today=date(2019, 6, 10))
    qtbot.addWidget(screen)
    screen.select(period=S1_2019)
    with qtbot.waitSignal(screen.computed, timeout=WAIT):
        screen.show()
    assert screen.publication_bar.text.text().startswith("Période en cours")
    assert not screen.publication_bar.close_button.isVisibleTo(screen)
