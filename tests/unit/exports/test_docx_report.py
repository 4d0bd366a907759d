"""The activity report's section as a Word document, read back with python-docx: the heading,
the four tables as in the reference, the sentences under their tables with the report's own
numbers, names kept as plain text, and the demonstration semester end to end."""

from __future__ import annotations

import copy
import json
import re
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.table import Table
from sqlalchemy import Engine

from sarah.errors import InvalidInput
from sarah.exports.docx_report import write_report_docx
from sarah.exports.meta import ExportMeta
from sarah.reports.tables import Period, Report
from sarah.services.demo.loader import load_demo
from sarah.services.statistics.tables import semester_tables

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "reference-2019-S1.json"
META = ExportMeta("Nadia Benali", datetime(2019, 7, 3, 14, 5), "1.2.3")
NUMBER = re.compile(r"\d+(?:\u202f\d{3})*")

# Every number of the reference section's sentences, in reading order, typed from the 2019
# report (5 % is the stated margin, 26 the age limit).
REFERENCE_NUMBERS = [
    *(5937, 3129, 2808),
    *(5937, 7821, 3925, 3896, 5, 2395, 1845, 1375, 973, 1565),
    *(5937, 1828, 1030, 798, 26, 45, 55),
    *(493, 353, 140, 72, 28),
]


def reference_json() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(FIXTURE.read_text(encoding="utf-8"))
    return data


def write_and_read(report: Report, tmp_path: Path) -> DocumentObject:
    return Document(str(write_report_docx(report, tmp_path / "rapport.docx", META)))


def rows(table: Table) -> list[list[str]]:
    """Cell texts, the thousands' narrow no-break space and the one before '%' as spaces."""
    return [
        [c.text.replace("\u202f", " ").replace("\u00a0", " ") for c in row.cells]
        for row in table.rows
    ]


def sentences_after_tables(doc: DocumentObject) -> list[tuple[int, str]]:
    """(index of the table above, text) of each paragraph written between two tables or after
    the last one, the closing line about the document left out."""
    out: list[tuple[int, str]] = []
    table = -1
    for child in doc.element.body.iterchildren():
        if child.tag == qn("w:tbl"):
            table += 1
        elif child.tag == qn("w:p") and table >= 0:
            style = child.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
            text = "".join(t.text or "" for t in child.iter(qn("w:t")))
            if style is None and text and not text.startswith("Document produit"):
                out.append((table, text))
    return out


@pytest.fixture
def reference_doc(tmp_path: Path) -> DocumentObject:
    return write_and_read(Report.from_json(reference_json()), tmp_path)


def test_heading_period_and_footer(reference_doc: DocumentObject) -> None:
    paragraphs = [(p.style.name if p.style else "", p.text) for p in reference_doc.paragraphs]
    assert paragraphs[0] == (
        "Heading 1",
        "Coordination de la fonction d'accueil dans les Points Relais",
    )
    assert paragraphs[1] == ("Subtitle", "1er semestre 2019 (du 01/01/2019 au 30/06/2019)")
    assert [text for style, text in paragraphs if style == "Heading 2"] == [
        "Contacts",
        "Services",
        "Nombre de personnes concernées",
        "Publics nouvellement accueillis",
    ]
    assert (
        paragraphs[-1][1]
        == "Document produit le 03/07/2019 à 14:05 par Nadia Benali avec SARAH 1.2.3."
    )
    assert reference_doc.core_properties.author == "Nadia Benali"


