"""The Statistiques screen on the demonstration data: selection, tables equal to the engine's
JSON report, months, comparison, ratios, charts, drill-down and the three exports read back."""

from __future__ import annotations

import csv
import threading
from datetime import date, time
from pathlib import Path

import pytest
from helpers.pdf_text import pdf_pages, pdf_text
from openpyxl import load_workbook
from PySide6.QtCore import Qt, QThreadPool
from PySide6.QtWidgets import QApplication
from sqlalchemy import Engine

from sarah import __version__
from sarah.errors import DatabaseLocked
from sarah.reports.tables import Period
from sarah.services.contacts import ContactDraft, log_contact
from sarah.services.sites import ensure_site, list_sites
from sarah.services.statistics.months import month_breakdown
from sarah.services.statistics.tables import semester_tables
from sarah.services.visitors import create_visitor
from sarah.settings import Settings
from sarah.ui.context import AppContext
from sarah.ui.dialogs.crash import CrashDialog
from sarah.ui.reports.period_picker import (
    CUSTOM,
    MONTH,
    PREVIOUS_SEMESTER,
    QUARTER,
    PeriodPicker,
    previous_semester,
    semester_of,
)
from sarah.ui.reports.statistics_screen import StatisticsScreen
from sarah.ui.table_models.report_contacts import ReportContactsModel
from sarah.ui.table_models.report_grid import REF_ROLE, ReportGridModel
from sarah.vocabulary import CHANNELS

FO, GR = "Fontaine d'Ouche", "Grésilles"
S1_2019 = Period.semester("2019-S1")
WAIT = 30_000  # ms; generous for a loaded machine, the signal usually comes in well under 1 s


def _ctx(engine: Engine) -> AppContext:
    return AppContext(
        engine=engine,
        settings=Settings(agent_name="Claire Martin"),
        site=list_sites(engine)[0],
        agent="Claire",
    )


def _screen(qtbot, engine: Engine, period: Period = S1_2019, sites=None) -> StatisticsScreen:
    screen = StatisticsScreen(_ctx(engine), today=date(2019, 11, 8))
    qtbot.addWidget(screen)
    screen.resize(1300, 850)
    screen.select(period=period, sites=sites)
    with qtbot.waitSignal(screen.computed, timeout=WAIT):
        screen.show()
    return screen


def _texts(screen: StatisticsScreen, key: str) -> list[list[str]]:
    model = screen.tables[key].grid_model
    return [
        [model.data(model.index(r, c)) for c in range(model.columnCount())]
        for r in range(model.rowCount())
    ]


def _check_tables_equal_json(screen: StatisticsScreen, expected: dict) -> None:
    sites = expected["sites"]
    columns = [expected["by_site"][s] for s in sites] + [expected["total"]]
    contacts = _texts(screen, "contacts")
    for row, key in zip(contacts, [*CHANNELS, "total"], strict=True):
        assert row[1:] == [str(col["contacts"][key]) for col in columns]
    services = _texts(screen, "services")
    labels = list(expected["total"]["services"])
    assert [r[0].removesuffix(" (service retiré)") for r in services[:-1]] == labels[:-1]
    for row, label in zip(services, labels, strict=True):
        assert row[1:] == [str(col["services"][label]) for col in columns]
    for key in ("persons", "new_persons"):
        grid = screen.tables[key].grid_model.grid
        assert grid is not None
        rows = _texts(screen, key)
        assert [r[0] for r in rows[:-1]] == sites
        for row, col in zip(rows, columns, strict=True):
            people = col[key]
            for i, heading in enumerate(grid.headers[1:], start=1):
                ref = screen.tables[key].grid_model.data(
                    screen.tables[key].grid_model.index(rows.index(row), i), REF_ROLE
                )
                if heading == "TOTAL tous publics":
                    assert row[i] == str(people["total"])
                elif ref is not None:
                    group = people[ref.row]
                    assert row[i] == str(group[ref.sex] if ref.sex else group["total"])


