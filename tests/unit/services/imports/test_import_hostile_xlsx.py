"""Hostile .xlsx files: zip bombs, forged sizes, damaged parts. Each is refused with a French
message naming the problem (exit code 2 on the command line), before it is inflated, and
nothing is written. The files are built small: a bomb is written chunk by chunk into the zip,
its expansion never exists in the test's memory."""

from __future__ import annotations

import os
import random
import subprocess
import sys
import tracemalloc
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO

import pytest
from helpers.import_files import HEADER, SAMPLE_ROWS, counts, write_xlsx
from sqlalchemy import Engine

from sarah.cli import main
from sarah.errors import InvalidInput
from sarah.services.imports.problems import ImportRejected
from sarah.services.imports.run import import_file

SHEET = "xl/worksheets/sheet1.xml"
SHARED = "xl/sharedStrings.xml"
MB = 1024 * 1024
OPEN = (
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b'<dimension ref="A1:I40"/><sheetData>'
)
CLOSE = b"</sheetData></worksheet>"
GOOD = ["02/01/2019", "09:30", "Grésilles", "physique", "Dupont", "Léa", "F", "", ""]

Writer = Callable[[IO[bytes]], None]


def _cells(line: int, values: Iterable[str]) -> bytes:
    cells = "".join(
        f'<c r="{chr(65 + i)}{line}" t="inlineStr"><is><t>{v}</t></is></c>'
        for i, v in enumerate(values)
    )
    return f'<row r="{line}">{cells}</row>'.encode()


def _workbook(
    tmp_path: Path,
    name: str,
    parts: dict[str, bytes | Writer],
    *,
    compression: int = zipfile.ZIP_DEFLATED,
    shared_strings: bool = False,
) -> Path:
    """A real workbook written by openpyxl, with some parts replaced (streamed by a writer)."""
    base = write_xlsx(tmp_path / f"base-{name}", [GOOD])
    out = tmp_path / name
    with zipfile.ZipFile(base) as src, zipfile.ZipFile(out, "w", compression) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "[Content_Types].xml" and shared_strings:
                data = data.replace(
                    b"</Types>",
                    b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                    b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
                    b"</Types>",
                )
            if info.filename not in parts:
                dst.writestr(info.filename, data)
        for part, content in parts.items():
            if isinstance(content, bytes):
                dst.writestr(part, content)
            else:
                with dst.open(part, "w", force_zip64=True) as fh:
                    content(fh)
    return out


def _one_huge_cell(megabytes: int, *, shared: bool = False) -> Writer:
    """Row 1: the header; row 2: a first cell of ``megabytes`` MiB of "A"."""

    def write(fh: IO[bytes]) -> None:
        fh.write(OPEN + _cells(1, HEADER))
        if shared:
            fh.write(b'<row r="2"><c r="A2" t="s"><v>0</v></c></row>' + CLOSE)
            return
        fh.write(b'<row r="2"><c r="A2" t="inlineStr"><is><t>')
        chunk = b"A" * MB
        for _ in range(megabytes):
            fh.write(chunk)
        fh.write(b"</t></is></c></row>" + CLOSE)

    return write


def _huge_shared_text(megabytes: int) -> Writer:
    def write(fh: IO[bytes]) -> None:
        fh.write(
            b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            b'count="1" uniqueCount="1"><si><t>'
        )
        chunk = b"B" * MB
        for _ in range(megabytes):
            fh.write(chunk)
        fh.write(b"</t></si></sst>")

    return write


def _refused(engine: Engine, path: Path, *expected: str) -> str:
    before = counts(engine)
    with pytest.raises(InvalidInput) as info:
        import_file(engine, path)
    message = str(info.value)
    for text in expected:
        assert text in message
    assert len(message) < 1000
    assert counts(engine) == before
    return message


# The child's own peak (VmHWM of its address space, new at exec): ru_maxrss would count the
# parent's size at fork too, a big pytest process making a small child look big.
CHILD = """
import sys
from sarah.cli import main
code = main(sys.argv[1:])
with open("/proc/self/status", encoding="ascii") as fh:
    peak_kb = next(int(line.split()[1]) for line in fh if line.startswith("VmHWM:"))
print(peak_kb // 1024)
sys.exit(code)
"""