def test_the_four_tables_equal_the_reference(reference_doc: DocumentObject) -> None:
    contacts, services, persons, new = (rows(t) for t in reference_doc.tables)
    assert contacts == [
        ["CONTACTS", "Fontaine d'Ouche", "Grésilles", "TOTAL des 2 PR"],
        ["Nombre d'entretiens Physiques", "2 170", "2 393", "4 563"],
        ["Nombre d'entretiens Téléphoniques", "959", "415", "1 374"],
        ["NOMBRE TOTAL DES CONTACTS", "3 129", "2 808", "5 937"],
    ]
    assert len(services) == 1 + 20 + 2
    assert services[1] == ["Actualisation Pôle Emploi", "68", "184", "252"]
    assert services[19] == ["Service administratif (tel, copie)", "830", "1 565", "2 395"]
    assert services[-2:] == [
        ["Non renseigné", "0", "0", "0"],
        ["NOMBRE TOTAL DES SERVICES DELIVRES", "3 925", "3 896", "7 821"],
    ]
    assert persons[0][:2] == ["Point Relais", "Public jeunes"] and persons[0][7] == "Public adulte"
    assert persons[1][1:4] == ["Jeunes Femmes", "%", "Jeunes Hommes"]
    # Grésilles: 54 % and 46 % computed, where the printed report had them swapped.
    assert persons[3] == [
        *("Grésilles", "178", "52 %", "163", "48 %", "341", "43 %"),
        *("249", "54 %", "208", "46 %", "457", "57 %", "798"),
    ]
    assert new[4] == [
        *("2 Points Relais", "103", "43 %", "137", "57 %", "240", "49 %"),
        *("127", "50 %", "126", "50 %", "253", "51 %", "493"),
    ]


def test_headings_repeat_numbers_align_right_totals_bold(reference_doc: DocumentObject) -> None:
    contacts, _services, persons, _new = reference_doc.tables
    for table, heading_rows in ((contacts, 1), (persons, 2)):
        repeated = [
            row._tr.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None for row in table.rows
        ]
        assert repeated == [True] * heading_rows + [False] * (len(table.rows) - heading_rows)
    physique = contacts.rows[1].cells
    assert physique[1].paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert physique[0].paragraphs[0].alignment != WD_ALIGN_PARAGRAPH.RIGHT
    assert not physique[1].paragraphs[0].runs[0].bold
    assert physique[3].paragraphs[0].runs[0].bold  # the total column
    assert all(c.paragraphs[0].runs[0].bold for c in contacts.rows[3].cells)  # the total row
    assert contacts.style is not None and contacts.style.name == "Table Grid"


def test_every_number_of_the_sentences_is_the_reports(reference_doc: DocumentObject) -> None:
    written = sentences_after_tables(reference_doc)
    assert [table for table, _text in written] == [0, 1, 2, 3]  # one paragraph under each
    numbers = [int(n.replace("\u202f", "")) for _t, text in written for n in NUMBER.findall(text)]
    assert numbers == REFERENCE_NUMBERS
    text = " ".join(t for _i, t in written).replace("\u202f", " ").replace("\u00a0", " ")
    for seed in (
        "On dénombre 5 937 contacts dont 3 129 à la Fontaine d'Ouche et 2 808 aux Grésilles.",
        "Les entretiens téléphoniques sont plus nombreux à la Fontaine d'Ouche tandis que les "
        "entretiens physiques sont plus nombreux aux Grésilles.",
        "Les 5 937 contacts ont donné lieu à la délivrance de 7 821 services",
        "sont le fait de 1 828 personnes différentes",
        "493 personnes sont venues pour la première fois",
        "le nombre de personnes nouvelles est bien plus important à la Fontaine d'Ouche (72 % "
        "du total) qu'aux Grésilles (28 % du total)",
    ):
        assert seed.lower() in text.lower()


@pytest.mark.sqlite_only(
    "the document is written from the Report alone; that the server gives the same Report is "
    "tests/unit/services/statistics/test_statistics_postgres_workload.py's job"
)
def test_the_demonstration_semester_gives_the_reference_text(
    engine: Engine, tmp_path: Path
) -> None:
    load_demo(engine)
    doc = write_and_read(semester_tables(engine, Period.semester("2019-S1")), tmp_path)
    written = sentences_after_tables(doc)
    numbers = [int(n.replace("\u202f", "")) for _t, text in written for n in NUMBER.findall(text)]
    assert numbers == REFERENCE_NUMBERS
    assert rows(doc.tables[0])[3] == ["NOMBRE TOTAL DES CONTACTS", "3 129", "2 808", "5 937"]


def five_sites() -> dict[str, Any]:
    """The reference's two sites and three more, the total column and rows added by hand."""
    data = reference_json()
    small = copy.deepcopy(data["by_site"]["Grésilles"])
    small["contacts"] = {"physique": 100, "telephone": 10, "total": 110}
    names = ["Fontaine d'Ouche", "Grésilles", "Chenôve", "Le Mail", "Les Lentillères"]
    for name in names[2:]:
        data["by_site"][name] = small
    data["sites"] = names
    data["total"]["contacts"] = {"physique": 4863, "telephone": 1404, "total": 6267}
    return data


