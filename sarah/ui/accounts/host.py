"""A screen built for the role signed in, built again when another role signs in: for screens
that decide what they show once, at construction (the Journal d'audit)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QVBoxLayout, QWidget

from sarah.services.accounts.roles import may
from sarah.ui.context import AppContext


class RoleScreenHost(QWidget):
    """Holds ``build(parent)``'s screen; :meth:`apply_role` builds a new one when the role's
    right to ``permission`` changed since the last was built."""

    def __init__(
        self,
        ctx: AppContext,
        permission: str,
        build: Callable[[QWidget], QWidget],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx, self.permission, self._build = ctx, permission, build
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._built_for = may(ctx.role, permission)
        self.inner = build(self)
        self._layout.addWidget(self.inner)

    def apply_role(self) -> None:
        allowed = may(self.ctx.role, self.permission)
        if allowed == self._built_for:
            return
        self._layout.removeWidget(self.inner)
        self.inner.hide()
        self.inner.deleteLater()
        self._built_for = allowed
        self.inner = self._build(self)
        self._layout.addWidget(self.inner)
