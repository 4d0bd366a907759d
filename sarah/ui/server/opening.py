"""Opening the window's data when it lives on a server: the password from the keychain (or
asked, where no keychain works), and a server that does not answer or refuses handled by
:class:`~sarah.ui.server.problem_dialog.ServerProblemDialog` instead of an error and exit."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QDialog
from sqlalchemy.engine import make_url

from sarah.db import database_url
from sarah.errors import ServerRefused, ServerUnreachable
from sarah.services.server.keychain import (
    keychain_available,
    store_password,
)
from sarah.services.server.location import server_fields, with_kept_password
from sarah.settings import Settings
from sarah.ui.backup.startup import OpenedDatabase, open_checked_database
from sarah.ui.server import problem_dialog
from sarah.ui.server.attempt import failed_attempt
from sarah.ui.server.location_panel import ChosenLocation, canonical
from sarah.ui.server.moving import keep_location
from sarah.ui.server.problem_dialog import (
    PASSWORD_ASKED,
    REFUSED,
    UNREACHABLE,
    ServerProblemDialog,
)

Remember = Callable[[ChosenLocation], None]


def remember_in_settings(settings: Settings) -> Remember:
    """What a corrected form becomes: the settings' place (when it changed) and the keychain's
    password (when one was typed)."""

    def remember(chosen: ChosenLocation) -> None:
        if canonical(chosen.target) != canonical(settings.database):
            keep_location(settings, chosen)
            return
        fields = server_fields(chosen.target) if chosen.target else None
        if fields is not None and chosen.password:
            store_password(fields, chosen.password)

    return remember


def open_for_window(
    target: str | None, *, password: str | None = None, remember: Remember | None = None
) -> OpenedDatabase | None:
    """:func:`open_checked_database` for the window; None when the agent chose to quit.

    A file opens as before. A server: the password asked first where no keychain works, then
    each unreachable or refusing server shows the dialog until it answers or the agent quits;
    what the agent corrected there is passed to ``remember``.
    """
    if target is None or server_fields(target) is None:
        return open_checked_database(target)
    url = with_kept_password(target, password) or target
    asked: ServerProblemDialog | None = None
    if make_url(database_url(url)).password is None and not keychain_available():
        asked = ServerProblemDialog(url, None, mode=PASSWORD_ASKED)
    while True:
        if asked is not None:
            asked.exec()
            if asked.result() != QDialog.DialogCode.Accepted or asked.connect_url is None:
                return None
            url = asked.connect_url
            if remember is not None and asked.chosen is not None:
                remember(asked.chosen)
        try:
            return open_checked_database(url)
        except (ServerUnreachable, ServerRefused) as exc:
            asked = _dialog(url, exc)


def _dialog(url: str, exc: ServerUnreachable | ServerRefused) -> ServerProblemDialog:
    attempt = failed_attempt(url, exc)
    return ServerProblemDialog(
        url,
        attempt.error,
        mode=UNREACHABLE if attempt.unreachable else REFUSED,
        field=attempt.field,
        retry_seconds=problem_dialog.RETRY_SECONDS,
    )
