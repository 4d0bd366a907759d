"""The day's purges while the window is open: in the background, once a day, said in the status
bar; a failure (backup folder gone) said too and tried again later."""

from __future__ import annotations

from datetime import date, time
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMainWindow
from sqlalchemy import select

from sarah.db import read_connection
from sarah.schema import visitors
from sarah.services.contacts import ContactDraft, log_contact
from sarah.ui.privacy.upkeep import PrivacyUpkeep


def old_visitor(ctx, make_visitor):  # type: ignore[no-untyped-def]
    person = make_visitor("Zorglubescu", "Léa", "F", date(1990, 5, 1))
    log_contact(
        ctx.engine,
        ContactDraft(ctx.site.id, "physique", date(2021, 3, 1), time(10), person.id),
    )
    return person


def test_the_purge_runs_in_the_background_once_a_day(  # type: ignore[no-untyped-def]
    qtbot, ctx, make_visitor, tmp_path: Path
) -> None:
    person = old_visitor(ctx, make_visitor)
    ctx.settings.backup_dir = str(tmp_path / "sauvegardes")
    Path(ctx.settings.backup_dir).mkdir()
    window = QMainWindow()
    qtbot.addWidget(window)
    days = iter([date(2026, 12, 2), date(2026, 12, 2), date(2026, 12, 3)])
    upkeep = PrivacyUpkeep(ctx, window, today=lambda: next(days))
    with qtbot.waitSignal(upkeep.finished, timeout=60_000) as done:
        assert upkeep.run_if_due()
    assert done.args[0].retention.erased == 1
    assert "1 identité effacée" in window.statusBar().currentMessage()
    with read_connection(ctx.engine) as conn:
        assert (
            conn.execute(
                select(visitors.c.last_name).where(visitors.c.id == person.id)
            ).scalar_one()
            == ""
        )
    assert not upkeep.run_if_due()  # the same day: not again
    with qtbot.waitSignal(upkeep.finished, timeout=60_000) as again:
        assert upkeep.run_if_due()  # the next day
    assert again.args[0].retention.erased == 0 and again.args[0].words() == ""


@pytest.mark.allow_log("Purge de conservation non faite")
def test_a_purge_that_cannot_back_up_says_so_and_erases_nothing(  # type: ignore[no-untyped-def]
    qtbot, ctx, make_visitor, tmp_path: Path
) -> None:
    person = old_visitor(ctx, make_visitor)
    ctx.settings.backup_dir = str(tmp_path / "clé-USB-débranchée")
    window = QMainWindow()
    qtbot.addWidget(window)
    upkeep = PrivacyUpkeep(ctx, window, today=lambda: date(2026, 12, 2))
    with qtbot.waitSignal(upkeep.failed, timeout=60_000) as failed:
        assert upkeep.run_if_due()
    assert "rien n'a été effacé" in failed.args[0]
    assert "Purge de conservation non faite" in window.statusBar().currentMessage()
    with read_connection(ctx.engine) as conn:
        assert (
            conn.execute(
                select(visitors.c.last_name).where(visitors.c.id == person.id)
            ).scalar_one()
            == "Zorglubescu"
        )
    assert upkeep.last_day is None  # tried again at the next occasion


def test_a_read_only_base_is_not_purged(qtbot, ctx, make_visitor) -> None:  # type: ignore[no-untyped-def]
    old_visitor(ctx, make_visitor)
    ctx.read_only = True
    window = QMainWindow()
    qtbot.addWidget(window)
    assert not PrivacyUpkeep(ctx, window, today=lambda: date(2026, 12, 2)).run_if_due()


def test_closing_the_window_stops_the_purge_between_batches(qtbot, ctx) -> None:  # type: ignore[no-untyped-def]
    window = QMainWindow()
    qtbot.addWidget(window)
    window.show()
    upkeep = PrivacyUpkeep(ctx, window, today=lambda: date(2026, 12, 2))
    assert not upkeep.stopping.is_set()
    window.close()
    assert upkeep.stopping.is_set()  # the purge's should_stop now says yes
    assert not upkeep.run_if_due()  # and none starts while closing
