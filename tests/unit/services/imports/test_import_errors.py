"""Bad files and bad rows: a French message naming each problem, and nothing written."""

from __future__ import annotations

import zipfile
from datetime import date, timedelta
from pathlib import Path

import pytest
from helpers.import_files import ACTU, HEADER, SAMPLE_ROWS, counts, write_csv, write_xlsx
from sqlalchemy import Engine

from sarah.errors import InvalidInput
from sarah.services.imports.problems import ImportRejected
from sarah.services.imports.run import import_file, import_rows
from sarah.services.sites import ensure_site

GOOD = ["02/01/2019", "09:30", "Grésilles", "physique", "Dupont", "Léa", "F", "15/03/1993", ACTU]
TOMORROW = (date.today() + timedelta(days=1)).strftime("%d/%m/%Y")


def _with(column: str, value: str) -> list[str]:
    row = list(GOOD)
    row[HEADER.index(column)] = value
    return row


@pytest.fixture
def before(engine: Engine) -> dict[str, int]:
    ensure_site(engine, "Grésilles")
    return counts(engine)


BAD_VALUES = [
    ("date", "31/02/2019", "date impossible"),
    ("date", "2019-13-01", "date impossible"),
    ("date", TOMORROW, "date dans le futur"),
    ("date", "02/01/19", "date illisible"),
    ("date", "hier", "date illisible"),
    ("date", "", "date manquante"),
    ("date", "01/01/1019", "date trop ancienne"),
    ("heure", "25:00", "heure impossible"),
    ("heure", "midi", "heure illisible"),
    ("site", "", "site manquant"),
    ("canal", "courrier", "canal inconnu"),
    ("canal", "", "canal manquant"),
    ("nom", "", "nom manquant"),
    ("prenom", "", "prénom manquant"),
    ("sexe", "X", "sexe inconnu"),
    ("date_naissance", "30/02/1990", "date de naissance impossible"),
    ("date_naissance", TOMORROW, "date de naissance dans le futur"),
    ("date_naissance", "03/01/2019", "date de naissance après la date du contact"),
    ("date_naissance", "01/01/1850", "avant 1900"),
    ("services", "Café offert", "service inconnu du catalogue : « Café offert »"),
    ("services", f"{ACTU}|Foo|Bar", "services inconnus du catalogue : « Foo », « Bar »"),
    ("nom", "x" * 121, "trop long"),
]


@pytest.mark.parametrize(("column", "value", "reason"), BAD_VALUES)
def test_each_kind_of_bad_value_is_named_and_nothing_is_written(
    engine: Engine, before: dict[str, int], tmp_path: Path, column: str, value: str, reason: str
) -> None:
    rows = [GOOD, _with(column, value), GOOD]
    path = write_csv(tmp_path / "bad.csv", rows)
    with pytest.raises(ImportRejected) as info:
        import_file(engine, path)
    problems = info.value.problems
    assert len(problems) == 1
    problem = problems[0]
    assert problem.line == 3 and problem.column == column and reason in problem.reason
    typed = " ".join(value.split())
    # A long value is quoted cut short: its first 79 characters and "…".
    assert problem.value == (typed if len(typed) <= 80 else typed[:79] + "…")
    assert "rien n'a été enregistré" in info.value.message
    assert f"ligne 3, colonne « {column} »" in str(info.value)
    assert counts(engine) == before


def test_every_bad_row_is_listed_in_line_order(
    engine: Engine, before: dict[str, int], tmp_path: Path
) -> None:
    rows = (
        [GOOD] * 3
        + [_with("date", "31/02/2019")]
        + [GOOD] * 5
        + [_with("canal", "fax"), _with("sexe", "?!")]
    )
    rows[1] = ["30/02/2019", "26:00", "Grésilles", "courrier", "", "Léa", "F", "15/03/1993", "Nope"]
    with pytest.raises(ImportRejected) as info:
        import_file(engine, write_csv(tmp_path / "many.csv", rows))
    located = [(p.line, p.column) for p in info.value.problems]
    assert located == [
        (3, "date"),
        (3, "heure"),
        (3, "canal"),
        (3, "nom"),
        (3, "services"),
        (5, "date"),
        (11, "canal"),
        (12, "sexe"),
    ]
    assert "4 lignes en erreur" in info.value.message
    assert len(info.value.details) == 8
    assert counts(engine) == before


