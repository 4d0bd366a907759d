"""Every accepted file format gives the same stored contacts (real SQLite, files made in tmp)."""

from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path

import pytest
from helpers.import_files import (
    ACTU,
    ADMIN,
    HEADER,
    OFFRES,
    RDV,
    SAMPLE_EXPECTED,
    SAMPLE_ROWS,
    counts,
    stored_contacts,
    write_csv,
    write_xlsx,
)
from sqlalchemy import Engine

from sarah.services.imports.run import import_file, import_rows

EXPECTED = sorted(SAMPLE_EXPECTED, key=repr)


@pytest.mark.parametrize(
    ("encoding", "delimiter", "described"),
    [
        ("utf-8", ";", "CSV UTF-8, séparateur « ; »"),
        ("utf-8-sig", ";", "CSV UTF-8 avec BOM, séparateur « ; »"),
        ("cp1252", ";", "CSV Windows-1252, séparateur « ; »"),
        ("utf-8", ",", "CSV UTF-8, séparateur « , »"),
        ("cp1252", ",", "CSV Windows-1252, séparateur « , »"),
        ("utf-8-sig", "\t", "CSV UTF-8 avec BOM, séparateur tabulation"),
        ("utf-16", "\t", "CSV UTF-16, séparateur tabulation"),  # Excel's "Texte Unicode"
    ],
)
def test_csv_encodings_and_separators_are_detected(
    engine: Engine, tmp_path: Path, encoding: str, delimiter: str, described: str
) -> None:
    path = write_csv(tmp_path / "contacts.csv", SAMPLE_ROWS, delimiter=delimiter, encoding=encoding)
    result = import_file(engine, path)
    assert result.file_format == described
    assert result.contacts_added == 4
    assert stored_contacts(engine) == EXPECTED


def test_xlsx_with_text_cells(engine: Engine, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "contacts.xlsx", SAMPLE_ROWS)
    result = import_file(engine, path)
    assert result.contacts_added == 4
    assert result.file_format == "classeur Excel, feuille « Sheet »"
    assert stored_contacts(engine) == EXPECTED


def test_xlsx_with_typed_cells_title_row_and_notice_sheet(engine: Engine, tmp_path: Path) -> None:
    """Dates and times as Excel values, a title above the header, a first sheet of explanations."""
    rows = [
        [
            datetime(2019, 1, 2),
            time(9, 30),
            "Grésilles",
            "physique",
            "Dupont",
            "Léa",
            "F",
            datetime(1993, 3, 15),
            f"{ACTU}|{OFFRES}",
        ],
        [date(2019, 1, 3), None, "Grésilles", "T", "DUPONT", "lea", None, date(1993, 3, 15), None],
        [
            datetime(2019, 1, 3, 10, 0),
            None,
            "Fontaine d'Ouche",
            "tel",
            "Martin",
            "Paul",
            "H",
            None,
            RDV,
        ],
        [
            datetime(2019, 1, 4),
            14 / 24 + 5 / 1440,
            "Fontaine d'Ouche",
            "visite",
            "Nguyen",
            "Linh",
            "femme",
            datetime(2001, 12, 1),
            ADMIN,
        ],
    ]
    path = write_xlsx(
        tmp_path / "releve.xlsx", rows, title="Relevé janvier 2019", notice_sheet=True
    )
    result = import_file(engine, path)
    assert result.file_format == "classeur Excel, feuille « Contacts »"
    assert stored_contacts(engine) == EXPECTED


def test_one_column_per_service_marked_x_1_or_oui(engine: Engine, tmp_path: Path) -> None:
    header = [
        "date",
        "heure",
        "site",
        "canal",
        "nom",
        "prenom",
        "sexe",
        "date_naissance",
        ACTU,
        OFFRES,
        RDV,
        ADMIN,
    ]
    rows = [
        [
            "02/01/2019",
            "09:30",
            "Grésilles",
            "physique",
            "Dupont",
            "Léa",
            "F",
            "15/03/1993",
            "x",
            "OUI",
            "",
            "",
        ],
        ["2019-01-03", "", "Grésilles", "T", "DUPONT", "lea", "", "1993-03-15", "", "non", "0", ""],
        [
            "03/01/2019",
            "10:00",
            "Fontaine d'Ouche",
            "tel",
            "Martin",
            "Paul",
            "H",
            "",
            "",
            "",
            "1",
            "",
        ],
        [
            "04/01/2019",
            "14:05",
            "Fontaine d'Ouche",
            "visite",
            "Nguyen",
            "Linh",
            "femme",
            "01/12/2001",
            "",
            "",
            "",
            "X",
        ],
    ]
    import_file(engine, write_csv(tmp_path / "cases.csv", rows, header=header))
    assert stored_contacts(engine) == EXPECTED


