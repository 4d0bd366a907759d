"""Errors sorted: a user mistake gets a plain French message; a bug gets this dialog and a log file.

``report_exception(exc, parent)`` is the one place the window sends a failure to;
``failure_text(what, exc, parent)`` does the same and gives the line a screen shows for it. A
:class:`~sarah.errors.UserError` (locked or damaged database, full disk, bad date...) is shown as
is; anything else is written with its traceback to a file under ``paths.log_dir()`` and shown in
:class:`CrashDialog`, which says that what was saved before is safe and where the details are.
"""

from __future__ import annotations

import logging
import platform
import sys
import traceback
from datetime import datetime
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from sarah import __version__, paths
from sarah.errors import UserError

log = logging.getLogger(__name__)


def write_crash_log(exc: BaseException) -> Path:
    """Write the traceback and the context to a new file in the log folder; return its path."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    path = paths.log_dir() / f"erreur-{stamp}.log"
    lines = [
        f"SARAH {__version__} — erreur inattendue du {datetime.now():%d/%m/%Y à %H:%M:%S}",
        f"Python {platform.python_version()} sur {platform.platform()}",
        "",
        *traceback.format_exception(type(exc), exc, exc.__traceback__),
    ]
    path.write_text("\n".join(line.rstrip("\n") for line in lines) + "\n", encoding="utf-8")
    return path


class CrashDialog(QDialog):
    """Calm explanation, the log file's place, the details to copy for whoever maintains SARAH."""

    def __init__(self, exc: BaseException, log_path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.log_path = log_path
        self.setWindowTitle("SARAH — erreur inattendue")
        intro = QLabel(
            "<b>SARAH a rencontré une erreur inattendue.</b><br><br>"
            "Les contacts déjà marqués « Enregistré » sont en sécurité dans la base. "
            "L'opération en cours n'a peut-être pas abouti : vérifiez-la, puis continuez.<br><br>"
            f"Le détail a été enregistré dans :<br><code>{log_path}</code><br>"
            "Transmettez ce fichier à la personne qui s'occupe de SARAH.",
            self,
        )
        intro.setWordWrap(True)
        self.details = QPlainTextEdit(self)
        self.details.setReadOnly(True)
        self.details.setPlainText(
            "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
        )
        self.details.setMinimumHeight(140)

        buttons = QDialogButtonBox(self)
        copy = QPushButton("&Copier le détail", self)
        copy.clicked.connect(self.copy_details)
        folder = QPushButton("Ouvrir le &dossier des journaux", self)
        folder.clicked.connect(self.open_folder)
        buttons.addButton(copy, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(folder, QDialogButtonBox.ButtonRole.ActionRole)
        close = buttons.addButton("&Fermer", QDialogButtonBox.ButtonRole.AcceptRole)
        close.setDefault(True)
        buttons.accepted.connect(self.accept)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.details, 1)
        layout.addWidget(buttons)
        self.resize(640, 420)

    def copy_details(self) -> None:
        QGuiApplication.clipboard().setText(f"{self.log_path}\n\n{self.details.toPlainText()}")

    def open_folder(self) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.log_path.parent)))


def show_user_error(
    exc: UserError, parent: QWidget | None = None, *, blocking: bool = False
) -> QMessageBox:
    """The French message of a problem the user can act on, nothing technical."""
    box = QMessageBox(
        QMessageBox.Icon.Warning, "SARAH", exc.message, QMessageBox.StandardButton.Ok, parent
    )
    if exc.details:
        box.setInformativeText("\n".join(exc.details[:15]))
    if blocking:
        box.exec()
    else:
        box.open()
    return box


def report_exception(exc: BaseException, parent: QWidget | None = None) -> QDialog:
    """Show a failure the right way (user message or crash dialog); never raises."""
    if isinstance(exc, UserError):
        return show_user_error(exc, parent)
    try:
        log_path = write_crash_log(exc)
    except OSError:
        log_path = Path("(journal impossible à écrire)")
    log.error("unexpected error", exc_info=exc)
    dialog = CrashDialog(exc, log_path, parent)
    dialog.open()
    return dialog


UNEXPECTED = "erreur inattendue (détails dans la fenêtre d'erreur)"


def failure_text(what: str, exc: BaseException, parent: QWidget) -> str:
    """The one line a screen shows when its work failed, and the one way failures are sorted.

    A problem the user can act on gives ``"<what> : <its French reason>"``; a bug opens the crash
    dialog (traceback in the log folder) and the line points to it. Callers show the line where
    the work was asked for (status line, banner) and keep what the user typed. The parent owns
    the dialog, so it stays open after this returns.
    """
    if isinstance(exc, UserError):
        return f"{what} : {exc.message}"
    report_exception(exc, parent)
    return f"{what} : {UNEXPECTED}."


def install_excepthook() -> None:
    """Route uncaught exceptions of the event loop to :func:`report_exception`."""
    previous = sys.excepthook

    def hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            previous(kind, exc, tb)
            return
        if exc.__traceback__ is None:
            exc = exc.with_traceback(tb)
        report_exception(exc, QApplication.activeWindow())

    sys.excepthook = hook