def test_semester_tables_show_the_engine_numbers_and_the_reference_percentages(
    qtbot, demo: Engine
) -> None:
    screen = _screen(qtbot, demo)
    expected = semester_tables(demo, S1_2019).to_json()
    _check_tables_equal_json(screen, expected)
    persons = _texts(screen, "persons")
    gresilles = persons[1]
    assert gresilles[0] == GR
    # 249 / 457 and 208 / 457: the percentages the printed report had swapped.
    assert gresilles[7:11] == ["249", "54 %", "208", "46 %"]
    assert persons[2][0] == "2 Points Relais" and persons[2][-1] == "1828"
    assert _texts(screen, "contacts")[2] == ["NOMBRE TOTAL DES CONTACTS", "3129", "2808", "5937"]
    assert "Totaux vérifiés" in screen.checks.text()
    assert "Contacts anonymes (personne non identifiée) : 0" in screen.notes.text()
    assert "1er semestre 2019" in screen.heading.text()
    bold = screen.tables["contacts"].grid_model.data(
        screen.tables["contacts"].grid_model.index(2, 1), Qt.ItemDataRole.FontRole
    )
    assert bold is not None and bold.bold()


def test_choosing_a_quarter_and_one_site_recomputes(qtbot, demo: Engine) -> None:
    screen = _screen(qtbot, demo)
    quarter = Period.quarter(2019, 2)
    with qtbot.waitSignal(screen.computed, timeout=WAIT):
        screen.select(period=quarter, sites=[GR])
    assert screen.period_picker.kind.currentIndex() == QUARTER
    assert screen.current_sites() == [GR]
    expected = semester_tables(demo, quarter, [GR]).to_json()
    _check_tables_equal_json(screen, expected)
    assert _texts(screen, "contacts")[0][1:] == [
        str(expected["by_site"][GR]["contacts"]["physique"]),
        str(expected["total"]["contacts"]["physique"]),
    ]
    months = _texts(screen, "months")
    assert [r[0] for r in months] == ["avril 2019", "mai 2019", "juin 2019", "Période"]


def test_a_site_unticked_by_hand_and_none_ticked(qtbot, demo: Engine) -> None:
    screen = _screen(qtbot, demo)
    item = screen.site_picker.list.item(0)
    with qtbot.waitSignal(screen.computed, timeout=WAIT):
        item.setCheckState(Qt.CheckState.Unchecked)
    assert screen.figures is not None and screen.figures.report.sites == [GR]
    screen.site_picker.list.item(1).setCheckState(Qt.CheckState.Unchecked)
    qtbot.waitUntil(lambda: "au moins un site" in screen.status.text(), timeout=WAIT)
    assert screen.figures is None and not screen.xlsx_button.isEnabled()


def test_a_computation_can_be_cancelled(qtbot, demo: Engine) -> None:
    screen = _screen(qtbot, demo)
    screen.select(period=Period.year(2019))
    screen.refresh()  # starts now, without the typing pause
    assert screen.cancel_button.isVisible() and screen.progress.isVisible()
    with qtbot.assertNotEmitted(screen.tablesShown):
        qtbot.mouseClick(screen.cancel_button, Qt.MouseButton.LeftButton)
        QThreadPool.globalInstance().waitForDone(WAIT)
        QApplication.processEvents()  # deliver whatever the workers reported
    assert screen.figures is None and "annulé" in screen.status.text()
    assert not screen.cancel_button.isVisible() and not screen.xlsx_button.isEnabled()
    with qtbot.waitSignal(screen.computed, timeout=WAIT):
        qtbot.keyClick(screen, Qt.Key.Key_F5)
    assert screen.figures is not None and screen.figures.report.period == Period.year(2019)