def test_bad_row_after_many_good_ones_writes_nothing(
    engine: Engine, before: dict[str, int], tmp_path: Path
) -> None:
    rows = [_with("date", f"{d:02d}/01/2019") for d in range(1, 29)] * 20 + [
        _with("date", "32/01/2019")
    ]
    with pytest.raises(ImportRejected) as info:
        import_file(engine, write_csv(tmp_path / "late.csv", rows))
    assert [p.line for p in info.value.problems] == [len(rows) + 1]
    assert counts(engine) == before


def test_missing_required_columns_are_named(
    engine: Engine, before: dict[str, int], tmp_path: Path
) -> None:
    header = ["date", "heure", "nom", "prenom", "services"]
    path = write_csv(tmp_path / "cols.csv", [["02/01/2019", "09:00", "A", "B", ""]], header=header)
    with pytest.raises(ImportRejected) as info:
        import_file(engine, path)
    message = info.value.message
    assert "colonnes obligatoires absentes : « site », « canal »" in message
    assert "Colonnes trouvées : date, heure, nom, prenom, services" in message
    assert counts(engine) == before


def test_names_are_required_unless_a_visitor_column_exists(engine: Engine, tmp_path: Path) -> None:
    header = ["date", "site", "canal"]
    with pytest.raises(ImportRejected, match="« nom », « prenom »") as info:
        import_file(
            engine,
            write_csv(tmp_path / "anon.csv", [["02/01/2019", "Grésilles", "P"]], header=header),
        )
    assert "visiteur" in info.value.message


def test_row_without_visitor_id_needs_the_names(
    engine: Engine, before: dict[str, int], tmp_path: Path
) -> None:
    header = ["date", "site", "canal", "visiteur", "nom", "prenom"]
    rows = [
        ["02/01/2019", "Grésilles", "P", "A12", "", ""],
        ["02/01/2019", "Grésilles", "P", "", "Roux", ""],
    ]
    with pytest.raises(ImportRejected) as info:
        import_file(engine, write_csv(tmp_path / "v.csv", rows, header=header))
    assert [(p.line, p.column) for p in info.value.problems] == [(3, "prenom")]
    assert counts(engine) == before


def test_doubled_column_is_refused(engine: Engine, tmp_path: Path) -> None:
    header = [*HEADER, "Date"]
    with pytest.raises(ImportRejected, match="en double") as info:
        import_file(engine, write_csv(tmp_path / "dbl.csv", [[*GOOD, "03/01/2019"]], header=header))
    assert "colonne en double (déjà en colonne A)" in str(info.value)


def test_unknown_column_that_looks_like_a_service_is_an_error(
    engine: Engine, before: dict[str, int], tmp_path: Path
) -> None:
    header = ["date", "site", "canal", "nom", "prenom", ACTU, "Atelier numérique"]
    rows = [
        ["02/01/2019", "Grésilles", "P", "Roux", "Ana", "x", ""],
        ["03/01/2019", "Grésilles", "P", "Roux", "Ana", "", "x"],
    ]
    with pytest.raises(ImportRejected) as info:
        import_file(engine, write_csv(tmp_path / "svc.csv", rows, header=header))
    (problem,) = info.value.problems
    assert problem.line == 1 and problem.column == "Atelier numérique"
    assert "service inconnu du catalogue" in problem.reason and "lignes 3" in problem.reason
    assert counts(engine) == before


def test_bad_mark_in_a_service_column(engine: Engine, tmp_path: Path) -> None:
    header = ["date", "site", "canal", "nom", "prenom", ACTU]
    rows = [["02/01/2019", "Grésilles", "P", "Roux", "Ana", "2"]]
    with pytest.raises(ImportRejected) as info:
        import_file(engine, write_csv(tmp_path / "mark.csv", rows, header=header))
    assert info.value.problems[0].column == ACTU and "x, 1 ou oui" in info.value.problems[0].reason


# --- files that are not usable tables ------------------------------------------------------------


def _refused(engine: Engine, path: Path, expected: str) -> str:
    before = counts(engine)
    with pytest.raises(InvalidInput) as info:
        import_file(engine, path)
    assert expected in str(info.value)
    assert counts(engine) == before
    return str(info.value)


def test_empty_file(engine: Engine, tmp_path: Path) -> None:
    (tmp_path / "vide.csv").write_bytes(b"")
    _refused(engine, tmp_path / "vide.csv", "Le fichier vide.csv est vide")
    (tmp_path / "blancs.csv").write_bytes(b"\xef\xbb\xbf\r\n  \r\n")
    _refused(engine, tmp_path / "blancs.csv", "est vide")


