"""The main window: "SARAH — <site>", one tab per screen, menus listing every shortcut.

Screens plug in with :meth:`MainWindow.add_screen`; status-bar widgets (backup state...) with
:meth:`MainWindow.add_status_widget`; banners above the screens with :meth:`MainWindow.add_banner`.
Screens of other parts of the program are installed in :func:`install_other_screens`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from pathlib import Path

from PySide6.QtCore import QEvent, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QMainWindow,
    QMenu,
    QMessageBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from sarah import __version__
from sarah.services.desk.journal import JournalEntry
from sarah.ui.accounts.gating import RoleGate
from sarah.ui.accounts.signing_in import signed_in_account
from sarah.ui.closing import WindowClosing
from sarah.ui.context import AppContext
from sarah.ui.desk.catchup import CatchupScreen
from sarah.ui.desk.form import ContactForm
from sarah.ui.desk.gap_banner import GapBanner
from sarah.ui.desk.journal import UNDO_SECONDS, JournalScreen
from sarah.ui.desk.screen import DeskScreen
from sarah.ui.help import FORM_SHORTCUTS, open_about_box, open_shortcuts_dialog, shortcuts_html

# The date is looked at again this long after midnight (a desk PC stays open for days).
AFTER_MIDNIGHT_MS = 60_000


class MainWindow(QMainWindow):
    """``today`` is the clock giving the current date (tests inject one)."""

    # After a close request, once no work runs: start what must run before the window goes
    # (the exit backup) in the background. Then about_to_close, once, as the window really goes.
    last_work = Signal()
    about_to_close = Signal()
    day_changed = Signal(object)  # the new date

    def __init__(
        self,
        ctx: AppContext,
        *,
        undo_seconds: float = UNDO_SECONDS,
        today: Callable[[], date] = date.today,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._clock = today
        self._day = today()
        self._screens: dict[str, QWidget] = {}
        self._screen_actions: dict[str, QAction] = {}
        self._used_shortcuts: set[str] = set()
        self._menus: dict[str, QMenu] = {}
        self.closing = WindowClosing(self, last_work=self.last_work.emit, tell=self.tell_closing)

        central = QWidget(self)
        self._banners = QVBoxLayout()
        self._banners.setContentsMargins(0, 0, 0, 0)
        self.tabs = QTabWidget(central)
        self.tabs.setObjectName("screens")
        self.tabs.setDocumentMode(True)
        layout = QVBoxLayout(central)
        layout.setContentsMargins(6, 6, 6, 0)
        layout.addLayout(self._banners)
        layout.addWidget(self.tabs, 1)
        self.setCentralWidget(central)
        self.gate = RoleGate(self)  # before any screen: each tab added is checked
        self.update_title()

        self._build_menus()
        self.show_workstation_line()

        # The reception desk screens
        self.desk = DeskScreen(ctx, self)
        self.journal = JournalScreen(ctx, undo_seconds=undo_seconds, parent=self)
        self.catchup = CatchupScreen(ctx, self)
        self.add_screen("accueil", "Accueil", self.desk, "Ctrl+1")
        self.add_screen("journal", "Journal du jour", self.journal, "Ctrl+2")
        self.add_screen("saisie", "Saisie différée", self.catchup, "Ctrl+3")

        self.gap_banner = GapBanner(ctx, self, clock=today)
        self.add_banner(self.gap_banner)
        self.gap_banner.refresh()
        # The gap banner, the day's count and the journal follow the date: shortly after
        # midnight, and when the window is activated again (the PC may have slept past it).
        self.day_timer = QTimer(self)
        self.day_timer.setSingleShot(True)
        self.day_timer.timeout.connect(self._midnight)
        self._arm_day_timer()

        self.desk.form.saved.connect(lambda _o: self.journal.refresh())
        self.catchup.form.saved.connect(lambda _o: self._after_catch_up())
        self.catchup.grid.saved.connect(lambda _n: self._after_catch_up())
        self.journal.edit_requested.connect(self.edit_contact)
        self.gap_banner.catch_up_requested.connect(self.open_catch_up)

        install_other_screens(self, ctx)
        self.apply_role()
        if ctx.settings.coordination:
            self.gate.show_first_offered(("statistiques",))
        self.resize(1280, 720)

    # --- what the signed-in role is offered (sarah.ui.accounts.gating) ------------------------

    def may(self, permission: str) -> bool:
        return self.gate.may(permission)

    def may_see(self, key: str) -> bool:
        return self.gate.may_see(key)

    def apply_role(self) -> None:
        """Offer the screens, menu entries and shortcuts of the signed-in role only (at start,
        after « Changer d'utilisateur », when the first admin is created)."""
        self.gate.apply()

    @property
    def refusal_box(self) -> QMessageBox | None:
        return self.gate.box

    def permitted(self, permission: str) -> bool:
        """True when the role may; else the refusal naming who may is shown."""
        if self.gate.may(permission):
            return True
        self.gate.refuse(permission)
        return False

    # --- plugging screens in -------------------------------------------------------------------

    def add_screen(self, key: str, title: str, widget: QWidget, shortcut: str = "") -> QAction:
        """Add a screen as a tab with a menu entry; ``shortcut`` '' = the next free Ctrl+digit."""
        if key in self._screens:
            raise ValueError(f"screen {key!r} added twice")
        if not shortcut:
            shortcut = next(
                f"Ctrl+{n}" for n in range(1, 10) if f"Ctrl+{n}" not in self._used_shortcuts
            )
        if shortcut in self._used_shortcuts:
            raise ValueError(f"shortcut {shortcut} already used by another screen")
        self._used_shortcuts.add(shortcut)
        self._screens[key] = widget
        index = self.tabs.addTab(widget, title)
        if not self.gate.offered(key):  # hidden at once: apply_role runs once all are added
            self.tabs.setTabVisible(index, False)
        self.tabs.setTabToolTip(index, f"{title} — {shortcut}")
        action = QAction(title, self)
        action.setShortcut(QKeySequence(shortcut))
        action.setToolTip(f"{title} ({shortcut})")
        action.triggered.connect(lambda: self.show_screen(key))
        self.screens_menu.addAction(action)
        self.addAction(action)
        self._screen_actions[key] = action
        return action

    def show_screen(self, key: str) -> QWidget:
        """Show the screen; one the role may not see is refused (the current one stays)."""
        widget = self._screens[key]
        if not self.may_see(key):
            self.gate.refuse_screen(key)
            return self.tabs.currentWidget()
        self.tabs.setCurrentWidget(widget)
        return widget

    def screen_for(self, key: str) -> QWidget:
        """The screen plugged in under ``key`` (not "screen": QWidget.screen() is the monitor)."""
        return self._screens[key]

    def screen_keys(self) -> list[str]:
        return list(self._screens)

    def screen_action(self, key: str) -> QAction:
        """The menu entry and shortcut of the screen plugged in under ``key``."""
        return self._screen_actions[key]

    def current_screen_key(self) -> str | None:
        current = self.tabs.currentWidget()
        return next((k for k, w in self._screens.items() if w is current), None)

    def add_status_widget(self, widget: QWidget) -> None:
        """A permanent widget on the right of the status bar (e.g. the backup state)."""
        self.statusBar().addPermanentWidget(widget)

    def add_banner(self, widget: QWidget) -> None:
        """A banner above the screens (hidden until it has something to say)."""
        self._banners.addWidget(widget)

    def add_menu_action(self, menu_title: str, action: QAction) -> None:
        """An action in a menu of the menu bar (created before "Aide" if new)."""
        menu = self._menus.get(menu_title)
        if menu is None:
            menu = self.menuBar().addMenu(menu_title)
            self.menuBar().insertMenu(self.help_menu.menuAction(), menu)
            self._menus[menu_title] = menu
        menu.addAction(action)

    # --- menus ---------------------------------------------------------------------------------

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&Fichier")
        workstation = QAction("&Poste de travail (Point Relais, agent)…", self)
        workstation.setToolTip("Changer le Point Relais de ce poste ou le nom de l'agent")
        workstation.triggered.connect(self.edit_workstation)
        file_menu.addAction(workstation)
        self.workstation_action = workstation
        self.import_action = QAction("&Importer un tableur…", self)
        self.import_action.setShortcut(QKeySequence("Ctrl+I"))
        self.import_action.setToolTip(
            "Impossible : la base est ouverte en lecture seule"
            if self.ctx.read_only
            else "Importer des contacts depuis un fichier .csv ou .xlsx (Ctrl+I)"
        )
        self.import_action.setEnabled(not self.ctx.read_only)
        self.import_action.triggered.connect(lambda: self.import_spreadsheet())
        file_menu.addAction(self.import_action)
        self.addAction(self.import_action)
        self.import_dialog: QDialog | None = None
        file_menu.addSeparator()
        quit_action = QAction("&Quitter", self)
        quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)
        self.file_menu, self.quit_action = file_menu, quit_action  # entries go before Quitter
        self.screens_menu = bar.addMenu("&Écrans")
        entry = bar.addMenu("&Saisie")
        for (label, key), slot in zip(
            FORM_SHORTCUTS,
            (
                lambda f: f.save(),
                lambda f: f.toggle_channel(),
                lambda f: f.save_anonymous_call(),
                lambda f: f.request_new_visitor(),
                lambda f: f.choose_neighbourhood(),
                lambda f: f.escape(),
            ),
            strict=True,
        ):
            entry.addAction(self._proxy(label, key, slot))
        entry.addSeparator()
        undo = QAction("Annuler la dernière suppression\tCtrl+Z", self)
        undo.triggered.connect(self.journal_undo)
        entry.addAction(undo)
        self._menus = {"Fichier": file_menu, "Écrans": self.screens_menu, "Saisie": entry}
        self.help_menu = bar.addMenu("&Aide")
        keys = QAction("&Raccourcis clavier", self)
        keys.setShortcut(QKeySequence("F1"))
        keys.triggered.connect(self.show_shortcuts)
        self.help_menu.addAction(keys)
        self.addAction(keys)
        about = QAction("À &propos de SARAH", self)
        about.triggered.connect(self.show_about)
        self.help_menu.addAction(about)

    def _proxy(self, label: str, key: str, slot: Callable[[ContactForm], object]) -> QAction:
        """A menu entry acting on the current screen's form; it shows the form's own key."""
        action = QAction(f"{label}\t{key}", self)
        action.setToolTip(f"{label} ({key})")
        action.triggered.connect(lambda: self._on_form(slot))
        return action

    def active_form(self) -> ContactForm | None:
        screen = self.tabs.currentWidget()
        getter = getattr(screen, "active_form", None)
        return getter() if callable(getter) else None

    def _on_form(self, slot: Callable[[ContactForm], object]) -> None:
        form = self.active_form()
        if form is None:
            form = self.desk.form
            self.show_screen("accueil")
        slot(form)

    def journal_undo(self) -> None:
        self.show_screen("journal")
        self.journal.undo_delete()

    # --- flows between screens -----------------------------------------------------------------

    def edit_contact(self, entry: JournalEntry) -> None:
        """Re-open a contact of the journal in the Accueil form."""
        self.show_screen("accueil")
        self.desk.form.load_entry(entry)

    def open_catch_up(self, day: object) -> None:
        from datetime import date

        assert isinstance(day, date)
        self.show_screen("saisie")
        self.catchup.set_day(day)
        self.catchup.form.search_edit.setFocus()

    # --- the date changes while the window stays open -------------------------------------------

    def _arm_day_timer(self) -> None:
        now = datetime.now()
        midnight = datetime.combine(now.date() + timedelta(days=1), time())
        ms = int((midnight - now).total_seconds() * 1000) + AFTER_MIDNIGHT_MS
        self.day_timer.start(ms)

    def _midnight(self) -> None:
        self.check_date()
        self._arm_day_timer()

    def check_date(self) -> bool:
        """If the date has changed since last seen, look for gap days again (yesterday may be
        one, even after "Plus tard") and show the new day's count and journal. True if it had."""
        today = self._clock()
        if today == self._day:
            return False
        self._day = today
        self.gap_banner.refresh()
        self.desk.refresh_count()
        self.journal.refresh()
        self.day_changed.emit(today)
        return True

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.ActivationChange and self.isActiveWindow():
            self.check_date()

    def _after_catch_up(self) -> None:
        self.journal.refresh()
        self.desk.refresh_count()
        if self.gap_banner.isVisible():
            self.gap_banner.refresh()

    def edit_workstation(self) -> QDialog:
        """Change this installation's home site or agent name (stored in the settings)."""
        from sarah.ui.dialogs.first_start import FirstStartDialog

        dialog = FirstStartDialog(self.ctx.engine, self.ctx.settings, self)
        dialog.accepted.connect(lambda: self._workstation_changed(dialog))
        dialog.open()
        return dialog

    def _workstation_changed(self, dialog: QDialog) -> None:
        site = getattr(dialog, "site", None)
        if site is None:
            return
        self.ctx.site = site
        if signed_in_account() is None:  # a signed-in account names the agent, not the settings
            self.ctx.agent = self.ctx.settings.agent_name or ""
        self.update_title()
        self.show_workstation_line()
        self.desk.refresh_count()
        self.journal.refresh()
        self.catchup.refresh_day()
        self.gap_banner.refresh()

    def show_workstation_line(self) -> None:
        """The status line naming this desk's site and agent (after a login, a change)."""
        self.statusBar().showMessage(
            f"Point Relais : {self.ctx.site.name} — agent : {self.ctx.agent or 'non renseigné'} "
            "— F1 : raccourcis clavier"
        )

    def import_spreadsheet(self, path: Path | None = None) -> QDialog | None:
        """Fichier > Importer un tableur: check a .csv/.xlsx file, show what it holds, import it.
        Without ``path`` the file chooser opens at once."""
        if self.ctx.read_only or not self.permitted("import"):
            return None
        from sarah.ui.dialogs.import_file import ImportDialog

        if self.import_dialog is not None and not self.import_dialog.isVisible():
            self.import_dialog.deleteLater()
        dialog = ImportDialog(self.ctx, self)
        dialog.imported.connect(lambda _result: self._after_import())
        self.import_dialog = dialog
        dialog.open()
        if path is not None:
            dialog.check(path)
        else:
            QTimer.singleShot(0, dialog.choose)
        return dialog

    def _after_import(self) -> None:
        self.reload_all()

    def reload_all(self) -> None:
        """The data changed under every screen (an import, a restore): each reads it again,
        now if shown, else when shown next (new sites included)."""
        self._after_catch_up()
        self.catchup.refresh_day()
        for widget in self._screens.values():
            mark_stale = getattr(widget, "mark_stale", None)
            if callable(mark_stale):
                mark_stale()

    def update_title(self) -> None:
        suffix = " (lecture seule)" if self.ctx.read_only else ""
        self.setWindowTitle(f"SARAH {__version__} — {self.ctx.site.name}{suffix}")

    # --- help ----------------------------------------------------------------------------------

    def shortcuts_html(self) -> str:
        native = QKeySequence.SequenceFormat.NativeText
        return shortcuts_html(
            (
                (action.text(), action.shortcut().toString(native))
                for action in self._screen_actions.values()
                if action.isVisible()  # the role's screens only
            ),
            can_import=self.import_action.isVisible(),  # the role; read-only still lists it
        )

    def show_shortcuts(self) -> QDialog:
        return open_shortcuts_dialog(self.shortcuts_html(), self)

    def show_about(self) -> None:
        open_about_box(self.ctx.engine.url.render_as_string(hide_password=True), self)

    # --- closing -------------------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:
        # A contact being saved, a backup, then the exit backup end before the window goes;
        # until then the event is refused and the window, disabled, says why.
        if not self.closing.may_close():
            event.ignore()
            return
        if self.closing.first_close():
            self.about_to_close.emit()
        super().closeEvent(event)

    def tell_closing(self, text: str) -> None:
        """A line saying what the closing waits for."""
        self.statusBar().showMessage(text)


