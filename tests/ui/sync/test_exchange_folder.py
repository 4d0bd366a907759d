"""The dossier d'échange: the others' new packages in, this post's package out when the data
changed, each file version once, an unreachable folder a calm line."""

from __future__ import annotations

import os
from datetime import datetime

import pytest
from PySide6.QtWidgets import QWidget

from sarah.services.sync.export import export_package
from sarah.ui.sync.exchange import ExchangeFolder
from sarah.ui.sync.exchange_round import installation_clock, own_file_name

NOON = datetime(2026, 12, 2, 12, 0)


@pytest.fixture
def folder(tmp_path):  # type: ignore[no-untyped-def]
    path = tmp_path / "echange"
    path.mkdir()
    return path


@pytest.fixture
def exchange(qtbot, ctx, key_file, folder):  # type: ignore[no-untyped-def]
    parent = QWidget()
    qtbot.addWidget(parent)
    ctx.settings.exchange_dir = str(folder)
    return ExchangeFolder(ctx, parent, clock=lambda: NOON)


def _round(qtbot, exchange: ExchangeFolder, **kwargs: bool) -> str:  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(exchange.told, timeout=20000) as blocker:
        assert exchange.run_round(**kwargs)
    return str(blocker.args[0])


def _villeneuve_drops_its_package(other, folder):  # type: ignore[no-untyped-def]
    me, _clock = installation_clock(other)
    return export_package(other, folder / own_file_name("Villeneuve", me), name="Villeneuve").path


def test_a_round_takes_the_others_packages_and_leaves_its_own(
    qtbot, exchange, other, folder, ctx, contacts_of
) -> None:
    theirs = _villeneuve_drops_its_package(other, folder)
    received: list[bool] = []
    exchange.received.connect(lambda: received.append(True))
    line = _round(qtbot, exchange)
    assert line == (
        "Dossier d'échange à 12:00 : 1 paquet reçu (Villeneuve), paquet de ce poste déposé."
    )
    assert contacts_of(ctx.engine) == 2 and received == [True]
    me, _clock = installation_clock(ctx.engine)
    ours = folder / own_file_name("Grésilles", me)
    assert ours.is_file() and ours != theirs
    assert sorted(p.name for p in folder.iterdir()) == sorted([ours.name, theirs.name])

    # The same file versions again: nothing is read, nothing rewritten.
    written = ours.stat().st_mtime_ns
    assert _round(qtbot, exchange) == "Dossier d'échange à 12:00 : rien de nouveau."
    assert ours.stat().st_mtime_ns == written and received == [True]


def test_a_new_version_of_a_package_is_read_again(qtbot, exchange, other, folder) -> None:
    theirs = _villeneuve_drops_its_package(other, folder)
    _round(qtbot, exchange)
    stat = theirs.stat()
    os.utime(theirs, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert "1 paquet reçu (Villeneuve)" in _round(qtbot, exchange)


def test_a_refused_package_is_a_line_and_not_tried_again(qtbot, exchange, folder) -> None:
    (folder / "SARAH-Ailleurs-1234.sarahsync").write_bytes(b"pas un paquet")
    (folder / ".SARAH-x.sarahsync.abc.partiel").write_bytes(b"en cours")
    line = _round(qtbot, exchange, receive=True)
    assert "1 paquet refusé" in line
    assert exchange.details and exchange.details[0].startswith(
        "Paquet SARAH-Ailleurs-1234.sarahsync : "
    )
    assert "rien de nouveau" in _round(qtbot, exchange)


def test_an_unreachable_folder_is_a_calm_line_and_the_next_round_tries_again(
    qtbot, exchange, folder, tmp_path
) -> None:
    exchange.settings.exchange_dir = str(tmp_path / "cle-usb-retiree")
    assert _round(qtbot, exchange) == (
        "Dossier d'échange injoignable à 12:00 : nouvel essai dans 30 minutes."
    )
    assert not exchange.running
    exchange.settings.exchange_dir = str(folder)
    assert "paquet de ce poste déposé" in _round(qtbot, exchange)


def test_on_exit_only_writes_and_only_when_the_data_changed(
    qtbot, exchange, other, folder, make_contact
) -> None:
    from datetime import date

    _villeneuve_drops_its_package(other, folder)
    assert _round(qtbot, exchange, receive=False) == (
        "Dossier d'échange à 12:00 : paquet de ce poste déposé."
    )
    with qtbot.waitSignal(exchange.told, timeout=20000) as blocker:
        assert exchange.on_exit()
    assert blocker.args[0] == "Dossier d'échange à 12:00 : rien de nouveau."
    make_contact(date(2026, 12, 1))
    with qtbot.waitSignal(exchange.told, timeout=20000) as blocker:
        assert exchange.on_exit()
    assert blocker.args[0] == "Dossier d'échange à 12:00 : paquet de ce poste déposé."


def test_no_folder_no_round(qtbot, ctx) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    exchange = ExchangeFolder(ctx, parent)
    assert not exchange.run_round() and not exchange.on_exit()
