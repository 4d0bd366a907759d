"""Fixtures for the window tests: a site, an agent, a context, visitors and contacts in a real db."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, time

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from sqlalchemy import Engine

from sarah.services.contacts import ContactDraft, log_contact
from sarah.services.sites import SiteInfo, ensure_site
from sarah.services.visitors import VisitorInfo, create_visitor
from sarah.settings import Settings, save_settings

AGENT = "Nadia B."


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The offscreen platform warns about every top-level window it cannot size; not our bug."""
    for item in items:
        if "tests/ui/" in item.nodeid.replace("\\", "/"):
            item.add_marker(pytest.mark.qt_log_ignore("propagateSizeHints"))


@pytest.fixture(autouse=True)
def french_qt(qapp: QApplication) -> None:
    """Qt's own words in French, as the window installs them (sarah.ui.app.run_app)."""
    from sarah.ui.translations import install_french_translations

    install_french_translations(qapp)


class Keyboard:
    """Sends each key to whatever widget has the focus, like a real keyboard, and counts them."""

    def __init__(self, qtbot) -> None:  # type: ignore[no-untyped-def]
        self.qtbot = qtbot
        self.presses = 0

    def type(self, text: str) -> None:
        """Letters of a name: not counted in the key budget."""
        for char in text:  # the focus may move (an editor opens on the first key)
            self.qtbot.keyClicks(QApplication.focusWidget(), char)

    def press(
        self, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier
    ) -> None:
        widget = QApplication.focusWidget()
        assert widget is not None, "no widget has the keyboard focus"
        self.presses += 1
        self.qtbot.keyClick(widget, key, modifier)


@pytest.fixture
def keys(qtbot):  # type: ignore[no-untyped-def]
    return Keyboard(qtbot)


@pytest.fixture
def site(engine: Engine) -> SiteInfo:
    return ensure_site(engine, "Grésilles")


@pytest.fixture
def ctx(engine: Engine, site: SiteInfo):  # type: ignore[no-untyped-def]
    from sarah.ui.context import AppContext

    settings = Settings(home_site=site.name, agent_name=AGENT)
    save_settings(settings)
    return AppContext(engine=engine, settings=settings, site=site, agent=AGENT)


@pytest.fixture
def make_visitor(engine: Engine, site: SiteInfo) -> Callable[..., VisitorInfo]:
    def make(
        last: str, first: str = "", sex: str | None = None, born: date | None = None
    ) -> VisitorInfo:
        return create_visitor(
            engine, last_name=last, first_name=first, sex=sex, birth_date=born, site_id=site.id
        )

    return make


@pytest.fixture
def make_contact(engine: Engine, site: SiteInfo) -> Callable[..., uuid.UUID]:
    def make(
        day: date,
        at: time = time(10, 0),
        *,
        visitor: VisitorInfo | None = None,
        channel: str = "physique",
        services: tuple[uuid.UUID, ...] = (),
        site_id: uuid.UUID | None = None,
    ) -> uuid.UUID:
        return log_contact(
            engine,
            ContactDraft(
                site_id=site_id or site.id,
                channel=channel,
                local_date=day,
                local_time=at,
                visitor_id=visitor.id if visitor else None,
                service_ids=services,
                agent=AGENT,
            ),
        ).id

    return make


@pytest.fixture
def make_window(qtbot, ctx):  # type: ignore[no-untyped-def]
    """Build the main window now (after the test has put data in), shown and active."""
    from PySide6.QtCore import QThreadPool

    from sarah.ui.main_window import MainWindow

    def make(**kwargs: object) -> MainWindow:
        win = MainWindow(ctx, **kwargs)  # type: ignore[arg-type]
        qtbot.addWidget(win)
        win.show()
        qtbot.waitExposed(win)
        win.activateWindow()
        qtbot.waitUntil(win.isActiveWindow)
        return win

    yield make
    QThreadPool.globalInstance().waitForDone(5000)


@pytest.fixture
def window(make_window):  # type: ignore[no-untyped-def]
    """The main window, shown and active (shortcuts only fire in the active window)."""
    return make_window()
