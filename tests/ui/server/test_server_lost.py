"""The server goes away while the window is open (a real proxy stopped): the save fails and keeps
what the agent typed, a banner says so and SARAH tries again; when the server is back the banner
goes, the status bar says so, and Entrée saves as usual (once)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from helpers.pg_proxy import PgProxy
from PySide6.QtCore import Qt, QThreadPool
from sqlalchemy import Engine, func, select

from sarah.db import read_session
from sarah.models import Contact
from sarah.services.database import open_database
from sarah.services.sites import ensure_site
from sarah.settings import Settings
from sarah.ui.server import status

pytestmark = pytest.mark.postgres


@pytest.fixture
def server_window(qtbot, pg_engine: Engine, proxied_url: str, monkeypatch) -> Iterator[object]:  # type: ignore[no-untyped-def]
    from sarah.ui.context import AppContext
    from sarah.ui.main_window import MainWindow

    monkeypatch.setattr(status, "PROBE_SECONDS", 1)
    site = ensure_site(pg_engine, "Grésilles")
    engine = open_database(proxied_url)
    settings = Settings(home_site=site.name, agent_name="Nadia", database=proxied_url)
    ctx = AppContext(engine=engine, settings=settings, site=site, agent="Nadia")
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    status.install_data_location(window, ctx)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    yield window
    QThreadPool.globalInstance().waitForDone(10_000)
    engine.dispose()


def _contacts(engine: Engine) -> int:
    with read_session(engine) as s:
        return int(s.scalar(select(func.count()).select_from(Contact)) or 0)


def test_a_lost_server_keeps_the_entry_and_the_banner_goes_when_it_is_back(
    qtbot, keys, server_window, proxy: PgProxy, pg_engine: Engine
) -> None:
    window = server_window
    form = window.desk.form  # type: ignore[attr-defined]
    watch = window._server_watch  # type: ignore[attr-defined]
    label = window._data_location  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: "chiffré" in label.full_text())
    assert label.full_text().startswith(f"Données : serveur postgres@127.0.0.1:{proxy.port}/")
    keys.press(Qt.Key.Key_Return)  # nothing searched: straight to the services
    keys.press(Qt.Key.Key_G)
    proxy.stop()  # the server goes away
    with qtbot.waitSignal(form.save_failed, timeout=20_000):
        keys.press(Qt.Key.Key_F9)
    assert form.status_label.text().startswith("Non enregistré : ")
    assert f"port {proxy.port}" in form.status_label.text()
    assert len(form.services_model.checked_ids()) == 1  # what was typed stays
    qtbot.waitUntil(watch.banner.isVisible, timeout=20_000)
    assert "Serveur injoignable" in watch.banner.text_label.text()
    assert "SARAH réessaie toutes les 1 s" in watch.banner.text_label.text()
    assert _contacts(pg_engine) == 0

    proxy.start()  # the server is back
    qtbot.waitUntil(lambda: not watch.banner.isVisible(), timeout=20_000)
    assert window.statusBar().currentMessage() == status.BACK_TEXT
    form.services_view.setFocus()
    with qtbot.waitSignal(form.saved, timeout=20_000):
        keys.press(Qt.Key.Key_F9)
    assert "appel anonyme" in form.status_label.text()
    assert _contacts(pg_engine) == 1


def test_a_save_whose_answer_was_lost_is_not_saved_twice(
    qtbot, keys, server_window, proxy: PgProxy, pg_engine: Engine
) -> None:
    form = server_window.desk.form  # type: ignore[attr-defined]
    keys.press(Qt.Key.Key_Return)
    keys.press(Qt.Key.Key_G)
    proxy.lose_next_commit_answer()  # the server commits; the desk never hears of it
    with qtbot.waitSignal(form.save_failed, timeout=20_000):
        keys.press(Qt.Key.Key_F9)
    assert form.status_label.text().startswith("Non enregistré : ")
    assert "a peut-être eu lieu" in form.status_label.text()  # never "nothing was saved"
    assert _contacts(pg_engine) == 1  # it was saved, though the desk could not know
    form.services_view.setFocus()
    with qtbot.waitSignal(form.saved, timeout=20_000):
        keys.press(Qt.Key.Key_F9)  # the agent saves again, as the form invites
    assert _contacts(pg_engine) == 1