def test_service_columns_in_xlsx_with_numbers_and_booleans(engine: Engine, tmp_path: Path) -> None:
    header = ["date", "site", "canal", "nom", "prenom", ACTU, OFFRES]
    rows = [
        ["02/01/2019", "Grésilles", "P", "Dupont", "Léa", 1, True],
        ["03/01/2019", "Grésilles", "P", "Roux", "Ana", 0, None],
    ]
    import_file(engine, write_xlsx(tmp_path / "cases.xlsx", rows, header=header))
    services = sorted(c[-1] for c in stored_contacts(engine))
    assert services == [(), (ACTU, OFFRES)]


@pytest.mark.parametrize(
    "header",
    [
        ["DATE", "Heure", "SITE", "Canal", "NOM", "Prénom", "Sexe", "Date_Naissance", "Services"],
        [
            "Date du contact",
            "heure",
            " site ",
            "canal",
            "Nom de famille",
            "PRENOM",
            "sexe",
            "date de naissance",
            "services",
        ],
        ["date", "HEURE", "Site", "CANAL", "nom", "prénom", "SEXE", "DateNaissance", "SERVICES"],
        ["date", "heure", "site", "canal", "nom", "pre_nom", "sexe", "date-naissance", "services"],
    ],
)
def test_header_names_ignore_case_accents_spaces_and_underscores(
    engine: Engine, tmp_path: Path, header: list[str]
) -> None:
    import_file(engine, write_csv(tmp_path / "h.csv", SAMPLE_ROWS, header=header))
    assert stored_contacts(engine) == EXPECTED


def test_columns_in_any_order_and_service_labels_folded(engine: Engine, tmp_path: Path) -> None:
    header = list(reversed(HEADER))
    rows = [list(reversed(r)) for r in SAMPLE_ROWS]
    rows[0][0] = "  actualisation pole emploi |CONSULTER DES OFFRES "  # services column, now first
    import_file(engine, write_csv(tmp_path / "r.csv", rows, header=header))
    assert stored_contacts(engine) == EXPECTED


def test_unknown_text_column_is_ignored_and_reported(engine: Engine, tmp_path: Path) -> None:
    header = [*HEADER, "Commentaire"]
    rows = [[*r, "venu avec sa sœur"] for r in SAMPLE_ROWS]
    result = import_file(engine, write_csv(tmp_path / "c.csv", rows, header=header))
    assert result.ignored_columns == ("Commentaire",)
    assert result.contacts_added == 4


def test_blank_rows_and_trailing_separators_are_skipped(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "blank.csv"
    lines = [
        ";".join(HEADER) + ";;",
        ";".join(SAMPLE_ROWS[0]) + ";;",
        ";;;;;;;;;;",
        "",
        ";".join(SAMPLE_ROWS[2]),
    ]
    path.write_text("\r\n".join(lines) + "\r\n", encoding="cp1252")
    result = import_file(engine, path)
    assert result.rows_read == 2 and result.contacts_added == 2


def test_date_column_with_a_time_part_gives_the_time(engine: Engine, tmp_path: Path) -> None:
    header = ["date", "site", "canal", "nom", "prenom"]
    rows = [
        ["2019-01-02 09:45:00", "Grésilles", "P", "Roux", "Ana"],
        ["03/01/2019 16h10", "Grésilles", "P", "Roux", "Ana"],
    ]
    import_file(engine, write_csv(tmp_path / "t.csv", rows, header=header))
    assert [c[1] for c in stored_contacts(engine)] == [time(9, 45), time(16, 10)]


def test_import_rows_takes_mappings_with_typed_values(engine: Engine) -> None:
    rows = [
        {
            "date": date(2019, 1, 2),
            "heure": time(9, 30),
            "site": "Grésilles",
            "canal": "physique",
            "nom": "Dupont",
            "prenom": "Léa",
            "sexe": "F",
            "date_naissance": date(1993, 3, 15),
            "services": [ACTU, OFFRES],
        },
        {
            "date": "2019-01-03",
            "site": "Grésilles",
            "canal": "telephone",
            "nom": "DUPONT",
            "prenom": "lea",
            "date_naissance": "15/03/1993",
        },
        {
            "Date": "03/01/2019",
            "Heure": "10:00",
            "Site": "Fontaine d'Ouche",
            "Canal": "T",
            "Nom": "Martin",
            "Prénom": "Paul",
            "Sexe": "H",
            "Services": RDV,
        },
        {
            "date": "04/01/2019",
            "heure": "14:05",
            "site": "Fontaine d'Ouche",
            "canal": "visite",
            "nom": "Nguyen",
            "prenom": "Linh",
            "sexe": "femme",
            "date_naissance": "2001-12-01",
            ADMIN: "x",
        },
    ]
    result = import_rows(engine, iter(rows), source_name="programme")
    assert result.contacts_added == 4 and result.visitors_created == 3
    assert stored_contacts(engine) == EXPECTED
    assert counts(engine)["links"] == 4