def test_month_breakdown_comparison_and_ratios_tabs(qtbot, demo: Engine) -> None:
    screen = _screen(qtbot, demo)
    months = month_breakdown(demo, S1_2019)
    rows = _texts(screen, "months")
    assert rows[0][:3] == [
        "janvier 2019",
        str(months.months[0].by_site[FO].contacts),
        str(months.months[0].by_site[FO].people),
    ]
    assert rows[-1][0] == "Période" and rows[-1][1:3] == ["3129", "1030"]
    assert rows[-1][-2:] == ["5937", "1828"]

    previous = semester_tables(demo, Period.semester("2018-S1")).to_json()
    grid = screen.tables["comparison"].grid_model.grid
    assert grid is not None
    assert grid.headers[1:4] == [
        f"{FO}\n1er semestre 2018",
        f"{FO}\n1er semestre 2019",
        f"{FO}\nÉvolution",
    ]
    comparison = _texts(screen, "comparison")
    total = next(r for r in comparison if r[0] == "Total des contacts")
    assert total[1:3] == [str(previous["by_site"][FO]["contacts"]["total"]), "3129"]
    change = (3129 - previous["by_site"][FO]["contacts"]["total"]) / previous["by_site"][FO][
        "contacts"
    ]["total"]
    assert total[3] == f"{'+' if change >= 0 else '−'}{round(abs(change) * 100)} %"

    ratios = {r[0]: r for r in _texts(screen, "ratios")}
    assert ratios["Part des contacts téléphoniques"][1:4] == ["31 %", "15 %", "23 %"]
    assert ratios["Contacts par personne"][3] == "3,25"  # 5937 / 1828


def test_charts_have_one_series_per_site_and_patterns(qtbot, demo: Engine) -> None:
    screen = _screen(qtbot, demo)
    months = screen.chart_views["months"].chart()
    (series,) = months.series()
    sets = series.barSets()
    assert [s.label() for s in sets] == [FO, GR]
    months_data = month_breakdown(demo, S1_2019)
    assert [sets[0].at(i) for i in range(sets[0].count())] == [
        m.by_site[FO].contacts for m in months_data.months
    ]
    assert sets[0].brush().style() != sets[1].brush().style()  # tells sites apart in grey
    people = screen.chart_views["people"].chart().series()[0]
    assert [s.label() for s in people.barSets()] == [
        "Jeunes femmes",
        "Jeunes hommes",
        "Adultes femmes",
        "Adultes hommes",
    ]
    assert people.barSets()[2].at(1) == 249.0
    services = screen.chart_views["services"].chart().series()[0]
    assert len(services.barSets()) == 2 and services.barSets()[0].count() == 20


def _cell_point(table, row: int, column: int):
    return table.visualRect(table.model().index(row, column)).center()


def test_double_click_lists_the_people_behind_a_number(qtbot, demo: Engine) -> None:
    screen = _screen(qtbot, demo)
    screen.tabs.setCurrentIndex(0)
    table = screen.tables["persons"]
    # Grésilles, "Jeunes Femmes": 178 people, one line each.
    table.scrollTo(table.model().index(1, 1))
    point = _cell_point(table, 1, 1)
    with qtbot.waitSignal(screen.tables["persons"].cellOpened, timeout=WAIT) as opened:
        # Qt's item views take a double-click after the press of the first click.
        qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=point)
        qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert opened.args[0].site == GR and (opened.args[0].row, opened.args[0].sex) == (
        "jeunes",
        "F",
    )
    dialog = screen.last_drilldown
    assert dialog is not None
    if dialog.found is None:
        with qtbot.waitSignal(dialog.loaded, timeout=WAIT):
            pass
    assert dialog.model.rowCount() == 178
    assert "178 personne(s)" in dialog.count.text()
    first = dialog.model.line(0)
    assert first.site == GR and first.sex == "F" and first.age_group == "jeunes"
    assert S1_2019.start <= first.local_date <= S1_2019.end
    assert "Grésilles" in dialog.title.text()
    dialog.close()


