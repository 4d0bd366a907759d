"""Catalogue: the coordinator adds, renames, reorders, retires services and sets their desk keys;
a second tab keeps the list of neighbourhoods of residence (sarah.ui.catalogue.neighbourhoods_screen).

A service that was ever delivered is never deleted: it is retired (gone from the desk, kept in the
history and in the reports of the periods where it was used). Renaming keeps the service's stable
code, so past contacts show under the new label.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtGui import QAction, QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from sarah.errors import UserError
from sarah.services.catalogue import (
    SHORTCUT_KEYS,
    ServiceInfo,
    ServiceUsage,
    add_service,
    delete_unused_service,
    list_services,
    move_service,
    rename_service,
    retire_service,
    service_usage,
    set_shortcut,
)
from sarah.ui.catalogue.list_editor import (
    BackgroundCounts,
    button_column,
    confirm_deletion,
    free_keys,
    list_table,
    make_actions,
    run_change,
    select_row,
    show_enabled,
    title_label,
)
from sarah.ui.catalogue.neighbourhoods_screen import NeighbourhoodsScreen
from sarah.ui.catalogue.service_dialog import ServiceDialog
from sarah.ui.context import AppContext
from sarah.ui.table_models.catalogue_model import CatalogueModel
from sarah.ui.visitors.status_line import StatusLine
from sarah.vocabulary import count_text

INTRO = (
    "L'ordre et les touches sont ceux de l'écran Accueil. Renommer un service garde son "
    "historique : les rapports des périodes passées affichent le nouveau libellé. Un "
    "service déjà délivré ne se supprime pas : retirez-le, il disparaît de l'accueil et "
    "reste dans l'historique."
)

# name -> (text, keys, tip); the buttons follow this order.
ACTIONS: dict[str, tuple[str, str, str]] = {
    "add": ("&Ajouter…", "Ctrl+N", "Nouveau service à la fin du catalogue"),
    "rename": ("&Renommer…", "F2", "Changer le libellé (le code reste)"),
    "key": ("Changer la touc&he…", "Ctrl+K", "Lettre qui coche ce service à l'accueil"),
    "up": ("&Monter", "Ctrl+Up", "Plus haut dans la liste de l'accueil et des rapports"),
    "down": ("&Descendre", "Ctrl+Down", "Plus bas dans la liste de l'accueil et des rapports"),
    "retire": (
        "Reti&rer",
        "Ctrl+R",
        "Cacher de l'accueil, garder dans l'historique (ou rétablir)",
    ),
    "delete": ("&Supprimer", "Del", "Seulement un service jamais délivré (faute de frappe)"),
}


class CatalogueScreen(QWidget):
    catalogue_changed = Signal()  # the desk reloads its services when this fires
    neighbourhoods_changed = Signal()  # the list of neighbourhoods of residence changed

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        # Each part's keys act within its own tab (both have Ctrl+N, F2, Del…).
        self.services_page = QWidget()
        self.dialog: ServiceDialog | None = None
        self.confirm_box: QMessageBox | None = None

        self.model = CatalogueModel(self)
        self.table = list_table(self.model, CatalogueModel.LABEL)
        self.show_retired = QCheckBox("Afficher les services re&tirés")
        self.show_retired.setChecked(True)
        self.change_actions = self._make_actions()
        self.buttons: dict[str, QPushButton] = {}
        self.status = StatusLine()
        self._usage = BackgroundCounts(
            lambda: service_usage(self.ctx.engine),
            self._show_usage,
            self.status,
            "Utilisations non comptées",
            self,
        )

        body = QHBoxLayout()
        body.addWidget(self.table, 1)
        body.addLayout(button_column(self.change_actions, self.buttons))
        layout = QVBoxLayout(self.services_page)
        layout.addWidget(title_label("Catalogue des services"))
        layout.addWidget(self._intro())
        layout.addLayout(body, 1)
        layout.addWidget(self.show_retired)
        layout.addWidget(self.status)
        self.neighbourhoods = NeighbourhoodsScreen(ctx)
        self.parts = QTabWidget()
        self.parts.setDocumentMode(True)
        self.parts.addTab(self.services_page, "Servi&ces")
        self.parts.addTab(self.neighbourhoods, "&Quartiers de résidence")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.parts)

        self.show_retired.toggled.connect(lambda _on: self.reload())
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._update_actions())
        self.table.activated.connect(lambda _index: self.rename())
        self.neighbourhoods.neighbourhoods_changed.connect(self.neighbourhoods_changed)
        self.parts.currentChanged.connect(self._part_shown)
        self.setFocusProxy(self.table)
        self.reload()

    def _part_shown(self, index: int) -> None:
        """The window's Ctrl+5 focuses the screen: it lands in the part on show."""
        part = self.table if index == 0 else self.neighbourhoods
        self.setFocusProxy(part)
        if self.isVisible():
            part.setFocus()

    # --- parts of the screen --------------------------------------------------------------------

    @staticmethod
    def _intro() -> QLabel:
        intro = QLabel(INTRO)
        intro.setWordWrap(True)
        intro.setStyleSheet("color: #374151;")
        return intro

    def _make_actions(self) -> dict[str, QAction]:
        """One action per change, each with its key and its tip."""
        slots: dict[str, Callable[[], object]] = {
            "add": self.add,
            "rename": self.rename,
            "key": self.change_key,
            "up": lambda: self.move_service(-1),
            "down": lambda: self.move_service(1),
            "retire": self.toggle_retired,
            "delete": self.delete,
        }
        return make_actions(self.services_page, ACTIONS, slots)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._load_usage()  # contacts were logged meanwhile

    # --- loading --------------------------------------------------------------------------------

    def current(self) -> ServiceInfo | None:
        row = self.table.currentIndex().row()
        return self.model.service(row) if 0 <= row < self.model.rowCount() else None

    def reload(self, select: uuid.UUID | None = None) -> None:
        """Read the catalogue (instant); the use counts follow from a background query."""
        keep = select or (s.id if (s := self.current()) else None)
        try:
            services = list_services(self.ctx.engine)
        except UserError as exc:
            self.status.show_message(exc.message, "error")
            return
        if not self.show_retired.isChecked():
            services = [s for s in services if not s.retired]
        self.model.set_services(services)
        select_row(self.table, self.model.row_of(keep) if keep else None, CatalogueModel.LABEL)
        self._update_actions()

    def _load_usage(self) -> None:
        self._usage.start()

    def _show_usage(self, usage: dict[uuid.UUID, ServiceUsage] | None) -> None:
        self.model.set_usage(usage)
        if usage is not None:
            self._update_actions()

    def _update_actions(self) -> None:
        s = self.current()
        writable = not self.ctx.read_only
        rows = self.model.rowCount()
        row = self.table.currentIndex().row()
        enabled = {
            "add": writable,
            "rename": writable and s is not None,
            "key": writable and s is not None and not s.retired,
            "up": writable and s is not None and row > 0,
            "down": writable and s is not None and 0 <= row < rows - 1,
            "retire": writable and s is not None,
            "delete": writable and s is not None,
        }
        show_enabled(
            self.change_actions, self.buttons, enabled, retired=s is not None and s.retired
        )
        if s is not None:
            usage = self.model.usage(s.id)
            if usage is not None and usage.uses:
                self.buttons["delete"].setToolTip(
                    f"« {s.label} » a été délivré {count_text(usage.uses)} fois : il ne peut "
                    "pas être supprimé, retirez-le plutôt (Ctrl+R)"
                )
            else:
                self.buttons["delete"].setToolTip(
                    "Seulement un service jamais délivré (faute de frappe) (Suppr)"
                )

    # --- changes --------------------------------------------------------------------------------

    def _changed(
        self, message: str, select: uuid.UUID | None = None, *, usage: bool = False
    ) -> None:
        self.reload(select)
        if usage:
            self._load_usage()
        self.status.show_message(message, "ok")
        self.catalogue_changed.emit()

    def _run(self, change: Callable[[], None]) -> None:
        run_change(self.status, change)

    def _free_keys(self, except_id: uuid.UUID | None = None) -> str:
        live = list_services(self.ctx.engine, include_retired=False)
        return free_keys(live, SHORTCUT_KEYS, except_id)

    def _open(self, dialog: ServiceDialog) -> None:
        self.dialog = dialog
        dialog.finished.connect(lambda _code: self._forget(dialog))
        dialog.open()

    def _forget(self, dialog: ServiceDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None
        dialog.deleteLater()
        self.table.setFocus()

    def add(self) -> None:
        if self.ctx.read_only:
            return

        def submit(label: str, key: str) -> None:
            info = add_service(
                self.ctx.engine,
                label,
                shortcut=key or None,
                site_id=self.ctx.site.id,
            )
            key_text = f"touche {info.shortcut.upper()}" if info.shortcut else "sans touche"
            self._changed(
                f"« {info.label} » ajouté à la fin du catalogue ({key_text}).", info.id, usage=True
            )

        self._open(
            ServiceDialog("Ajouter un service", submit, free_keys=self._free_keys(), parent=self)
        )

    def rename(self) -> None:
        s = self.current()
        if s is None or self.ctx.read_only:
            return

        def submit(label: str, _key: str) -> None:
            info = rename_service(self.ctx.engine, s.id, label, site_id=self.ctx.site.id)
            if info.label != s.label:
                self._changed(
                    f"« {s.label} » s'appelle maintenant « {info.label} », historique compris.",
                    info.id,
                )

        self._open(
            ServiceDialog(f"Renommer « {s.label} »", submit, label=s.label, key=None, parent=self)
        )

    def change_key(self) -> None:
        s = self.current()
        if s is None or s.retired or self.ctx.read_only:
            return

        def submit(_label: str, key: str) -> None:
            info = set_shortcut(self.ctx.engine, s.id, key or None, site_id=self.ctx.site.id)
            if info.shortcut != s.shortcut:
                text = f"touche {info.shortcut.upper()}" if info.shortcut else "plus de touche"
                self._changed(f"« {info.label} » : {text}.", info.id)

        self._open(
            ServiceDialog(
                f"Touche de « {s.label} »",
                submit,
                label=None,
                key=s.shortcut or "",
                free_keys=self._free_keys(s.id),
                parent=self,
            )
        )

    def move_service(self, step: int) -> None:
        s = self.current()
        if s is None or self.ctx.read_only:
            return

        def change() -> None:
            info = move_service(self.ctx.engine, s.id, step, site_id=self.ctx.site.id)
            self._changed(
                f"« {info.label} » déplacé {'plus haut' if step < 0 else 'plus bas'}.", info.id
            )

        self._run(change)

    def toggle_retired(self) -> None:
        s = self.current()
        if s is None or self.ctx.read_only:
            return

        def change() -> None:
            info = retire_service(
                self.ctx.engine, s.id, retired=not s.retired, site_id=self.ctx.site.id
            )
            if info.retired:
                message = (
                    f"« {info.label} » retiré : il n'apparaît plus à l'accueil ; son historique "
                    "et ses comptes restent."
                )
            else:
                key = f" (touche {info.shortcut.upper()})" if info.shortcut else " (sans touche)"
                message = f"« {info.label} » rétabli à l'accueil{key}."
            self._changed(message, info.id)

        self._run(change)

    def delete(self) -> None:
        s = self.current()
        if s is None or self.ctx.read_only:
            return
        usage = self.model.usage(s.id)
        if usage is not None and usage.uses:
            # Refused before asking anything; the engine refuses too, deleted contacts included.
            self._run(
                lambda: delete_unused_service(self.ctx.engine, s.id, site_id=self.ctx.site.id)
            )
            return

        def change() -> None:
            delete_unused_service(self.ctx.engine, s.id, site_id=self.ctx.site.id)
            self._changed(f"« {s.label} » supprimé du catalogue.", usage=True)

        self.confirm_box = confirm_deletion(
            self,
            "Supprimer un service",
            f"Supprimer « {s.label} » du catalogue ?\n"
            "Possible seulement s'il n'a jamais été délivré.",
            lambda: self._run(change),
            self._forget_confirm,
        )

    def _forget_confirm(self) -> None:
        self.confirm_box = None
