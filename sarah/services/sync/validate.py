"""Checking a decrypted container before anything of it is merged.

The envelope proves the package was written by a holder of the network's key; this proves it
is what a SARAH writes: a sound SQLite file, the expected tables and columns, a manifest of a
known format and schema, as many rows as the manifest says, and values of the right shape.
Anything else refuses the whole package (nothing is merged).
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import ClassVar

from sarah.db import known_revisions
from sarah.dbfile import SQLITE_MAGIC
from sarah.services.sync.container import FORMAT, TABLES, column_list, columns
from sarah.services.sync.errors import SyncRefused
from sarah.vocabulary import CHANNELS

MAX_MANIFEST = 1 << 20


class InvalidContent(SyncRefused):
    """The package opens with the key but does not hold what SARAH writes."""

    code: ClassVar[str] = "invalid_content"


class NewerSchema(SyncRefused):
    """Written by a newer SARAH, with a schema this version does not know."""

    code: ClassVar[str] = "newer_schema"


# Columns whose shape is checked row by row (SQL over the whole table: one statement each).
_ID_COLUMNS = {
    "sites": ("id", "origin_site_id", "changed_by"),
    "services": ("id", "origin_site_id", "changed_by"),
    "neighbourhoods": ("id", "origin_site_id", "changed_by"),
    "visitors": ("id", "merged_into_id", "neighbourhood_id", "origin_site_id", "changed_by"),
    "visitor_merges": ("id", "survivor_id", "absorbed_id", "origin_site_id", "changed_by"),
    "contacts": ("id", "site_id", "visitor_id", "neighbourhood_id", "origin_site_id", "changed_by"),
    "contact_services": ("contact_id", "service_id"),
    "closed_days": ("id", "site_id", "origin_site_id", "changed_by"),
}
_REQUIRED_IDS = {"id", "site_id", "survivor_id", "absorbed_id", "contact_id", "service_id"}
_DAY = "'[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'"
_RULES = {
    "sites": ["name IS NOT NULL AND length(trim(name)) > 0"],
    "services": ["code IS NOT NULL AND length(code) > 0", "label IS NOT NULL"],
    "neighbourhoods": [
        "label IS NOT NULL AND length(trim(label)) > 0",
        "priority IN (0, 1) AND retired IN (0, 1)",
        "shortcut IS NULL OR length(shortcut) = 1",
    ],
    "visitors": [
        "last_name IS NOT NULL",
        "sex IS NULL OR sex IN ('F', 'H')",
        f"birth_date IS NULL OR birth_date GLOB {_DAY}",
        # An erased identity has no name and no birth date left (docs/rgpd.md).
        "erased_at IS NULL OR (typeof(erased_at) = 'text' AND last_name = '' "
        "AND first_name = '' AND birth_date IS NULL)",
    ],
    "contacts": [
        "channel IN (" + ", ".join(f"'{c}'" for c in CHANNELS) + ")",
        f"local_date GLOB {_DAY}",
        "local_time GLOB '[0-2][0-9]:[0-5][0-9]:[0-5][0-9]*'",
        "age_years IS NULL OR (typeof(age_years) = 'integer' AND age_years BETWEEN -200 AND 200)",
    ],
    "closed_days": [f"day GLOB {_DAY}"],
}


def _refuse(path: Path, why: str) -> InvalidContent:
    return InvalidContent(
        f"Le paquet {path.name} s'ouvre avec la clé du réseau mais ne contient pas ce qu'écrit "
        f"SARAH ({why}). Il n'a pas été importé ; rien n'a été modifié."
    )


HEX = "0123456789abcdef"


def _ids_rule(table: str) -> str:
    """Every id column of ``table`` is 32 lowercase hex digits (NULL where allowed): one pass,
    the columns' digits trimmed together (a third of the cost of a test per column)."""
    cols = _ID_COLUMNS[table]
    lengths = [
        f"length({c}) = 32" if c in _REQUIRED_IDS else f"coalesce(length({c}), 32) = 32"
        for c in cols
    ]
    digits = " || ".join(f"coalesce({c}, '')" for c in cols)
    return " AND ".join([*lengths, f"ltrim({digits}, '{HEX}') = ''"])


def _subject(table: str, only_winners: bool) -> str:
    """The rows of ``table`` to check, as the first term of a WHERE (SQLite tests the terms in
    order: rows the merge will not write cost one lookup, never the checks)."""
    if not only_winners:
        return "1"
    if table == "contact_services":
        return "contact_id IN (SELECT id FROM temp.won_contacts)"
    return f"id IN (SELECT id FROM temp.won_{table})"


