"""The chosen person's neighbourhood of residence at the desk (where the network keeps a list):
its line on the person's card, and F6 to choose it by one key, saved at once."""

from __future__ import annotations

import html
import uuid
from collections.abc import Callable

from PySide6.QtWidgets import QWidget

from sarah.errors import UserError
from sarah.services.desk.search import VisitorHit
from sarah.services.neighbourhoods.listing import (
    list_neighbourhoods,
    set_visitor_neighbourhood,
    tracking_on,
    visitor_neighbourhood,
)
from sarah.ui.context import AppContext
from sarah.ui.dialogs.neighbourhood_combo import NEIGHBOURHOOD_KEY, NeighbourhoodDialog


class Residence:
    def __init__(self, ctx: AppContext, parent: QWidget) -> None:
        self.ctx = ctx
        self.parent = parent
        self.dialog: NeighbourhoodDialog | None = None

    def card_line(self, hit: VisitorHit | None) -> str | None:
        """'Quartier : Grésilles (QPV) — F6 pour changer', or None where no list is kept."""
        if hit is None:
            return None
        try:
            place = visitor_neighbourhood(self.ctx.engine, hit.id)
            if place is None and not tracking_on(self.ctx.engine):
                return None
        except UserError:
            return None
        if place is None:
            return f"Quartier non renseigné — {NEIGHBOURHOOD_KEY} pour le choisir"
        kind = " (QPV)" if place.priority else ""
        return f"Quartier : {html.escape(place.label, quote=False)}{kind} — {NEIGHBOURHOOD_KEY} pour changer"

    def choose(self, hit: VisitorHit | None, done: Callable[[str | None], None]) -> None:
        """Open the chooser for ``hit``; ``done`` gets an error to say (None when saved or
        left as it was)."""
        if hit is None:
            done("Choisissez d'abord la personne : son quartier se renseigne sur sa fiche.")
            return
        try:
            places = list_neighbourhoods(self.ctx.engine, include_retired=False)
            current = visitor_neighbourhood(self.ctx.engine, hit.id)
        except UserError as exc:
            done(exc.message)
            return
        if not places:
            done(
                "Votre réseau ne suit pas le quartier de résidence (Catalogue > Quartiers de "
                "résidence)."
            )
            return
        dialog = NeighbourhoodDialog(
            hit.display_name, places, current.id if current else None, self.parent
        )
        self.dialog = dialog
        said: list[str] = []

        def save(value: object) -> None:
            chosen = value if isinstance(value, uuid.UUID) else None
            try:
                set_visitor_neighbourhood(self.ctx.engine, hit.id, chosen)
            except UserError as exc:
                said.append(f"Quartier non enregistré : {exc.message}")

        def closed(_code: int) -> None:
            # Once the chooser is gone, so that the focus it gives back is the form's.
            self.dialog = None
            dialog.deleteLater()
            self.parent.window().activateWindow()  # back to the desk, whatever the WM does
            done(said[0] if said else None)

        dialog.chosen.connect(save)
        dialog.finished.connect(closed)
        dialog.open()
