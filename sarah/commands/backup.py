"""`sarah backup create|list|restore FILE|migrate`: manual backups (automatic ones run anyway).

On a SQLite file: verified copies of the file, put back by ``restore``. On a PostgreSQL server:
verified pg_dump copies taken from this desk; ``restore`` says who puts one back (the server's
administrator, with pg_restore) rather than pretending; ``migrate`` upgrades the schema as a
deliberate step, with a copy first, or ``--sans-sauvegarde`` on the strength of the server's own
backups.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.engine import URL

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


def _server_url(args: argparse.Namespace) -> URL | None:
    """The URL of the PostgreSQL server named by --db or the settings, None for a file."""
    from sqlalchemy.engine import make_url

    url = make_url(database_url(database_target(args)))
    return url if url.get_backend_name() == "postgresql" else None


def run_create(args: argparse.Namespace) -> int:
    engine = database(args)  # refuses a damaged or badly placed database, migrates
    try:
        if engine.dialect.name == "postgresql":
            return _create_dump(engine, _folder(args))
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


def _create_dump(engine: Engine, folder: Path) -> int:
    from sarah.services.backups.server_dump import drain, dump_server_steps

    info = drain(dump_server_steps(engine, folder, REASON_MANUAL))
    print(
        f"Copie pg_dump vérifiée : {info.path} ({human_size(info.size)}, "
        f"{count_text(info.tables)} tables, {count_text(info.contacts)} contacts)."
    )
    print(
        "Elle est remise en place sur le serveur par son administrateur (pg_restore) : "
        "« sarah backup restore FICHIER » affiche les commandes."
    )
    return 0


def _list_dumps(folder: Path, server: URL) -> int:
    from sarah.services.backups.server_dump import server_label
    from sarah.services.backups.server_listing import dump_state_text, list_dumps

    clean_temporary_files(folder)  # copies left by killed pg_dumps (never those of a live one)
    dumps = list_dumps(folder, server)
    if not dumps:
        print(f"Aucune copie pg_dump de {server_label(server)} dans {folder}.")
    else:
        print(f"Copies pg_dump de {server_label(server)} dans {folder} (la plus récente d'abord) :")
    for d in dumps:
        print(
            f"  {d.created_at:%d/%m/%Y %H:%M:%S}  {human_size(d.size):>10}  "
            f"{count_text(d.contacts):>9} contacts  {dump_state_text(d):<40}  "
            f"{d.reason:<20}  {d.path.name}"
        )
    print("Sauvegardes du serveur : " + _server_state_line(server))
    print(
        "Une copie est remise en place sur le serveur par son administrateur : "
        "« sarah backup restore FICHIER » affiche les commandes."
    )
    return 0


def _server_state_line(server: URL) -> str:
    from sarah.db import create_db_engine
    from sarah.services.backups.server_state import server_backup_state

    engine = create_db_engine(server.render_as_string(hide_password=False))
    try:
        return server_backup_state(engine).message.removeprefix("Sauvegardes du serveur : ")
    except UserError as exc:
        return f"état illisible : {exc.message}"
    finally:
        engine.dispose()


def run_list(args: argparse.Namespace) -> int:
    folder = _folder(args)
    if not folder.is_dir():
        raise UserError(f"Le dossier de sauvegarde {folder} est inaccessible.")
    server = _server_url(args)
    if server is not None:
        return _list_dumps(folder, server)
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
    backup = Path(args.file).expanduser()
    if not backup.is_absolute() and not backup.exists():
        candidate = _folder(args) / backup
        backup = candidate if candidate.exists() else backup
    server = _server_url(args)
    if server is not None:
        from sarah.services.backups.server_listing import restore_explanation

        raise UserError(restore_explanation(server, backup.resolve()))
    db = _database_file(args)
    result = restore_backup(db, backup, folder=_folder(args))
    if result.recovered:
        print(result.recovered)
    print(f"Base restaurée depuis {result.restored_from} : {count_text(result.contacts)} contacts.")
    if result.safety_backup is not None:
        print(f"La base remplacée a d'abord été sauvegardée : {result.safety_backup.path}")
    for path in result.moved_aside:
        print(f"Mis de côté (non effacé) : {path}")
    return 0


class ConfirmServerBackups(argparse.Action):
    """``--sans-sauvegarde``: set as soon as it is read, so that the database's opening (before
    the command, when an account signs in) honours it too."""

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: object,
        option_string: str | None = None,
    ) -> None:
        from sarah.services.backups.server_migration import NO_DUMP_ENV

        os.environ[NO_DUMP_ENV] = "1"
        setattr(namespace, self.dest, True)


def run_migrate(args: argparse.Namespace) -> int:
    from sarah.db import current_revision, head_revision
    from sarah.services.database import migrate_to_head, open_database

    engine = open_database(database_target(args), migrate=False, on_notice=_say)
    try:
        before = current_revision(engine)
        copy = migrate_to_head(engine, _folder(args))
        after = current_revision(engine)
    finally:
        engine.dispose()
    if before == after:
        print(f"La base est à jour (schéma {after}) : rien à faire.")
        return 0
    print(f"Base mise à jour : schéma {before or 'vide'} → {after or head_revision()}.")
    if copy is not None:
        print(f"Copie vérifiée faite avant la mise à jour : {copy}")
    elif getattr(args, "without_dump", False):
        print(
            "Aucune copie faite par SARAH (--sans-sauvegarde) : ce sont les sauvegardes du "
            "serveur qui protègent la version d'avant."
        )
    return 0


def _say(text: str) -> None:
    print(text, file=sys.stderr)


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "backup",
        help="sauvegardes manuelles : créer, lister, restaurer",
        description="Sauvegardes vérifiées de la base (les sauvegardes automatiques ont lieu de "
        "toute façon). Sur un serveur PostgreSQL : copies pg_dump vérifiées faites depuis ce "
        "poste (pg_dump trouvé par SARAH_PG_DUMP ou le PATH) ; la restauration est le travail "
        "de l'administrateur du serveur (docs/serveur.md).",
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
    restore.add_argument(
        "file",
        metavar="FICHIER",
        help="le fichier de sauvegarde (.sqlite) ; sur un serveur PostgreSQL, affiche les "
        "commandes pg_restore que l'administrateur du serveur lance",
    )
    restore.set_defaults(func=run_restore)
    migrate = add(
        "migrate",
        "mettre la base à jour pour cette version de SARAH (ce que fait aussi son ouverture) : "
        "une sauvegarde vérifiée d'abord, copie pg_dump sur un serveur PostgreSQL",
    )
    migrate.add_argument(
        "--sans-sauvegarde",
        dest="without_dump",
        nargs=0,
        action=ConfirmServerBackups,
        default=False,
        help="serveur PostgreSQL sans pg_dump sur ce poste : mettre à jour sans copie, "
        "l'administrateur confirmant que les sauvegardes du serveur sont en place et récentes "
        "(équivaut à SARAH_MIGRATION_SANS_SAUVEGARDE=1)",
    )
    migrate.set_defaults(func=run_migrate)