def _shape_problems(conn: sqlite3.Connection, alias: str, only_winners: bool) -> list[str]:
    problems = []
    for table in TABLES:
        rules = [*_RULES.get(table.name, []), _ids_rule(table.name)]
        if "revision" in table.c:
            rules.append("typeof(revision) = 'integer' AND revision >= 0")
        bad = conn.execute(
            f"SELECT count(*) FROM {alias}.{table.name} WHERE {_subject(table.name, only_winners)}"
            f" AND NOT ({' AND '.join(rules)})"
        ).fetchone()[0]
        if bad:
            problems.append(f"{bad} ligne(s) de la table {table.name} mal formée(s)")
    return problems


# Every row a row names is in the package too: a package is a complete snapshot of what its
# sender holds, so a reference to a row it does not carry is not SARAH's writing.
_REFERENCES = (
    ("contacts", "site_id", "sites"),
    ("contacts", "visitor_id", "visitors"),
    ("contact_services", "contact_id", "contacts"),
    ("contact_services", "service_id", "services"),
    ("visitors", "merged_into_id", "visitors"),
    ("visitors", "neighbourhood_id", "neighbourhoods"),
    ("contacts", "neighbourhood_id", "neighbourhoods"),
    ("visitor_merges", "survivor_id", "visitors"),
    ("visitor_merges", "absorbed_id", "visitors"),
    ("closed_days", "site_id", "sites"),
    *((t.name, "origin_site_id", "sites") for t in TABLES if "origin_site_id" in t.c),
)


def _dangling(conn: sqlite3.Connection, alias: str, only_winners: bool) -> list[str]:
    problems = []
    for table, column, target in _REFERENCES:
        n = conn.execute(
            f"SELECT count(*) FROM {alias}.{table} WHERE {_subject(table, only_winners)} "
            f"AND {column} IS NOT NULL AND {column} NOT IN (SELECT id FROM {alias}.{target})"
        ).fetchone()[0]
        if n:
            problems.append(f"{n} ligne(s) de {table} renvoient à des fiches absentes du paquet")
    return problems


def _manifest(conn: sqlite3.Connection, path: Path) -> dict[str, object]:
    rows = conn.execute("SELECT json FROM manifest LIMIT 2").fetchall()
    if len(rows) != 1 or not isinstance(rows[0][0], str) or len(rows[0][0]) > MAX_MANIFEST:
        raise _refuse(path, "description du paquet absente ou illisible")
    try:
        manifest = json.loads(rows[0][0])
    except ValueError:
        raise _refuse(path, "description du paquet illisible") from None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("format"), int):
        raise _refuse(path, "description du paquet incomplète")
    if manifest["format"] > FORMAT:
        raise NewerSchema(
            f"Le paquet {path.name} a été écrit par une version plus récente de SARAH (contenu "
            f"au format {manifest['format']}). Mettez SARAH à jour sur ce poste, puis importez-le "
            "de nouveau. Rien n'a été modifié."
        )
    if not isinstance(manifest.get("schema"), str) or not manifest["schema"]:
        raise _refuse(path, "description du paquet sans schéma")
    if manifest.get("schema") not in known_revisions():
        raise NewerSchema(
            f"Le paquet {path.name} vient d'une version plus récente de SARAH (schéma "
            f"« {manifest.get('schema')} » inconnu ici). Mettez SARAH à jour sur ce poste, puis "
            "importez-le de nouveau. Rien n'a été modifié."
        )
    for field in ("installation", "tables", "sites", "highest"):
        if field not in manifest:
            raise _refuse(path, f"description du paquet sans « {field} »")
    return manifest


def _check_tables(conn: sqlite3.Connection, path: Path, manifest: dict[str, object]) -> None:
    present = {
        name: [row[1] for row in conn.execute(f"PRAGMA table_info({name})")]
        for (name,) in conn.execute("SELECT name FROM sqlite_schema WHERE type = 'table'")
    }
    tables = manifest["tables"]
    if not isinstance(tables, dict):
        raise _refuse(path, "description des tables illisible")
    for table in TABLES:
        if sorted(present.get(table.name, [])) != sorted(columns(table)):
            raise _refuse(path, f"table {table.name} absente ou de colonnes inattendues")
        said = tables.get(table.name)
        if said is None and any(table.name in names for names in LATER_TABLES.values()):
            said = {"rows": 0, "revision_sum": 0}  # written before the table existed
        revision = "revision" if "revision" in table.c else "0"
        count, total = conn.execute(
            f"SELECT count(*), coalesce(sum({revision}), 0) FROM {table.name}"
        ).fetchone()
        if not isinstance(said, dict) or said.get("rows") != count:
            raise _refuse(path, f"la table {table.name} n'a pas le nombre de lignes annoncé")
        if said.get("revision_sum") != total:  # the manifest's checksum of the versions
            raise _refuse(
                path, f"les versions de la table {table.name} ne sont pas celles annoncées"
            )


