"""The status bar says where the data lives: a file by its full path."""

from __future__ import annotations

import argparse
from pathlib import Path

from PySide6.QtCore import QThreadPool

from sarah.services.database import open_database
from sarah.services.sites import ensure_site
from sarah.settings import Settings, save_settings


def test_a_file_is_named_in_the_status_bar(qtbot, db_path: Path) -> None:
    from sarah.ui.app import build_main_window

    engine = open_database(db_path)
    ensure_site(engine, "Grésilles")
    engine.dispose()
    save_settings(Settings(home_site="Grésilles", agent_name="Nadia"))
    window, code = build_main_window(argparse.Namespace(db=str(db_path)))
    assert code == 0 and window is not None
    qtbot.addWidget(window)
    label = window._data_location  # type: ignore[attr-defined]
    assert label.full_text() == f"Données : fichier {db_path}"
    assert str(db_path) in label.toolTip()
    assert window._data_location in window.statusBar().findChildren(type(window._data_location))  # type: ignore[attr-defined]
    assert getattr(window, "_server_watch", None) is None  # no server, no probe
    window.close()
    QThreadPool.globalInstance().waitForDone(30_000)
    window.ctx.engine.dispose()


def test_a_long_path_is_cut_in_its_middle_and_never_widens_the_window(
    qtbot, tmp_path: Path
) -> None:
    from sarah.ui.app import build_main_window

    deep = tmp_path.joinpath(*["un-dossier-aux-noms-bien-trop-longs"] * 8)
    deep.mkdir(parents=True)
    db_path = deep / "sarah-fontaine-d-ouche.sqlite"
    engine = open_database(db_path)
    ensure_site(engine, "Grésilles")
    engine.dispose()
    save_settings(Settings(home_site="Grésilles", agent_name="Nadia"))
    window, code = build_main_window(argparse.Namespace(db=str(db_path)))
    assert code == 0 and window is not None
    qtbot.addWidget(window)
    label = window._data_location  # type: ignore[attr-defined]
    shown = label.text()
    assert shown.startswith("Données : fichier /") and shown.endswith("fontaine-d-ouche.sqlite")
    assert "…" in shown and len(shown) < len(label.full_text())
    assert str(db_path) in label.toolTip()
    assert window.minimumSizeHint().width() <= 1366
    window.close()
    QThreadPool.globalInstance().waitForDone(30_000)
    window.ctx.engine.dispose()