def install_other_screens(window: MainWindow, ctx: AppContext) -> None:
    """The screens of the other parts of SARAH (visitors, catalogue, statistics, backups).

    Each part adds its lines here: ``window.add_screen(key, title, widget, shortcut)``,
    ``window.add_status_widget(widget)``, ``window.add_banner(widget)``, or a handler on
    ``window.about_to_close``.
    """
    # Visitor page and service catalogue (helper E).
    from sarah.ui.catalogue import CatalogueScreen
    from sarah.ui.visitors import VisitorsScreen

    visitors = VisitorsScreen(ctx, window)
    window.add_screen("visiteurs", "Visiteurs", visitors, "Ctrl+4")
    visitors.visitor_changed.connect(lambda _id: window.journal.refresh())
    catalogue = CatalogueScreen(ctx, window)
    window.add_screen("catalogue", "Catalogue", catalogue, "Ctrl+5")
    catalogue.catalogue_changed.connect(window.desk.form.reload_catalogue)
    catalogue.catalogue_changed.connect(window.catchup.form.reload_catalogue)
    catalogue.catalogue_changed.connect(window.catchup.grid.reload_catalogue)

    # Backups (helper G): Sauvegardes screen, status-bar state, periodic and exit backups.
    from sarah.ui.backup.install import install_backups

    install_backups(window, ctx)

    # Statistics (helper F): the four tables, months, comparison, ratios, charts, exports.
    from sarah.ui.reports.statistics_screen import StatisticsScreen

    statistics = StatisticsScreen(ctx, window)
    window.add_screen("statistiques", "Statistiques", statistics, "Ctrl+6")
    window.desk.form.saved.connect(lambda _o: statistics.mark_stale())
    window.catchup.form.saved.connect(lambda _o: statistics.mark_stale())
    window.catchup.grid.saved.connect(lambda _n: statistics.mark_stale())
    catalogue.catalogue_changed.connect(statistics.mark_stale)
    # The table of people by neighbourhood appears, or changes its columns, with the list.
    catalogue.neighbourhoods_changed.connect(statistics.mark_stale)
    # A merge or its undo changes who counts as one person; a deletion or its Annuler, the
    # contacts: the tables must never show the figures of before.
    visitors.visitor_changed.connect(lambda _id: statistics.mark_stale())
    window.journal.deleted.connect(lambda _e: statistics.mark_stale())
    window.journal.restored.connect(lambda _e: statistics.mark_stale())

    # Sync (helper S3): Fichier > Synchroniser…, the Réseau screen, the dossier d'échange.
    from sarah.ui.sync.install import install_sync

    install_sync(window, ctx)

    # Accounts (admin only): Comptes, and the Journal d'audit of helper D.
    from sarah.ui.accounts.admin_screens import install_account_screens

    install_account_screens(window, ctx)
