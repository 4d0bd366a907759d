"""At start, a server that does not answer, refuses, or needs its password typed.

- **Serveur injoignable**: names the server and what is wrong, keeps the form as typed, and
  tries again on its own every ``retry_seconds`` (the countdown shows) until the server answers;
  "Réessayer" tries at once, "Quitter" quits. The window opens as soon as the server answers.
- **Connexion refusée** (wrong password, unknown database or user): the form, the cursor in the
  field to correct, no automatic retry (trying again changes nothing until a field changes).
- **Mot de passe du serveur**: no keychain on this PC, so the password is asked at each start.
"""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from sarah.errors import UserError
from sarah.services.server.keychain import server_url, url_password, without_password
from sarah.services.server.location import server_fields
from sarah.ui.dialogs.crash import failure_text
from sarah.ui.server.attempt import Attempt, try_server
from sarah.ui.server.fields_form import PASSWORD, ServerFieldsForm
from sarah.ui.server.location_panel import ChosenLocation
from sarah.ui.style import ERROR_STYLE, HINT_COLOUR
from sarah.ui.workers import run_in_background

RETRY_SECONDS = 10
UNREACHABLE, REFUSED, PASSWORD_ASKED = "unreachable", "refused", "password"
TITLES = {
    UNREACHABLE: "Serveur injoignable",
    REFUSED: "Connexion refusée par le serveur",
    PASSWORD_ASKED: "Mot de passe du serveur",
}


class ServerProblemDialog(QDialog):
    """On accept, ``connect_url`` answered (the URL with its password) and ``chosen`` is the
    place as the settings keep it, with the password typed."""

    def __init__(
        self,
        url: str,
        error: UserError | None,
        *,
        mode: str,
        field: str | None = None,
        retry_seconds: int = RETRY_SECONDS,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("serverProblem")
        self.retry_seconds = retry_seconds
        self.connect_url: str | None = None
        self.chosen: ChosenLocation | None = None
        self._left = 0
        self._trying = False
        self._closed = False
        self.title_label = QLabel(self)
        self.title_label.setObjectName("title")
        self.message_label = QLabel(self)
        self.message_label.setObjectName("message")
        self.message_label.setWordWrap(True)
        self.form = ServerFieldsForm(self)
        fields = server_fields(url)
        if fields is not None:
            self.form.set_fields(fields, url_password(url))
        self.countdown_label = QLabel(self)
        self.countdown_label.setObjectName("countdown")
        self.countdown_label.setStyleSheet(f"color: {HINT_COLOUR};")
        self.retry_button = QPushButton("&Réessayer", self)
        self.retry_button.setObjectName("retry")
        self.retry_button.setDefault(True)
        self.retry_button.clicked.connect(self.try_now)
        self.quit_button = QPushButton("&Quitter", self)
        self.quit_button.setObjectName("quit")
        self.quit_button.setAutoDefault(False)
        self.quit_button.clicked.connect(self.reject)
        self._lay_out()
        self.timer = QTimer(self)
        self.timer.setInterval(1000)
        self.timer.timeout.connect(self._tick)
        self.setMinimumWidth(520)
        self._show(mode, error, field)

    def _lay_out(self) -> None:
        buttons = QHBoxLayout()
        buttons.addWidget(self.countdown_label, 1)
        buttons.addWidget(self.retry_button)
        buttons.addWidget(self.quit_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title_label)
        layout.addWidget(self.message_label)
        layout.addWidget(self.form)
        layout.addLayout(buttons)

    # --- what the dialog says ------------------------------------------------------------------

    def _show(self, mode: str, error: UserError | None, field: str | None) -> None:
        self.mode = mode
        self.setWindowTitle(f"SARAH — {TITLES[mode]}")
        self.title_label.setText(f"<b>{TITLES[mode]}</b> — {self.form.fields().label}")
        if mode == PASSWORD_ASKED:
            self.message_label.setStyleSheet("")
            self.message_label.setText(
                "Aucun trousseau de mots de passe ne fonctionne sur ce poste : SARAH ne garde "
                "pas le mot de passe du serveur et le demande à chaque démarrage. Tapez-le, "
                "puis Entrée (laissez-le vide si le serveur n'en demande pas)."
            )
        else:
            self.message_label.setStyleSheet(ERROR_STYLE)
            self.message_label.setText(error.message if error is not None else "")
        if mode == UNREACHABLE:
            self.retry_button.setText("&Réessayer maintenant")
            self._count_down()
        else:
            self.timer.stop()
            self.retry_button.setText("&Se connecter" if mode == PASSWORD_ASKED else "&Réessayer")
            self.countdown_label.setText(
                "" if mode == PASSWORD_ASKED else "Corrigez le champ indiqué, puis Entrée."
            )
            self.form.focus(field or PASSWORD)

    def _count_down(self) -> None:
        self._left = self.retry_seconds
        self._say_countdown()
        self.timer.start()

    def _say_countdown(self) -> None:
        self.countdown_label.setText(f"Nouvel essai automatique dans {self._left} s")

    def _tick(self) -> None:
        if self._trying:
            return
        self._left -= 1
        if self._left <= 0:
            self.try_now()
        else:
            self._say_countdown()

    # --- trying ---------------------------------------------------------------------------------

    def url(self) -> str:
        """What the form says now, with the password typed."""
        return server_url(self.form.fields(), self.form.password() or None)

    def try_now(self) -> None:
        if self._trying:
            return
        missing = self.form.missing()
        if missing is not None:
            name, words = missing
            self._show(REFUSED, UserError(words), name)
            return
        self._trying = True
        self.timer.stop()
        self.retry_button.setEnabled(False)
        self.countdown_label.setText("Connexion au serveur…")
        url = self.url()
        run_in_background(
            try_server,
            url,
            on_result=lambda attempt: self._tried(url, attempt),
            on_error=self._failed,
        )

    def _failed(self, exc: BaseException) -> None:
        self._trying = False
        if self._closed:
            return
        self.retry_button.setEnabled(True)
        self._show(REFUSED, UserError(failure_text("Connexion impossible", exc, self)), None)

    def _tried(self, url: str, attempt: Attempt) -> None:
        self._trying = False
        if self._closed:
            return  # "Quitter" while the try ran
        self.retry_button.setEnabled(True)
        if attempt.usable:
            self.connect_url = url
            self.chosen = ChosenLocation(without_password(url), self.form.password())
            self.timer.stop()
            self.accept()
            return
        if attempt.unreachable:
            self._show(UNREACHABLE, attempt.error, None)
        else:
            self._show(REFUSED, attempt.error or UserError(attempt.words()), attempt.field)

    def done(self, result: int) -> None:
        self._closed = True
        self.timer.stop()
        super().done(result)
