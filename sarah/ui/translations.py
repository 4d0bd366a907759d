"""Qt's own words in French: the buttons of message boxes (Oui, Non, Fermer), file dialogs
(Rechercher dans, Nom de fichier, Enregistrer, Annuler), context menus of text fields.

Qt ships these translations with PySide6 (``qtbase_fr.qm``); a frozen build finds them through
the same ``QLibraryInfo`` path, which PyInstaller's PySide6 hook points into the bundle.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

log = logging.getLogger(__name__)

FRENCH = QLocale(QLocale.Language.French, QLocale.Country.France)
CATALOGUES = ("qtbase", "qt")  # qtbase: widgets and dialogs; qt: the meta catalogue, if present


def install_french_translations(app: QCoreApplication) -> list[QTranslator]:
    """Load Qt's French catalogues into ``app`` (once) and make French the default locale."""
    QLocale.setDefault(FRENCH)
    existing = app.findChildren(QTranslator, "sarah-qt-fr")
    if existing:
        return list(existing)
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    loaded: list[QTranslator] = []
    for name in CATALOGUES:
        translator = QTranslator(app)
        translator.setObjectName("sarah-qt-fr")
        if translator.load(FRENCH, name, "_", folder):
            app.installTranslator(translator)
            loaded.append(translator)
        else:
            translator.deleteLater()
    if not loaded:
        log.warning("Qt's French translations were not found in %s", folder)
    return loaded
