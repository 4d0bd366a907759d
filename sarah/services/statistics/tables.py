"""The four semester tables, computed by the database (docs/statistiques.md).

Every count is an SQL aggregation written with SQLAlchemy Core; no Python loop ever walks the
contacts. Python only files the few hundred aggregated rows into
:mod:`sarah.reports`.

Rules (docs/spec/statistics.md):
- a contact takes part when it is not deleted, its site is selected and its local date lies in
  the period, both ends included;
- tables 3 and 4 count people (contacts with a visitor); the age group comes from the person's
  first contact of the period in that row (at that site, or at any selected site for the total
  row), the sex from the current profile;
- a person is new at a site when no earlier live contact exists at that site (all history); new
  in the total row when no earlier live contact exists at any selected site. The first contact
  ever is then the first contact of the period, so table 4 uses the age group of table 3.

Two ways to the same numbers:
- ``direct``: aggregates the contacts themselves. Portable, and the reference the other way is
  tested against;
- ``derived`` (SQLite and PostgreSQL, the ``auto`` choice on both): reads the per-day and
  per-person-day sums of sarah/models/statistics.py, kept up to date by triggers in the write
  transaction of every change (migration 0002 on SQLite, 0007 on PostgreSQL), with integer keys
  that sort quickly. A 1,000,000-contact semester on SQLite takes a fraction of a second instead
  of several; 10,000,000 contacts on PostgreSQL, see docs/benchmarks.md.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    Engine,
    select,
)

from sarah.db import read_connection
from sarah.reports.tables import PeopleCounts, Period, Report, ServiceCount, SiteTables
from sarah.reports.words import DEFAULT_YOUNG_AGE_LIMIT
from sarah.services.sites import SiteInfo, resolve_sites
from sarah.services.statistics.counts import _Counts, _derived_counts, _direct_counts
from sarah.services.statistics.sql import Method, keeps_derived_sums, prepare_read, services
from sarah.vocabulary import CHANNELS

# --- the report ------------------------------------------------------------------------------


def semester_tables(
    engine: Engine,
    period: Period,
    sites: list[str] | None = None,
    *,
    young_age_limit: int = DEFAULT_YOUNG_AGE_LIMIT,
) -> Report:
    """The four tables for ``period`` and the named sites (None or empty: all live sites).

    Unknown site names raise :class:`sarah.errors.InvalidInput` listing the known sites.
    """
    chosen = resolve_sites(engine, sites)
    return report_for_sites(engine, period, chosen, young_age_limit=young_age_limit)


def report_for_sites(
    engine: Engine,
    period: Period,
    chosen: Sequence[SiteInfo],
    *,
    young_age_limit: int = DEFAULT_YOUNG_AGE_LIMIT,
    method: Method = "auto",
) -> Report:
    """The four tables for sites already resolved (display order kept)."""
    site_ids = [s.id for s in chosen]
    with read_connection(engine) as conn:
        kept = keeps_derived_sums(conn.dialect.name)
        if method == "derived" and not kept:
            raise ValueError("the derived sums are kept on SQLite and PostgreSQL only")
        prepare_read(conn)  # PostgreSQL: one snapshot for every query below, no JIT
        derived = method == "derived" or (method == "auto" and kept)
        counts = (_derived_counts if derived else _direct_counts)(
            conn, period, site_ids, young_age_limit
        )
        catalogue = conn.execute(
            select(
                services.c.id,
                services.c.code,
                services.c.label,
                services.c.retired,
                services.c.deleted_at,
            ).order_by(services.c.position, services.c.code)
        ).all()
    return _assemble(period, chosen, counts, catalogue, young_age_limit)


def _assemble(
    period: Period,
    chosen: Sequence[SiteInfo],
    counts: _Counts,
    catalogue: Sequence[Any],
    limit: int,
) -> Report:
    by_site: dict[str, SiteTables] = {}
    total = _site_tables(counts, None)
    for site in chosen:
        t = by_site[site.name] = _site_tables(counts, site.id)
        _fill_contacts(t, total, counts, site.id)
    total.controls["persons"] = counts.controls.get((None, "persons"), 0)
    controlled = {name for _key, name in counts.controls}
    for t in [*by_site.values(), total]:
        for name in list(t.controls):
            if name not in controlled:
                del t.controls[name]  # this way of computing has no second count of it
    _fill_services(by_site, total, chosen, counts, catalogue)
    return Report(
        period=period,
        sites=[s.name for s in chosen],
        by_site=by_site,
        total=total,
        young_age_limit=limit,
    )


def _site_tables(counts: _Counts, key: uuid.UUID | None) -> SiteTables:
    """The tables of one site (``key``) or of the total row (None), people counted already."""
    persons, new_persons = PeopleCounts(), PeopleCounts()
    for (row_key, age, sex, new), n in counts.people.items():
        if row_key == key:
            persons.cells[age][sex] += n
            if new:
                new_persons.cells[age][sex] += n
    return SiteTables(
        contacts={c: 0 for c in CHANNELS},
        services=[],
        not_given_services=0,
        persons=persons,
        new_persons=new_persons,
        anonymous_contacts=0,
        controls={"contacts": 0, "services": 0, "persons": 0},
    )


def _fill_contacts(t: SiteTables, total: SiteTables, counts: _Counts, site_id: uuid.UUID) -> None:
    """Table 1 of a site, its anonymous contacts and controls, added to the total as well."""
    for channel in CHANNELS:
        t.contacts[channel] = counts.channels.get((site_id, channel), 0)
        total.contacts[channel] += t.contacts[channel]
    t.anonymous_contacts = counts.anonymous.get(site_id, 0)
    t.not_given_services = counts.no_service.get(site_id, 0)
    total.anonymous_contacts += t.anonymous_contacts
    total.not_given_services += t.not_given_services
    for name in ("contacts", "services"):
        t.controls[name] = counts.controls.get((site_id, name), 0)
        total.controls[name] += t.controls[name]
    t.controls["persons"] = counts.controls.get((site_id, "persons"), 0)


def _fill_services(
    by_site: dict[str, SiteTables],
    total: SiteTables,
    chosen: Sequence[SiteInfo],
    counts: _Counts,
    catalogue: Sequence[Any],
) -> None:
    """Table 2 in catalogue order; a retired service appears only when it was delivered."""
    for service_id, code, label, retired, deleted_at in catalogue:
        per_site = [counts.services.get((site.id, service_id), 0) for site in chosen]
        gone = bool(retired) or deleted_at is not None
        if gone and not any(per_site):
            continue
        for site, n in zip(chosen, per_site, strict=True):
            by_site[site.name].services.append(ServiceCount(code, label, n, gone))
        total.services.append(ServiceCount(code, label, sum(per_site), gone))
