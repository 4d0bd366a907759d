"""The import dialog with hostile files: formula-like values are listed as warnings (the file
can still be imported), a zip bomb is refused with its French message, a file wrong everywhere
says how many problems the table leaves out."""

from __future__ import annotations

import csv
import zipfile
from pathlib import Path

import pytest

from sarah.services.imports import parse as import_parse
from sarah.ui.dialogs.import_file import ImportDialog

HEADER = ["date", "heure", "site", "canal", "nom", "prenom"]
LINK = '=HYPERLINK("http://evil.example/x","Cliquez")'


def _csv(path: Path, rows: list[list[str]]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, delimiter=";")
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


def test_formula_like_values_are_shown_as_warnings_and_the_file_can_be_imported(
    qtbot, ctx, tmp_path
) -> None:
    path = _csv(
        tmp_path / "formules.csv",
        [
            ["02/01/2019", "09:00", "Grésilles", "P", LINK, "Jean"],
            ["02/01/2019", "09:30", "Grésilles", "P", "Roux", "@SUM(1+1)"],
        ],
    )
    dialog = ImportDialog(ctx)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.checked, timeout=10_000):
        dialog.check(path)
    report = dialog.report.toPlainText()
    assert "Attention : 2 valeurs commencent par =, +, - ou @" in report
    assert (
        f"ligne 2, colonne « nom » : commence par « = », comme une formule de tableur (valeur « {LINK} »)"
        in report
    )
    assert "ligne 3, colonne « prenom » : commence par « @ »" in report
    assert dialog.import_button.isEnabled()


def test_a_zip_bomb_is_refused_with_its_reason(qtbot, ctx, tmp_path) -> None:
    path = tmp_path / "bombe.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        with zf.open("xl/worksheets/sheet1.xml", "w") as fh:
            for _ in range(50):
                fh.write(b"A" * (1 << 20))
    dialog = ImportDialog(ctx)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.refused, timeout=10_000):
        dialog.check(path)
    status = dialog.status_label.text()
    assert "ferait 50 Mo une fois décompressée" in status and "bombe de décompression" in status
    assert not dialog.import_button.isEnabled()


def test_a_file_wrong_everywhere_says_how_many_problems_are_not_in_the_table(
    qtbot, ctx, tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(import_parse, "MAX_PROBLEMS", 30)
    path = _csv(tmp_path / "fax.csv", [["02/01/2019", "09:00", "A", "fax", "Roux", "Ana"]] * 45)
    dialog = ImportDialog(ctx)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.refused, timeout=10_000):
        dialog.check(path)
    assert dialog.problems_model.rowCount() == 30
    status = dialog.status_label.text()
    assert "(45 lignes en erreur" in status
    assert status.endswith("Les 30 premiers problèmes sont listés, 15 autres ne le sont pas.")
