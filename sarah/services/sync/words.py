"""What a sync export or import says, in French (the command line and the window alike), and
its JSON form (docs/spec/interfaces.md: one object on stdout)."""

from __future__ import annotations

from datetime import datetime

from sarah.services.sync.export import ExportResult
from sarah.services.sync.receive import ImportResult
from sarah.vocabulary import count_of, count_text

# table: (one, many, feminine?) — French adjectives agree ("personnes nouvelles").
TABLE_WORDS = {
    "contacts": ("contact", "contacts", False),
    "visitors": ("fiche de personne", "fiches de personnes", True),
    "services": ("service du catalogue", "services du catalogue", False),
    "neighbourhoods": ("quartier de résidence", "quartiers de résidence", False),
    "sites": ("Point Relais", "Points Relais", False),
    "visitor_merges": ("fusion de fiches", "fusions de fiches", True),
    "closed_days": ("jour de fermeture", "jours de fermeture", False),
}
ADJECTIVES = {
    "new": {False: ("nouveau", "nouveaux"), True: ("nouvelle", "nouvelles")},
    "updated": {False: ("modifié", "modifiés"), True: ("modifiée", "modifiées")},
}


def export_lines(result: ExportResult) -> list[str]:
    sites = ", ".join(
        f"{s['name']} ({count_of(int(str(s['contacts'])), 'contact')})" for s in result.sites
    )
    return [
        f"Paquet écrit : {result.path} ({count_text(result.size // 1024 or 1)} Ko).",
        f"Il contient tout ce que cette installation détient : {sites or 'aucun site'}.",
    ]


def _changes(counts: dict[str, int], kind: str) -> str:
    parts = []
    for table, (one, many, feminine) in TABLE_WORDS.items():
        if n := counts.get(table, 0):
            adjective_one, adjective_many = ADJECTIVES[kind][feminine]
            parts.append(count_of(n, f"{one} {adjective_one}", f"{many} {adjective_many}"))
    return ", ".join(parts)


def when_text(iso: str) -> str:
    """``2026-12-02T00:01:27`` as ``02/12/2026 à 00:01``."""
    try:
        moment = datetime.fromisoformat(iso)
    except ValueError:
        return iso
    return f"{moment:%d/%m/%Y à %H:%M}"


def import_lines(result: ImportResult) -> list[str]:
    c = result.counts
    verb = "Ce paquet apporterait" if result.dry_run else "Paquet importé"
    new = _changes(c.new, "new")
    updated = _changes(c.updated, "updated")
    lines = [f"{verb} ({result.sender}, écrit le {when_text(result.exported_at)})."]
    if not new and not updated:
        lines.append("Rien de nouveau : cette installation avait déjà tout ce qu'il contient.")
    else:
        lines.append(" ; ".join(p for p in (new, updated) if p) + ".")
    if result.people_made_one:
        lines.append(
            f"{count_of(result.people_made_one, 'personne reconnue', 'personnes reconnues')} sur "
            "deux sites (mêmes nom, prénom et date de naissance) : une seule fiche désormais."
        )
    if c.both_sides:
        lines.append(
            f"{count_of(c.both_sides, 'modification faite', 'modifications faites')} des deux "
            "côtés : la plus récente a été gardée."
        )
    if c.sites_made_one:
        lines.append(
            f"{count_of(c.sites_made_one, 'Point Relais créé', 'Points Relais créés')} sous le "
            "même nom à deux endroits : un seul est gardé."
        )
    if c.duplicates_dropped:
        lines.append(
            f"{count_of(c.duplicates_dropped, 'doublon', 'doublons')} (même ligne de tableur "
            "importée à deux endroits, ou même jour de fermeture) : un seul exemplaire gardé."
        )
    if c.erased:
        lines.append(
            f"{count_of(c.erased, 'identité effacée', 'identités effacées')} à un autre poste "
            "(durée de conservation ou demande de la personne) : effacée(s) ici aussi, les "
            "contacts restent comptés."
        )
    if result.backup is not None:
        lines.append(f"Sauvegarde vérifiée faite avant l'import : {result.backup.name}.")
    lines += _server_lines(result)
    if result.replacement_postponed:
        lines.append(
            "Les sauvegardes qui contiennent ces identités seront remplacées à la prochaine "
            f"purge quotidienne : {result.replacement_postponed}"
        )
    if result.backups_replaced and result.fresh_backup is not None:
        lines.append(
            f"{count_of(len(result.backups_replaced), 'sauvegarde', 'sauvegardes')} qui "
            f"contenai{'en' if len(result.backups_replaced) > 1 else ''}t ces identités "
            f"remplacée(s) par une sauvegarde vérifiée : {result.fresh_backup.name}."
        )
    return lines


def _server_lines(result: ImportResult) -> list[str]:
    """A PostgreSQL installation takes no SQLite backup: say what protects the data instead."""
    if not result.on_server or result.dry_run or not result.changed:
        return []
    lines = [
        "Base sur un serveur PostgreSQL : pas de sauvegarde de SARAH avant l'import, ce sont "
        "les sauvegardes du serveur (pg_dump) qui protègent les données."
    ]
    if result.counts.erased:
        lines.append(
            "Les sauvegardes du serveur faites avant cet import contiennent encore ces "
            "identités : SARAH ne peut pas les remplacer, elles disparaissent quand elles sont "
            "renouvelées (voir la rotation des sauvegardes du serveur)."
        )
    return lines


def import_json(result: ImportResult) -> dict[str, object]:
    c = result.counts
    return {
        "package": str(result.package),
        "sender": result.sender,
        "exported_at": result.exported_at,
        "dry_run": result.dry_run,
        "new": c.new,
        "updated": c.updated,
        "both_sides": c.both_sides,
        "sites_made_one": c.sites_made_one,
        "duplicates_dropped": c.duplicates_dropped,
        "people_made_one": result.people_made_one,
        "erased": c.erased,
        "backups_replaced": [str(p) for p in result.backups_replaced],
        "changed": result.changed,
        "backup": str(result.backup) if result.backup else None,
        "sites": result.sites,
        "on_server": result.on_server,
    }


def export_json(result: ExportResult) -> dict[str, object]:
    return {
        "package": str(result.path),
        "installation": result.installation,
        "sites": result.sites,
        "rows": result.rows,
        "size": result.size,
    }
