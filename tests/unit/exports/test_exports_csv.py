"""The CSV for French Excel: UTF-8 with BOM, ';', the four tables one after the other."""

from __future__ import annotations

import csv
import json
from datetime import datetime
from pathlib import Path

from sarah.exports.csv_report import write_report_csv
from sarah.exports.meta import ExportMeta
from sarah.reports.tables import Report

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "reference-2019-S1.json"
META = ExportMeta("Nadia Benali", datetime(2019, 7, 3, 14, 5), "1.2.3")


def read(path: Path) -> list[list[str]]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.reader(fh, delimiter=";"))


def test_bom_semicolons_and_the_four_tables(tmp_path: Path) -> None:
    report = Report.from_json(json.loads(FIXTURE.read_text(encoding="utf-8")))
    path = write_report_csv(report, tmp_path / "rapport.csv", META)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert "Grésilles".encode() in raw  # accents in UTF-8
    rows = read(path)
    assert ["Période", "1er semestre 2019 (du 01/01/2019 au 30/06/2019)"] in rows
    assert ["Produit par", "Nadia Benali"] in rows
    assert ["Version du programme", "SARAH 1.2.3"] in rows

    titles = [
        "Contacts",
        "Services",
        "Nombre de personnes concernées",
        "Publics nouvellement accueillis",
    ]
    starts = [rows.index([t]) for t in titles]
    assert starts == sorted(starts)
    for start in starts:
        assert rows[start - 1] == []  # a blank line before each table

    contacts = rows[starts[0] + 1 : starts[0] + 5]
    assert contacts == [
        ["CONTACTS", "Fontaine d'Ouche", "Grésilles", "TOTAL des 2 PR"],
        ["Nombre d'entretiens Physiques", "2170", "2393", "4563"],
        ["Nombre d'entretiens Téléphoniques", "959", "415", "1374"],
        ["NOMBRE TOTAL DES CONTACTS", "3129", "2808", "5937"],
    ]
    services = rows[starts[1] + 1 : starts[2] - 1]
    assert services[1] == ["Actualisation Pôle Emploi", "68", "184", "252"]
    assert services[-1] == ["NOMBRE TOTAL DES SERVICES DELIVRES", "3925", "3896", "7821"]
    assert len(services) == 1 + 20 + 2

    people = rows[starts[2] + 1 : starts[3] - 1]
    assert people[0][1] == "Public jeunes" and people[0][7] == "Public adulte"
    assert people[1][:3] == ["Point Relais", "Jeunes Femmes", "%"]
    gre = next(r for r in people if r[0] == "Grésilles")
    assert gre[7:12] == ["249", "54 %", "208", "46 %", "457"]
    assert people[-1][0] == "2 Points Relais" and people[-1][-1] == "1828"


def test_an_empty_group_has_no_percentage(tmp_path: Path) -> None:
    report = Report.from_json(json.loads(FIXTURE.read_text(encoding="utf-8")))
    report.by_site["Grésilles"].new_persons.cells["jeunes"] = {"F": 0, "H": 0, "NR": 0}
    rows = read(write_report_csv(report, tmp_path / "r.csv", META))
    start = rows.index(["Publics nouvellement accueillis"])
    gre = next(r for r in rows[start:] if r[0] == "Grésilles")
    assert gre[1:7] == ["0", "", "0", "", "0", "0 %"]
