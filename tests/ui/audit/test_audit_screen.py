"""The Journal d'audit screen, as the admin uses it: newest first in French, the chain's verdict
(red where it breaks), filters by day, person, action and text, the keyboard, the export (itself
in the log), the refusal to other roles, and a long log read a page at a time."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QColor
from sqlalchemy import Engine

from sarah.db import write_session
from sarah.services.audit.listing import list_entries
from sarah.services.audit.log import record
from sarah.ui.audit.screen import AuditScreen

START = datetime(2026, 11, 2, 9, 0)
TODAY = date(2026, 11, 24)


@pytest.fixture
def logged(engine: Engine) -> Engine:
    entries = [
        ("Nadia B.", "login", "Nadia B.", None),
        ("Karim T.", "login_failed", "karim", {"reason": "Nom ou mot de passe incorrect."}),
        ("Karim T.", "export_named", "contacts-novembre.xlsx", {"rows": 128, "people": 40}),
        ("Sophie L.", "import", "relevé.xlsx",
         {"rows_read": 3, "contacts_added": 3, "skipped_existing": 0, "visitors_created": 1,
          "visitors_matched": 2, "sites_created": 0}),
        ("Nadia B.", "merge", "4f0c", {"absorbed": "9a1b", "moved_contacts": 2}),
    ]  # fmt: skip
    with write_session(engine) as session:
        for day, (actor, action, target, details) in enumerate(entries):
            record(session, actor, action, target, details, at=START + timedelta(days=day))
    return engine


def _screen(qtbot, ctx) -> AuditScreen:  # type: ignore[no-untyped-def]
    screen = AuditScreen(ctx, today=lambda: TODAY)
    qtbot.addWidget(screen)
    screen.show()
    qtbot.waitExposed(screen)
    qtbot.waitUntil(lambda: screen.check is not None and not screen.checking)
    return screen


def _rows(screen: AuditScreen) -> list[list[str]]:
    model = screen.model
    return [
        [str(model.index(r, c).data()) for c in range(model.columnCount())]
        for r in range(model.rowCount())
    ]


def test_newest_first_in_french_with_an_intact_chain(qtbot, ctx, logged) -> None:
    screen = _screen(qtbot, ctx)
    rows = _rows(screen)
    assert [r[0] for r in rows] == ["5", "4", "3", "2", "1"]
    assert rows[0] == [
        "5", "06/11/2026 09:00:00", "Nadia B.", "fusion de fiches", "4f0c",
        "fiche absorbée 9a1b ; 2 contacts déplacés",
    ]  # fmt: skip
    assert rows[3][3:] == ["connexion refusée", "karim", "motif : Nom ou mot de passe incorrect."]
    assert rows[2][5] == "128 lignes ; 40 personnes"
    assert screen.banner.text() == "Journal intègre : 5 entrées."
    assert screen.hint.isHidden()
    assert screen.count_label.text() == "5 entrées, de la plus récente à la plus ancienne."


def test_where_the_chain_breaks_in_red(qtbot, ctx, logged, db_path: Path) -> None:
    with sqlite3.connect(db_path) as conn:
        conn.execute("UPDATE audit_log SET actor = 'Nadia B.' WHERE seq = 3")
    screen = _screen(qtbot, ctx)
    assert screen.banner.text() == (
        "Journal rompu à l'entrée n° 3 : son contenu ne correspond plus à son empreinte (modifiée)"
    )
    assert "#991b1b" in screen.banner.styleSheet()
    assert screen.hint.isVisible() and "prévenez le responsable" in screen.hint.text()
    model = screen.model
    broken = model.index(2, 2)
    assert broken.data() == "Nadia B."
    assert broken.data(Qt.ItemDataRole.ForegroundRole).color() == QColor("#991b1b")
    assert model.index(1, 2).data(Qt.ItemDataRole.ForegroundRole) is None
    assert "rompue à cette entrée" in broken.data(Qt.ItemDataRole.ToolTipRole)


def test_filters_by_person_action_text_and_days(qtbot, ctx, logged) -> None:
    screen = _screen(qtbot, ctx)
    names = [screen.actor_combo.itemText(i) for i in range(screen.actor_combo.count())]
    assert names == ["Tout le monde", "Karim T.", "Nadia B.", "Sophie L."]
    screen.actor_combo.setCurrentIndex(names.index("Nadia B."))
    assert [r[0] for r in _rows(screen)] == ["5", "1"]
    assert screen.count_label.text() == "2 entrées — filtres : qui : Nadia B.."
    screen.action_combo.setCurrentIndex(screen.action_combo.findText("connexion"))
    assert [r[0] for r in _rows(screen)] == ["1"]
    screen.clear_button.click()
    assert len(_rows(screen)) == 5
    screen.search.setText("relevé")
    screen.search.returnPressed.emit()
    assert [r[0] for r in _rows(screen)] == ["4"]
    screen.search.clear()
    screen.from_box.setChecked(True)
    screen.from_date.setDate(date(2026, 11, 4))
    screen.to_box.setChecked(True)
    screen.to_date.setDate(date(2026, 11, 5))
    assert [r[0] for r in _rows(screen)] == ["4", "3"]
    screen.to_date.setDate(date(2026, 11, 1))
    assert "Période impossible" in screen.message.text()
    assert [r[0] for r in _rows(screen)] == ["4", "3"]  # the last good filter stays shown
    screen.clear_button.click()
    assert screen.message.text() == "" and len(_rows(screen)) == 5
    assert not screen.from_date.isEnabled()


def test_driven_by_the_keyboard(qtbot, ctx, logged, keys, tmp_path: Path) -> None:
    screen = _screen(qtbot, ctx)
    screen.activateWindow()
    qtbot.waitUntil(screen.isActiveWindow)
    screen.table.setFocus()
    keys.press(Qt.Key.Key_R, Qt.KeyboardModifier.AltModifier)  # &Rechercher
    assert screen.search.hasFocus()
    keys.type("karim")
    keys.press(Qt.Key.Key_Return)
    assert [r[0] for r in _rows(screen)] == ["3", "2"]
    keys.press(Qt.Key.Key_A, Qt.KeyboardModifier.AltModifier)  # Tout &afficher
    qtbot.waitUntil(lambda: len(_rows(screen)) == 5)  # a mnemonic "animates" the click first
    keys.press(Qt.Key.Key_Q, Qt.KeyboardModifier.AltModifier)  # &Qui
    assert screen.actor_combo.hasFocus()
    keys.press(Qt.Key.Key_Down)
    assert screen.actor_combo.currentText() == "Karim T."
    assert [r[0] for r in _rows(screen)] == ["3", "2"]
    keys.press(Qt.Key.Key_D, Qt.KeyboardModifier.AltModifier)  # &Du: ticked, as if clicked
    assert screen.from_box.hasFocus()
    qtbot.waitUntil(screen.from_box.isChecked)
    assert screen.from_date.isEnabled()
    keys.press(Qt.Key.Key_Tab)
    assert screen.from_date.hasFocus()
    out = tmp_path / "journal.csv"
    screen.choose_file = lambda: out
    with qtbot.waitSignal(screen.exported, timeout=10000):
        keys.press(Qt.Key.Key_E, Qt.KeyboardModifier.AltModifier)  # &Exporter…
    assert out.exists()
    qtbot.waitUntil(lambda: not screen.checking)  # the log read again, with the export in it


def test_the_export_writes_the_shown_entries_and_is_logged(
    qtbot, ctx, logged, tmp_path: Path
) -> None:
    screen = _screen(qtbot, ctx)
    screen.action_combo.setCurrentIndex(screen.action_combo.findText("connexion refusée"))
    out = tmp_path / "journal.xlsx"
    screen.choose_file = lambda: out
    with qtbot.waitSignal(screen.exported, timeout=10000):
        screen.export_button.click()
    qtbot.waitUntil(lambda: not screen.checking)
    ws = load_workbook(out).active
    lines = [r[0] for r in ws.iter_rows(values_only=True)]
    assert lines[2] == "Filtres : action : connexion refusée"
    assert lines[3] == "Vérification : Journal intègre : 5 entrées"
    assert lines[6:] == [2]
    assert "1 entrée exportée dans" in screen.message.text()
    last = list_entries(ctx.engine)[-1]
    assert (last.action, last.target) == ("export_audit", "journal.xlsx")
    screen.clear_button.click()
    assert _rows(screen)[0][3] == "export du journal"  # read again: the export is shown
    assert screen.banner.text() == "Journal intègre : 6 entrées."


def test_a_failed_export_says_why_and_logs_nothing(qtbot, ctx, logged, tmp_path: Path) -> None:
    screen = _screen(qtbot, ctx)
    screen.choose_file = lambda: tmp_path / "absent" / "journal.csv"
    screen.export_button.click()
    qtbot.waitUntil(lambda: not screen.exporting)
    assert screen.message.text().startswith("Export impossible : Le dossier")
    assert len(list_entries(ctx.engine)) == 5
    screen.choose_file = lambda: None  # cancelled: nothing happens
    screen.export_button.click()
    assert not screen.exporting


def test_refused_to_a_role_that_may_not(qtbot, ctx, logged) -> None:
    ctx.role = "coordinateur"
    screen = AuditScreen(ctx)
    qtbot.addWidget(screen)
    assert screen.refused
    assert screen.refusal.text() == (
        "Action réservée aux administrateurs : votre compte ne le permet pas."
    )
    assert not hasattr(screen, "table")
    ctx.role = "admin"
    assert not _screen(qtbot, ctx).refused


def test_nothing_is_read_until_shown_and_read_again_when_shown(qtbot, ctx, logged) -> None:
    screen = AuditScreen(ctx, today=lambda: TODAY)
    qtbot.addWidget(screen)
    assert screen.model.rowCount() == 0 and screen.check is None and not screen.checking
    screen.show()
    qtbot.waitUntil(lambda: screen.check is not None and not screen.checking)
    assert len(_rows(screen)) == 5
    screen.hide()
    with write_session(ctx.engine) as session:
        record(session, "Nadia B.", "login")
    screen.show()
    qtbot.waitUntil(lambda: screen.check is not None and screen.check.entries == 6)
    assert _rows(screen)[0][0] == "6"


def test_a_read_only_database_cannot_be_exported(qtbot, ctx, logged) -> None:
    ctx.read_only = True
    screen = _screen(qtbot, ctx)
    assert not screen.export_button.isEnabled()
    assert len(_rows(screen)) == 5


def test_a_long_log_is_read_a_page_at_a_time(qtbot, ctx, engine: Engine) -> None:
    with write_session(engine) as session:
        for i in range(1200):
            record(session, f"agent{i % 3}", "login", at=START + timedelta(minutes=i))
    screen = _screen(qtbot, ctx)
    model = screen.model
    assert model.rowCount() == 500 and model.total == 1200
    assert screen.count_label.text().startswith("1\u202f200 entrées")
    assert model.canFetchMore(QModelIndex())
    screen.table.setFocus()
    screen.table.scrollToBottom()  # the view asks for the next page at the end
    qtbot.waitUntil(lambda: model.rowCount() == 1000)
    model.fetchMore(QModelIndex())
    assert model.rowCount() == 1200 and not model.canFetchMore(QModelIndex())
    assert model.index(1199, 0).data() == "1"
    screen.actor_combo.setCurrentIndex(screen.actor_combo.findText("agent1"))
    assert model.total == 400 and model.rowCount() == 400
