"""The sync settings: old files load with the defaults, the first start offers coordination."""

from __future__ import annotations

import json

from sarah import paths
from sarah.settings import Settings, load_settings
from sarah.ui.dialogs.first_start import FirstStartDialog


def test_an_older_settings_file_loads_with_the_sync_defaults(tmp_path) -> None:
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"home_site": "Grésilles", "agent_name": "Nadia", "old": 1}))
    settings = load_settings(path)
    assert (settings.home_site, settings.agent_name) == ("Grésilles", "Nadia")
    assert (settings.exchange_dir, settings.coordination, settings.silent_days) == (None, False, 14)


def test_a_value_of_the_wrong_kind_falls_back_to_its_default(tmp_path) -> None:
    path = tmp_path / "settings.json"
    values = {"home_site": "G", "silent_days": "14", "coordination": 1, "exchange_dir": 3}
    path.write_text(json.dumps(values))
    settings = load_settings(path)
    assert settings.home_site == "G"
    assert (settings.exchange_dir, settings.coordination, settings.silent_days) == (None, False, 14)
    path.write_text(json.dumps({"exchange_dir": "/mnt/echange", "backup_folder_limit_mb": 500}))
    settings = load_settings(path)
    assert settings.exchange_dir == "/mnt/echange" and settings.backup_folder_limit_mb == 500
    path.write_text("[1, 2]")
    assert load_settings(path) == Settings()


def test_the_first_start_offers_a_coordination_installation(qtbot, engine) -> None:
    dialog = FirstStartDialog(engine, Settings())
    qtbot.addWidget(dialog)
    assert "Installation de coordination" in dialog.coordination_check.text().replace("&", "")
    assert not dialog.coordination_check.isChecked()
    dialog.new_site_edit.setText("Grésilles")
    dialog.agent_edit.setText("Claire")
    dialog.coordination_check.setChecked(True)
    dialog.ok_button.click()
    assert dialog.site is not None
    assert load_settings(paths.settings_file()).coordination is True