def check_rows(conn: sqlite3.Connection, package: Path, *, only_winners: bool = True) -> None:
    """Every row the merge would write has the shape SARAH writes and names only rows the
    package carries; a refusal (nothing merged, no backup spent) otherwise. ``conn`` has the
    container attached as ``pkg`` and, with ``only_winners``, the plan's temp tables: rows
    already held at their version are never written, so they need no look."""
    problems = _shape_problems(conn, "pkg", only_winners) or _dangling(conn, "pkg", only_winners)
    if problems:
        raise _refuse(package, "; ".join(problems[:3]))


def check_ids(conn: sqlite3.Connection, package: Path) -> None:
    """Every row's own id (a contact's service: its contact's) is 32 lowercase hex digits:
    what a server needs before it reads the ids as uuids, so that the rows its plan names are
    the rows :func:`check_rows` looks at (``pkg`` attached to ``conn``); their other columns,
    ids included, are :func:`check_rows`' own."""
    problems = []
    for table in TABLES:
        key = "contact_id" if table.name == "contact_services" else "id"
        bad = conn.execute(
            f"SELECT count(*) FROM pkg.{table.name} WHERE NOT "
            f"(coalesce(length({key}), 0) = 32 AND ltrim({key}, '{HEX}') = '')"
        ).fetchone()[0]
        if bad:
            problems.append(f"{bad} ligne(s) de la table {table.name} mal formée(s)")
    if problems:
        raise _refuse(package, "; ".join(problems[:3]))


# Columns added to travelling tables since packages exist, by the migration that added them: a
# package of an installation not yet updated lacks them and reads as NULL (nothing erased).
LATER_COLUMNS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "0006": (("visitors", "erased_at", "DATETIME"), ("contacts", "age_years", "INTEGER")),
    "0012": (("visitors", "neighbourhood_id", "TEXT"), ("contacts", "neighbourhood_id", "TEXT")),
}
# Travelling tables added since packages exist: a package of an older SARAH has none (read as
# an empty table: an older installation has no list of neighbourhoods).
LATER_TABLES: dict[str, tuple[str, ...]] = {"0012": ("neighbourhoods",)}


def _add_later_columns(path: Path) -> bool:
    """Give the container (a scratch copy of ours) the tables and columns its older SARAH did
    not have: empty tables, NULL columns."""
    changed = False
    conn = sqlite3.connect(path)
    try:
        held_tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_schema")}
        later_tables = {name for names in LATER_TABLES.values() for name in names}
        for table in TABLES:
            if table.name in later_tables and table.name not in held_tables:
                conn.execute(f"CREATE TABLE {table.name} ({column_list(table)})")
                changed = True
        for columns_added in LATER_COLUMNS.values():
            for name, column, kind in columns_added:
                held = [row[1] for row in conn.execute(f"PRAGMA table_info({name})")]
                if held and column not in held:
                    conn.execute(f"ALTER TABLE {name} ADD COLUMN {column} {kind}")
                    changed = True
        conn.commit()
    finally:
        conn.close()
    return changed


def check_container(path: Path, package: Path) -> dict[str, object]:
    """The manifest of a sound container (file, tables, description, counts); a refusal
    (nothing merged) otherwise. The rows themselves: :func:`check_rows`, once the plan says
    which ones would be written."""
    with path.open("rb") as fh:
        if fh.read(len(SQLITE_MAGIC)) != SQLITE_MAGIC:
            raise _refuse(package, "pas de données SARAH à l'intérieur")
    conn = sqlite3.connect(f"file:{path.as_posix()}?mode=ro", uri=True)
    try:
        try:
            verdict = conn.execute("PRAGMA quick_check").fetchall()
        except sqlite3.DatabaseError:
            raise _refuse(package, "données intérieures abîmées") from None
        if verdict != [("ok",)]:
            raise _refuse(package, "données intérieures abîmées")
        manifest = _manifest(conn, package)
        if _add_later_columns(path):
            conn.close()
            conn = sqlite3.connect(f"file:{path.as_posix()}?mode=ro", uri=True)
        _check_tables(conn, package, manifest)
        return manifest
    except sqlite3.DatabaseError:
        raise _refuse(package, "données intérieures illisibles") from None
    finally:
        conn.close()
