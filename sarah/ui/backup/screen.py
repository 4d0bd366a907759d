"""The Sauvegardes screen: the state, the backup folder, the list, backup now, restore."""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from sarah.db import sqlite_path
from sarah.services.accounts.roles import may, refusal
from sarah.services.backups.listing import RECHECK_HOURS, check_backups, list_backups
from sarah.services.backups.record import BackupInfo
from sarah.services.backups.restore import RestoreResult, restore_backup
from sarah.services.backups.status import BackupState, backup_state
from sarah.ui.backup.auto import AutoBackup
from sarah.ui.context import AppContext
from sarah.ui.dialogs.crash import failure_text
from sarah.ui.dialogs.questions import ask
from sarah.ui.elide import cut_in_middle
from sarah.ui.style import ERROR_COLOUR, SUCCESS_COLOUR
from sarah.ui.table_models.backup_list import BackupTableModel, reason_label
from sarah.ui.workers import run_in_background, when_idle
from sarah.vocabulary import count_text

EXPLANATION = (
    "SARAH fait une sauvegarde vérifiée au démarrage, toutes les 30 minutes et à la fermeture "
    "quand quelque chose a changé, et avant chaque mise à jour, import ou restauration. Une "
    "sauvegarde n'est gardée que si sa relecture complète est bonne ; les sauvegardes sont "
    "relues chaque jour (« vérifiée le … »). Sont conservées : toutes celles des dernières "
    "48 heures, puis une par jour (14 jours), une par semaine (8 semaines) et une par mois "
    "(12 mois), dans la limite de taille du dossier (la plus récente vérifiée est toujours "
    "gardée). Choisissez de préférence un dossier sur un autre disque, une clé USB ou un "
    "dossier réseau : si ce PC tombe en panne, les sauvegardes restent."
)


