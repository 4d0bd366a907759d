"""The Statistiques screen never shows the figures of before a merge, its undo or a deletion."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, QThreadPool
from sqlalchemy import select

from sarah.db import read_session
from sarah.models.visitors import VisitorMerge
from sarah.services.visitor_merges import unmerge_visitors
from sarah.services.visitors import merge_visitors

WAIT = 30_000


def _people_and_contacts(qtbot, window) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    screen = window.screen_for("statistiques")
    with qtbot.waitSignal(screen.computed, timeout=WAIT):
        window.show_screen("statistiques")
    total = screen.figures.report.to_json()["total"]
    return total["persons"]["total"], total["contacts"]["total"]


def test_a_merge_and_its_undo_change_the_people_shown(
    qtbot,
    make_window,
    make_visitor,
    make_contact,
    engine,
    site,  # type: ignore[no-untyped-def]
) -> None:
    today = date.today()
    lea = make_visitor("Dupont", "Léa", "F", date(1990, 5, 1))
    twin = make_visitor("Dupont", "Lea", "F", date(1990, 5, 1))
    make_contact(today, visitor=lea)
    make_contact(today, visitor=twin)
    window = make_window()
    assert _people_and_contacts(qtbot, window) == (2, 2)
    visitors = window.screen_for("visiteurs")
    window.show_screen("visiteurs")

    merge_visitors(engine, lea.id, twin.id, site_id=site.id)
    visitors.visitor_changed.emit(lea.id)  # as the page does after its merge
    assert _people_and_contacts(qtbot, window) == (1, 2)

    window.show_screen("visiteurs")
    with read_session(engine) as s:
        merge_id = s.scalars(
            select(VisitorMerge.id).where(VisitorMerge.absorbed_id == twin.id)
        ).one()
    unmerge_visitors(engine, merge_id, site_id=site.id)
    visitors.visitor_changed.emit(lea.id)  # as the page does after "Annuler la fusion"
    assert _people_and_contacts(qtbot, window) == (2, 2)
    QThreadPool.globalInstance().waitForDone(WAIT)


def test_a_deletion_in_the_journal_changes_the_contacts_shown(
    qtbot,
    make_window,
    make_visitor,
    make_contact,  # type: ignore[no-untyped-def]
) -> None:
    today = date.today()
    lea = make_visitor("Dupont", "Léa", "F", date(1990, 5, 1))
    make_contact(today, visitor=lea)
    make_contact(today, visitor=lea)
    window = make_window()
    assert _people_and_contacts(qtbot, window) == (1, 2)
    window.show_screen("journal")
    journal = window.journal
    journal.view.setCurrentIndex(journal.model.index(0, 0))
    with qtbot.waitSignal(journal.deleted, timeout=WAIT):
        qtbot.keyClick(journal.view, Qt.Key.Key_Delete)
    assert _people_and_contacts(qtbot, window) == (1, 1)
    QThreadPool.globalInstance().waitForDone(WAIT)
