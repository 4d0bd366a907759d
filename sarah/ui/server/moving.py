"""Saving where the data lives: the settings keep the place (a server's URL without its
password), the keychain keeps the password, and a change from Poste de travail takes effect at
the next start of SARAH (the window says so and offers to close now: no half state)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QMessageBox, QWidget

from sarah.errors import UserError
from sarah.services.server.keychain import store_password
from sarah.services.server.location import describe_target, server_fields
from sarah.settings import Settings, save_settings
from sarah.ui.server.location_panel import ChosenLocation

NO_KEYCHAIN = (
    "Aucun trousseau de mots de passe ne fonctionne sur ce poste : le mot de passe du serveur "
    "n'est enregistré nulle part et sera demandé à chaque démarrage."
)


def refuse_unusable_file(chosen: ChosenLocation) -> None:
    """A file SARAH would refuse at start (network share, cloud folder, a folder, a place where
    nothing can be created) is refused now, with the same French message."""
    if chosen.on_server or chosen.target is None:
        return
    from sarah.dbfile import refuse_unusable_path
    from sarah.services.backups.location import refuse_unsafe_location

    path = Path(chosen.target).expanduser().resolve()
    refuse_unsafe_location(path)
    refuse_unusable_path(path)


def keep_location(settings: Settings, chosen: ChosenLocation, *, save: bool = True) -> bool:
    """Put the place in the settings (saved unless ``save`` is False: the caller saves them
    with the rest) and the password in the keychain. False when no keychain took the password
    (it is then asked at each start); nothing is written in clear."""
    before = settings.database
    settings.database = chosen.target
    if save:
        try:
            save_settings(settings)
        except BaseException:
            settings.database = before  # nothing half-written: the window's settings unchanged
            raise
    fields = server_fields(chosen.target) if chosen.target else None
    if fields is not None and chosen.password:
        return store_password(fields, chosen.password)
    return True


def tell_restart(parent: QWidget | None, chosen: ChosenLocation, keychain_ok: bool) -> QMessageBox:
    """The place is saved, the window still works on the old one until SARAH restarts."""
    where = describe_target(chosen.target) if chosen.target else "le fichier par défaut"
    text = (
        f"Les données seront lues sur {where} au prochain démarrage de SARAH. D'ici là, "
        "cette fenêtre continue sur les données actuelles : fermez SARAH puis rouvrez-le."
    )
    box = QMessageBox(QMessageBox.Icon.Information, "SARAH — emplacement des données", text)
    box.setParent(parent, box.windowFlags())
    if not keychain_ok:
        box.setInformativeText(NO_KEYCHAIN)
    box.setObjectName("restartNotice")
    close_now = box.addButton("&Fermer SARAH maintenant", QMessageBox.ButtonRole.AcceptRole)
    box.addButton("Plus &tard", QMessageBox.ButtonRole.RejectRole)
    if parent is not None:
        window = parent.window()
        close_now.clicked.connect(window.close)
    box.open()
    return box


def location_problem(chosen: ChosenLocation) -> str | None:
    """The French reason a file would be refused, None when it is usable."""
    try:
        refuse_unusable_file(chosen)
    except UserError as exc:
        return exc.message
    return None
