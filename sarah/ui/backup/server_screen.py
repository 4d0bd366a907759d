"""The Sauvegardes screen when the data lives on a PostgreSQL server.

Not the SQLite screen pretending: it says where the data lives, what the server does for its
own backups (continuous archiving, as far as this desk's role can see), whether this desk can
make a pg_dump copy, the copies it made, a « Sauvegarder maintenant (pg_dump) » run by a
worker, and who restores a copy and how (the server's administrator, with pg_restore).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import Engine

from sarah.errors import UserError
from sarah.services.backups.server_dump import DumpInfo, dump_server_steps, server_label
from sarah.services.backups.server_listing import list_dumps, restore_commands
from sarah.services.backups.server_state import ServerBackupState, server_backup_state
from sarah.services.backups.server_tools import DumpTools, dump_tools
from sarah.services.backups.status import human_size
from sarah.ui.context import AppContext
from sarah.ui.dialogs.crash import failure_text
from sarah.ui.style import ERROR_COLOUR, SUCCESS_COLOUR
from sarah.ui.table_models.dump_list import DumpTableModel
from sarah.ui.workers import run_in_background
from sarah.vocabulary import count_text

WARNING_STYLE = "color: #7c2d12; font-weight: bold;"
RESTORE_TEXT = (
    "<b>Restaurer une copie</b> : la base est sur le serveur, elle n'est jamais remplacée "
    "depuis un poste. C'est l'administrateur du serveur qui remet une copie en place, sur le "
    "serveur (où il copie d'abord le fichier), après avoir fait fermer SARAH sur tous les "
    "postes : dans une base neuve d'abord, "
    "vérifiée, puis échangée avec l'ancienne, qui est gardée (docs/serveur.md, « Restaurer une "
    "copie »). Les commandes pour la copie choisie :"
)


@dataclass(frozen=True)
class ServerView:
    """What the screen shows, read off the GUI thread."""

    state: ServerBackupState | None
    state_problem: str | None
    tools: DumpTools | None
    tools_problem: str | None
    dumps: list[DumpInfo]


def read_server_view(engine: Engine, folder: Path) -> ServerView:
    try:
        state, state_problem = server_backup_state(engine), None
    except UserError as exc:
        state, state_problem = None, exc.message
    try:
        tools, tools_problem = dump_tools(engine), None
    except UserError as exc:
        tools, tools_problem = None, exc.message
    return ServerView(state, state_problem, tools, tools_problem, list_dumps(folder, engine.url))


class ServerBackupScreen(QWidget):
    listed = Signal()
    dumped = Signal(object)  # DumpInfo
    dump_failed = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.view: ServerView | None = None
        self.running = False
        self.select_next: Path | None = None  # the copy just made is the one shown next
        self.choose_folder = self._choose_folder  # replaceable in tests
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("<h2>Sauvegardes</h2>", self))
        self.where_label = self._label("serverWhere")
        self.where_label.setText(
            f"Les données sont sur le serveur PostgreSQL <b>{server_label(ctx.engine.url)}</b> : "
            "ce poste n'en garde pas de copie à lui. Ce qui les protège : les sauvegardes du "
            "serveur lui-même et les copies pg_dump faites d'ici."
        )
        self.state_label = self._label("serverBackupState")
        self.tools_label = self._label("serverDumpTools")
        for label in (self.where_label, self.state_label, self.tools_label):
            layout.addWidget(label)
        layout.addLayout(self._build_actions())
        self.progress = QProgressBar(self)
        self.progress.setVisible(False)
        self.message = self._label("serverBackupMessage")
        layout.addWidget(self.progress)
        layout.addWidget(self.message)
        layout.addWidget(self._build_table(), 1)
        self._build_restore(layout)
        self.refresh()

    # --- building ------------------------------------------------------------------------------

    def _label(self, name: str) -> QLabel:
        label = QLabel("", self)
        label.setObjectName(name)
        label.setWordWrap(True)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        return label

    def _build_actions(self) -> QVBoxLayout:
        self.folder_label = QLabel("", self)
        self.folder_button = QPushButton("&Choisir le dossier…", self)
        self.folder_button.setToolTip("Dossier des copies pg_dump : autre disque, partage réseau")
        self.folder_button.clicked.connect(self.change_folder)
        self.dump_button = QPushButton("&Sauvegarder maintenant (pg_dump)", self)
        self.dump_button.setToolTip("Faire tout de suite une copie vérifiée de la base du serveur")
        self.dump_button.clicked.connect(self.dump_now)
        self.refresh_button = QPushButton("&Actualiser", self)
        self.refresh_button.clicked.connect(self.refresh)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder_label, 1)
        folder_row.addWidget(self.folder_button)
        row = QHBoxLayout()
        row.addWidget(self.dump_button)
        row.addStretch(1)
        row.addWidget(self.refresh_button)
        box = QVBoxLayout()
        box.addLayout(folder_row)
        box.addLayout(row)
        return box

    def _build_table(self) -> QTableView:
        self.model = DumpTableModel(self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.table.selectionModel().selectionChanged.connect(lambda *_a: self._show_commands())
        return self.table

    def _build_restore(self, layout: QVBoxLayout) -> None:
        explanation = QLabel(RESTORE_TEXT, self)
        explanation.setWordWrap(True)
        self.commands = QPlainTextEdit(self)
        self.commands.setObjectName("restoreCommands")
        self.commands.setReadOnly(True)
        self.commands.setMaximumHeight(110)
        self.commands.setTabChangesFocus(True)
        self.copy_button = QPushButton("Co&pier les commandes", self)
        self.copy_button.clicked.connect(self.copy_commands)
        row = QHBoxLayout()
        row.addWidget(self.commands, 1)
        row.addWidget(self.copy_button, 0, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(explanation)
        layout.addLayout(row)
        self._show_commands()

    # --- data ----------------------------------------------------------------------------------

    def folder(self) -> Path:
        return self.ctx.settings.backup_path()

    def refresh(self) -> None:
        folder = self.folder()
        self.folder_label.setText(f"Dossier des copies pg_dump : <b>{folder}</b>")
        if self.view is None:
            self.state_label.setText("Sauvegardes du serveur : lecture en cours…")
        run_in_background(
            read_server_view,
            self.ctx.engine,
            folder,
            on_result=self._show_view,
            on_error=self._fail,
        )

    def _show_view(self, view: ServerView) -> None:
        self.view = view
        if view.state is not None:
            self.state_label.setText(view.state.message)
            self.state_label.setStyleSheet(
                WARNING_STYLE if view.state.warning else f"color: {SUCCESS_COLOUR};"
            )
        else:
            self.state_label.setText(f"Sauvegardes du serveur : illisibles ({view.state_problem})")
            self.state_label.setStyleSheet(WARNING_STYLE)
        if view.tools is not None:
            self.tools_label.setText(
                f"pg_dump {view.tools.major} ({view.tools.pg_dump}) : ce poste peut faire une "
                "copie vérifiée de la base."
            )
            self.tools_label.setStyleSheet("")
        else:
            self.tools_label.setText(view.tools_problem or "")
            self.tools_label.setStyleSheet(WARNING_STYLE)
        chosen = self.select_next or (c.path if (c := self.selected()) is not None else None)
        self.select_next = None
        self.model.set_rows(view.dumps)
        names = [d.path for d in view.dumps]
        if view.dumps:
            self.table.selectRow(names.index(chosen) if chosen in names else 0)
        self._show_commands()
        self._update_buttons()
        self.listed.emit()

    def selected(self) -> DumpInfo | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def _show_commands(self) -> None:
        chosen = self.selected()
        path = chosen.path if chosen is not None else Path("COPIE.dump")
        self.commands.setPlainText("\n".join(restore_commands(path, self.ctx.engine.url)))

    def copy_commands(self) -> None:
        QGuiApplication.clipboard().setText(self.commands.toPlainText())
        self.message.setText("Commandes copiées : à transmettre à l'administrateur du serveur.")

    def _update_buttons(self) -> None:
        usable = self.view is not None and self.view.tools is not None
        self.dump_button.setEnabled(usable and not self.running and not self.ctx.read_only)
        self.folder_button.setEnabled(not self.running)

    def _fail(self, exc: BaseException) -> None:
        line = failure_text("Sauvegardes du serveur illisibles", exc, self)
        self.message.setText(f"<span style='color:{ERROR_COLOUR}'>{line}</span>")
        self._update_buttons()

    # --- dump now ------------------------------------------------------------------------------

    def dump_now(self) -> None:
        if self.running:
            self.message.setText("Une copie est déjà en cours.")
            return
        self.running = True
        self._update_buttons()
        self.progress.setRange(0, 0)
        self.progress.setVisible(True)
        self.message.setText("Copie pg_dump en cours…")
        tools = self.view.tools if self.view is not None else None
        run_in_background(
            dump_server_steps,
            self.ctx.engine,
            self.folder(),
            "manuelle",
            tools=tools,
            on_progress=self._progress,
            on_result=self._dumped,
            on_error=self._dump_failed,
        )

    def _progress(self, done: int, total: int, text: str) -> None:
        self.progress.setRange(0, total)
        self.progress.setValue(done)
        self.message.setText(text)

    def _dumped(self, info: DumpInfo) -> None:
        self.select_next = info.path
        self._dump_done()
        self.message.setText(
            f"Copie pg_dump vérifiée : {info.path.name} ({human_size(info.size)}, "
            f"{count_text(info.contacts)} contacts)."
        )
        self.dumped.emit(info)

    def _dump_failed(self, exc: BaseException) -> None:
        self._dump_done()
        line = failure_text("Copie pg_dump non faite", exc, self)
        self.message.setText(f"<span style='color:{ERROR_COLOUR}'><b>{line}</b></span>")
        self.dump_failed.emit(line)

    def _dump_done(self) -> None:
        self.running = False
        self.progress.setVisible(False)
        self._update_buttons()
        self.refresh()

    # --- the folder ----------------------------------------------------------------------------

    def _choose_folder(self, start: Path) -> Path | None:
        chosen = QFileDialog.getExistingDirectory(self, "Dossier des copies pg_dump", str(start))
        return Path(chosen) if chosen else None

    def change_folder(self) -> None:
        chosen = self.choose_folder(self.folder())
        if chosen is None:
            return
        self.ctx.settings.backup_dir = str(chosen)
        self.ctx.save_settings()
        self.refresh()

    def apply_role(self) -> None:
        """The window's role changed (the screen itself is gated by the window)."""
        self._update_buttons()


def install_server_backups(window: Any, ctx: AppContext, key: str, shortcut: str) -> None:
    screen = ServerBackupScreen(ctx, window)
    window.add_screen(key, "Sauvegardes", screen, shortcut)
    window._server_backup_screen = screen


def server_backup_screen(window: Any) -> ServerBackupScreen | None:
    return getattr(window, "_server_backup_screen", None)
