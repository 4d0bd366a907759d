"""SARAH's mark as the window icon: every window, dialog and the taskbar show it.

The picture is packaging/sarah.png (drawn by packaging/make_icon.py), found by
``sarah.paths.icon_file()`` in the frozen build and in a source checkout.
"""

from __future__ import annotations

from PySide6.QtGui import QGuiApplication, QIcon

from sarah import paths


def window_icon() -> QIcon:
    """SARAH's mark; an empty icon where the installation has none (a wheel)."""
    path = paths.icon_file()
    return QIcon(str(path)) if path is not None else QIcon()


def install_app_icon(app: QGuiApplication) -> QIcon:
    """Every window of ``app`` without an icon of its own shows SARAH's."""
    icon = window_icon()
    if not icon.isNull():
        app.setWindowIcon(icon)
    return icon
