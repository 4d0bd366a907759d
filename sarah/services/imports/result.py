"""What an import did (:class:`ImportResult`) and its French summary for the command line and the
window."""

from __future__ import annotations

from dataclasses import dataclass, field

from sarah.services.imports.limits import MAX_LISTED
from sarah.services.imports.problems import Problem
from sarah.vocabulary import count_of, count_text


@dataclass(frozen=True)
class ImportResult:
    """What an import did (or, for a dry run, would do)."""

    source_name: str
    dry_run: bool
    rows_read: int
    contacts_added: int
    skipped_existing: int
    visitors_created: int
    visitors_updated: int
    visitors_matched: int
    sites_created: int
    new_sites: tuple[str, ...] = ()
    per_site: dict[str, int] = field(default_factory=dict)  # contacts added per site
    ignored_columns: tuple[str, ...] = ()
    file_format: str = ""
    # Values kept as text that a spreadsheet would read as formulas: the first ones, and how
    # many in all. They do not stop the import; the summary lists them.
    warnings: tuple[Problem, ...] = ()
    warnings_total: int = 0


def _nothing_added_line(r: ImportResult) -> str:
    return f"Aucun contact {'à importer' if r.dry_run else 'importé'} : " + (
        f"les {count_text(r.skipped_existing)} lignes du fichier ont déjà été importées."
        if r.skipped_existing > 1
        else "la ligne du fichier a déjà été importée."
    )


def _added_line(r: ImportResult) -> str:
    """'12 contacts importés (3 déjà présents ignorés), 4 nouvelles personnes, …'."""
    verb = "seraient importés" if r.dry_run else "importés"
    if r.contacts_added == 1:
        verb = "serait importé" if r.dry_run else "importé"
    parts = [f"{count_of(r.contacts_added, 'contact', 'contacts')} {verb}"]
    if r.skipped_existing:
        parts[0] += (
            f" ({count_text(r.skipped_existing)} déjà présent"
            f"{'s' if r.skipped_existing > 1 else ''} ignoré{'s' if r.skipped_existing > 1 else ''})"
        )
    parts.append(count_of(r.visitors_created, "nouvelle personne", "nouvelles personnes"))
    if r.visitors_matched:
        known = count_of(r.visitors_matched, "personne déjà connue", "personnes déjà connues")
        if r.visitors_updated:
            fiche = count_of(r.visitors_updated, "fiche mise", "fiches mises")
            known += f" ({fiche} à jour)"
        parts.append(known)
    if r.sites_created:
        names = ", ".join(r.new_sites)
        parts.append(f"{count_of(r.sites_created, 'nouveau site', 'nouveaux sites')} : {names}")
    return ", ".join(parts) + "."


def _per_site_lines(r: ImportResult) -> list[str]:
    width = max(len(name) for name in r.per_site)
    return ["Contacts par site :"] + [
        f"  {name.ljust(width)}  {count_text(count).rjust(9)}" for name, count in r.per_site.items()
    ]


def _ignored_columns_line(columns: tuple[str, ...]) -> str:
    plural = "s" if len(columns) > 1 else ""
    names = ", ".join(f"« {c} »" for c in columns[:20])
    if len(columns) > 20:
        names += f" et {count_text(len(columns) - 20)} autres"
    return f"Colonne{plural} ignorée{plural} (non reconnue{plural}) : {names}."


def summary_lines(result: ImportResult) -> list[str]:
    """What an import did, in French, for the command line and the window."""
    r = result
    head = f"{r.source_name} ({r.file_format})" if r.file_format else r.source_name
    if r.dry_run:
        lines = [f"Simulation sur {head} : rien n'a été enregistré."]
    else:
        lines = [f"Import de {head} terminé."]
    if not r.contacts_added:
        lines.append(_nothing_added_line(r))
    else:
        lines.append(_added_line(r))
        lines += _per_site_lines(r)
    if r.ignored_columns:
        lines.append(_ignored_columns_line(r.ignored_columns))
    lines += warning_lines(r)
    return lines


def warning_lines(result: ImportResult) -> list[str]:
    """The values that look like spreadsheet formulas: a sentence, then one line each
    ("  - ligne 3, colonne « nom » : …"), the first MAX_LISTED, then how many others."""
    total = result.warnings_total
    if not total:
        return []
    kept = "gardées" if total > 1 else "gardée"
    lines = [
        f"Attention : {count_of(total, 'valeur commence', 'valeurs commencent')} par =, +, - "
        f"ou @ comme une formule de tableur ; {'elles sont' if total > 1 else 'elle est'} "
        f"{kept} telle{'s' if total > 1 else ''} quelle{'s' if total > 1 else ''}, comme du "
        f"texte. Vérifiez-{'les' if total > 1 else 'la'} dans le fichier :"
    ]
    lines += [f"  - {w}" for w in result.warnings[:MAX_LISTED]]
    rest = total - min(len(result.warnings), MAX_LISTED)
    if rest > 0:
        lines.append(f"  … et {count_of(rest, 'autre', 'autres')}")
    return lines
