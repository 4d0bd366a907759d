"""Closing a period once its tables are published, reopening it, and reading publications.

Closing stores the four tables and the month breakdown of every site as they are, who closed
and when, and a fingerprint of each contact counted (sarah.services.closing.fingerprints). Both
are read in one pass that is repeated if an entry arrived meanwhile (a desk on the same server
saving while the coordinator closes), so that the stored figures and the stored contacts always
describe the same moment. Closing is a coordinator's action, reopening an admin's; both are
audited.
"""

from __future__ import annotations

import json
import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, Engine, insert, select, update

from sarah.db import read_connection, write_session
from sarah.errors import InvalidInput
from sarah.reports.publication import Publication
from sarah.reports.tables import Period, Report, ServiceCount
from sarah.reports.words import DEFAULT_YOUNG_AGE_LIMIT
from sarah.schema import published_contacts, published_periods
from sarah.services.accounts.roles import require
from sarah.services.audit.actor import current_actor
from sarah.services.audit.log import record
from sarah.services.closing.fingerprints import contact_fingerprints
from sarah.services.sites import SiteInfo, resolve_sites
from sarah.services.statistics.tables import report_for_sites

# Tries to read figures and fingerprints of one same moment before giving up (entries arriving
# faster than a semester is counted, several times in a row, is a network under load).
READ_TRIES = 5
INSERT_CHUNK = 5000


def _with_codes(report: Report, services: list[list[Any]]) -> Report:
    """The report's services with their stable codes and retired flags again (the JSON of
    interfaces.md names them by label only), so that a comparison matches them by code."""
    known = {label: (code, bool(retired)) for code, label, retired in services}
    for tables in [*report.by_site.values(), report.total]:
        tables.services = [
            ServiceCount(code, s.label, s.count, retired)
            for s in tables.services
            for code, retired in [known.get(s.label, (s.code, s.retired))]
        ]
    return report


def _row_publication(row: Any) -> Publication:
    figures = json.loads(row.figures)
    report = Report.from_json(figures["report"], young_age_limit=figures["young_age_limit"])
    report = _with_codes(report, figures.get("services", []))
    return Publication(
        id=row.id,
        period=Period(row.first_day, row.last_day),
        sites=list(report.sites),
        site_ids=[uuid.UUID(i) for i in json.loads(row.site_ids)],
        published_at=row.published_at,
        published_by=row.published_by,
        report=report,
        months=figures["months"],
        reopened_at=row.reopened_at,
        reopened_by=row.reopened_by,
    )


def _closed_row(conn: Connection, period: Period) -> Any:
    return conn.execute(
        select(published_periods).where(
            published_periods.c.first_day == period.start,
            published_periods.c.last_day == period.end,
            published_periods.c.reopened_at.is_(None),
        )
    ).first()


def publication_in(conn: Connection, period: Period) -> Publication | None:
    """:func:`publication_for` inside the caller's transaction."""
    row = _closed_row(conn, period)
    return None if row is None else _row_publication(row)


def publication_for(engine: Engine, period: Period) -> Publication | None:
    """The period's publication while it is closed; None when it never was or was reopened."""
    with read_connection(engine) as conn:
        return publication_in(conn, period)


def publication_covering(engine: Engine, day: date, site_id: uuid.UUID) -> Publication | None:
    """The closed period that holds ``day`` at the site, if any (the latest closed), so that a
    late entry can say it will show as a change since the publication."""
    with read_connection(engine) as conn:
        rows = conn.execute(
            select(published_periods)
            .where(
                published_periods.c.first_day <= day,
                published_periods.c.last_day >= day,
                published_periods.c.reopened_at.is_(None),
            )
            .order_by(published_periods.c.published_at.desc())
        ).all()
    for row in rows:
        if str(site_id) in json.loads(row.site_ids):
            return _row_publication(row)
    return None


def publications(engine: Engine) -> list[Publication]:
    """Every closing, reopened ones included, the newest period first."""
    with read_connection(engine) as conn:
        rows = conn.execute(
            select(published_periods).order_by(
                published_periods.c.first_day.desc(),
                published_periods.c.last_day.desc(),
                published_periods.c.published_at.desc(),
            )
        ).all()
    return [_row_publication(r) for r in rows]


def _already_closed(row: Any, period: Period) -> InvalidInput:
    return InvalidInput(
        f"{period.label} est déjà clôturé : publié le {row.published_at:%d/%m/%Y} par "
        f"{row.published_by}. Rien n'a été fait."
    )


