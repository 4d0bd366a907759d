"""The drill-down with names, and its export: who saw names and who took them away is audited.

Opening the contacts behind a number (:func:`view_drilldown`) shows names to a role that may
see them (``export_named``) and leaves one ``drilldown_named`` entry in the audit log: the
cell (its title, table, row, column, period, sites) and how many people were shown, never a
name. A role that may not sees the stable code of each person instead
(sarah.services.privacy.pseudonyms), and nothing is logged: no name was shown. So does anyone
on a database opened read-only (a damaged file): names are never shown without their entry.

The export (:func:`export_drilldown`) is pseudonymised unless asked otherwise: a code instead of
the name, and no first name, no birth date either (sex and age group stay). The named form
needs ``export_named`` and leaves one ``export_named`` entry (file name, how many rows and
people), in the transaction during which the file is written: no file without its entry. A
pseudonymised file names nobody: it is not an "export nominatif" and is not logged as one.
An erased identity stays « Identité effacée » in every form, without a code: nothing links its
contacts to anyone any more.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from sqlalchemy import Engine, select

from sarah.db import read_connection, write_session
from sarah.errors import InvalidInput
from sarah.exports.contact_list import (
    ContactList,
    write_contact_list_csv,
    write_contact_list_xlsx,
)
from sarah.exports.meta import ExportMeta
from sarah.reports.tables import Period
from sarah.schema import contacts
from sarah.services.accounts.roles import may, require
from sarah.services.audit.actor import current_actor
from sarah.services.audit.log import record
from sarah.services.privacy.pseudonyms import installation_pseudonym_key, pseudonym
from sarah.services.statistics.drilldown import (
    AGE_LABELS,
    CellRef,
    ContactLine,
    DrillDown,
    contacts_behind,
)
from sarah.services.visitors import ERASED_NAME
from sarah.settings import YOUNG_AGE_LIMIT

SEX_WORDS = {"F": "F", "H": "H", "NR": "non renseigné"}
FORMATS = ("xlsx", "csv")

PSEUDONYMISED_NOTE = (
    "Pseudonymisé : chaque personne est désignée par un code stable (le même dans tous les "
    "exports), sans nom, prénom ni date de naissance."
)
NAMED_NOTE = (
    "Nominatif : ce fichier contient des noms de personnes. Ne le diffusez pas ; supprimez-le "
    "dès qu'il n'est plus utile. Son export est inscrit au journal."
)


@dataclass(frozen=True)
class ExportedList:
    path: Path
    rows: int
    people: int
    named: bool


def _visitor_ids(engine: Engine, lines: Sequence[ContactLine]) -> dict[uuid.UUID, uuid.UUID]:
    """The person of each listed contact that has one with an identity (contact id -> visitor
    id): neither anonymous contacts nor erased identities."""
    ids = [line.contact_id for line in lines if line.visitor != ERASED_NAME]
    out: dict[uuid.UUID, uuid.UUID] = {}
    with read_connection(engine) as conn:
        for i in range(0, len(ids), 500):
            chunk = ids[i : i + 500]
            for cid, vid in conn.execute(
                select(contacts.c.id, contacts.c.visitor_id).where(contacts.c.id.in_(chunk))
            ):
                if vid is not None:
                    out[cid] = vid
    return out


def _cell_details(
    found: DrillDown, period: Period, sites: Sequence[str] | None
) -> dict[str, object]:
    cell = found.cell
    return {
        "table": cell.table,
        "row": cell.row,
        "sex": cell.sex,
        "site": cell.site or "total",
        "month": cell.month.isoformat() if cell.month else None,
        "period": f"{period.start.isoformat()}/{period.end.isoformat()}",
        "sites": list(sites) if sites else "tous",
    }


def view_drilldown(
    engine: Engine,
    period: Period,
    sites: Sequence[str] | None,
    cell: CellRef,
    *,
    role: str | None,
    read_only: bool = False,
    young_age_limit: int = YOUNG_AGE_LIMIT,
    limit: int = 5000,
) -> DrillDown:
    """The contacts behind ``cell`` as the window shows them: with names (audited) for a role
    that may see them, with codes otherwise or when the audit log cannot be written."""
    found = contacts_behind(
        engine, period, sites, cell, young_age_limit=young_age_limit, limit=limit
    )
    people = _visitor_ids(engine, found.lines)
    if read_only or not may(role, "export_named"):
        key = installation_pseudonym_key(engine)
        lines = [
            replace(line, visitor=pseudonym(people[line.contact_id], key))
            if line.contact_id in people
            else line
            for line in found.lines
        ]
        return replace(found, lines=lines)
    if people:
        details = {**_cell_details(found, period, sites), "people": len(set(people.values()))}
        with write_session(engine) as s:
            record(s, current_actor(), "drilldown_named", found.title, details)
    return found


def contact_list(
    found: DrillDown, people: dict[uuid.UUID, uuid.UUID], key: bytes | None
) -> ContactList:
    """The lines as rows: the name, or the person's code when ``key`` is given."""
    person = "Personne" if key is None else "Code personne"
    headers = ["Date", "Heure", "Site", "Canal", person, "Public", "Sexe", "Services"]
    rows: list[list[str | int | float | None]] = []
    for line in found.lines:
        vid = people.get(line.contact_id)
        # Anonymous contacts and erased identities as the window shows them.
        who = line.visitor if vid is None or key is None else pseudonym(vid, key)
        rows.append(
            [
                f"{line.local_date:%d/%m/%Y}",
                f"{line.local_time:%H:%M}",
                line.site,
                line.channel_label,
                who,
                AGE_LABELS[line.age_group] if line.age_group else "",
                SEX_WORDS.get(line.sex, line.sex) if line.sex else "",
                " ; ".join(line.services),
            ]
        )
    notes = [NAMED_NOTE if key is None else PSEUDONYMISED_NOTE]
    if found.truncated:
        notes.append(f"Les {len(found.lines)} premières lignes sur {found.count}.")
    return ContactList(found.title, found.explanation, headers, rows, notes)


def export_drilldown(
    engine: Engine,
    found: DrillDown,
    path: Path,
    kind: str,
    meta: ExportMeta,
    *,
    pseudonymised: bool = True,
    role: str | None = None,
) -> ExportedList:
    """Write the drill-down ``found`` to ``path`` (``kind``: xlsx or csv). The named form is
    refused (:class:`~sarah.services.accounts.roles.Forbidden`) to a role that may not export
    names, and is audited; the pseudonymised one is neither."""
    if kind not in FORMATS:
        raise InvalidInput(f"Format « {kind} » inconnu : xlsx ou csv.")
    if not pseudonymised:
        require(role, "export_named")
    people = _visitor_ids(engine, found.lines)
    key = installation_pseudonym_key(engine) if pseudonymised else None
    listing = contact_list(found, people, key)
    write = write_contact_list_xlsx if kind == "xlsx" else write_contact_list_csv
    result = ExportedList(
        Path(path), len(listing.rows), len(set(people.values())), not pseudonymised
    )
    if pseudonymised:
        write(listing, path, meta)
        return result
    # The entry and the file together: a failed write rolls the entry back, a failed commit
    # takes the file away.
    written: Path | None = None
    try:
        with write_session(engine) as s:
            details = {"rows": result.rows, "people": result.people, "format": kind}
            record(s, current_actor(), "export_named", Path(path).name, details)
            written = write(listing, path, meta)
    except BaseException:
        if written is not None:
            written.unlink(missing_ok=True)
        raise
    return result
