"""Aide > À propos: the version, what a support ticket needs (passwords hidden), Copier; and
SARAH's mark as the window icon."""

from __future__ import annotations

import platform
import sys

import PySide6
import sqlalchemy
from PySide6.QtCore import qVersion
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QLabel
from sqlalchemy.engine import make_url

from sarah import __version__, paths
from sarah.ui.help import AboutDialog, open_about_box
from sarah.ui.icon import install_app_icon, window_icon


def test_about_shows_the_version_and_where_the_data_and_logs_are(qtbot, window, db_path) -> None:
    window.show_about()
    dialog = qtbot.waitUntil(lambda: _about_dialog() is not None) or _about_dialog()
    assert dialog.windowTitle() == "À propos de SARAH"
    shown = " ".join(label.text() for label in dialog.findChildren(QLabel))
    assert f"SARAH {__version__}" in shown
    assert str(db_path) in shown  # the file itself, not an SQLAlchemy URL
    assert str(paths.log_dir()) in shown
    assert "MIT" in shown
    assert not dialog.findChildren(QLabel)[0].pixmap().isNull()  # the mark


def test_copier_puts_every_fact_on_the_clipboard(qtbot, db_path) -> None:
    dialog = AboutDialog(f"sqlite:///{db_path}")
    qtbot.addWidget(dialog)
    dialog.copy_button.click()
    copied = QGuiApplication.clipboard().text().splitlines()
    assert copied[0] == f"Version : SARAH {__version__}"
    assert f"Python : {platform.python_version()}" in copied
    assert f"Qt : {qVersion()} (PySide6 {PySide6.__version__})" in copied
    assert f"SQLAlchemy : {sqlalchemy.__version__}" in copied
    assert f"Données : {db_path}" in copied
    assert f"Journaux : {paths.log_dir()}" in copied
    assert f"Réglages : {paths.settings_file()}" in copied
    assert "Copié" in dialog.copied.text()


def test_a_server_password_never_shows(qtbot) -> None:
    url = make_url("postgresql://marie:s3cr3t-mdp@serveur.mairie.local:5432/sarah")
    dialog = open_about_box(url.render_as_string(hide_password=True), None)  # type: ignore[arg-type]
    qtbot.addWidget(dialog)
    assert "s3cr3t" not in dialog.text()
    assert "Données : postgresql://marie:***@serveur.mairie.local:5432/sarah" in dialog.text()


def test_the_windows_show_sarahs_mark(qapp: QApplication) -> None:
    icon = install_app_icon(qapp)
    found = paths.icon_file()
    assert found is not None and found.parent.name == "packaging"  # a source checkout
    assert not qapp.windowIcon().isNull()
    assert window_icon().availableSizes()  # the picture was read, not just named
    assert icon.pixmap(32, 32).width() == 32


def test_the_frozen_build_finds_its_icon_in_its_bundle(tmp_path, monkeypatch) -> None:
    source = paths.icon_file()
    assert source is not None
    (tmp_path / "packaging").mkdir()
    (tmp_path / "packaging" / "sarah.png").write_bytes(source.read_bytes())
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert paths.icon_file() == tmp_path / "packaging" / "sarah.png"
    assert paths.migrations_dir() == tmp_path / "sarah" / "migrations"


def _about_dialog() -> AboutDialog | None:
    return next((w for w in QApplication.topLevelWidgets() if isinstance(w, AboutDialog)), None)