def test_enter_on_a_service_cell_lists_its_contacts(qtbot, demo: Engine) -> None:
    screen = _screen(qtbot, demo)
    table = screen.tables["services"]
    table.setFocus()
    table.setCurrentIndex(table.model().index(0, 2))  # Actualisation, Grésilles: 184
    with qtbot.waitSignal(table.cellOpened, timeout=WAIT):
        qtbot.keyClick(table, Qt.Key.Key_Return)
    dialog = screen.last_drilldown
    assert dialog is not None
    if dialog.found is None:
        with qtbot.waitSignal(dialog.loaded, timeout=WAIT):
            pass
    assert dialog.model.rowCount() == 184
    assert all("Actualisation Pôle Emploi" in dialog.model.line(r).services for r in range(184))
    assert dialog.title.text() == (
        "Service « Actualisation Pôle Emploi » — Grésilles — 1er semestre 2019"
    )


def test_people_at_two_sites_and_anonymous_contacts_are_explained(qtbot, engine: Engine) -> None:
    fo, gr = ensure_site(engine, FO), ensure_site(engine, GR)
    v = create_visitor(engine, last_name="Durand", first_name="Inès", sex="F")
    for site in (fo, gr):
        log_contact(engine, ContactDraft(site.id, "physique", date(2019, 3, 4), time(10), v.id))
    log_contact(engine, ContactDraft(gr.id, "telephone", date(2019, 3, 5), time(11)))
    screen = _screen(qtbot, engine)
    persons = _texts(screen, "persons")
    assert [r[-1] for r in persons] == ["1", "1", "1"]
    assert "plusieurs Points Relais" in screen.notes.text()
    assert "Contacts anonymes (personne non identifiée) : 1" in screen.notes.text()
    assert "Totaux vérifiés" in screen.checks.text()


def test_the_main_window_has_the_statistics_screen(qtbot, window) -> None:
    screen = window.screen_for("statistiques")
    assert isinstance(screen, StatisticsScreen)
    with qtbot.waitSignal(screen.computed, timeout=WAIT):
        window.show_screen("statistiques")
    assert window.current_screen_key() == "statistiques"
    assert screen.figures is not None and screen.figures.report.sites == ["Grésilles"]


def test_period_picker_offers_semesters_first_then_other_periods(qtbot) -> None:
    picker = PeriodPicker(today=date(2026, 11, 28))
    qtbot.addWidget(picker)
    assert picker.kind.itemText(0) == "Semestre en cours (2nd semestre 2026)"
    assert picker.kind.itemText(1) == "Semestre précédent (1er semestre 2026)"
    assert picker.period() == semester_of(date(2026, 11, 28))
    assert previous_semester(date(2026, 3, 1)) == Period.semester("2025-S2")
    with qtbot.waitSignal(picker.periodChanged) as changed:
        picker.kind.setCurrentIndex(PREVIOUS_SEMESTER)
    assert changed.args[0] == Period.semester("2026-S1")
    picker.set_period(Period.month(2019, 10))
    assert picker.kind.currentIndex() == MONTH and picker.period() == Period.month(2019, 10)
    assert picker.month.isVisible() == picker.isVisible()
    picker.set_period(Period(date(2019, 1, 10), date(2019, 2, 15)))
    assert picker.kind.currentIndex() == CUSTOM
    with qtbot.assertNotEmitted(picker.periodChanged):
        picker.start.setDate(picker.end.date().addDays(3))  # reversed dates
    assert picker.period() is None and "avant" in picker.error.text()


