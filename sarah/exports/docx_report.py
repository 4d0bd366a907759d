"""The activity report's section as a Word document, ready to paste into the yearly report.

A heading and the period, then each of the four tables under its title, laid out like the 2019
report (the same grids as the CSV and the workbook, sarah.reports.grids), each followed by the
sentences a coordinator would have written about it (sarah.reports.sentences), and a last
small paragraph saying who produced the document, when, with which program.

Everything uses Word's built-in styles ("Heading 1", "Heading 2", "Subtitle", "Table Grid"),
so that the document stays editable in Word and LibreOffice: A4 portrait, numbers
right-aligned, totals in bold, table headings repeated on each page; a people table with the
"non renseigné" columns (more than the reference's thirteen) gets a landscape page of its
own. User text (sites, services, the producer) goes in as plain runs: Word runs no formula, but a control character would make the XML invalid, so
each one becomes a space.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Sequence
from fractions import Fraction
from pathlib import Path

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.section import Section
from docx.shared import Cm, Length, Pt
from docx.table import Table, _Cell, _Row

from sarah.exports.files import write_atomically
from sarah.exports.meta import ExportMeta
from sarah.reports.grids import TableGrid, report_grids
from sarah.reports.phrasing import percent
from sarah.reports.sentences import Paragraph, report_paragraphs
from sarah.reports.tables import Report
from sarah.vocabulary import count_text

SECTION_TITLE = "Coordination de la fonction d'accueil dans les Points Relais"
PAGE_WIDTH, PAGE_HEIGHT, MARGIN = Cm(21), Cm(29.7), Cm(2)  # A4
PORTRAIT_COLUMNS = 13  # number columns of the reference's people tables
HEADER_FILL = "D9D9D9"
TOTAL_FILL = "F2F2F2"
# Control characters (C0, some of which XML 1.0 cannot hold at all, DEL, C1), lone surrogates
# and U+FFFE-U+FFFF: none is typed in a name, each becomes a space.
_NOT_TEXT = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
# tcPr children that must come after w:shd (ECMA-376 order; Word refuses a file out of order).
_AFTER_SHADING = {
    qn(t)
    for t in ("w:noWrap", "w:tcMar", "w:textDirection", "w:tcFitText", "w:vAlign", "w:hideMark")
}


def clean(text: str) -> str:
    """``text`` as a Word run can hold it: every control character becomes a space."""
    return _NOT_TEXT.sub(" ", text)


def _cell_text(kind: str, value: int | Fraction | None) -> str:
    if kind == "share":
        return percent(value if isinstance(value, Fraction) else None)
    return "" if value is None else count_text(int(value))


def _write(
    cell: _Cell,
    text: str,
    size: Pt,
    *,
    bold: bool = False,
    align: WD_ALIGN_PARAGRAPH = WD_ALIGN_PARAGRAPH.LEFT,
) -> None:
    paragraph = cell.paragraphs[0]
    paragraph.alignment = align
    paragraph.paragraph_format.space_before = paragraph.paragraph_format.space_after = Pt(1)
    run = paragraph.add_run(clean(text))
    run.font.size = size
    run.bold = bold
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER


def _shade_row(row: _Row, fill: str) -> None:
    """Shade each cell element of the row once (``row.cells`` would list a merged cell once
    per column and row it spans)."""
    for tc in row._tr.tc_lst:
        tc_pr = tc.get_or_add_tcPr()
        shading = OxmlElement(
            "w:shd", {qn("w:val"): "clear", qn("w:color"): "auto", qn("w:fill"): fill}
        )
        successor = next((child for child in tc_pr if child.tag in _AFTER_SHADING), None)
        if successor is None:
            tc_pr.append(shading)
        else:
            successor.addprevious(shading)


def _repeat_as_heading(row: _Row) -> None:
    """The row is repeated at the top of each page and never split (cantSplit before
    tblHeader: the schema's order)."""
    tr_pr = row._tr.get_or_add_trPr()
    tr_pr.append(OxmlElement("w:cantSplit"))
    tr_pr.append(OxmlElement("w:tblHeader"))


def _widths(grid: TableGrid, usable: Length) -> list[Length]:
    """The label column of tables 1 and 2 gets half the width (long service labels), that of
    the people tables what "2 Points Relais" needs; the number columns share the rest, a
    percentage ("100 %") taking four parts where a count and its heading ("Femmes") take five."""
    label = Length(usable // 2) if not grid.groups else Cm(2.4)
    weights = [4 if kind == "share" else 5 for kind in grid.kinds]
    return [label, *(Length((usable - label) * w // sum(weights)) for w in weights)]


def _font_size(grid: TableGrid) -> Pt:
    return Pt(7.5) if grid.groups else Pt(9)


def _heading_size(grid: TableGrid) -> Pt:
    """Smaller on a wide table, whose headings ("sexe non renseigné") must fit 0.9 cm."""
    return Pt(6.5) if _is_wide(grid) else _font_size(grid)


def _narrow_cell_margins(table: Table, margin: Length) -> None:
    """Left and right cell margins of the whole table (Word's default, 0.19 cm, would leave
    a people table's thirteen number columns too little room for "1 828")."""
    tbl_pr = table._tbl.tblPr
    margins = OxmlElement("w:tblCellMar")
    for side in ("w:left", "w:right"):
        margins.append(OxmlElement(side, {qn("w:w"): str(margin.twips), qn("w:type"): "dxa"}))
    look = tbl_pr.find(qn("w:tblLook"))  # the one child that must come after it
    if look is None:
        tbl_pr.append(margins)
    else:
        look.addprevious(margins)


def _heading_rows(table: Table, grid: TableGrid, size: Pt) -> int:
    """Write the heading rows (the age groups merged above their columns, then the columns);
    return how many there are."""
    rows = 2 if grid.groups else 1
    top = table.rows[0].cells
    last = len(grid.headings)
    if grid.groups:
        top[0].merge(table.cell(1, 0))
        for heading, first, end in grid.groups:
            merged = top[first + 1].merge(top[end + 1])
            _write(merged, heading, size, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
        if last - 1 in grid.total_columns:  # the row total spans both heading rows
            top[last].merge(table.cell(1, last))
    header = table.rows[rows - 1].cells
    _write(top[0], grid.corner, size, bold=True)
    for i, heading in enumerate(grid.headings):
        if grid.groups and i in grid.total_columns:
            _write(top[i + 1], heading, size, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
        else:
            _write(header[i + 1], heading, size, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    for r in range(rows):
        _repeat_as_heading(table.rows[r])
        _shade_row(table.rows[r], HEADER_FILL)
    return rows


def _add_table(doc: DocumentObject, grid: TableGrid, usable: Length) -> None:
    size = _font_size(grid)
    heading_rows = 2 if grid.groups else 1
    table = doc.add_table(rows=heading_rows + len(grid.rows), cols=1 + len(grid.headings))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _narrow_cell_margins(table, Cm(0.07) if grid.groups else Cm(0.12))
    widths = _widths(grid, usable)
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width  # LibreOffice reads the grid, Word each cell's width
        for cell in column.cells:
            cell.width = width
    _heading_rows(table, grid, _heading_size(grid))
    for offset, row in enumerate(grid.rows):
        cells = table.rows[heading_rows + offset].cells
        label = row.label + (" (service retiré)" if row.retired else "")
        _write(cells[0], label, size, bold=row.is_total)
        for i, (kind, value) in enumerate(zip(grid.kinds, row.values, strict=True)):
            bold = row.is_total or i in grid.total_columns
            right = WD_ALIGN_PARAGRAPH.RIGHT
            _write(cells[i + 1], _cell_text(kind, value), size, bold=bold, align=right)
        if row.is_total:
            _shade_row(table.rows[heading_rows + offset], TOTAL_FILL)


def _add_sentences(doc: DocumentObject, paragraphs: Sequence[Paragraph], key: str) -> None:
    for paragraph in paragraphs:
        if paragraph.table == key:
            written = doc.add_paragraph(clean(paragraph.text))
            written.paragraph_format.space_before = Pt(8)
            written.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY


def _add_footer(doc: DocumentObject, meta: ExportMeta) -> None:
    when = meta.generated_at.strftime("le %d/%m/%Y à %H:%M")
    who = f" par {meta.produced_by}" if meta.produced_by.strip() else ""
    line = doc.add_paragraph()
    line.paragraph_format.space_before = Pt(18)
    words = f"Document produit {when}{who} avec SARAH {meta.program_version}."
    if meta.figures:  # a closed period: published figures, or today's and how they differ
        words += f" Chiffres {meta.figures}."
    run = line.add_run(clean(words))
    run.italic = True
    run.font.size = Pt(8)


def _lay_out(section: Section, *, landscape: bool) -> None:
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    width, height = (PAGE_HEIGHT, PAGE_WIDTH) if landscape else (PAGE_WIDTH, PAGE_HEIGHT)
    section.page_width, section.page_height = width, height
    section.left_margin = section.right_margin = MARGIN
    section.top_margin = section.bottom_margin = MARGIN


def _is_wide(grid: TableGrid) -> bool:
    """More columns than the reference's people tables ("non renseigné" sex or age shown):
    too many for a portrait page, so the table gets a landscape one."""
    return len(grid.headings) > PORTRAIT_COLUMNS


def _set_up(doc: DocumentObject, report: Report, meta: ExportMeta) -> None:
    """A4 portrait, French spelling, the document's own properties."""
    _lay_out(doc.sections[0], landscape=False)
    doc.styles["Normal"].font.name = "Calibri"  # the theme's font, named: LibreOffice needs it
    for lang in doc.styles.element.iter(qn("w:lang")):  # the defaults say en-US
        lang.set(qn("w:val"), "fr-FR")
    props = doc.core_properties
    props.title = clean(f"{SECTION_TITLE} – {report.period.label}")
    props.author = props.last_modified_by = clean(meta.produced_by or "SARAH")
    props.created = props.modified = meta.generated_at
    props.revision = 1
    props.language = "fr-FR"
    props.comments = f"SARAH {meta.program_version}"


def build_report_document(
    report: Report,
    meta: ExportMeta,
    extra_tables: Sequence[tuple[TableGrid, list[str]]] = (),
) -> DocumentObject:
    """``extra_tables``: grids laid out like the four (a funder's age bands) after them, each
    with its notes as sentences."""
    doc = Document()
    _set_up(doc, report, meta)
    doc.add_heading(SECTION_TITLE, level=1)
    doc.add_paragraph(clean(report.period.text), style="Subtitle")
    if report.sites:
        doc.add_paragraph(clean("Sites : " + ", ".join(report.sites)))
    paragraphs = report_paragraphs(report)
    tables = [(grid, paragraphs) for grid in report_grids(report)]
    tables += [(grid, [Paragraph(grid.key, tuple(notes))]) for grid, notes in extra_tables]
    landscape = False
    for grid, sentences in tables:
        if _is_wide(grid) != landscape:
            landscape = not landscape
            _lay_out(doc.add_section(WD_SECTION.NEW_PAGE), landscape=landscape)
        usable = Length((PAGE_HEIGHT if landscape else PAGE_WIDTH) - 2 * MARGIN)
        doc.add_heading(clean(grid.title), level=2)
        _add_table(doc, grid, usable)
        _add_sentences(doc, sentences, grid.key)
    _add_footer(doc, meta)
    return doc


def write_report_docx(
    report: Report,
    path: str | os.PathLike[str],
    meta: ExportMeta,
    extra_tables: Sequence[tuple[TableGrid, list[str]]] = (),
) -> Path:
    """Write the Word document atomically (built in memory, then put in place in one step)."""
    buffer = io.BytesIO()
    build_report_document(report, meta, extra_tables).save(buffer)
    data = buffer.getvalue()
    return write_atomically(path, lambda fh: fh.write(data))