def _consistent_read(
    engine: Engine, period: Period, chosen: list[SiteInfo], young_age_limit: int
) -> tuple[Report, dict[str, Any], dict[str, tuple[str, str]]]:
    from sarah.services.statistics.months import month_breakdown  # the ORM: closing only

    ids = [s.id for s in chosen]
    for _try in range(READ_TRIES):
        with read_connection(engine) as conn:
            before = contact_fingerprints(conn, period, ids)
        report = report_for_sites(engine, period, chosen, young_age_limit=young_age_limit)
        months = month_breakdown(engine, period, [s.name for s in chosen])
        with read_connection(engine) as conn:
            after = contact_fingerprints(conn, period, ids)
        if before == after:
            return report, months.to_json(), after
    raise InvalidInput(
        "Des contacts de la période arrivent sans cesse pendant la clôture : réessayez dans un "
        "moment (par exemple quand les accueils sont fermés). Rien n'a été fait."
    )


def close_period(
    engine: Engine,
    period: Period,
    *,
    role: str | None = None,
    young_age_limit: int = DEFAULT_YOUNG_AGE_LIMIT,
    today: date | None = None,
    now: datetime | None = None,
    by: str | None = None,
) -> Publication:
    """Close ``period`` for every live site: its figures are stored as published, by ``by``
    (the coordinator's name; default: who acts, as the audit log names them).

    Refused (InvalidInput) when it is closed already, not over yet, or there is no site.
    """
    require(role, "close_period")
    today = today or date.today()
    if period.end >= today:
        raise InvalidInput(
            f"{period.label} n'est pas terminé (dernier jour : {period.end:%d/%m/%Y}) : on "
            "clôture une période une fois ses chiffres publiés. Rien n'a été fait."
        )
    chosen = resolve_sites(engine, None)
    if not chosen:
        raise InvalidInput("Aucun Point Relais dans cette base : rien à clôturer.")
    with read_connection(engine) as conn:
        row = _closed_row(conn, period)
    if row is not None:
        raise _already_closed(row, period)
    report, months, prints = _consistent_read(engine, period, chosen, young_age_limit)
    actor = current_actor()
    at = (now or datetime.now()).replace(microsecond=0)
    period_id = uuid.uuid4()
    figures = {
        "report": report.to_json(),
        "months": months,
        "young_age_limit": young_age_limit,
        "services": [[c.code, c.label, c.retired] for c in report.total.services],
    }
    with write_session(engine) as s:
        row = _closed_row(s.connection(), period)
        if row is not None:  # closed meanwhile from another workstation
            raise _already_closed(row, period)
        s.execute(
            insert(published_periods).values(
                id=period_id,
                first_day=period.start,
                last_day=period.end,
                site_ids=json.dumps([str(site.id) for site in chosen]),
                figures=json.dumps(figures, ensure_ascii=False),
                published_at=at,
                published_by=by or actor,
            )
        )
        items = list(prints.items())
        for first in range(0, len(items), INSERT_CHUNK):
            s.execute(
                insert(published_contacts),
                [
                    {
                        "period_id": period_id,
                        "contact_id": uuid.UUID(cid),
                        "site_id": uuid.UUID(site),
                        "fingerprint": fp,
                    }
                    for cid, (site, fp) in items[first : first + INSERT_CHUNK]
                ],
            )
        record(
            s,
            actor,
            "period_close",
            period.label,
            {
                "first_day": period.start.isoformat(),
                "last_day": period.end.isoformat(),
                "sites": report.sites,
                "contacts": report.total.contacts_total,
                "services": report.total.services_total,
                "persons": report.total.persons.total,
                "new_persons": report.total.new_persons.total,
            },
            at=at,
        )
    found = publication_for(engine, period)
    assert found is not None  # just written
    return found


def reopen_period(
    engine: Engine, period: Period, *, role: str | None = None, now: datetime | None = None
) -> Publication:
    """Reopen a closed period (an admin's action, audited): its figures stop being the
    published ones; the closing stays in the history (``period list``)."""
    require(role, "reopen_period")
    actor = current_actor()
    at = (now or datetime.now()).replace(microsecond=0)
    with write_session(engine) as s:
        row = _closed_row(s.connection(), period)
        if row is None:
            raise InvalidInput(f"{period.label} n'est pas clôturé : rien à rouvrir.")
        s.execute(
            update(published_periods)
            .where(published_periods.c.id == row.id)
            .values(reopened_at=at, reopened_by=actor)
        )
        record(
            s,
            actor,
            "period_reopen",
            period.label,
            {
                "first_day": period.start.isoformat(),
                "last_day": period.end.isoformat(),
                "published_at": row.published_at.isoformat(),
                "published_by": row.published_by,
            },
            at=at,
        )
        reopened = s.execute(
            select(published_periods).where(published_periods.c.id == row.id)
        ).one()
    return _row_publication(reopened)
