"""A server that does not answer at start: the dialog names it, counts down, tries again on its
own, and the window opens when the server is back (a real proxy stopped and started). A refusal:
the form, the cursor in the wrong field, no automatic retry."""

from __future__ import annotations

import argparse
import json

import pytest
from helpers.pg_proxy import PgProxy
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication
from sqlalchemy import Engine

from sarah import paths
from sarah.services.sites import ensure_site
from sarah.settings import Settings, load_settings, save_settings
from sarah.ui.server import problem_dialog
from sarah.ui.server.problem_dialog import ServerProblemDialog

pytestmark = pytest.mark.postgres


def _on_dialog(qtbot, step) -> None:  # type: ignore[no-untyped-def]
    """Run ``step`` once the server's dialog is up and active (build_main_window waits in its
    exec()), as an agent sees it."""

    def later() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, ServerProblemDialog):
            QTimer.singleShot(20, later)
            return
        dialog.activateWindow()
        qtbot.waitUntil(dialog.isActiveWindow)
        step(dialog)

    QTimer.singleShot(0, later)


def _desk_settings(pg_engine: Engine, url: str) -> None:
    ensure_site(pg_engine, "Grésilles")
    save_settings(Settings(home_site="Grésilles", agent_name="Nadia", database=url))


def test_the_window_opens_when_the_server_comes_back(
    qtbot, pg_engine: Engine, proxy: PgProxy, proxied_url: str, memory_keyring, monkeypatch
) -> None:
    from sarah.ui.app import build_main_window

    monkeypatch.setattr(problem_dialog, "RETRY_SECONDS", 2)
    _desk_settings(pg_engine, proxied_url)
    proxy.stop()  # the server is down when SARAH starts
    seen: dict[str, str] = {}

    def while_down(dialog: ServerProblemDialog) -> None:
        seen["title"] = dialog.windowTitle()
        seen["message"] = dialog.message_label.text()
        seen["host"] = dialog.form.host_edit.text()
        seen["port"] = str(dialog.form.port_spin.value())

        def counted() -> bool:
            return dialog.countdown_label.text().startswith("Nouvel essai automatique dans ")

        qtbot.waitUntil(counted)
        seen["countdown"] = dialog.countdown_label.text()
        # The first automatic try fails too (the dialog says so again), then the server is back.
        qtbot.waitUntil(lambda: proxy.connections == 0 and dialog.timer.isActive())
        proxy.start()

    _on_dialog(qtbot, while_down)
    window, code = build_main_window(argparse.Namespace(db=None))
    assert code == 0 and window is not None
    qtbot.addWidget(window)
    assert seen["title"] == "SARAH — Serveur injoignable"
    assert f"port {proxy.port}" in seen["message"] and "127.0.0.1" in seen["message"]
    assert pg_engine.url.database in seen["message"]
    assert (seen["host"], seen["port"]) == ("127.0.0.1", str(proxy.port))
    assert seen["countdown"] in (
        "Nouvel essai automatique dans 2 s",
        "Nouvel essai automatique dans 1 s",
    )
    assert window.ctx.site.name == "Grésilles"
    assert proxy.connections > 0  # the window works through the proxy, now up
    window.close()


def test_a_refused_database_points_to_its_field_and_waits_for_a_correction(
    qtbot, keys, pg_engine: Engine, proxy: PgProxy, memory_keyring
) -> None:
    from sarah.ui.app import build_main_window

    name = str(pg_engine.url.database)
    _desk_settings(pg_engine, proxy.url("base_mal_tapee"))
    seen: dict[str, object] = {}

    def refused(dialog: ServerProblemDialog) -> None:
        seen["title"] = dialog.windowTitle()
        seen["message"] = dialog.message_label.text()
        seen["focus"] = dialog.form.database_edit.hasFocus()
        seen["retrying"] = dialog.timer.isActive()
        keys.type(name)  # the wrong name was selected: typing replaces it
        keys.press(Qt.Key.Key_Return)  # Réessayer

    _on_dialog(qtbot, refused)
    window, code = build_main_window(argparse.Namespace(db=None))
    assert code == 0 and window is not None
    qtbot.addWidget(window)
    assert seen["title"] == "SARAH — Connexion refusée par le serveur"
    assert "« base_mal_tapee » n'existe pas" in str(seen["message"])
    assert seen["focus"] is True and seen["retrying"] is False
    # The corrected place is the one the settings keep now, without a password.
    assert load_settings().database == (
        f"postgresql+psycopg://postgres@127.0.0.1:{proxy.port}/{name}"
    )
    assert json.loads(paths.settings_file().read_text(encoding="utf-8"))["home_site"] == (
        "Grésilles"
    )
    window.close()


def test_quitter_opens_nothing(qtbot, pg_engine: Engine, proxy: PgProxy, proxied_url) -> None:
    from sarah.ui.app import build_main_window

    _desk_settings(pg_engine, proxied_url)
    proxy.stop()
    _on_dialog(qtbot, lambda dialog: dialog.quit_button.click())
    window, code = build_main_window(argparse.Namespace(db=None))
    assert window is None and code == 0


def test_without_a_keychain_the_password_is_asked_at_start(
    qtbot, keys, pg_engine: Engine, proxied_url: str, fail_keyring
) -> None:
    from sarah.ui.app import build_main_window

    _desk_settings(pg_engine, proxied_url)
    seen: dict[str, object] = {}

    def asked(dialog: ServerProblemDialog) -> None:
        seen["title"] = dialog.windowTitle()
        seen["message"] = dialog.message_label.text()
        seen["focus"] = dialog.form.password_edit.hasFocus()
        keys.type("sesame")
        keys.press(Qt.Key.Key_Return)

    _on_dialog(qtbot, asked)
    window, code = build_main_window(argparse.Namespace(db=None))
    assert code == 0 and window is not None
    qtbot.addWidget(window)
    assert seen["title"] == "SARAH — Mot de passe du serveur"
    assert "demande à chaque démarrage" in str(seen["message"]) and seen["focus"] is True
    assert "sesame" not in paths.settings_file().read_text(encoding="utf-8")
    window.close()


def test_encryption_required_of_a_server_without_tls_points_to_the_choice(
    qtbot, keys, pg_engine: Engine, memory_keyring
) -> None:
    from sqlalchemy import text

    from sarah.ui.app import build_main_window

    with pg_engine.connect() as conn:
        if conn.execute(text("SHOW ssl")).scalar_one() == "on":
            pytest.skip("this PostgreSQL server accepts TLS: nothing to refuse")
    name = str(pg_engine.url.database)
    _desk_settings(pg_engine, f"postgresql://postgres@127.0.0.1:5432/{name}?sslmode=require")
    seen: dict[str, object] = {}

    def refused(dialog: ServerProblemDialog) -> None:
        seen["message"] = dialog.message_label.text()
        seen["focus"] = dialog.form.tls_check.hasFocus()
        seen["retrying"] = dialog.timer.isActive()
        keys.press(Qt.Key.Key_Space)  # "Exiger le chiffrement" unchecked
        keys.press(Qt.Key.Key_Return)

    _on_dialog(qtbot, refused)
    window, code = build_main_window(argparse.Namespace(db=None))
    assert code == 0 and window is not None
    qtbot.addWidget(window)
    assert "n'accepte pas les connexions chiffrées (TLS)" in str(seen["message"])
    assert seen["focus"] is True and seen["retrying"] is False
    assert load_settings().database == f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    window.close()
