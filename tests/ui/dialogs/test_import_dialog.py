"""Fichier > Importer un tableur: check first, then import all or nothing, cancel, read-only."""

from __future__ import annotations

import csv
import threading
from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QThreadPool
from PySide6.QtGui import QGuiApplication
from sqlalchemy import Engine, func, select

from sarah.db import read_session
from sarah.errors import DatabaseLocked
from sarah.models import Contact, Site, Visitor
from sarah.services.backups.listing import list_backups
from sarah.services.imports import run as import_run
from sarah.ui.dialogs import import_file
from sarah.ui.dialogs.crash import CrashDialog
from sarah.ui.dialogs.import_file import ImportDialog
from sarah.ui.table_models.import_problems import ProblemsModel

CTRL = Qt.KeyboardModifier.ControlModifier
LEFT = Qt.MouseButton.LeftButton
HEADER = ["date", "heure", "site", "canal", "nom", "prenom", "sexe", "date_naissance", "services"]
TODAY = f"{date.today():%d/%m/%Y}"
EARLIER = f"{date.today() - timedelta(days=40):%d/%m/%Y}"
OFFRES, RDV = "Consulter des Offres", "Demander un RDV"
ROWS = [
    [TODAY, "09:10", "Grésilles", "physique", "Dupont", "Jean", "H", "12/03/1990", OFFRES],
    [TODAY, "09:40", "Grésilles", "téléphone", "Kone", "Awa", "F", "", ""],
    [EARLIER, "14:00", "Fontaine d'Ouche", "P", "Dupont", "Jean", "H", "12/03/1990", ""],
    [EARLIER, "15:30", "Fontaine d'Ouche", "T", "Martin", "Léa", "F", "02/02/2003", RDV],
]


def write_csv(path: Path, rows: Sequence[Sequence[str]]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, delimiter=";")
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


def counts(engine: Engine) -> tuple[int, int, int]:
    """(contacts, people, sites) in the database."""
    with read_session(engine) as s:
        return (
            s.scalar(select(func.count()).select_from(Contact)) or 0,
            s.scalar(select(func.count()).select_from(Visitor)) or 0,
            s.scalar(select(func.count()).select_from(Site)) or 0,
        )


def import_backups() -> list[Path]:
    return [b.path for b in list_backups() if b.reason == "avant-import"]


def test_ctrl_i_checks_the_file_then_imports_it_and_the_screens_follow(
    qtbot, keys, window, engine, tmp_path, monkeypatch
) -> None:
    path = write_csv(tmp_path / "pointage-janvier.csv", ROWS)
    monkeypatch.setattr(ImportDialog, "_ask_file", lambda self: path)
    before = counts(engine)
    assert window.journal.count == 0

    keys.press(Qt.Key.Key_I, CTRL)  # the file chooser opens at once; the file is checked
    qtbot.waitUntil(lambda: window.import_dialog is not None, timeout=5000)
    dialog = window.import_dialog
    qtbot.waitUntil(lambda: dialog.preview is not None, timeout=10_000)

    # What would be imported, and nothing written yet.
    report = dialog.report.toPlainText()
    assert "Simulation sur pointage-janvier.csv" in report
    assert "4 contacts seraient importés, 3 nouvelles personnes" in report
    assert "1 nouveau site : Fontaine d'Ouche" in report
    assert "Fontaine d'Ouche" in report and "nouveau site" in report
    assert f"Contacts du {EARLIER} au {TODAY}." in report
    assert "4 contacts à importer" in dialog.status_label.text()
    assert counts(engine) == before
    assert import_backups() == []
    assert dialog.import_button.isEnabled() and dialog.import_button.isDefault()

    with qtbot.waitSignal(dialog.imported, timeout=20_000) as imported:
        qtbot.mouseClick(dialog.import_button, LEFT)
    result = imported.args[0]
    assert result.contacts_added == 4 and not result.dry_run
    assert counts(engine) == (4, 3, before[2] + 1)
    # The verified backup was made first, and the summary names it.
    [backup] = import_backups()
    report = dialog.report.toPlainText()
    assert "Import de pointage-janvier.csv" in report and "terminé" in report
    assert backup.name in report
    assert "Import terminé : 4 contacts enregistrés." in dialog.status_label.text()
    assert not dialog.import_button.isEnabled()
    # The desk screens show the two contacts of today at this site.
    assert window.journal.count == 2
    assert window.catchup.day_model.rowCount() == 0  # yesterday: nothing there

    # The same file again: nothing to import.
    with qtbot.waitSignal(dialog.checked, timeout=10_000):
        dialog.check(path)
    assert "les 4 lignes du fichier ont déjà été importées" in dialog.report.toPlainText()
    assert "déjà été importé" in dialog.status_label.text()
    assert not dialog.import_button.isEnabled()
    assert counts(engine) == (4, 3, before[2] + 1)