def test_zip_bomb_is_refused_from_the_zip_directory_before_it_is_inflated(
    engine: Engine, db_target: str, basedir: Path, tmp_path: Path
) -> None:
    # 200 MiB of one cell in a file of a few hundred KB: refused in a separate process whose
    # peak memory stays that of a plain start (openpyxl would have taken gigabytes).
    path = _workbook(tmp_path, "bombe.xlsx", {SHEET: _one_huge_cell(200)})
    assert path.stat().st_size < 1 * MB
    before = counts(engine)
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, "--db", db_target, "contacts", "import", str(path)],
        capture_output=True,
        text=True,
        env={**os.environ, "SARAH_BASEDIR": str(basedir)},
        timeout=600,  # a guard against a hang, not a measure
        check=False,
    )
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr and len(proc.stderr) < 1000
    assert "bombe.xlsx n'a pas été lu" in proc.stderr
    assert "« xl/worksheets/sheet1.xml » ferait 200 Mo une fois décompressée" in proc.stderr
    assert "bombe de décompression" in proc.stderr
    peak_mb = int(proc.stdout.split()[-1])
    assert peak_mb < 300
    assert counts(engine) == before


def test_shared_strings_bomb_is_refused(engine: Engine, tmp_path: Path) -> None:
    path = _workbook(
        tmp_path,
        "textes.xlsx",
        {SHEET: _one_huge_cell(0, shared=True), SHARED: _huge_shared_text(100)},
        shared_strings=True,
    )
    _refused(engine, path, "« xl/sharedStrings.xml » ferait 100 Mo", "fois plus")


def test_incompressible_long_row_is_refused_while_streaming_not_in_memory(
    engine: Engine, tmp_path: Path
) -> None:
    # Stored without compression, the ratio says nothing: the stream is read in bounded chunks
    # and the row refused at 4 MiB, before openpyxl builds it.
    path = _workbook(
        tmp_path, "long.xlsx", {SHEET: _one_huge_cell(6)}, compression=zipfile.ZIP_STORED
    )
    tracemalloc.start()
    try:
        message = _refused(engine, path, "la ligne 2 de sa feuille", "plus de 4 Mo", "32\u202f767")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 16 * MB
    assert "Rien n'a été enregistré" in message


def test_long_shared_text_is_refused_while_streaming(engine: Engine, tmp_path: Path) -> None:
    path = _workbook(
        tmp_path,
        "long-texte.xlsx",
        {SHEET: _one_huge_cell(0, shared=True), SHARED: _huge_shared_text(5)},
        compression=zipfile.ZIP_STORED,
        shared_strings=True,
    )
    _refused(engine, path, "une de ses cellules de texte contient plus de 4 Mo")


def test_cell_over_32767_characters_is_named_with_line_and_column(
    engine: Engine, tmp_path: Path
) -> None:
    # (openpyxl itself cuts a longer text when it writes: the part is written by hand)
    long_row = ["02/01/2019", "09:30", "Grésilles", "P", "N" * 40_000, "Léa"]
    sheet = OPEN + _cells(1, HEADER) + _cells(2, GOOD) + _cells(3, long_row) + CLOSE
    path = _workbook(tmp_path, "cellule.xlsx", {SHEET: sheet})
    before = counts(engine)
    with pytest.raises(ImportRejected) as info:
        import_file(engine, path)
    (problem,) = info.value.problems
    assert (problem.line, problem.column) == (3, "nom")
    assert problem.reason == (
        "cellule trop longue (40\u202f000 caractères ; un tableur en permet 32\u202f767 au plus)"
    )
    assert problem.value == "N" * 79 + "…"
    assert len(str(info.value)) < 1000
    assert counts(engine) == before


def test_rows_past_excels_limit_are_refused(engine: Engine, tmp_path: Path) -> None:
    sheet = OPEN + _cells(1, HEADER) + _cells(2, GOOD) + _cells(1_048_577, GOOD) + CLOSE
    path = _workbook(tmp_path, "lignes.xlsx", {SHEET: sheet})
    _refused(engine, path, "plus de 1\u202f048\u202f576 lignes, la limite d'un tableur")