class BackupScreen(QWidget):
    database_replaced = Signal(object)  # RestoreResult
    folder_changed = Signal(object)  # Path
    listed = Signal()
    checked = Signal()  # the background reading of the backups ended

    def __init__(self, ctx: AppContext, auto: AutoBackup, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.auto = auto
        # Replaceable in tests: questions and file choosers.
        self.confirm: Callable[[str, str], bool] = lambda t, x: ask(self, t, x)
        self.choose_folder: Callable[[Path], Path | None] = self._choose_folder
        self.choose_file: Callable[[Path], Path | None] = self._choose_file
        self.inform: Callable[[str, str], object] = lambda t, x: QMessageBox.information(self, t, x)
        self.listings = 0  # how many times the list was (re)read
        self.checking = False  # backups being read again in the background

        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("<h2>Sauvegardes</h2>", self))
        self._build_header(layout)
        layout.addLayout(self._build_folder_row())
        layout.addWidget(self.size_label)
        layout.addLayout(self._build_actions())
        self._build_progress(layout)
        layout.addWidget(self._build_table(), 1)

        auto.started.connect(self._backup_started)
        auto.progress.connect(self._backup_progress)
        auto.finished.connect(self._backup_finished)
        auto.failed.connect(self._backup_failed)
        self._update_buttons()
        self.refresh()

    # --- building ------------------------------------------------------------------------------

    def _build_header(self, layout: QVBoxLayout) -> None:
        """The state (same words as the status bar) and what SARAH does about backups."""
        self.state_label = QLabel("", self)
        self.state_label.setObjectName("backupState")
        self.state_label.setWordWrap(True)
        explanation = QLabel(EXPLANATION, self)
        explanation.setWordWrap(True)
        explanation.setStyleSheet("color: #374151;")
        layout.addWidget(self.state_label)
        layout.addWidget(explanation)

    def _build_folder_row(self) -> QHBoxLayout:
        self.folder_label = QLabel("", self)
        self.folder_label.setTextInteractionFlags(self.folder_label.textInteractionFlags())
        self.size_label = QLabel("", self)
        self.size_label.setObjectName("backupSize")
        self.folder_button = QPushButton("&Choisir le dossier…", self)
        self.folder_button.setToolTip("Dossier des sauvegardes : autre disque, clé USB, partage")
        self.folder_button.clicked.connect(self.change_folder)
        self.default_button = QPushButton("Dossier par &défaut", self)
        self.default_button.clicked.connect(self.use_default_folder)
        row = QHBoxLayout()
        row.addWidget(self.folder_label, 1)
        row.addWidget(self.folder_button)
        row.addWidget(self.default_button)
        return row

    def _build_actions(self) -> QHBoxLayout:
        self.backup_button = QPushButton("&Sauvegarder maintenant", self)
        self.backup_button.setToolTip("Faire une sauvegarde vérifiée tout de suite")
        self.backup_button.clicked.connect(self.backup_now)
        self.restore_button = QPushButton("&Restaurer la sauvegarde choisie…", self)
        self.restore_button.clicked.connect(self.restore_selected)
        self.restore_file_button = QPushButton("Restaurer depuis un &fichier…", self)
        self.restore_file_button.clicked.connect(self.restore_from_file)
        self.refresh_button = QPushButton("&Actualiser", self)
        self.refresh_button.clicked.connect(self.refresh)
        row = QHBoxLayout()
        for b in (self.backup_button, self.restore_button, self.restore_file_button):
            row.addWidget(b)
        row.addStretch(1)
        row.addWidget(self.refresh_button)
        return row

    def _build_progress(self, layout: QVBoxLayout) -> None:
        self.progress = QProgressBar(self)
        self.progress.setVisible(False)
        self.message = QLabel("", self)
        self.message.setObjectName("backupMessage")
        self.message.setWordWrap(True)
        layout.addWidget(self.progress)
        layout.addWidget(self.message)

    def _build_table(self) -> QTableView:
        self.model = BackupTableModel(self)
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
        self.table.doubleClicked.connect(lambda _i: self.restore_selected())
        return self.table

    # --- data ----------------------------------------------------------------------------------

    def folder(self) -> Path:
        return self.ctx.settings.backup_path()

    def refresh(self) -> None:
        folder = self.folder()
        shown = html.escape(cut_in_middle(self.folder_label, str(folder)))
        self.folder_label.setText(f"Dossier des sauvegardes : <b>{shown}</b>")
        self.folder_label.setToolTip(str(folder))
        run_in_background(_listing, folder, on_result=self._show_listing, on_error=self._fail)

    def _show_listing(self, result: tuple[list[BackupInfo], BackupState]) -> None:
        backups, state = result
        self._set_backups(backups)
        self.listings += 1
        self.show_state(state)
        self._update_buttons()
        self.listed.emit()
        if backups and not self.checking:
            # A backup damaged since it was made (same size) is found by reading it whole:
            # those not read for a day are read again, off the GUI thread.
            self.checking = True
            run_in_background(
                check_backups,
                state.folder,
                older_than_hours=RECHECK_HOURS,
                on_result=self._show_checked,
                on_error=self._check_failed,
            )

    def _set_backups(self, backups: list[BackupInfo]) -> None:
        chosen = self.selected()
        self.model.set_backups(backups)
        paths = [b.path for b in backups]
        if chosen is not None and chosen.path in paths:
            self.table.selectRow(paths.index(chosen.path))
        elif backups:
            # By default the newest verified backup with a believable date: the one to restore.
            now = datetime.now()
            good = [i for i, b in enumerate(backups) if b.verified and not b.is_future(now)]
            self.table.selectRow(good[0] if good else 0)

    def _show_checked(self, backups: list[BackupInfo]) -> None:
        self.checking = False
        if backups and backups[0].path.parent == self.folder():
            self._set_backups(backups)
            damaged = [b.path.name for b in backups if b.problem]
            if damaged:
                self.message.setText(
                    f"<span style='color:{ERROR_COLOUR}'><b>Sauvegarde abîmée :</b> "
                    f"{', '.join(damaged)} — elle ne sera jamais restaurée ; vérifiez le disque "
                    "ou la clé du dossier de sauvegarde.</span>"
                )
        self._update_buttons()
        self.checked.emit()

    def _check_failed(self, exc: BaseException) -> None:
        self.checking = False
        self._fail(exc)
        self.checked.emit()

    def show_state(self, state: BackupState) -> None:
        """The header; the status bar shows the same state with the same words."""
        text = state.message
        if state.warning:
            self.state_label.setStyleSheet("color: #7c2d12; font-weight: bold;")
            text = "⚠ " + text
        else:
            self.state_label.setStyleSheet(f"color: {SUCCESS_COLOUR}; font-weight: bold;")
        self.state_label.setText(text)
        self.state_label.setToolTip(state.clock_notice or "")
        if state.reachable:
            self.size_label.setText(f"Taille des sauvegardes : {state.size_text}")
        else:
            self.size_label.setText("")

    def selected(self) -> BackupInfo | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.backup(rows[0].row()) if rows else None

    def _update_buttons(self) -> None:
        busy = self.auto.running
        may_restore = may(self.ctx.role, "restore")  # admins only, once accounts exist
        self.backup_button.setEnabled(not busy and not self.ctx.read_only)
        self.restore_button.setVisible(may_restore)
        self.restore_file_button.setVisible(may_restore)
        self.restore_button.setEnabled(may_restore and not busy and self.model.rowCount() > 0)
        self.restore_file_button.setEnabled(may_restore and not busy)

    def apply_role(self) -> None:
        """The window's role changed: the Restaurer buttons follow."""
        self._update_buttons()

    def _refused_restore(self) -> bool:
        """True (and said) when the role may not restore: a double click, a slot called."""
        if may(self.ctx.role, "restore"):
            return False
        self.inform("Action non permise", refusal("restore"))
        return True

    # --- backup now ----------------------------------------------------------------------------

    def backup_now(self) -> None:
        if not self.auto.backup_now():
            self.message.setText("Une sauvegarde est déjà en cours.")

    def _backup_started(self, reason: str) -> None:
        self.progress.setRange(0, 0)
        self.progress.setVisible(True)
        self.message.setText(f"Sauvegarde en cours ({reason_label(reason).lower()})…")
        self._update_buttons()

    def _backup_progress(self, done: int, total: int, text: str) -> None:
        self.progress.setRange(0, total)
        self.progress.setValue(done)
        self.message.setText(text)

    def _backup_finished(self, info: object) -> None:
        self.progress.setVisible(False)
        if isinstance(info, BackupInfo):
            self.message.setText(
                f"Sauvegarde vérifiée : {info.path.name} ({count_text(info.contacts)} contacts)."
            )
        else:
            self.message.setText("Rien n'a changé depuis la dernière sauvegarde vérifiée.")
        self._after_backup()

    def _backup_failed(self, text: str) -> None:
        self.progress.setVisible(False)
        self.message.setText(
            f"<span style='color:{ERROR_COLOUR}'><b>Sauvegarde non faite.</b> {text}</span>"
        )
        self._after_backup()

    def _after_backup(self) -> None:
        self._update_buttons()
        if not self.auto.exiting:  # after the exit backup the window goes: no list to read
            self.refresh()

    def _fail(self, exc: BaseException) -> None:
        line = failure_text("Sauvegardes illisibles", exc, self)
        self.message.setText(f"<span style='color:{ERROR_COLOUR}'>{line}</span>")
        self._update_buttons()

    # --- the folder ----------------------------------------------------------------------------

    def _choose_folder(self, start: Path) -> Path | None:
        chosen = QFileDialog.getExistingDirectory(self, "Dossier des sauvegardes", str(start))
        return Path(chosen) if chosen else None

    def _choose_file(self, start: Path) -> Path | None:
        chosen, _ = QFileDialog.getOpenFileName(
            self, "Fichier de sauvegarde à restaurer", str(start), "Sauvegardes SARAH (*.sqlite)"
        )
        return Path(chosen) if chosen else None

    def change_folder(self) -> None:
        chosen = self.choose_folder(self.folder())
        if chosen is None:
            return
        self.set_folder(chosen)

    def use_default_folder(self) -> None:
        self.set_folder(None)

    def set_folder(self, folder: Path | None) -> None:
        if folder is not None and folder.resolve() == sqlite_path_parent(self.ctx):
            self.message.setText(
                "Ce dossier est celui de la base elle-même : choisissez plutôt un autre disque "
                "ou une clé. Le dossier a tout de même été retenu."
            )
        self.ctx.settings.backup_dir = str(folder) if folder is not None else None
        self.ctx.save_settings()
        self.folder_changed.emit(self.folder())
        self.refresh()
        self.auto.backup_now()  # the new folder gets a verified backup at once

    # --- restore -------------------------------------------------------------------------------

    def restore_selected(self) -> None:
        chosen = self.selected()
        if chosen is None:
            self.message.setText("Choisissez d'abord une sauvegarde dans la liste.")
            return
        self.restore(chosen.path, chosen)

    def restore_from_file(self) -> None:
        if self._refused_restore():
            return
        chosen = self.choose_file(self.folder())
        if chosen is not None:
            self.restore(chosen, None)

    def restore(self, path: Path, info: BackupInfo | None) -> None:
        if self._refused_restore():
            return
        db = sqlite_path(self.ctx.engine)
        if db is None:
            self.message.setText("La restauration ne concerne qu'une base SQLite locale.")
            return
        when = f"du {info.created_at:%d/%m/%Y à %H:%M}" if info else f"« {path.name} »"
        contacts = f" ({count_text(info.contacts)} contacts)" if info else ""
        question = (
            f"Remettre en place la sauvegarde {when}{contacts} ?\n\n"
            "Les saisies faites depuis cette sauvegarde ne seront plus dans la base en service. "
            "La base actuelle n'est pas effacée : elle est d'abord sauvegardée, puis mise de côté "
            "dans son dossier."
        )
        if not self.confirm("Restaurer une sauvegarde", question):
            return
        self.auto.enabled = False
        self.window().setEnabled(False)  # nothing may be saved while the file is replaced
        self.progress.setRange(0, 0)
        self.progress.setVisible(True)
        self.message.setText("Restauration : fin des enregistrements en cours…")
        # A contact being saved or a backup ends first; no connection is open on the file then.
        when_idle(lambda: self._start_restore(db, path), context=self)

    def _start_restore(self, db: Path, path: Path) -> None:
        self.ctx.engine.dispose()
        self.message.setText("Restauration en cours…")
        run_in_background(
            restore_backup,
            db,
            path,
            folder=self.folder(),
            on_result=self._restored,
            on_error=self._restore_failed,
        )

    def _restore_done(self) -> None:
        self.ctx.engine.dispose()  # new connections open the restored file
        self.progress.setVisible(False)
        self.auto.enabled = True
        self.window().setEnabled(True)
        self.refresh()

    def _restored(self, result: RestoreResult) -> None:
        self._restore_done()
        aside = result.moved_aside[0] if result.moved_aside else None
        text = (
            f"Sauvegarde {result.restored_from.name} remise en place : "
            f"{count_text(result.contacts)} contacts."
        )
        if result.recovered:
            text = result.recovered + " " + text
        if aside is not None:
            text += f" L'ancienne base est conservée sous {aside.name}."
        if self.ctx.read_only:
            text += " Redémarrez SARAH pour pouvoir enregistrer à nouveau."
        self.message.setText(text)
        self.database_replaced.emit(result)
        self.inform("Restauration terminée", text)

    def _restore_failed(self, exc: BaseException) -> None:
        self._restore_done()
        line = failure_text("Restauration non faite", exc, self)
        self.message.setText(f"<span style='color:{ERROR_COLOUR}'>{line}</span>")


def sqlite_path_parent(ctx: AppContext) -> Path | None:
    db = sqlite_path(ctx.engine)
    return db.parent.resolve() if db is not None else None


def _listing(folder: Path) -> tuple[list[BackupInfo], BackupState]:
    return list_backups(folder), backup_state(folder)
