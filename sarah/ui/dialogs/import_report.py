"""What an import would do, or did, as the HTML of the import dialog's report: the French summary,
the contacts per site as a table, the period of the file, the backup made."""

from __future__ import annotations

import html

from sarah.services.backups.record import BackupInfo
from sarah.services.imports.result import ImportResult, summary_lines, warning_lines
from sarah.services.imports.run import Period
from sarah.vocabulary import count_text


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
    head, sentences = lines[0], []
    for line in lines[1:]:
        if line == "Contacts par site :" or line.startswith("  "):
            continue  # shown as a table below
        sentences.append(line)
    parts = [f"<p><b>{html.escape(head)}</b></p>"]
    parts += [f"<p>{html.escape(s)}</p>" for s in sentences]
    if warnings:  # values that look like spreadsheet formulas, kept as text
        items = "".join(
            f"<li>{html.escape(w.strip().removeprefix('- '))}</li>" for w in warnings[1:]
        )
        parts.append(f"<p style='color:#92400e'>{html.escape(warnings[0])}</p><ul>{items}</ul>")
    if period is not None:
        parts.append(f"<p>{period_text(period)}</p>")
    if result.per_site:
        new = set(result.new_sites)
        rows = "".join(
            "<tr>"
            f"<td>{html.escape(name)}</td>"
            f"<td align='right'>{count_text(count)}</td>"
            f"<td style='color:#166534'>{'nouveau site' if name in new else ''}</td>"
            "</tr>"
            for name, count in result.per_site.items()
        )
        parts.append(
            "<table cellspacing='0' cellpadding='3' border='0'>"
            "<tr><th align='left'>Site</th><th align='right'>Contacts</th><th></th></tr>"
            f"{rows}</table>"
        )
    if result.dry_run:
        if result.contacts_added:
            parts.append(
                "<p style='color:#374151'>Rien n'est encore enregistré. « Importer » fait "
                "d'abord une sauvegarde de sécurité vérifiée, puis enregistre tout le fichier "
                "d'un coup : si quelque chose échoue ou si vous annulez, rien n'est "
                "enregistré.</p>"
            )
        else:
            parts.append(
                "<p style='color:#374151'>Toutes les lignes de ce fichier sont déjà dans "
                "SARAH : il n'y a rien à importer.</p>"
            )
    else:
        if backup is not None:
            parts.append(
                "<p style='color:#374151'>Sauvegarde de sécurité faite juste avant : "
                f"{html.escape(backup.path.name)}.</p>"
            )
        if result.contacts_added:
            parts.append(
                "<p style='color:#374151'>Le journal, la saisie différée et les statistiques "
                "tiennent compte de ces contacts. Importer à nouveau ce fichier n'ajoutera "
                "rien.</p>"
            )
    return "".join(parts)
