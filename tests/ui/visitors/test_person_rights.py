"""The person's rights on their page: « Exporter ses données… » (PDF or JSON, off the GUI thread,
audited) and « Effacer son identité… » (asked first, saying what goes and what stays; then the
page is left), each absent for the roles that may not."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers.pdf_text import pdf_text
from helpers.person_world import PersonWorld, build_person_world
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog
from sqlalchemy import Engine, select

from sarah.db import read_connection
from sarah.schema import audit_log, visitors
from sarah.services.sites import ensure_site
from sarah.settings import Settings
from sarah.ui.context import AppContext
from sarah.ui.visitors import VisitorsScreen

WAIT = 30_000  # ms: the erasure takes a backup before and after


@pytest.fixture
def world(engine: Engine) -> PersonWorld:
    return build_person_world(engine)


def _ctx(engine: Engine, role: str | None, *, read_only: bool = False) -> AppContext:
    site = ensure_site(engine, "Grésilles")
    settings = Settings(home_site=site.name, agent_name="Claire")
    return AppContext(engine, settings, site, "Claire", read_only=read_only, role=role)


def _screen(qtbot, ctx: AppContext, letters: str = "dupont lea") -> VisitorsScreen:  # type: ignore[no-untyped-def]
    screen = VisitorsScreen(ctx)
    qtbot.addWidget(screen)
    screen.resize(1366, 720)
    with qtbot.waitActive(screen):
        screen.show()
        screen.activateWindow()
    screen.focus_search()
    qtbot.keyClicks(screen.search, letters)
    qtbot.keyClick(screen.search, Qt.Key.Key_Return)
    assert screen.history is not None
    return screen


def _actions(engine: Engine) -> list[tuple[str, str | None]]:
    with read_connection(engine) as conn:
        rows = conn.execute(
            select(audit_log.c.action, audit_log.c.target).order_by(audit_log.c.seq)
        )
        return [(r.action, r.target) for r in rows]


@pytest.mark.parametrize(
    ("role", "export", "erase"),
    [
        (None, True, True),
        ("agent", False, False),
        ("coordinateur", True, False),
        ("admin", True, True),
    ],
)
def test_the_buttons_are_there_only_for_the_roles_that_may(
    qtbot, engine: Engine, world: PersonWorld, role: str | None, export: bool, erase: bool
) -> None:  # type: ignore[no-untyped-def]
    screen = _screen(qtbot, _ctx(engine, role))
    page = screen.page
    assert page.export_button.isVisible() is export
    assert page.erase_button.isVisible() is erase
    assert page.export_button.isEnabled() and page.erase_button.isEnabled()
    if not erase:  # reached another way (a shortcut, a slot): refused in French
        assert page.rights.confirm_erase() is None
        assert "réservée aux administrateurs" in screen.status.text()
    if not export:
        assert page.rights.export_data(Path("x.pdf")) is False
        assert "réservée aux coordinateurs" in screen.status.text()


def test_the_buttons_follow_a_change_of_user_at_once(
    qtbot, engine: Engine, world: PersonWorld
) -> None:  # type: ignore[no-untyped-def]
    ctx = _ctx(engine, "admin")
    screen = _screen(qtbot, ctx)
    assert screen.page.erase_button.isVisible()
    ctx.role = "agent"  # « Changer d'utilisateur »: the main window then calls apply_role
    screen.apply_role()
    assert not screen.page.erase_button.isVisible()
    assert not screen.page.export_button.isVisible()


def test_a_damaged_base_opened_read_only_greys_both(
    qtbot, engine: Engine, world: PersonWorld
) -> None:  # type: ignore[no-untyped-def]
    screen = _screen(qtbot, _ctx(engine, "admin", read_only=True))
    assert not screen.page.export_button.isEnabled()
    assert not screen.page.erase_button.isEnabled()


def test_export_through_the_save_dialog_writes_the_pdf_and_audits_it(
    qtbot, engine: Engine, world: PersonWorld, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    asked: list[str] = []

    def save_dialog(_parent, _title, default, filters):  # type: ignore[no-untyped-def]
        asked.append(default)
        assert "PDF" in filters and "JSON" in filters
        return str(tmp_path / "demande-acces"), "Document PDF (*.pdf)"

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_dialog)
    screen = _screen(qtbot, _ctx(engine, "coordinateur"))
    with qtbot.waitSignal(screen.page.rights.exported, timeout=WAIT) as done:
        qtbot.mouseClick(screen.page.export_button, Qt.MouseButton.LeftButton)
    path = done.args[0].path
    assert path == tmp_path / "demande-acces.pdf"
    # The name offered holds no name: it goes into the audit log, which outlives identities.
    assert Path(asked[0]).name.startswith("donnees-personne-") and "dupont" not in asked[0].lower()
    assert path.read_bytes().startswith(b"%PDF")
    text = pdf_text(path)
    assert "DUPONT Léa" in text and "Fontaine d'Ouche" in text and "par Claire" in text
    assert ("export_named", str(world.lea.id)) in _actions(engine)
    assert "exportées dans" in screen.status.text() and screen.status.kind == "ok"
    assert screen.page.export_button.isEnabled()  # ready for another


def test_export_as_json_from_the_keyboard(
    qtbot, engine: Engine, world: PersonWorld, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "acces.json"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", lambda *_a: (str(target), "Données JSON (*.json)")
    )
    screen = _screen(qtbot, _ctx(engine, None))
    with qtbot.waitSignal(screen.page.rights.exported, timeout=WAIT):
        qtbot.keyClick(screen.profile.last_name, Qt.Key.Key_D, Qt.KeyboardModifier.AltModifier)
    data = json.loads(target.read_text(encoding="utf-8"))
    assert data["person"]["id"] == str(world.lea.id) and len(data["contacts"]) == 4


def test_an_export_that_cannot_be_written_says_why_in_french(
    qtbot, engine: Engine, world: PersonWorld, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    screen = _screen(qtbot, _ctx(engine, None))
    assert not screen.page.rights.export_data(tmp_path / "acces.txt")
    assert "Export non fait" in screen.status.text()
    screen.page.rights.export_data(tmp_path / "absent" / "acces.json")
    qtbot.waitUntil(lambda: "n'existe pas" in screen.status.text(), timeout=WAIT)
    assert screen.status.kind == "error" and screen.page.export_button.isEnabled()


def test_erase_asks_first_and_keeping_changes_nothing(
    qtbot, engine: Engine, world: PersonWorld
) -> None:  # type: ignore[no-untyped-def]
    screen = _screen(qtbot, _ctx(engine, "admin"))
    qtbot.mouseClick(screen.page.erase_button, Qt.MouseButton.LeftButton)
    box = screen.page.rights.confirm_box
    assert box is not None and box.isVisible()
    text = box.text()
    assert "Effacer définitivement l'identité de DUPONT Léa, née le 03/04/1990 ?" in text
    assert "le nom, le prénom et la date de naissance" in text
    assert "profils gardés des fiches réunies" in text  # she has a merged record
    assert (
        "Restent, sans rien qui désigne la personne" in text and "ne peut pas être annulé" in text
    )
    assert box.defaultButton() is screen.page.rights.keep_button
    with qtbot.waitSignal(box.finished):
        qtbot.keyClick(box, Qt.Key.Key_Return)  # Entrée keeps: the default erases nothing
    with read_connection(engine) as conn:
        last = conn.execute(select(visitors.c.last_name).where(visitors.c.id == world.lea.id))
        assert last.scalar_one() == "Dupont"
    assert screen.history is not None


def test_erase_confirmed_runs_in_the_background_then_leaves_the_page(
    qtbot, engine: Engine, world: PersonWorld
) -> None:  # type: ignore[no-untyped-def]
    screen = _screen(qtbot, _ctx(engine, "admin"))
    box = screen.page.rights.confirm_erase()
    assert box is not None and screen.page.rights.confirm_erase_button is not None
    with qtbot.waitSignal(screen.page.rights.erased, timeout=WAIT) as erased:
        qtbot.mouseClick(screen.page.rights.confirm_erase_button, Qt.MouseButton.LeftButton)
    assert erased.args == [world.lea.id]
    qtbot.waitUntil(lambda: "Identité effacée" in screen.status.text(), timeout=WAIT)
    assert screen.history is None and screen.right.currentIndex() == 0  # the page is left
    assert screen.results_model.rowCount() == 0  # « dupont lea » finds nobody now
    with read_connection(engine) as conn:
        row = conn.execute(
            select(visitors.c.last_name, visitors.c.birth_date).where(visitors.c.id == world.lea.id)
        ).one()
    assert (row.last_name, row.birth_date) == ("", None)
    assert ("erase", str(world.lea.id)) in _actions(engine)