def test_bad_file_lists_every_bad_row_and_writes_nothing(qtbot, window, engine, tmp_path) -> None:
    rows = [list(r) for r in ROWS]
    rows[0][0] = "31/02/2019"  # line 2: no such day
    rows[2][3] = "courrier"  # line 4: unknown channel
    rows[3][8] = "Cours de cuisine"  # line 5: not in the catalogue
    path = write_csv(tmp_path / "faux.csv", rows)
    before = counts(engine)

    dialog = window.import_spreadsheet(path)
    with qtbot.waitSignal(dialog.refused, timeout=10_000):
        pass
    assert "faux.csv n'a pas été importé" in dialog.status_label.text()
    assert dialog.pages.currentIndex() == ImportDialog.PROBLEMS_PAGE
    model = dialog.problems_model
    shown = [
        tuple(model.index(r, c).data() for c in range(model.columnCount()))
        for r in range(model.rowCount())
    ]
    assert [(line, column) for line, column, _v, _w in shown] == [
        ("2", "date"),
        ("4", "canal"),
        ("5", "services"),
    ]
    assert shown[0][2] == "31/02/2019" and shown[1][2] == "courrier"
    assert "Cours de cuisine" in shown[2][2]
    assert not dialog.import_button.isEnabled()
    assert counts(engine) == before
    assert import_backups() == []

    # The whole list goes to the clipboard, as a table to paste into a spreadsheet.
    qtbot.mouseClick(dialog.copy_button, LEFT)
    copied = QGuiApplication.clipboard().text()
    assert "faux.csv n'a pas été importé" in copied
    assert "Ligne\tColonne\tValeur\tProblème" in copied
    assert "\n4\tcanal\tcourrier\t" in copied
    assert "copiée" in dialog.problems_hint.text()
    # Ctrl+C copies the rows chosen in the table.
    dialog.problems_view.setFocus()
    dialog.problems_view.selectRow(1)
    qtbot.keyClick(dialog.problems_view, Qt.Key.Key_C, CTRL)
    assert QGuiApplication.clipboard().text().splitlines() == [
        "Ligne\tColonne\tValeur\tProblème",
        "\t".join(shown[1]),
    ]


def test_cancel_during_the_import_writes_nothing_and_it_can_be_done_later(
    qtbot, window, engine, tmp_path, monkeypatch
) -> None:
    path = write_csv(tmp_path / "janvier.csv", ROWS)
    before = counts(engine)
    backed_up, go_on = threading.Event(), threading.Event()
    real_backup = import_run.backup_before

    def backup_then_hold(engine: Engine, reason: str):  # type: ignore[no-untyped-def]
        info = real_backup(engine, reason)
        backed_up.set()
        go_on.wait(10)  # the agent clicks Annuler now
        return info

    monkeypatch.setattr(import_run, "backup_before", backup_then_hold)
    dialog = window.import_spreadsheet(path)
    with qtbot.waitSignal(dialog.checked, timeout=10_000):
        pass
    qtbot.mouseClick(dialog.import_button, LEFT)
    qtbot.waitUntil(backed_up.is_set, timeout=10_000)
    assert dialog.cancel_button.isVisible() and not dialog.import_button.isEnabled()
    with qtbot.waitSignal(dialog.cancelled, timeout=10_000):
        qtbot.mouseClick(dialog.cancel_button, LEFT)
        go_on.set()
    assert "Import annulé : rien n'a été enregistré" in dialog.status_label.text()
    assert counts(engine) == before
    assert dialog.import_result is None and window.journal.count == 0

    # Nothing is left locked or half-done: the import can be made at once.
    monkeypatch.setattr(import_run, "backup_before", real_backup)
    assert dialog.import_button.isEnabled()
    with qtbot.waitSignal(dialog.imported, timeout=20_000):
        qtbot.mouseClick(dialog.import_button, LEFT)
    assert counts(engine)[0] == 4


def test_a_refused_backup_stops_the_import_and_says_why(
    qtbot, window, engine, tmp_path, monkeypatch
) -> None:
    def locked(engine: Engine, reason: str):  # type: ignore[no-untyped-def]
        raise DatabaseLocked("La base de données est occupée.")

    monkeypatch.setattr(import_run, "backup_before", locked)
    dialog = window.import_spreadsheet(write_csv(tmp_path / "janvier.csv", ROWS))
    with qtbot.waitSignal(dialog.checked, timeout=10_000):
        pass
    with qtbot.waitSignal(dialog.failed, timeout=10_000):
        qtbot.mouseClick(dialog.import_button, LEFT)
    assert dialog.status_label.text() == (
        "Import non fait, rien n'a été enregistré : La base de données est occupée."
    )
    assert dialog.findChildren(CrashDialog) == []
    assert counts(engine)[0] == 0 and dialog.import_button.isEnabled()


