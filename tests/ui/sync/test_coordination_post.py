"""A coordination post has no reception desk: it opens on the statistics, offers no desk screen
and never warns of days without contacts (no one types contacts there)."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt

from sarah.ui.context import AppContext


def test_a_coordination_post_opens_on_the_statistics_without_the_desk(
    qtbot, keys, make_window, ctx: AppContext, make_contact
) -> None:  # type: ignore[no-untyped-def]
    make_contact(date(2026, 11, 2))  # an old contact: a desk would be warned of days since
    ctx.settings.coordination = True
    window = make_window()
    assert window.current_screen_key() == "statistiques"
    shown = [
        window.tabs.tabText(i) for i in range(window.tabs.count()) if window.tabs.isTabVisible(i)
    ]
    assert "Accueil" not in shown and "Saisie différée" not in shown
    assert "Statistiques" in shown and "Visiteurs" in shown
    keys.press(Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)  # Ctrl+1: the desk elsewhere
    assert window.current_screen_key() == "statistiques"
    assert not window.gap_banner.isVisible()


def test_a_desk_opens_on_the_reception(qtbot, make_window) -> None:  # type: ignore[no-untyped-def]
    window = make_window()
    assert window.current_screen_key() == "accueil"
