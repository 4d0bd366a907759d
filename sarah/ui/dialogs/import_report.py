"""What an import would do, or did, as the HTML of the import dialog's report: the French summary,
the contacts per site as a table, the period of the file, the backup made; and the dialog's status
line once the file is checked or imported."""

from __future__ import annotations

import html

from sarah.services.backups.record import BackupInfo
from sarah.services.imports.result import ImportResult, summary_lines, warning_lines
from sarah.services.imports.run import Period
from sarah.ui.style import ERROR_STYLE, SUCCESS_COLOUR, SUCCESS_STYLE
from sarah.vocabulary import count_text

NOTE = "<p style='color:#374151'>{}</p>"
NOT_YET_WRITTEN = (
    "Rien n'est encore enregistré. « Importer » fait d'abord une sauvegarde de sécurité "
    "vérifiée, puis enregistre tout le fichier d'un coup : si quelque chose échoue ou si vous "
    "annulez, rien n'est enregistré."
)
NOTHING_TO_IMPORT = (
    "Toutes les lignes de ce fichier sont déjà dans SARAH : il n'y a rien à importer."
)
SCREENS_FOLLOW = (
    "Le journal, la saisie différée et les statistiques tiennent compte de ces contacts. "
    "Importer à nouveau ce fichier n'ajoutera rien."
)


def period_text(period: Period) -> str:
    first, last = period
    if first == last:
        return f"Contacts du {first:%d/%m/%Y}."
    return f"Contacts du {first:%d/%m/%Y} au {last:%d/%m/%Y}."


def report_html(
    result: ImportResult, *, period: Period | None = None, backup: BackupInfo | None = None
) -> str:
    """The French summary of :func:`summary_lines`, with the contacts per site as a table."""
    lines, warnings = summary_lines(result), warning_lines(result)
    if warnings:  # the last lines of the summary: shown as a list below
        lines = lines[: len(lines) - len(warnings)]
    parts = [_summary_html(lines)]
    if warnings:
        parts.append(_warnings_html(warnings))
    if period is not None:
        parts.append(f"<p>{period_text(period)}</p>")
    if result.per_site:
        parts.append(_per_site_table(result))
    parts += _dry_run_notes(result) if result.dry_run else _import_notes(result, backup)
    return "".join(parts)


def _summary_html(lines: list[str]) -> str:
    """The head line in bold, then its sentences; the contacts per site go to the table."""
    head, rest = lines[0], lines[1:]
    sentences = [s for s in rest if s != "Contacts par site :" and not s.startswith("  ")]
    return f"<p><b>{html.escape(head)}</b></p>" + "".join(
        f"<p>{html.escape(s)}</p>" for s in sentences
    )


def _warnings_html(warnings: list[str]) -> str:
    """Values that look like spreadsheet formulas, kept as text: the warning and its list."""
    items = "".join(f"<li>{html.escape(w.strip().removeprefix('- '))}</li>" for w in warnings[1:])
    return f"<p style='color:#92400e'>{html.escape(warnings[0])}</p><ul>{items}</ul>"


def _per_site_table(result: ImportResult) -> str:
    new = set(result.new_sites)
    rows = "".join(
        "<tr>"
        f"<td>{html.escape(name)}</td>"
        f"<td align='right'>{count_text(count)}</td>"
        f"<td style='color:{SUCCESS_COLOUR}'>{'nouveau site' if name in new else ''}</td>"
        "</tr>"
        for name, count in result.per_site.items()
    )
    return (
        "<table cellspacing='0' cellpadding='3' border='0'>"
        "<tr><th align='left'>Site</th><th align='right'>Contacts</th><th></th></tr>"
        f"{rows}</table>"
    )


def _dry_run_notes(result: ImportResult) -> list[str]:
    return [NOTE.format(NOT_YET_WRITTEN if result.contacts_added else NOTHING_TO_IMPORT)]


def _import_notes(result: ImportResult, backup: BackupInfo | None) -> list[str]:
    notes = []
    if backup is not None:
        name = html.escape(backup.path.name)
        notes.append(NOTE.format(f"Sauvegarde de sécurité faite juste avant : {name}."))
    if result.contacts_added:
        notes.append(NOTE.format(SCREENS_FOLLOW))
    return notes


def checked_status(preview: ImportResult, *, read_only: bool) -> tuple[str, str]:
    """The status line (text, style) once the file is checked: what "Importer" would do."""
    n = preview.contacts_added
    if n == 0:
        return "Rien à importer : ce fichier a déjà été importé.", SUCCESS_STYLE
    if read_only:
        return (
            "Fichier correct, mais la base est ouverte en lecture seule : import impossible.",
            ERROR_STYLE,
        )
    return (
        f"Fichier correct : {count_text(n)} contact{'s' if n > 1 else ''} à importer. "
        "Vérifiez ci-dessous, puis « Importer ».",
        SUCCESS_STYLE,
    )


def imported_status(result: ImportResult) -> str:
    n = result.contacts_added
    s = "s" if n > 1 else ""
    return f"Import terminé : {count_text(n)} contact{s} enregistré{s}."