@pytest.mark.allow_log("unexpected error")
def test_a_bug_during_the_import_opens_the_crash_dialog(
    qtbot, window, engine, tmp_path, monkeypatch
) -> None:
    def broken(engine: Engine, reason: str):  # type: ignore[no-untyped-def]
        raise RuntimeError("bug")

    monkeypatch.setattr(import_run, "backup_before", broken)
    dialog = window.import_spreadsheet(write_csv(tmp_path / "janvier.csv", ROWS))
    with qtbot.waitSignal(dialog.checked, timeout=10_000):
        pass
    with qtbot.waitSignal(dialog.failed, timeout=10_000):
        qtbot.mouseClick(dialog.import_button, LEFT)
    assert "erreur inattendue (détails dans la fenêtre d'erreur)" in dialog.status_label.text()
    assert "Simulation sur janvier.csv" in dialog.report.toPlainText()  # the check stays shown
    [crash] = dialog.findChildren(CrashDialog)
    assert crash.isVisible()
    crash.accept()
    assert counts(engine)[0] == 0


@pytest.mark.allow_log("unexpected error")
def test_a_bug_while_checking_opens_the_crash_dialog(
    qtbot, window, engine, tmp_path, monkeypatch
) -> None:
    def broken(engine: Engine, path: Path):  # type: ignore[no-untyped-def]
        raise RuntimeError("bug")
        yield  # a generator, like the real one

    monkeypatch.setattr(import_file, "preview_file_steps", broken)
    dialog = window.import_spreadsheet(write_csv(tmp_path / "janvier.csv", ROWS))
    with qtbot.waitSignal(dialog.failed, timeout=10_000):
        pass
    assert dialog.status_label.text() == (
        "Fichier non vérifié : erreur inattendue (détails dans la fenêtre d'erreur)."
    )
    [crash] = dialog.findChildren(CrashDialog)
    crash.accept()
    assert not dialog.import_button.isEnabled() and dialog.choose_button.isEnabled()


def test_closing_while_the_file_is_checked_stops_the_check(qtbot, window, engine, tmp_path) -> None:
    path = write_csv(tmp_path / "janvier.csv", ROWS)
    dialog = window.import_spreadsheet(path)
    assert dialog.busy
    with qtbot.waitSignals([dialog.cancelled, dialog.finished], timeout=10_000):
        qtbot.mouseClick(dialog.close_button, LEFT)  # closes once the check has stopped
    assert dialog.preview is None and not dialog.isVisible()
    assert counts(engine)[0] == 0


def test_closing_when_the_check_has_just_ended_closes_without_showing_it(
    qtbot, window, engine, tmp_path
) -> None:
    """The check may end between the click and its answer reaching the window."""
    path = write_csv(tmp_path / "janvier.csv", ROWS)
    dialog = window.import_spreadsheet(path)
    assert QThreadPool.globalInstance().waitForDone(10_000)  # answered, not yet delivered
    assert dialog.busy
    with qtbot.waitSignals([dialog.cancelled, dialog.finished], timeout=10_000):
        qtbot.mouseClick(dialog.close_button, LEFT)
    assert dialog.preview is None and not dialog.isVisible()
    assert counts(engine)[0] == 0


def test_a_file_that_is_not_a_spreadsheet_is_named_and_refused(qtbot, window, tmp_path) -> None:
    path = tmp_path / "contacts.xlsx"
    path.write_text("date;site\n01/01/2019;Grésilles\n", encoding="utf-8")
    dialog = window.import_spreadsheet(path)
    with qtbot.waitSignal(dialog.refused, timeout=10_000):
        pass
    assert "contacts.xlsx n'est pas un classeur Excel .xlsx" in dialog.status_label.text()
    assert "renommez-le en .csv" in dialog.status_label.text()
    assert not dialog.import_button.isEnabled()


def test_a_missing_file_is_named(qtbot, window, tmp_path) -> None:
    dialog = window.import_spreadsheet(tmp_path / "absent.csv")
    with qtbot.waitSignal(dialog.refused, timeout=10_000):
        pass
    assert "Fichier introuvable" in dialog.status_label.text()
    assert not dialog.busy and dialog.choose_button.isEnabled()


@pytest.mark.parametrize("read_only", [True, False])
def test_import_is_in_the_file_menu_and_off_in_read_only_mode(
    make_window, ctx, read_only: bool
) -> None:
    ctx.read_only = read_only
    window = make_window()
    action = window.import_action
    assert action.shortcut().toString() == "Ctrl+I"
    assert action in window._menus["Fichier"].actions()
    assert action.isEnabled() is not read_only
    assert ("Ctrl+I" in window.shortcuts_html()) is True
    if read_only:
        assert window.import_spreadsheet(Path("x.csv")) is None


def test_problems_model_shows_empty_cells_and_copies_as_a_table(qtmodeltester) -> None:
    from sarah.services.imports.problems import Problem

    model = ProblemsModel()
    model.set_problems(
        [
            Problem(3, "date", "", "date obligatoire"),
            Problem(1, "nom", None, "colonne obligatoire absente"),
        ]
    )
    qtmodeltester.check(model)
    assert model.index(0, ProblemsModel.VALUE).data() == "(vide)"
    assert model.index(1, ProblemsModel.VALUE).data() == ""
    assert model.as_text().splitlines()[1:] == [
        "3\tdate\t(vide)\tdate obligatoire",
        "1\tnom\t\tcolonne obligatoire absente",
    ]