def test_five_sites_get_their_columns_and_a_ranking(tmp_path: Path) -> None:
    doc = write_and_read(Report.from_json(five_sites()), tmp_path)
    contacts = rows(doc.tables[0])
    assert contacts[0] == [
        *("CONTACTS", "Fontaine d'Ouche", "Grésilles", "Chenôve", "Le Mail"),
        *("Les Lentillères", "TOTAL des 5 PR"),
    ]
    assert contacts[1] == [
        *("Nombre d'entretiens Physiques", "2 170", "2 393", "100", "100", "100", "4 863")
    ]
    under_contacts = [text for table, text in sentences_after_tables(doc) if table == 0]
    assert (
        "Les entretiens physiques sont les plus nombreux aux Grésilles (2\u202f393), puis à la "
        "Fontaine d'Ouche (2\u202f170), enfin au Point Relais Chenôve, au Mail et aux "
        "Lentillères (100 chacun)."
    ) in under_contacts[0]
    assert [len(r) for r in rows(doc.tables[2])] == [14] * (2 + 5 + 1)


def test_names_stay_plain_text_and_control_characters_go(tmp_path: Path) -> None:
    data = reference_json()
    data["sites"] = ["=1+1", "Gr\x0bésilles"]
    data["by_site"] = {
        "=1+1": data["by_site"]["Fontaine d'Ouche"],
        "Gr\x0bésilles": data["by_site"]["Grésilles"],
    }
    services = data["total"]["services"]
    services["@SUM(1+1)\x1b"] = services.pop("Actualisation Pôle Emploi")
    for site in data["by_site"].values():
        site["services"]["@SUM(1+1)\x1b"] = site["services"].pop("Actualisation Pôle Emploi")
    meta = ExportMeta("Nadia\x00 Benali", META.generated_at, META.program_version)
    path = write_report_docx(Report.from_json(data), tmp_path / "r.docx", meta)
    doc = Document(str(path))
    assert rows(doc.tables[0])[0] == ["CONTACTS", "=1+1", "Gr ésilles", "TOTAL des 2 PR"]
    assert [r[0] for r in rows(doc.tables[1])].count("@SUM(1+1) ") == 1
    assert doc.paragraphs[-1].text.startswith(
        "Document produit le 03/07/2019 à 14:05 par Nadia  Benali"
    )
    assert "au Point Relais =1+1" in sentences_after_tables(doc)[0][1]
    with zipfile.ZipFile(path) as z:
        xml = z.read("word/document.xml").decode("utf-8")
    assert "fldSimple" not in xml and "instrText" not in xml  # no field: nothing Word computes


def test_a_wide_people_table_gets_a_landscape_page(tmp_path: Path) -> None:
    data = reference_json()
    data["by_site"]["Grésilles"]["persons"]["NR"] = {"F": 0, "H": 0, "NR": 3, "total": 3}
    doc = write_and_read(Report.from_json(data), tmp_path)
    assert len(rows(doc.tables[2])[1]) > 14  # columns for unknown sex and age
    orientations = [s.orientation for s in doc.sections]
    assert orientations == [WD_ORIENT.PORTRAIT, WD_ORIENT.LANDSCAPE, WD_ORIENT.PORTRAIT]
    landscape = doc.sections[1]
    assert landscape.page_width is not None and landscape.page_height is not None
    assert landscape.page_width > landscape.page_height


def test_a_missing_folder_gives_a_french_message_and_no_file(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="n'existe pas"):
        write_report_docx(Report.from_json(reference_json()), tmp_path / "absent" / "r.docx", META)
    assert list(tmp_path.iterdir()) == []


def test_without_a_producer_the_closing_line_names_no_one(tmp_path: Path) -> None:
    meta = ExportMeta("", META.generated_at, META.program_version)
    path = write_report_docx(Report.from_json(reference_json()), tmp_path / "r.docx", meta)
    closing = Document(str(path)).paragraphs[-1].text
    assert closing == "Document produit le 03/07/2019 à 14:05 avec SARAH 1.2.3."
