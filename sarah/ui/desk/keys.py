"""A widget's own shortcuts, also when Qt's shortcut machinery lets the key through.

Qt fires a shortcut only when its window is the active window. A window that receives keys
without being active (a desktop without window manager, a remote session, a window raised
by another program) gets them as plain key presses instead: the focused child ignores
them and they reach its parent. :func:`trigger_own_shortcut` lets that parent act on them.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QKeyCombination, Qt
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence
from PySide6.QtWidgets import QWidget


def add_shortcut(
    widget: QWidget, text: str, keys: tuple[str, ...], slot: Callable[[], object]
) -> QAction:
    """An action of ``widget`` fired by ``keys`` while the focus is inside it."""
    action = QAction(text, widget)
    action.setShortcuts([QKeySequence(k) for k in keys])
    action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
    action.triggered.connect(slot)
    widget.addAction(action)
    return action


def add_shortcuts(
    widget: QWidget, table: tuple[tuple[str, tuple[str, ...], Callable[[], object]], ...]
) -> None:
    """One action of ``widget`` for each (text, keys, slot) of ``table``."""
    for text, keys, slot in table:
        add_shortcut(widget, text, keys, slot)


def trigger_own_shortcut(widget: QWidget, event: QKeyEvent) -> bool:
    """Trigger the enabled action of ``widget`` whose shortcut is the key pressed, if any."""
    modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
    try:
        pressed = QKeySequence(QKeyCombination(modifiers, Qt.Key(event.key())))
    except ValueError:  # a key Qt has no name for: no shortcut uses it
        return False
    for action in widget.actions():
        if action.isEnabled() and any(
            shortcut.matches(pressed) == QKeySequence.SequenceMatch.ExactMatch
            for shortcut in action.shortcuts()
        ):
            event.accept()
            action.trigger()
            return True
    return False
