"""The coordinator's catalogue screen, driven with the keyboard; the database is checked after."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, time

import pytest
from PySide6.QtCore import Qt, QThreadPool
from PySide6.QtWidgets import QLabel, QMessageBox
from sqlalchemy import Engine

from sarah.services.catalogue import list_services, service_usage
from sarah.services.contacts import ContactDraft, delete_contact, log_contact
from sarah.services.sites import ensure_site
from sarah.services.visitor_history import visitor_history
from sarah.services.visitors import create_visitor
from sarah.settings import Settings
from sarah.ui.catalogue import CatalogueScreen
from sarah.ui.catalogue.service_dialog import ServiceDialog
from sarah.ui.context import AppContext
from sarah.ui.table_models.catalogue_model import CatalogueModel

# The offscreen platform complains about size hints of top-level windows; nothing to act on.
pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")

CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture(autouse=True)
def _no_count_left_running() -> Iterator[None]:
    """Use counts run on the thread pool: let them finish before the database goes away."""
    yield
    QThreadPool.globalInstance().waitForDone(5000)


@pytest.fixture
def ctx(engine: Engine) -> AppContext:
    site = ensure_site(engine, "Grésilles")
    return AppContext(engine, Settings(home_site=site.name, agent_name="Nadia"), site, "Nadia")


def _screen(qtbot, ctx: AppContext) -> CatalogueScreen:  # type: ignore[no-untyped-def]
    screen = CatalogueScreen(ctx)
    qtbot.addWidget(screen)
    screen.resize(1366, 700)
    with qtbot.waitActive(screen):
        screen.show()
        screen.activateWindow()
    qtbot.waitUntil(screen.model.usage_loaded)  # counted off the GUI thread
    screen.table.setFocus()
    return screen


def _select(screen: CatalogueScreen, code: str) -> None:
    row = next(i for i, s in enumerate(screen.model.services()) if s.code == code)
    screen.table.selectRow(row)


def _dialog(qtbot, screen: CatalogueScreen) -> ServiceDialog:  # type: ignore[no-untyped-def]
    dialog = screen.dialog
    assert dialog is not None
    qtbot.waitExposed(dialog)
    return dialog


def _by_code(ctx: AppContext, code: str):  # type: ignore[no-untyped-def]
    return next(s for s in list_services(ctx.engine) if s.code == code)


def test_add_a_service_with_its_key(qtbot, ctx: AppContext) -> None:  # type: ignore[no-untyped-def]
    screen = _screen(qtbot, ctx)
    assert screen.model.rowCount() == 20
    changed: list[bool] = []
    screen.catalogue_changed.connect(lambda: changed.append(True))

    qtbot.keyClick(screen.table, Qt.Key.Key_N, CTRL)
    dialog = _dialog(qtbot, screen)
    assert dialog.key_hint.text().endswith("libres : B Q T W Y Z")
    qtbot.keyClicks(dialog.label_edit, "Atelier numerique")
    qtbot.keyClick(dialog.label_edit, Qt.Key.Key_Tab)
    qtbot.keyClicks(dialog.key_edit, "W")
    with qtbot.waitSignal(dialog.finished):
        qtbot.keyClick(dialog.key_edit, Qt.Key.Key_Return)

    added = list_services(ctx.engine)[-1]
    assert (added.label, added.code, added.shortcut, added.retired) == (
        "Atelier numerique",
        "atelier_numerique",
        "w",
        False,
    )
    assert screen.model.rowCount() == 21
    assert screen.current() is not None and screen.current().id == added.id
    assert screen.status.text() == "« Atelier numerique » ajouté à la fin du catalogue (touche W)."
    assert changed == [True]
    qtbot.waitUntil(screen.model.usage_loaded)
    assert screen.model.index(20, CatalogueModel.USES).data() == "0"


def test_a_refused_service_keeps_the_dialog_and_what_was_typed(qtbot, ctx: AppContext) -> None:  # type: ignore[no-untyped-def]
    screen = _screen(qtbot, ctx)
    qtbot.mouseClick(screen.buttons["add"], Qt.MouseButton.LeftButton)
    dialog = _dialog(qtbot, screen)
    qtbot.keyClicks(dialog.label_edit, "Atelier CV")
    qtbot.keyClick(dialog.label_edit, Qt.Key.Key_Tab)
    qtbot.keyClicks(dialog.key_edit, "a")  # the key of "Actualisation Pôle Emploi"
    qtbot.keyClick(dialog.key_edit, Qt.Key.Key_Return)
    assert dialog.isVisible()
    assert "déjà celle de « Actualisation Pôle Emploi »" in dialog.error.text()
    assert (dialog.label_edit.text(), dialog.key_edit.text()) == ("Atelier CV", "a")
    assert len(list_services(ctx.engine)) == 20

    dialog.key_edit.clear()  # no key typed: the first free letter of the label is given
    with qtbot.waitSignal(dialog.finished):
        qtbot.keyClick(dialog.key_edit, Qt.Key.Key_Return)
    assert _by_code(ctx, "atelier_cv").shortcut == "t"


def test_rename_keeps_the_code_and_the_history(qtbot, ctx: AppContext) -> None:  # type: ignore[no-untyped-def]
    actu = _by_code(ctx, "actualisation_pe")
    v = create_visitor(ctx.engine, last_name="Martin", first_name="Leo")
    log_contact(
        ctx.engine,
        ContactDraft(
            site_id=ctx.site.id,
            channel="physique",
            local_date=date(2019, 3, 4),
            local_time=time(10, 0),
            visitor_id=v.id,
            service_ids=[actu.id],
        ),
    )
    screen = _screen(qtbot, ctx)
    _select(screen, "actualisation_pe")
    qtbot.keyClick(screen.table, Qt.Key.Key_F2)
    dialog = _dialog(qtbot, screen)
    assert (
        dialog.label_edit.text() == "Actualisation Pôle Emploi" and not dialog.key_edit.isVisible()
    )
    dialog.label_edit.selectAll()
    qtbot.keyClicks(dialog.label_edit, "Actualisation France Travail")
    with qtbot.waitSignal(dialog.finished):
        qtbot.keyClick(dialog.label_edit, Qt.Key.Key_Return)

    renamed = _by_code(ctx, "actualisation_pe")
    assert (renamed.id, renamed.label, renamed.position) == (
        actu.id,
        "Actualisation France Travail",
        1,
    )
    assert visitor_history(ctx.engine, v.id).contacts[0].services == (
        "Actualisation France Travail",
    )
    assert screen.model.index(0, CatalogueModel.LABEL).data() == "Actualisation France Travail"
    assert "historique compris" in screen.status.text()


def test_reorder_with_ctrl_arrows(qtbot, ctx: AppContext) -> None:  # type: ignore[no-untyped-def]
    screen = _screen(qtbot, ctx)
    _select(screen, "demander_rdv")  # 9th
    qtbot.keyClick(screen.table, Qt.Key.Key_Up, CTRL)
    qtbot.keyClick(screen.table, Qt.Key.Key_Up, CTRL)
    codes = [s.code for s in list_services(ctx.engine)]
    assert codes.index("demander_rdv") == 6
    assert screen.current() is not None and screen.current().code == "demander_rdv"
    qtbot.keyClick(screen.table, Qt.Key.Key_Down, CTRL)
    assert [s.code for s in list_services(ctx.engine)].index("demander_rdv") == 7
    assert [s.position for s in list_services(ctx.engine)] == list(range(1, 21))
    _select(screen, "actualisation_pe")
    assert not screen.buttons["up"].isEnabled()


def test_retire_then_bring_back(qtbot, ctx: AppContext) -> None:  # type: ignore[no-untyped-def]
    screen = _screen(qtbot, ctx)
    _select(screen, "info_mobilite")
    assert screen.buttons["retire"].text() == "Reti&rer"
    qtbot.keyClick(screen.table, Qt.Key.Key_R, CTRL)
    mob = _by_code(ctx, "info_mobilite")
    assert mob.retired
    assert mob.id not in {s.id for s in list_services(ctx.engine, include_retired=False)}
    assert screen.buttons["retire"].text() == "Rétab&lir"
    assert screen.model.index(screen.table.currentIndex().row(), CatalogueModel.STATE).data() == (
        "retiré"
    )
    assert not screen.buttons["key"].isEnabled()

    qtbot.keyClick(screen.show_retired, Qt.Key.Key_Space)  # hide retired ones
    assert screen.model.rowCount() == 19
    qtbot.keyClick(screen.show_retired, Qt.Key.Key_Space)
    _select(screen, "info_mobilite")
    qtbot.keyClick(screen.table, Qt.Key.Key_R, CTRL)
    back = _by_code(ctx, "info_mobilite")
    assert not back.retired and back.shortcut == "m"
    assert "rétabli à l'accueil (touche M)" in screen.status.text()


def test_change_a_key(qtbot, ctx: AppContext) -> None:  # type: ignore[no-untyped-def]
    screen = _screen(qtbot, ctx)
    _select(screen, "demander_rdv")
    qtbot.keyClick(screen.table, Qt.Key.Key_K, CTRL)
    dialog = _dialog(qtbot, screen)
    assert dialog.key_edit.text() == "d" and not dialog.label_edit.isVisible()
    dialog.key_edit.selectAll()
    qtbot.keyClicks(dialog.key_edit, "Q")
    with qtbot.waitSignal(dialog.finished):
        qtbot.keyClick(dialog.key_edit, Qt.Key.Key_Return)
    assert _by_code(ctx, "demander_rdv").shortcut == "q"
    assert screen.model.index(screen.table.currentIndex().row(), CatalogueModel.KEY).data() == "Q"


def test_a_used_service_is_never_deleted(qtbot, ctx: AppContext) -> None:  # type: ignore[no-untyped-def]
    cv = _by_code(ctx, "cv_lm")
    log_contact(
        ctx.engine,
        ContactDraft(
            site_id=ctx.site.id,
            channel="telephone",
            local_date=date(2019, 3, 4),
            local_time=time(10, 0),
            service_ids=[cv.id],
        ),
    )
    screen = _screen(qtbot, ctx)
    _select(screen, "cv_lm")
    assert screen.model.index(screen.table.currentIndex().row(), CatalogueModel.USES).data() == "1"
    assert "retirez-le plutôt" in screen.buttons["delete"].toolTip()
    qtbot.keyClick(screen.table, Qt.Key.Key_Delete)
    assert screen.confirm_box is None  # refused at once, nothing to confirm
    assert screen.status.kind == "error"
    assert screen.status.text().startswith("Service déjà utilisé : retirez-le plutôt.")
    assert cv.id in {s.id for s in list_services(ctx.engine)}
    assert service_usage(ctx.engine)[cv.id].uses == 1


def test_an_unused_service_is_deleted_after_confirmation(qtbot, ctx: AppContext) -> None:  # type: ignore[no-untyped-def]
    screen = _screen(qtbot, ctx)
    qtbot.keyClick(screen.table, Qt.Key.Key_N, CTRL)
    dialog = _dialog(qtbot, screen)
    qtbot.keyClicks(dialog.label_edit, "Atelier numerqiue")
    with qtbot.waitSignal(dialog.finished):
        qtbot.keyClick(dialog.label_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(screen.model.usage_loaded)
    screen.activateWindow()  # what the window manager does when a dialog closes
    qtbot.waitUntil(screen.isActiveWindow)
    typo = list_services(ctx.engine)[-1]
    assert screen.current() is not None and screen.current().id == typo.id

    qtbot.keyClick(screen.table, Qt.Key.Key_Delete)
    box = screen.confirm_box
    assert box is not None
    qtbot.waitExposed(box)
    assert "Atelier numerqiue" in box.text()
    qtbot.mouseClick(box.button(QMessageBox.StandardButton.No), Qt.MouseButton.LeftButton)
    assert typo.id in {s.id for s in list_services(ctx.engine)}
    screen.activateWindow()
    qtbot.waitUntil(screen.isActiveWindow)

    qtbot.keyClick(screen.table, Qt.Key.Key_Delete)
    box = screen.confirm_box
    assert box is not None
    qtbot.waitExposed(box)
    qtbot.mouseClick(box.button(QMessageBox.StandardButton.Yes), Qt.MouseButton.LeftButton)
    assert typo.id not in {s.id for s in list_services(ctx.engine)}
    assert screen.model.rowCount() == 20
    assert screen.status.text() == "« Atelier numerqiue » supprimé du catalogue."
    qtbot.waitUntil(screen.model.usage_loaded)


def test_read_only_database_changes_nothing(qtbot, ctx: AppContext) -> None:  # type: ignore[no-untyped-def]
    ctx.read_only = True
    screen = _screen(qtbot, ctx)
    assert not any(b.isEnabled() for b in screen.buttons.values())
    qtbot.keyClick(screen.table, Qt.Key.Key_N, CTRL)
    assert screen.dialog is None


def test_catalogue_model_passes_the_model_tester(qtmodeltester, ctx: AppContext) -> None:  # type: ignore[no-untyped-def]
    model = CatalogueModel()
    model.set_services(list_services(ctx.engine))
    qtmodeltester.check(model, force_py=True)  # counts still loading
    model.set_usage(service_usage(ctx.engine))
    qtmodeltester.check(model, force_py=True)
    assert model.index(0, CatalogueModel.LAST_USED).data() == "jamais"


def test_screens_in_the_main_window_and_the_desk_follows_the_catalogue(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    qtbot.keyClick(window, Qt.Key.Key_4, CTRL)
    assert window.current_screen_key() == "visiteurs"
    qtbot.keyClick(window, Qt.Key.Key_5, CTRL)
    assert window.current_screen_key() == "catalogue"
    screen = window.screen_for("catalogue")
    qtbot.waitUntil(screen.model.usage_loaded)
    _select(screen, "info_mobilite")
    screen.toggle_retired()
    desk_labels = {s.label for s in window.desk.form.services_model.services()}
    assert "Demande d'information sur la mobilité" not in desk_labels
    assert "Actualisation Pôle Emploi" in desk_labels


def test_the_key_field_of_the_service_dialog_has_a_plain_label_and_alt_t(
    qtbot, ctx: AppContext
) -> None:  # type: ignore[no-untyped-def]
    screen = _screen(qtbot, ctx)
    qtbot.keyClick(screen.table, Qt.Key.Key_N, CTRL)
    dialog = _dialog(qtbot, screen)
    qtbot.waitUntil(dialog.isActiveWindow)
    labels = {label.text(): label for label in dialog.findChildren(QLabel)}
    key_label = labels["&Touche"]
    # A label with a buddy shows "Touche" with T underlined, not the '&'.
    assert key_label.buddy() is dialog.key_edit
    assert dialog.label_edit.hasFocus()
    qtbot.keyClick(dialog.label_edit, Qt.Key.Key_T, Qt.KeyboardModifier.AltModifier)
    assert dialog.key_edit.hasFocus()
    dialog.reject()


def test_the_refusal_to_delete_says_the_count_shown_in_the_table(qtbot, ctx: AppContext) -> None:  # type: ignore[no-untyped-def]
    actu = _by_code(ctx, "actualisation_pe")
    draft = ContactDraft(ctx.site.id, "physique", date(2019, 3, 4), time(10, 0), None, (actu.id,))
    saved = [log_contact(ctx.engine, draft) for _ in range(4)]
    delete_contact(ctx.engine, saved[0].id)  # in the journal's bin: no use
    screen = _screen(qtbot, ctx)
    _select(screen, "actualisation_pe")
    row = screen.table.currentIndex().row()
    assert screen.model.index(row, CatalogueModel.USES).data() == "3"
    assert "délivré 3 fois" in screen.buttons["delete"].toolTip()
    qtbot.keyClick(screen.table, Qt.Key.Key_Delete)
    assert screen.status.kind == "error"
    assert "a été délivré lors de 3 contacts" in screen.status.text()


@pytest.mark.allow_log("unexpected error")
def test_a_bug_while_counting_uses_opens_the_crash_dialog(
    qtbot, ctx: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    from sarah.ui.catalogue import screen as screen_module
    from sarah.ui.dialogs.crash import CrashDialog

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("bug")

    monkeypatch.setattr(screen_module, "service_usage", broken)
    screen = CatalogueScreen(ctx)
    qtbot.addWidget(screen)
    screen.show()
    qtbot.waitUntil(lambda: screen.status.kind == "error")
    assert screen.status.text() == (
        "Utilisations non comptées : erreur inattendue (détails dans la fenêtre d'erreur)."
    )
    [crash] = screen.findChildren(CrashDialog)
    assert crash.isVisible()
    crash.accept()
    assert not screen.model.usage_loaded() and screen.model.rowCount() > 0
