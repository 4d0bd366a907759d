"""The window on a server: the status bar says where the data lives; a lost server shows a
banner, a probe (a worker, every few seconds) clears it when the server answers again.

A save that fails while the server is away keeps what the agent typed (the desk form keeps its
entry on any UserError); once the banner says the server is back, Entrée saves as usual.
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QWidget
from sqlalchemy import Engine

from sarah.services.server.location import connection_encrypted, server_fields, where_data_lives
from sarah.services.server.reach import server_problem
from sarah.ui.context import AppContext
from sarah.ui.elide import cut_in_middle
from sarah.ui.workers import run_in_background

log = logging.getLogger(__name__)

PROBE_SECONDS = 5
BACK_MESSAGE_MS = 15_000
LOST_TEXT = (
    "<b>Serveur injoignable</b> ({label}) : rien n'a été perdu, ce qui a été tapé reste dans "
    "le formulaire. SARAH réessaie toutes les {seconds} s et vous prévient dès que le serveur "
    "répond."
)
BACK_TEXT = "Le serveur répond de nouveau : enregistrez avec Entrée comme d'habitude."


class DataLocationLabel(QLabel):
    """The permanent status widget: "Données : fichier …" or "Données : serveur … (chiffré)".

    A long path is cut in its middle so that it never widens the window (a desk's screen is
    1366 px wide); the whole text stays in the tooltip and in :meth:`full_text`."""

    def __init__(self, engine: Engine, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dataLocation")
        self.engine = engine
        self._full = ""
        self._show(where_data_lives(engine))  # from the URL at once, the connection's word next

    def full_text(self) -> str:
        return self._full

    def _show(self, text: str) -> None:
        self._full = text
        self.setText(cut_in_middle(self, text))
        self.setToolTip(f"{text}\nOù sont les données de ce poste (Fichier > Poste de travail)")

    def refresh(self) -> None:
        if self.engine.dialect.name == "sqlite":
            return
        run_in_background(
            connection_encrypted, self.engine, on_result=self._encrypted, on_error=self._unknown
        )

    def _encrypted(self, encrypted: bool | None) -> None:
        self._show(where_data_lives(self.engine, encrypted))

    def _unknown(self, exc: BaseException) -> None:
        log.info("encryption of the connection not read: %s", type(exc).__name__)


def server_answers(url: str) -> bool:
    """True when the server takes a connection now (SARAH's own probe, a short timeout)."""
    return server_problem(url) is None


class ServerLostBanner(QFrame):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("serverLost")
        self.setStyleSheet(
            "#serverLost { background: #fef2f2; border: 1px solid #fca5a5; border-radius: 4px; }"
        )
        self.text_label = QLabel(self)
        self.text_label.setObjectName("serverLostText")
        self.text_label.setWordWrap(True)
        layout = QHBoxLayout(self)
        layout.addWidget(self.text_label, 1)
        self.hide()


class ServerWatch(QObject):
    """After any failed write, asks whether the server answers; while it does not, the banner
    shows and the probe runs every ``probe_seconds``; when it answers, the banner goes and the
    status bar says so."""

    def __init__(self, window: Any, ctx: AppContext, *, probe_seconds: int | None = None) -> None:
        super().__init__(window)
        self.window = window
        self.ctx = ctx
        self.seconds = probe_seconds or PROBE_SECONDS
        self.url = ctx.engine.url.render_as_string(hide_password=False)
        self.banner = ServerLostBanner(window)
        self.timer = QTimer(self)
        self.timer.setInterval(self.seconds * 1000)
        self.timer.timeout.connect(self.check_now)
        self._probing = False

    @property
    def lost(self) -> bool:
        return self.banner.isVisibleTo(self.window)

    def check_now(self, *_args: object) -> None:
        if self._probing:
            return
        self._probing = True
        run_in_background(
            server_answers, self.url, on_result=self._answered, on_error=self._probe_failed
        )

    def _answered(self, answers: bool) -> None:
        self._probing = False
        if not answers:
            self._show_lost()
        elif self.lost:
            self._show_back()

    def _probe_failed(self, exc: BaseException) -> None:
        self._probing = False
        log.warning("server probe failed: %s", type(exc).__name__)

    def _show_lost(self) -> None:
        fields = server_fields(self.url)
        label = fields.label if fields is not None else ""
        self.banner.text_label.setText(LOST_TEXT.format(label=label, seconds=self.seconds))
        self.banner.show()
        if not self.timer.isActive():
            self.timer.start()

    def _show_back(self) -> None:
        self.timer.stop()
        self.banner.hide()
        self.window.statusBar().showMessage(BACK_TEXT, BACK_MESSAGE_MS)


def _failure_signals(window: Any) -> list[Any]:
    """The signals of the screens that write: each failure makes the watch look at the server."""
    found = []
    for owner, name in (
        (getattr(getattr(window, "desk", None), "form", None), "save_failed"),
        (getattr(getattr(window, "catchup", None), "form", None), "save_failed"),
        (getattr(window, "journal", None), "write_failed"),
    ):
        signal = getattr(owner, name, None) if owner is not None else None
        if signal is not None:
            found.append(signal)
    return found


def install_data_location(window: Any, ctx: AppContext) -> ServerWatch | None:
    """The status widget, and on a server the banner and its probe (from build_main_window)."""
    label = DataLocationLabel(ctx.engine, window)
    window.add_status_widget(label)
    label.refresh()
    window._data_location = label
    if ctx.engine.dialect.name != "postgresql":
        return None
    watch = ServerWatch(window, ctx)
    window.add_banner(watch.banner)
    for signal in _failure_signals(window):
        signal.connect(watch.check_now)
    window.about_to_close.connect(watch.timer.stop)
    window._server_watch = watch
    return watch
