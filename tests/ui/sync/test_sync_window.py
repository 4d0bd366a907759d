"""Sync plugged into the window: Fichier > Synchroniser…, the Réseau screen, a refresh of every
screen after an import, the exchange package on closing; received sites in the statistics."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt

from sarah.reports.tables import Period
from sarah.services.statistics.drilldown import CellRef, contacts_behind
from sarah.ui.reports.statistics_screen import StatisticsScreen
from sarah.ui.sync.dialog import SyncDialog
from sarah.ui.sync.install import SCREEN_KEY, open_sync_dialog, sync_parts
from sarah.ui.sync.network import NetworkScreen


def test_the_file_menu_offers_synchroniser_before_quitter(window) -> None:
    texts = [a.text() for a in window.file_menu.actions() if not a.isSeparator()]
    assert texts.index("S&ynchroniser…") == texts.index("&Quitter") - 1


@pytest.mark.qt_log_ignore(
    "propagateSizeHints", "does not support raise"
)  # the offscreen platform, not a bug
def test_ctrl_8_shows_the_network_and_ctrl_shift_s_opens_the_dialog(qtbot, window, keys) -> None:
    keys.press(Qt.Key.Key_8, Qt.KeyboardModifier.ControlModifier)
    assert window.current_screen_key() == SCREEN_KEY
    assert isinstance(window.screen_for(SCREEN_KEY), NetworkScreen)
    keys.press(
        Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    parts = sync_parts(window)
    assert parts is not None and isinstance(parts.dialog, SyncDialog)
    qtbot.waitUntil(parts.dialog.isVisible)
    assert open_sync_dialog(window, parts) is parts.dialog  # one dialog, brought forward
    parts.dialog.reject()


def test_an_import_refreshes_the_screens_and_the_statistics_offer_the_received_site(
    qtbot, window, other_package
) -> None:
    parts = sync_parts(window)
    assert parts is not None
    dialog = open_sync_dialog(window, parts)
    with qtbot.waitSignal(dialog.previewed, timeout=10000):
        dialog.preview([other_package()])
    statistics = window.screen_for("statistiques")
    assert isinstance(statistics, StatisticsScreen)
    with qtbot.waitSignal(dialog.import_ended, timeout=20000):
        dialog.import_previewed()
    window.show_screen("statistiques")
    qtbot.waitUntil(lambda: "Villeneuve" in _site_names(statistics), timeout=5000)
    window.show_screen(SCREEN_KEY)
    network = window.screen_for(SCREEN_KEY)
    assert isinstance(network, NetworkScreen)
    assert "Villeneuve" in [s.name for s in network.model.rows()]
    # The drill-down names the site of each received contact.
    found = contacts_behind(
        window.ctx.engine, Period.month(2026, 11), ["Villeneuve"], CellRef("contacts")
    )
    assert [line.site for line in found.lines] == ["Villeneuve", "Villeneuve"]
    dialog.reject()


def _site_names(screen: StatisticsScreen) -> list[str]:
    picker = screen.site_picker.list
    return [picker.item(i).text() for i in range(picker.count())]


def test_closing_drops_this_posts_package_in_the_exchange_folder(
    qtbot, make_window, ctx, key_file, tmp_path, make_contact
) -> None:
    folder = tmp_path / "echange"
    folder.mkdir()
    ctx.settings.exchange_dir = str(folder)
    window = make_window()
    make_contact(date(2026, 12, 1))
    window.close()
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=20000)
    assert [p.name for p in folder.iterdir()][0].startswith("SARAH-Grésilles-")