def test_cells_past_column_xfd_are_refused(engine: Engine, tmp_path: Path) -> None:
    far = b'<row r="3"><c r="XFE3" t="inlineStr"><is><t>x</t></is></c></row>'
    sheet = OPEN + _cells(1, HEADER) + _cells(2, GOOD) + far + CLOSE
    path = _workbook(tmp_path, "colonnes.xlsx", {SHEET: sheet})
    _refused(engine, path, "sa ligne 3 a des cellules au-delà de la colonne XFD")


def test_file_over_256_mib_is_refused_before_it_is_read(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "enorme.xlsx"
    with open(path, "wb") as fh:  # sparse: no disk space used
        fh.write(b"PK\x03\x04")
        fh.truncate(300 * MB)
    _refused(engine, path, "enorme.xlsx fait 300 Mo", "256 Mo au plus")


def test_zip_directory_of_thousands_of_parts_is_refused(engine: Engine, tmp_path: Path) -> None:
    parts: dict[str, bytes | Writer] = {f"xl/media/p{i}.bin": b"" for i in range(25_000)}
    path = _workbook(tmp_path, "parties.xlsx", parts)
    _refused(engine, path, "son sommaire zip fait", "quelques dizaines")


def test_part_compressed_otherwise_than_excel_does_is_refused(
    engine: Engine, tmp_path: Path
) -> None:
    # bzip2 and LZMA parts are inflated in one call, without a bound.
    path = _workbook(
        tmp_path,
        "bzip2.xlsx",
        {SHEET: OPEN + _cells(1, HEADER) + _cells(2, GOOD) + CLOSE},
        compression=zipfile.ZIP_BZIP2,
    )
    _refused(engine, path, "compressée d'une façon qu'Excel n'emploie pas")


@pytest.mark.parametrize(
    ("sheet", "line"),
    [
        # truncated XML (its CRC is right: the part was written so)
        (OPEN + _cells(1, HEADER) + b'<row r="2"><c r="A2" t="inlineStr"><is><t>02/0', 2),
        # a number that is not one, past the rows read to find the header
        (
            OPEN
            + _cells(1, HEADER)
            + b"".join(_cells(n, GOOD) for n in range(2, 30))
            + b'<row r="30"><c r="A30" t="n"><v>douze</v></c></row>'
            + CLOSE,
            30,
        ),
        # a shared text that does not exist
        (OPEN + _cells(1, HEADER) + b'<row r="2"><c r="A2" t="s"><v>7</v></c></row>' + CLOSE, 2),
    ],
    ids=["truncated", "not-a-number", "no-such-shared-text"],
)
def test_damaged_sheet_is_named_without_a_traceback(
    capsys: pytest.CaptureFixture[str],
    engine: Engine,
    db_target: str,
    tmp_path: Path,
    sheet: bytes,
    line: int,
) -> None:
    path = _workbook(tmp_path, "abime.xlsx", {SHEET: sheet})
    before = counts(engine)
    code = main(["--db", db_target, "contacts", "import", str(path)])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert err == (
        "Erreur : Le fichier abime.xlsx n'est pas un classeur Excel .xlsx lisible : sa feuille "
        f"est abîmée vers la ligne {line}. Rien n'a été enregistré.\n"
    )
    assert counts(engine) == before


def test_flipped_bytes_are_always_refused_in_french(engine: Engine, tmp_path: Path) -> None:
    good = write_xlsx(tmp_path / "bon.xlsx", [list(r) for r in SAMPLE_ROWS] * 50).read_bytes()
    before = counts(engine)
    for seed in range(30):
        rng = random.Random(seed)
        data = bytearray(good)
        for _ in range(200):
            data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
        path = tmp_path / f"abime-{seed}.xlsx"
        path.write_bytes(bytes(data))
        with pytest.raises(InvalidInput) as info:
            import_file(engine, path)
        assert f"abime-{seed}.xlsx" in info.value.message and len(str(info.value)) < 1000
    assert counts(engine) == before


def test_a_real_workbook_still_imports(engine: Engine, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "janvier.xlsx", SAMPLE_ROWS)
    assert import_file(engine, path).contacts_added == len(SAMPLE_ROWS)
