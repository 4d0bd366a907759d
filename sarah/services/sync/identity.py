"""One person, several sites (docs/sync.md, "One person, several sites").

After a merge of packages, in the same transaction:

1. Records of the same person made at two sites — same folded last and first names
   (``search_key``, as the spreadsheet import compares them) and the same birth date — become one
   person, the same way everywhere: the record with the smallest id survives, the others are
   merged into it through the ordinary merge (contacts moved, profile completed, record
   tombstoned, a trace that the person's page shows and that can be undone). The trace's id is
   derived from the two records, and its date from theirs, so that every installation writes
   the same trace. Records without a birth date, or spelled differently, are never merged here:
   they are only proposed ("doublons probables entre sites",
   :func:`sarah.services.visitor_history.duplicates_between_sites`).
2. No contact points at a merged record: a contact typed at one site on a record that another
   site had merged away meanwhile follows it to the record kept (the contacts of a record merged
   in step 1 too).

The records and the trace take a version derived from the records joined (their greater
revision + 1, and as writer an id derived from each row's content), not from this
installation's clock: every installation that makes the merge from the same rows writes the
same rows, whatever order it received them in. A contact that follows its record takes a
version just above its own (:func:`followed_writer`): the same revision, so that an edit of
it made anywhere since (a greater revision) is kept, then moved in its turn; and a writer of
its own, so that the move travels. Without one, the rows differed for good where the merge was
undone: the installations that had moved the contact kept it on the record kept, those that
never held it on the merged record kept it on the one given back, at the same version.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from dataclasses import dataclass

from sarah.services.visitors import profile_json

# Derives the trace id of an automatic merge from its two records (uuid5).
SAME_PERSON = uuid.UUID("5f0c3a8e-52c1-4c57-9a36-6e1f4d3b2a77")
# Derives the step of a followed contact's writer from the record it follows to (uuid5).
FOLLOWED = uuid.UUID("0b6f4f0e-7d2c-4a1e-9f55-3c8e2d71a964")
FOLLOW_STEPS = 2**32  # distinct steps for the records one row may follow to
HIGHEST_ID = 2**128 - 1
AGENT = "synchronisation (même personne sur deux sites)"


@dataclass(frozen=True)
class PersonMerge:
    survivor: str
    absorbed: str


def _profile(row: tuple[str, str, str | None, str | None]) -> str:
    return profile_json(*row)


def same_people(conn: sqlite3.Connection) -> list[PersonMerge]:
    """Live records of one person (names and birth date) made at more than one site."""
    groups = conn.execute(
        "SELECT group_concat(id) FROM (SELECT id, search_key, birth_date, origin_site_id "
        "FROM main.visitors "
        "WHERE deleted_at IS NULL AND merged_into_id IS NULL AND birth_date IS NOT NULL "
        "AND search_key <> '' ORDER BY id) GROUP BY search_key, birth_date "
        "HAVING count(*) > 1 AND count(DISTINCT coalesce(origin_site_id, '')) > 1"
    ).fetchall()
    undone = {
        str(row[0])
        for row in conn.execute(
            "SELECT id FROM main.visitor_merges WHERE deleted_at IS NOT NULL AND agent = ?",
            (AGENT,),
        )
    }
    merges: list[PersonMerge] = []
    for (ids,) in groups:
        survivor, *others = sorted(str(ids).split(","))
        merges.extend(
            PersonMerge(survivor, other)
            for other in others
            # A person who undid this automatic merge said they are two people: never again.
            if _trace_id(PersonMerge(survivor, other)) not in undone
        )
    return merges


def _trace_id(m: PersonMerge) -> str:
    return uuid.uuid5(SAME_PERSON, f"{m.survivor}:{m.absorbed}").hex


def _stamp_derived(conn: sqlite3.Connection, table: str, row_id: str, revision: int) -> None:
    """Give a row the automatic merge wrote its derived version: ``revision``, and as writer an
    id derived from the row's content (the merge's own tie-break). Two installations that
    made the same merge from the same rows write the same version; from rows that differed,
    two versions of which the same one wins everywhere."""
    cols = [r[1] for r in conn.execute(f"PRAGMA main.table_info({table})")]
    kept = [c for c in cols if c not in ("revision", "changed_by", "updated_at")]
    content = conn.execute(
        f"SELECT {', '.join(kept)} FROM main.{table} WHERE id = ?", (row_id,)
    ).fetchone()
    writer = uuid.uuid5(SAME_PERSON, json.dumps([table, *content], default=str)).hex
    conn.execute(
        f"UPDATE main.{table} SET revision = ?, changed_by = ? WHERE id = ?",
        (revision, writer, row_id),
    )


def _merge_one(conn: sqlite3.Connection, m: PersonMerge) -> None:
    # The merge's version is derived from the records it joins, not from this installation's
    # clock: every installation that makes it from the same rows writes the same rows.
    (revision,) = conn.execute(
        "SELECT max(revision) + 1 FROM main.visitors WHERE id IN (?, ?)", (m.survivor, m.absorbed)
    ).fetchone()
    fields = "last_name, first_name, sex, birth_date"
    survivor = conn.execute(f"SELECT {fields} FROM main.visitors WHERE id = ?", (m.survivor,))
    absorbed = conn.execute(f"SELECT {fields} FROM main.visitors WHERE id = ?", (m.absorbed,))
    survivor_before, absorbed_profile = _profile(survivor.fetchone()), _profile(absorbed.fetchone())
    moving = conn.execute(
        "SELECT id, deleted_at FROM main.contacts WHERE visitor_id = ?", (m.absorbed,)
    ).fetchall()
    moved_ids = sorted(str(uuid.UUID(cid)) for cid, _deleted in moving)
    live = sum(1 for _cid, deleted in moving if deleted is None)
    # The contacts move in follow_merges, right after, each with its followed version.
    (merged_at,) = conn.execute(
        "SELECT max(created_at) FROM main.visitors WHERE id IN (?, ?)", (m.survivor, m.absorbed)
    ).fetchone()
    conn.execute(
        "UPDATE main.visitors SET sex = coalesce(sex, (SELECT sex FROM main.visitors WHERE id = ?)),"
        " birth_date = coalesce(birth_date, (SELECT birth_date FROM main.visitors WHERE id = ?))"
        " WHERE id = ?",
        (m.absorbed, m.absorbed, m.survivor),
    )
    conn.execute(
        "UPDATE main.visitors SET merged_into_id = ?, deleted_at = ? WHERE id = ?",
        (m.survivor, merged_at, m.absorbed),
    )
    trace = _trace_id(m)
    conn.execute(
        "INSERT INTO main.visitor_merges (id, survivor_id, absorbed_id, merged_at, moved_contacts, "
        "absorbed_profile, survivor_profile, moved_contact_ids, agent, origin_site_id, revision, "
        "changed_by, created_at, updated_at, deleted_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, 0, NULL, ?, ?, NULL) "
        "ON CONFLICT(id) DO UPDATE SET merged_at = excluded.merged_at, "
        "moved_contacts = excluded.moved_contacts, absorbed_profile = excluded.absorbed_profile, "
        "survivor_profile = excluded.survivor_profile, "
        "moved_contact_ids = excluded.moved_contact_ids, deleted_at = NULL",
        (
            trace,
            m.survivor,
            m.absorbed,
            merged_at,
            live,
            absorbed_profile,
            survivor_before,
            json.dumps(moved_ids),
            AGENT,
            merged_at,
            merged_at,
        ),
    )
    for table, row_id in (
        ("visitors", m.survivor),
        ("visitors", m.absorbed),
        ("visitor_merges", trace),
    ):
        _stamp_derived(conn, table, row_id, revision)
    conn.execute("UPDATE main.installation SET clock = max(clock, ?)", (revision,))


def followed_writer(writer: str | None, kept: str) -> str:
    """The writer (32 hex digits) of a contact moved onto record ``kept``, kept at its revision:
    greater than the row's own ``writer``, so that the move wins over the row it moves and
    travels, yet loses to any later change of the contact (made past that revision wherever the
    row was received). Derived from the row alone: every installation that moves the same row
    to the same record writes the same row."""
    above = (int(writer, 16) if writer else 0) + 1
    step = uuid.uuid5(FOLLOWED, uuid.UUID(kept).hex).int % FOLLOW_STEPS
    return f"{min(above + step, HIGHEST_ID):032x}"


def follow_merges(conn: sqlite3.Connection) -> int:
    """Contacts still on a merged record move to the record kept (through chains of merges),
    each with its followed version (:func:`followed_writer`)."""
    conn.execute(
        "CREATE TEMP TABLE kept_record AS WITH RECURSIVE chain(id, kept) AS ("
        " SELECT id, merged_into_id FROM main.visitors WHERE merged_into_id IS NOT NULL"
        " UNION SELECT c.id, v.merged_into_id FROM chain c JOIN main.visitors v ON v.id = c.kept"
        " WHERE v.merged_into_id IS NOT NULL)"
        " SELECT id, kept FROM chain WHERE kept IN (SELECT id FROM main.visitors"
        " WHERE merged_into_id IS NULL)"
    )
    strays = conn.execute(
        "SELECT c.id, c.changed_by, k.kept FROM main.contacts c "
        "JOIN temp.kept_record k ON k.id = c.visitor_id"
    ).fetchall()
    conn.executemany(
        "UPDATE main.contacts SET visitor_id = ?, changed_by = ? WHERE id = ?",
        [(kept, followed_writer(by, kept), cid) for cid, by, kept in strays],
    )
    conn.execute("DROP TABLE temp.kept_record")
    return len(strays)


def make_people_one(conn: sqlite3.Connection) -> int:
    """Steps 1 and 2 above; the number of records merged."""
    merges = same_people(conn)
    for m in merges:
        _merge_one(conn, m)
    follow_merges(conn)
    return len(merges)
