"""`sarah backup create|list|restore FILE`: manual backups (automatic ones run anyway)."""

from __future__ import annotations

import argparse
from pathlib import Path

from sarah.commands import database, database_target
from sarah.db import database_url, sqlite_path
from sarah.errors import UserError
from sarah.services.backups.create import create_backup
from sarah.services.backups.listing import check_backups, clean_temporary_files, list_backups
from sarah.services.backups.record import REASON_MANUAL, configured_backup_folder
from sarah.services.backups.restore import restore_backup
from sarah.services.backups.rotation import rotate_quietly
from sarah.services.backups.status import backup_state, human_size, state_text
from sarah.vocabulary import count_text


def _folder(args: argparse.Namespace) -> Path:
    return Path(args.dossier).expanduser() if args.dossier else configured_backup_folder()


def _database_file(args: argparse.Namespace) -> Path:
    """The SQLite file named by --db, without opening it (a damaged file must stay untouched)."""
    from sqlalchemy.engine import make_url

    url = make_url(database_url(database_target(args)))
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        raise UserError(
            "Les sauvegardes de SARAH concernent une base SQLite locale. Pour un serveur "
            "PostgreSQL, utilisez les sauvegardes du serveur (pg_dump)."
        )
    return Path(url.database)


def run_create(args: argparse.Namespace) -> int:
    engine = database(args)  # refuses a damaged or badly placed database, migrates
    try:
        db = sqlite_path(engine)
        if db is None:
            raise UserError("Les sauvegardes de SARAH concernent une base SQLite locale.")
    finally:
        engine.dispose()
    folder = _folder(args)
    info = create_backup(db, folder, REASON_MANUAL)
    rotate_quietly(folder)
    print(
        f"Sauvegarde vérifiée : {info.path} ({human_size(info.size)}, "
        f"{count_text(info.contacts)} contacts)."
    )
    return 0


def run_list(args: argparse.Namespace) -> int:
    folder = _folder(args)
    if not folder.is_dir():
        raise UserError(f"Le dossier de sauvegarde {folder} est inaccessible.")
    clean_temporary_files(folder)  # copies left by killed backups (never those of a live one)
    backups = check_backups(folder) if args.verify else list_backups(folder)
    if not backups:
        print(f"Aucune sauvegarde dans {folder}.")
        return 0
    state = backup_state(folder)
    print(f"Sauvegardes dans {folder} (la plus récente d'abord) — {state.size_text} :")
    for b in backups:
        print(
            f"  {b.created_at:%d/%m/%Y %H:%M:%S}  {human_size(b.size):>10}  "
            f"{count_text(b.contacts):>9} contacts  {state_text(b, state.now):<44}  "
            f"{b.reason:<20}  {b.path.name}"
        )
    if any(not b.has_manifest for b in backups):
        print(
            "Une sauvegarde sans manifeste n'a pas été faite ou vérifiée par SARAH : elle n'est "
            "jamais effacée automatiquement ; supprimez-la vous-même si elle ne sert pas."
        )
    if any(b.problem for b in backups):
        print(
            "Une sauvegarde ABÎMÉE ne sera jamais restaurée ; les autres sont intactes. Pensez à "
            "vérifier le disque ou la clé du dossier de sauvegarde."
        )
    if state.clock_notice:
        print("Attention : " + state.clock_notice)
    if args.verify:
        print("Toutes les sauvegardes viennent d'être relues entièrement.")
    else:
        print(
            "« vérifiée le » : date de la dernière relecture complète de la sauvegarde ; "
            "« sarah backup list --verifier » les relit toutes maintenant."
        )
    return 0


def run_restore(args: argparse.Namespace) -> int:
    db = _database_file(args)
    backup = Path(args.file).expanduser()
    if not backup.is_absolute() and not backup.exists():
        candidate = _folder(args) / backup
        backup = candidate if candidate.exists() else backup
    result = restore_backup(db, backup, folder=_folder(args))
    if result.recovered:
        print(result.recovered)
    print(f"Base restaurée depuis {result.restored_from} : {count_text(result.contacts)} contacts.")
    if result.safety_backup is not None:
        print(f"La base remplacée a d'abord été sauvegardée : {result.safety_backup.path}")
    for path in result.moved_aside:
        print(f"Mis de côté (non effacé) : {path}")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "backup",
        help="sauvegardes manuelles : créer, lister, restaurer",
        description="Sauvegardes vérifiées de la base (les sauvegardes automatiques ont lieu de toute façon).",
    )
    actions = parser.add_subparsers(dest="backup_action", metavar="ACTION", required=True)

    def add(name: str, helptext: str) -> argparse.ArgumentParser:
        p: argparse.ArgumentParser = actions.add_parser(name, help=helptext, description=helptext)
        p.add_argument(
            "--dossier",
            metavar="DOSSIER",
            help="dossier des sauvegardes (défaut : celui des réglages)",
        )
        return p

    add("create", "faire une sauvegarde vérifiée maintenant").set_defaults(func=run_create)
    listing = add("list", "lister les sauvegardes (date, taille, contacts, vérifiée)")
    listing.add_argument(
        "--verifier",
        "--verify",
        dest="verify",
        action="store_true",
        help="relire entièrement chaque sauvegarde et la comparer à son empreinte (plus long)",
    )
    listing.set_defaults(func=run_list)
    restore = add(
        "restore",
        "remettre une sauvegarde en place, sans question : la base actuelle est d'abord "
        "sauvegardée puis mise de côté avec ses fichiers -wal/-shm (jamais effacée)",
    )
    restore.add_argument("file", metavar="FICHIER", help="le fichier de sauvegarde (.sqlite)")
    restore.set_defaults(func=run_restore)
