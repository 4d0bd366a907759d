"""The completeness table of the Statistiques screen: its Qt model (qtmodeltester), gaps marked
by a sign and a word as well as a colour, the dates for the mouse and for the keyboard."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QLineEdit, QVBoxLayout, QWidget

from sarah.reports.completeness import COLUMNS, Completeness, Gaps, MonthGaps
from sarah.reports.tables import Period
from sarah.ui.reports.completeness_view import SHOWN_WARNINGS, CompletenessView
from sarah.ui.style import WARNING_COLOUR
from sarah.ui.table_models.completeness import GAP_ROLE, CompletenessModel

FO, GR = "Fontaine d'Ouche", "Grésilles"
GAPS = (date(2019, 3, 12), date(2019, 3, 13), date(2019, 3, 14))
MISSING = [c.key for c in COLUMNS].index("missing_days")
CONTACTS = [c.key for c in COLUMNS].index("contacts")


def _march(gr: Gaps | None = None) -> Completeness:
    """March 2019: Fontaine d'Ouche complete; Grésilles misses 12-14 March, 2 contacts have no
    service, 1 of its 28 contacts was typed late."""
    fo = Gaps(21, {FO: ()}, 10, 0, 4, 0, 0, 0, 0)
    gr = gr or Gaps(20, {GR: GAPS}, 28, 2, 7, 0, 0, 1, 0)
    total = Gaps(
        41,
        {FO: (), GR: gr.missing_days[GR]},
        fo.contacts + gr.contacts,
        gr.no_service,
        11,
        gr.no_birth_date,
        gr.no_sex,
        gr.late,
        0,
    )
    return Completeness(
        period=Period.month(2019, 3),
        sites=[FO, GR],
        months=[MonthGaps(date(2019, 3, 1), date(2019, 3, 31), {FO: fo, GR: gr}, total)],
        period_by_site={FO: fo, GR: gr},
        period_total=total,
        judged_before=date(2026, 12, 3),
    )


def _view(qtbot, completeness: Completeness | None) -> CompletenessView:  # type: ignore[no-untyped-def]
    view = CompletenessView()
    qtbot.addWidget(view)
    view.show_completeness(completeness)
    view.resize(1200, 500)
    view.show()
    qtbot.waitExposed(view)
    return view


def test_the_model_passes_qtmodeltester(qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    model = CompletenessModel()
    model.set_rows(_march().rows())
    qtmodeltester.check(model, force_py=True)
    assert model.rowCount() == 6
    assert model.columnCount() == len(COLUMNS)


def test_a_gap_reads_with_a_sign_in_the_warning_colour(qtbot) -> None:  # type: ignore[no-untyped-def]
    view = _view(qtbot, _march())
    model = view.model
    gr = model.index(1, MISSING)
    assert model.data(gr) == "⚠ 3"
    assert model.data(gr, GAP_ROLE) is True
    assert model.data(gr, Qt.ItemDataRole.ForegroundRole).color() == QColor(WARNING_COLOUR)
    assert model.data(gr, Qt.ItemDataRole.ToolTipRole) == (
        "Jours ouvrés sans saisie : 12/03, 13/03, 14/03"
    )
    fo = model.index(0, MISSING)
    assert model.data(fo) == "0"
    assert model.data(fo, GAP_ROLE) is False
    assert model.data(fo, Qt.ItemDataRole.ForegroundRole) is None
    assert model.data(model.index(1, CONTACTS)) == "28"  # a count, not a gap
    assert model.headerData(MISSING, Qt.Orientation.Horizontal) == "Jours sans saisie"
    assert "Jours ouvrés sans aucun contact" in model.headerData(
        MISSING, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole
    )


def test_the_sentences_above_the_table_say_what_to_fill_in(qtbot) -> None:  # type: ignore[no-untyped-def]
    view = _view(qtbot, _march())
    assert view.summary.text().startswith("⚠ À vérifier avant publication")
    assert view.warnings.isVisible()
    assert view.warnings.text().splitlines() == [
        "• Grésilles, mars 2019 : 3 jours ouvrés sans saisie (12/03, 13/03, 14/03) ; 2 contacts "
        "sans service.",
        "• Saisies tardives : 1 contact de la période a été saisi après le jour du contact "
        "(3 % des contacts).",
    ]


def test_the_arrows_walk_the_rows_and_the_line_below_spells_them_out(qtbot) -> None:  # type: ignore[no-untyped-def]
    host = QWidget()
    qtbot.addWidget(host)
    view = CompletenessView()
    after = QLineEdit()
    layout = QVBoxLayout(host)
    layout.addWidget(view)
    layout.addWidget(after)
    view.show_completeness(_march())
    host.show()
    qtbot.waitExposed(host)
    host.activateWindow()
    qtbot.waitUntil(host.isActiveWindow)
    view.table.setFocus()
    qtbot.waitUntil(view.table.hasFocus)
    assert view.detail.text() == "Fontaine d'Ouche, mars 2019 : rien à compléter."
    qtbot.keyClick(view.table, Qt.Key.Key_Down)
    assert view.detail.text() == (
        "Grésilles, mars 2019 : 3 jours ouvrés sans saisie (12/03, 13/03, 14/03) ; 2 contacts "
        "sans service ; 1 saisie tardive sur 28 contacts."
    )
    for _ in range(3):
        qtbot.keyClick(view.table, Qt.Key.Key_Down)
    assert view.detail.text().startswith("Grésilles, toute la période : 3 jours ouvrés")
    qtbot.keyClick(view.table, Qt.Key.Key_Tab)  # Tab leaves the table
    qtbot.waitUntil(after.hasFocus)


def test_complete_entries_say_so(qtbot) -> None:  # type: ignore[no-untyped-def]
    view = _view(qtbot, _march(Gaps(20, {GR: ()}, 28, 0, 7, 0, 0, 0, 0)))
    assert view.summary.text().startswith("✓ Saisies complètes")
    assert not view.warnings.isVisible()
    assert not any(
        view.model.data(view.model.index(r, c), GAP_ROLE)
        for r in range(view.model.rowCount())
        for c in range(view.model.columnCount())
    )


def test_while_computing_and_with_many_gaps(qtbot) -> None:  # type: ignore[no-untyped-def]
    view = _view(qtbot, None)
    assert view.summary.text() == "Complétude des saisies en cours de calcul…"
    assert view.model.rowCount() == 0
    sites = [f"Site {i}" for i in range(SHOWN_WARNINGS + 2)]
    lacking = {s: Gaps(20, {s: ()}, 5, 1, 2, 0, 0, 0, 0) for s in sites}
    total = Gaps(200, {s: () for s in sites}, 50, 10, 20, 0, 0, 0, 0)
    many = Completeness(
        Period.month(2019, 3),
        sites,
        [MonthGaps(date(2019, 3, 1), date(2019, 3, 31), lacking, total)],
        lacking,
        total,
        date(2026, 12, 3),
    )
    view.show_completeness(many)
    lines = view.warnings.text().splitlines()
    assert len(lines) == SHOWN_WARNINGS + 1
    assert lines[-1] == "… et 2 autre(s) : voir le tableau."


def test_a_site_name_is_shown_as_written_never_as_html(qtbot) -> None:  # type: ignore[no-untyped-def]
    odd = "<b>Quetigny</b>"
    gaps = Gaps(20, {odd: GAPS}, 10, 0, 3, 0, 0, 0, 0)
    month = MonthGaps(date(2019, 3, 1), date(2019, 3, 31), {odd: gaps}, gaps)
    view = _view(
        qtbot, Completeness(Period.month(2019, 3), [odd], [month], {odd: gaps}, gaps, date.today())
    )
    assert view.warnings.textFormat() == Qt.TextFormat.PlainText
    assert view.warnings.text().startswith("• <b>Quetigny</b>, mars 2019 : 3 jours ouvrés")
    assert view.detail.textFormat() == Qt.TextFormat.PlainText
