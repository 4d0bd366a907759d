"""The Réseau screen: each site, what is held of it, when it was heard of; a calm warning for
a site silent too long."""

from __future__ import annotations

from datetime import date, timedelta

from sarah.services.sync.receive import import_package
from sarah.ui.sync.network import NetworkScreen


def _screen(qtbot, ctx, today: date) -> NetworkScreen:  # type: ignore[no-untyped-def]
    screen = NetworkScreen(ctx, today=lambda: today)
    qtbot.addWidget(screen)
    screen.show()
    return screen


def _cells(screen: NetworkScreen) -> list[list[str]]:
    model = screen.model
    return [
        [str(model.index(r, c).data()) for c in range(model.columnCount())]
        for r in range(model.rowCount())
    ]


def test_every_site_with_its_contacts_and_its_last_package(
    qtbot, ctx, other_package, make_contact
) -> None:
    make_contact(date(2026, 12, 1))
    import_package(ctx.engine, other_package())
    screen = _screen(qtbot, ctx, date.today())
    rows = {row[0]: row for row in _cells(screen)}
    assert rows["Grésilles"][1:] == ["1", "01/12/2026", "ce poste", "—"]
    assert rows["Villeneuve"][1:3] == ["2", "30/11/2026"]
    assert rows["Villeneuve"][4] == "aujourd'hui"
    assert screen.banner.isHidden()
    assert screen.key_line.text().startswith("Réseau ")
    assert "Villeneuve : paquet écrit le" in screen.peers_line.text()


def test_a_site_silent_for_longer_than_the_setting_is_pointed_out_calmly(
    qtbot, ctx, other_package
) -> None:
    import_package(ctx.engine, other_package())
    ctx.settings.silent_days = 14
    screen = _screen(qtbot, ctx, date.today() + timedelta(days=15))
    assert screen.banner.isVisible()
    assert "1 site (Villeneuve) n'a rien envoyé depuis plus de 14 jours" in screen.banner.text()
    rows = {row[0]: row for row in _cells(screen)}
    assert rows["Villeneuve"][4] == "il y a 15 jours"

    ctx.settings.silent_days = 30
    screen.refresh()
    assert screen.banner.isHidden()


def test_no_key_says_where_to_get_one(qtbot, ctx) -> None:
    screen = _screen(qtbot, ctx, date.today())
    assert "Aucune clé de réseau" in screen.key_line.text()
    assert "Aucun paquet reçu" in screen.peers_line.text()


def test_a_coordination_post_watches_every_site(qtbot, ctx, other_package) -> None:
    import_package(ctx.engine, other_package())
    ctx.settings.coordination = True
    screen = _screen(qtbot, ctx, date.today() + timedelta(days=20))
    assert "ce poste" not in [row[3] for row in _cells(screen)]
    # Grésilles never sent anything here: with Villeneuve heard of, it is pointed out too.
    assert "2 sites (Grésilles, Villeneuve)" in screen.banner.text()


def test_the_silence_delay_is_set_on_the_screen_and_kept(qtbot, ctx, other_package) -> None:
    from sarah import paths
    from sarah.settings import load_settings

    import_package(ctx.engine, other_package())
    screen = _screen(qtbot, ctx, date.today() + timedelta(days=10))
    assert screen.banner.isHidden() and screen.silent_spin.value() == 14
    screen.silent_spin.setValue(7)
    assert screen.banner.isVisible() and "plus de 7 jours" in screen.banner.text()
    assert load_settings(paths.settings_file()).silent_days == 7