def test_grid_models_pass_the_model_tester(qtbot, qtmodeltester, demo: Engine) -> None:
    screen = _screen(qtbot, demo)
    for key in ("contacts", "services", "persons", "months", "comparison", "ratios"):
        model = ReportGridModel()
        model.set_grid(screen.tables[key].grid_model.grid)
        qtmodeltester.check(model)
    assert ReportGridModel().rowCount() == 0
    dialog = screen.open_drilldown(
        screen.tables["contacts"].grid_model.data(
            screen.tables["contacts"].grid_model.index(1, 2), REF_ROLE
        )
    )
    assert dialog is not None
    with qtbot.waitSignal(dialog.loaded, timeout=WAIT):
        pass
    contacts = ReportContactsModel()
    contacts.set_lines(dialog.found.lines[:50])
    qtmodeltester.check(contacts)
    assert contacts.data(contacts.index(0, ReportContactsModel.CHANNEL)) == "Téléphone"
    dialog.close()


# --- exports ----------------------------------------------------------------------------------


def test_excel_export_has_the_engine_sheets_ours_and_native_charts(
    qtbot, demo: Engine, tmp_path: Path
) -> None:
    screen = _screen(qtbot, demo)
    path = tmp_path / "stats.xlsx"
    with qtbot.waitSignal(screen.exported, timeout=WAIT) as done:
        screen.export_xlsx(path)
    assert done.args == [str(path)]
    wb = load_workbook(path)
    for name in ("Informations", "Contacts", "Services", "Mois", "Comparaison", "Ratios"):
        assert name in wb.sheetnames
    months = wb["Mois"]
    values = [[c.value for c in row] for row in months.iter_rows()]
    assert ["Période", 3129, 1030, 2808, 798, 5937, 1828, None] in values
    text = "\n".join(str(v[0]) for v in values if v and v[0])
    assert "Produit par : Claire Martin" in text and f"SARAH {__version__}" in text
    assert "1er semestre 2019" in text and "Fontaine d'Ouche, Grésilles" in text
    assert len(wb["Graphiques"]._charts) == 3
    comparison = wb["Comparaison"]
    assert any(
        row[0] == "Total des contacts" and row[2] == 3129
        for row in comparison.iter_rows(values_only=True)
    )
    ratios = {row[0]: row for row in wb["Ratios"].iter_rows(values_only=True) if row[0]}
    assert ratios["Contacts par personne"][3] == pytest.approx(5937 / 1828)


def test_csv_export_opens_with_semicolons_and_bom(qtbot, demo: Engine, tmp_path: Path) -> None:
    screen = _screen(qtbot, demo)
    path = tmp_path / "stats.csv"
    with qtbot.waitSignal(screen.exported, timeout=WAIT):
        screen.export_csv(path)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines(), delimiter=";"))
    assert any(r[:4] == ["NOMBRE TOTAL DES CONTACTS", "3129", "2808", "5937"] for r in rows)


