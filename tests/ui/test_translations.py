"""Qt's own words are French: message boxes, file dialogs, the F1 help's button."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication, QDialogButtonBox, QFileDialog, QMessageBox

from sarah.ui.translations import install_french_translations


def test_yes_no_of_a_question_are_oui_non(qtbot) -> None:  # type: ignore[no-untyped-def]
    box = QMessageBox(
        QMessageBox.Icon.Question,
        "Restaurer",
        "Restaurer cette sauvegarde ?",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
    )
    qtbot.addWidget(box)
    texts = {
        box.button(b).text().replace("&", "")
        for b in (QMessageBox.StandardButton.Yes, QMessageBox.StandardButton.No)
    }
    assert texts == {"Oui", "Non"}


def test_close_and_cancel_buttons_are_french(qtbot) -> None:  # type: ignore[no-untyped-def]
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Close | QDialogButtonBox.StandardButton.Cancel
    )
    qtbot.addWidget(buttons)
    assert buttons.button(QDialogButtonBox.StandardButton.Close).text().replace("&", "") == "Fermer"
    assert (
        buttons.button(QDialogButtonBox.StandardButton.Cancel).text().replace("&", "") == "Annuler"
    )


def test_file_dialog_labels_are_french(qtbot) -> None:  # type: ignore[no-untyped-def]
    dialog = QFileDialog(None, "Enregistrer le rapport")
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    qtbot.addWidget(dialog)
    look_in = dialog.labelText(QFileDialog.DialogLabel.LookIn)
    file_name = dialog.labelText(QFileDialog.DialogLabel.FileName)
    accept = dialog.labelText(QFileDialog.DialogLabel.Accept)
    reject = dialog.labelText(QFileDialog.DialogLabel.Reject)
    english = {"Look in:", "File name:", "&Save", "Save", "Cancel", "&Cancel"}
    assert not {look_in, file_name, accept, reject} & english
    assert "Annuler" in reject.replace("&", "")
    assert "Enregistrer" in accept.replace("&", "")


def test_installing_twice_loads_the_catalogues_once(qapp: QApplication) -> None:
    first = install_french_translations(qapp)
    again = install_french_translations(qapp)
    assert first and [id(t) for t in again] == [id(t) for t in first]


def test_the_f1_help_closes_with_fermer(window) -> None:  # type: ignore[no-untyped-def]
    dialog = window.show_shortcuts()
    buttons = dialog.findChild(QDialogButtonBox)
    labels = [b.text().replace("&", "") for b in buttons.buttons()]
    dialog.close()
    assert labels == ["Fermer"]