def test_header_only(engine: Engine, tmp_path: Path) -> None:
    _refused(engine, write_csv(tmp_path / "entete.csv", []), "aucune ligne de contact")
    _refused(engine, write_xlsx(tmp_path / "entete.xlsx", []), "aucune ligne de contact")


def test_binary_garbage_named_csv(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    path.write_bytes(bytes(range(256)) * 40)
    _refused(engine, path, "n'est pas un tableau CSV lisible : c'est un fichier binaire")


def test_pdf_renamed_xlsx(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "contacts.xlsx"
    path.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n")
    _refused(engine, path, "n'est pas un classeur Excel .xlsx : c'est un document PDF")


def test_csv_renamed_xlsx_and_xlsx_renamed_csv(engine: Engine, tmp_path: Path) -> None:
    text = write_csv(tmp_path / "a.csv", [GOOD]).read_bytes()
    (tmp_path / "a.xlsx").write_bytes(text)
    _refused(engine, tmp_path / "a.xlsx", "renommez-le en .csv")
    book = write_xlsx(tmp_path / "b.xlsx", [GOOD]).read_bytes()
    (tmp_path / "b.csv").write_bytes(book)
    _refused(engine, tmp_path / "b.csv", "donnez-lui l'extension .xlsx")


def test_zip_that_is_not_a_workbook(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "archive.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("readme.txt", "rien à voir")
    _refused(engine, path, "n'est pas un classeur Excel .xlsx lisible")


def test_unknown_and_old_extensions(engine: Engine, tmp_path: Path) -> None:
    (tmp_path / "t.ods").write_bytes(b"PK\x03\x04....")
    _refused(engine, tmp_path / "t.ods", "Format de fichier non pris en charge (.ods)")
    (tmp_path / "t.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100)
    _refused(engine, tmp_path / "t.xls", "Excel 97-2003 (.xls)")
    (tmp_path / "sans").write_text("date;site\n", encoding="utf-8")
    _refused(engine, tmp_path / "sans", "(sans extension)")


def test_unreadable_encoding(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "enc.csv"
    # 0x81 and 0x9d are neither UTF-8 nor Windows-1252.
    path.write_bytes(
        ";".join(HEADER).encode() + b"\r\n02/01/2019;09:30;Gr\x81\x9dsilles;P;A;B;;;\r\n"
    )
    _refused(engine, path, "encodage")


def test_missing_file(engine: Engine, tmp_path: Path) -> None:
    _refused(engine, tmp_path / "absent.csv", "Fichier introuvable")


def test_import_rows_checks_the_same_way(engine: Engine) -> None:
    rows = [dict(zip(HEADER, r, strict=True)) for r in SAMPLE_ROWS]
    rows[2]["canal"] = "pigeon"
    with pytest.raises(ImportRejected) as info:
        import_rows(engine, rows, source_name="programme")
    assert [(p.line, p.column, p.value) for p in info.value.problems] == [(3, "canal", "pigeon")]
    assert counts(engine)["contacts"] == 0


def test_unquoted_separator_inside_a_value_is_caught(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "virgules.csv"
    path.write_text(
        "date,site,canal,nom,prenom,services\n"
        "02/01/2019,Grésilles,P,Roux,Ana,Service administratif (tel, copie)\n",
        encoding="utf-8",
    )
    with pytest.raises(ImportRejected) as info:
        import_file(engine, path)
    reasons = [(p.column, p.reason) for p in info.value.problems]
    assert reasons[0] == (
        "services",
        "service inconnu du catalogue : « Service administratif (tel »",
    )
    assert reasons[1][0] == "colonne G et suivantes (sans en-tête)"
    assert "séparateur sans guillemets" in reasons[1][1]
    assert counts(engine)["contacts"] == 0


def test_a_file_wrong_everywhere_lists_the_first_problems_and_counts_the_rest(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sarah.services.imports import parse as import_parse

    monkeypatch.setattr(import_parse, "MAX_PROBLEMS", 50)
    rows = [_with("canal", "fax")] * 120
    with pytest.raises(ImportRejected) as info:
        import_file(engine, write_csv(tmp_path / "fax.csv", rows))
    assert len(info.value.problems) == 50 and info.value.total == 120
    assert "120 lignes en erreur" in info.value.message
    assert info.value.unlisted_note == (
        " Les 50 premiers problèmes sont listés, 70 autres ne le sont pas."
    )
    assert info.value.details[-1] == "… et 70 autres problèmes"
    assert counts(engine)["contacts"] == 0