def test_word_export_writes_the_report_section_with_the_reference_sentences(
    qtbot, demo: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from docx import Document

    import sarah.ui.reports.statistics_screen as screen_module

    screen = _screen(qtbot, demo)
    path = tmp_path / "section.docx"
    monkeypatch.setattr(screen_module, "ask_export_path", lambda _parent, _report, kind: path)
    assert screen.docx_button.isEnabled() and screen.docx_button.text() == "Word…"
    with qtbot.waitSignal(screen.exported, timeout=WAIT):
        screen.docx_button.click()
    text = " ".join(p.text for p in Document(str(path)).paragraphs)
    nb = "\u202f"
    assert f"On dénombre 5{nb}937 contacts dont 3{nb}129 à la Fontaine d'Ouche et 2{nb}808" in text
    assert f"sont le fait de 1{nb}828 personnes différentes" in text
    assert "493 personnes sont venues pour la première fois" in text
    assert "Document produit le " in text and "par Claire Martin" in text


def test_the_fse_profile_adds_its_age_band_tables_to_the_screen_and_the_workbook(
    qtbot, demo: Engine, tmp_path: Path
) -> None:
    from sarah.services.statistics.age_bands import age_band_tables

    screen = _screen(qtbot, demo)
    assert not screen.tables["persons_by_age"].isVisibleTo(screen)
    with qtbot.waitSignal(screen.computed, timeout=WAIT):
        screen.bar.age_profile.setCurrentIndex(1)  # "Jeunes / adultes + tranches FSE+"
    expected = age_band_tables(demo, S1_2019, None).total
    rows = _texts(screen, "persons_by_age")
    total_row = rows[-1]
    assert total_row[0] == "2 Points Relais" and total_row[-1] == "1828"
    headers = screen.tables["persons_by_age"].grid_model.grid.headers
    under18 = total_row[headers.index("Moins de 18 ans Total")]
    assert under18 == str(expected.band_total("Moins de 18 ans"))  # the engine's, shown
    path = tmp_path / "fse.xlsx"
    with qtbot.waitSignal(screen.exported, timeout=WAIT):
        screen.export_xlsx(path)
    assert "Tranches d'âge" in load_workbook(path).sheetnames


def test_pdf_export_is_a_landscape_a4_with_title_period_sites_and_author(
    qtbot, demo: Engine, tmp_path: Path
) -> None:
    screen = _screen(qtbot, demo)
    path = tmp_path / "stats.pdf"
    with qtbot.waitSignal(screen.exported, timeout=WAIT):
        screen.export_pdf(path)
    pages, size = pdf_pages(path)
    assert pages >= 5
    assert size == (842, 595)  # A4 landscape, in points
    text = pdf_text(path)
    for expected in (
        "Statistiques des Points Relais",
        "1er semestre 2019",
        "Fontaine d'Ouche, Grésilles",
        "Produit par : Claire Martin",
        f"SARAH {__version__}",
        "Totaux vérifiés",
        "NOMBRE TOTAL DES CONTACTS",
        "Publics nouvellement accueillis",
        "Contacts et personnes par mois",
        "Comparaison",
        "Complétude des saisies",
        "Saisies complètes",  # the demo's first semester has no gap
    ):
        assert expected in text.replace("ﬁ", "fi").replace("ﬀ", "ff")
    assert "249" in text and "54 %" in text
    assert not list(tmp_path.glob(".*partiel"))


def test_pdf_tables_running_onto_the_next_page_repeat_their_headings(
    qtbot, demo: Engine, tmp_path: Path
) -> None:
    screen = _screen(qtbot, demo)
    path = tmp_path / "stats.pdf"
    with qtbot.waitSignal(screen.exported, timeout=WAIT):
        screen.export_pdf(path)
    text = pdf_text(path)
    pages = text.split("\f")
    start = next(i for i, p in enumerate(pages) if "Comparaison : 1er semestre 2019" in p)
    # The comparison of the demonstration semester is longer than a page.
    assert "Total des nouveaux publics" not in pages[start]
    following = pages[start + 1]
    assert "Total des nouveaux publics" in following
    # Above its first figures, the headings of the columns again.
    head = following[: following.index("Public jeune")]
    for word in (FO, GR, "TOTAL des 2 PR", "Évolution", "Remarque", "semestre", "2018"):
        assert word in head, word


def test_export_to_a_missing_folder_says_so_and_writes_nothing(
    qtbot, demo: Engine, tmp_path: Path
) -> None:
    screen = _screen(qtbot, demo)
    target = tmp_path / "absent" / "stats.pdf"
    with qtbot.waitSignal(screen.failed, timeout=WAIT) as failed:
        screen.export_pdf(target)
    assert "Rien n'a été enregistré" in failed.args[0] and "n'existe pas" in failed.args[0]
    assert not target.parent.exists()
    assert screen.pdf_button.isEnabled()


def test_the_pdf_is_printed_off_the_gui_thread_and_appears_whole(
    qtbot, demo: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sarah.ui.reports.pdf_export as pdf_export

    screen = _screen(qtbot, demo)
    printed_on: list[threading.Thread] = []
    print_pdf = pdf_export.pdf_bytes

    def printing(document: pdf_export.PdfDocument) -> bytes:
        printed_on.append(threading.current_thread())
        return print_pdf(document)

    monkeypatch.setattr(pdf_export, "pdf_bytes", printing)
    path = tmp_path / "stats.pdf"
    with qtbot.waitSignal(screen.exported, timeout=WAIT) as done:
        screen.export_pdf(path)
        # Back at once: the screen answers while a worker prints, as for the other exports.
        assert screen.progress.isVisible() and not screen.pdf_button.isEnabled()
        assert "Document PDF en cours d'écriture" in screen.status.text()
    assert done.args == [str(path)]
    assert printed_on and printed_on[0] is not threading.main_thread()
    assert path.read_bytes().startswith(b"%PDF")
    assert not list(tmp_path.glob(".*partiel"))
    assert screen.pdf_button.isEnabled() and not screen.progress.isVisible()


# --- failures: a user's problem says why, a bug opens the crash dialog --------------------------


def _unshown_screen(qtbot, engine: Engine) -> StatisticsScreen:
    screen = StatisticsScreen(_ctx(engine), today=date(2019, 11, 8))
    qtbot.addWidget(screen)
    screen.select(period=S1_2019)
    return screen


@pytest.mark.allow_log("unexpected error")
def test_a_bug_in_the_computation_opens_the_crash_dialog(
    qtbot, demo: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sarah.ui.reports.statistics_screen as screen_module

    def broken(*_args: object) -> None:
        raise RuntimeError("bug in the figures")

    monkeypatch.setattr(screen_module, "compute_tables", broken)
    screen = _unshown_screen(qtbot, demo)
    with qtbot.waitSignal(screen.failed, timeout=WAIT) as failed:
        screen.show()
    message = "Calcul impossible : erreur inattendue (détails dans la fenêtre d'erreur)."
    assert failed.args == [message] and screen.status.text() == message
    dialogs = screen.findChildren(CrashDialog)
    assert len(dialogs) == 1 and dialogs[0].isVisible()
    assert "bug in the figures" in dialogs[0].details.toPlainText()
    assert not screen.cancel_button.isVisible() and not screen.pdf_button.isEnabled()
    dialogs[0].accept()


def test_a_locked_database_during_the_computation_says_so(
    qtbot, demo: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sarah.ui.reports.statistics_screen as screen_module

    def locked(*_args: object) -> None:
        raise DatabaseLocked("La base de données est occupée.")

    monkeypatch.setattr(screen_module, "compute_tables", locked)
    screen = _unshown_screen(qtbot, demo)
    with qtbot.waitSignal(screen.failed, timeout=WAIT) as failed:
        screen.show()
    assert failed.args == ["Calcul impossible : La base de données est occupée."]
    assert screen.findChildren(CrashDialog) == []


@pytest.mark.allow_log("unexpected error")
def test_a_bug_while_exporting_opens_the_crash_dialog_and_keeps_the_exports(
    qtbot, demo: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sarah.ui.reports.statistics_screen as screen_module

    def broken(*_args: object) -> str:
        raise RuntimeError("bug in the writer")

    screen = _screen(qtbot, demo)
    monkeypatch.setattr(screen_module, "write_csv", broken)
    with qtbot.waitSignal(screen.failed, timeout=WAIT) as failed:
        screen.export_csv(tmp_path / "stats.csv")
    assert failed.args == [
        "Rien n'a été enregistré : erreur inattendue (détails dans la fenêtre d'erreur)."
    ]
    dialogs = screen.findChildren(CrashDialog)
    assert len(dialogs) == 1 and dialogs[0].isVisible()
    assert screen.csv_button.isEnabled() and not (tmp_path / "stats.csv").exists()
    dialogs[0].accept()


@pytest.mark.allow_log("unexpected error")
def test_a_bug_in_the_drilldown_opens_the_crash_dialog(
    qtbot, demo: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sarah.ui.reports.drilldown as drilldown_module

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("bug in the contacts")

    screen = _screen(qtbot, demo)
    monkeypatch.setattr(drilldown_module, "view_drilldown", broken)
    model = screen.tables["contacts"].grid_model
    dialog = screen.open_drilldown(model.data(model.index(1, 2), REF_ROLE))
    assert dialog is not None
    with qtbot.waitSignal(dialog.failed, timeout=WAIT) as failed:
        pass
    assert failed.args == [
        "Recherche impossible : erreur inattendue (détails dans la fenêtre d'erreur)."
    ]
    assert dialog.title.text() == "Impossible d'afficher les contacts"
    crash = dialog.findChildren(CrashDialog)
    assert len(crash) == 1 and crash[0].isVisible()
    crash[0].accept()
    dialog.close()


def test_every_number_of_the_four_tables_opens_exactly_its_contacts(engine: Engine) -> None:
    """Without a window: each drill-down reference of the screen's grids finds as many
    contacts (or people) as the number it sits on."""
    from sarah.services.statistics.drilldown import contacts_behind
    from sarah.ui.reports.grids import report_grids

    fo, gr = ensure_site(engine, FO), ensure_site(engine, GR)
    young = create_visitor(engine, last_name="Durand", sex="F", birth_date=date(2000, 1, 1))
    adult = create_visitor(engine, last_name="Morel", sex="H", birth_date=date(1960, 1, 1))
    unknown = create_visitor(engine, last_name="Petit")
    log_contact(engine, ContactDraft(fo.id, "physique", date(2018, 5, 2), time(9), adult.id))
    for day, site, who, channel in (
        (date(2019, 1, 3), fo, young, "physique"),
        (date(2019, 2, 4), gr, young, "telephone"),
        (date(2019, 3, 5), fo, adult, "physique"),
        (date(2019, 3, 6), gr, unknown, "physique"),
        (date(2019, 4, 8), gr, None, "telephone"),
    ):
        log_contact(engine, ContactDraft(site.id, channel, day, time(10), who.id if who else None))
    report = semester_tables(engine, S1_2019)
    checked = 0
    for grid in report_grids(report):
        for row in grid.rows:
            for cell in row[1:]:
                if cell.ref is None or (cell.ref.table == "services" and cell.ref.row == "total"):
                    continue
                assert contacts_behind(engine, S1_2019, None, cell.ref).count == cell.value
                checked += 1
    assert checked > 60


def test_wide_tables_are_cut_for_the_page_without_splitting_a_site() -> None:
    from sarah.ui.reports.grids import COUNT, Grid, GridCell
    from sarah.ui.reports.pdf_html import split_grid

    sites = [f"Site {i}" for i in range(10)]
    headers = ["Mois"] + [f"{s}\n{what}" for s in sites for what in ("Contacts", "Personnes")]
    groups = [(s, 1 + 2 * i, 2 + 2 * i) for i, s in enumerate(sites)]
    rows = [[GridCell("janvier 2019")] + [GridCell(n, COUNT) for n in range(20)]]
    parts = split_grid(Grid("months", "Par mois", headers, rows, groups), max_columns=7)
    assert [p.title for p in parts] == ["Par mois (1/4)", "Par mois (suite 2/4)"] + [
        "Par mois (suite 3/4)",
        "Par mois (suite 4/4)",
    ]
    assert [len(p.headers) - 1 for p in parts] == [6, 6, 6, 2]  # whole sites only
    assert all(p.rows[0][0].text == "janvier 2019" for p in parts)
    assert parts[1].groups == [("Site 3", 1, 2), ("Site 4", 3, 4), ("Site 5", 5, 6)]
    assert [c.value for c in parts[3].rows[0][1:]] == [18, 19]
    narrow = Grid("ratios", "Ratios", ["Ratio", "A", "B"], [[GridCell("x"), GridCell(1, COUNT)]])
    assert split_grid(narrow) == [narrow]
