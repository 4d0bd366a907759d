"""Portable SQL pieces of the statistics: the tables read, date arithmetic that runs on SQLite
and PostgreSQL alike, age group and sex as SQL expressions."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING, Any, Literal

from sqlalchemy import (
    ColumnElement,
    Integer,
    SQLColumnExpression,
    and_,
    case,
    func,
    literal,
    text,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

if TYPE_CHECKING:
    from sarah.reports.tables import Period

# Core tables, not the ORM classes: a report command never imports sqlalchemy.orm.
from sarah.schema import (
    contact_services,
    contacts,
    services,
    sites,
    stat_day_services,
    stat_days,
    stat_firsts,
    stat_persons,
    stat_semester_network_people,
    stat_semester_people,
    stat_visits,
    visitors,
)

__all__ = [
    "Method",
    "age_group_expr",
    "age_group_of_days",
    "age_group_of_years",
    "contact_age_group",
    "contact_services",
    "contacts",
    "date_number",
    "day_number",
    "keeps_derived_sums",
    "prepare_read",
    "services",
    "sex_expr",
    "sites",
    "stat_day_services",
    "stat_days",
    "stat_firsts",
    "stat_persons",
    "stat_semester_network_people",
    "stat_semester_people",
    "stat_visits",
    "visitors",
]

Method = Literal["auto", "direct", "derived"]


# A report's read transaction on PostgreSQL: one snapshot for all its queries, whatever desks
# commit meanwhile; no JIT compilation (the planner's cost estimates of the people query make
# PostgreSQL spend seconds compiling what runs in a fraction of that); enough memory for the
# per-person aggregates of a semester of a large network to stay off disk; index look-ups
# priced as what they are for tables read at every report (in memory, or on an SSD): a few
# thousand people of two sites are then looked up one by one instead of by a scan of everyone.
POSTGRESQL_READ_SETTINGS = (
    "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY",
    "SET LOCAL jit = off",
    "SET LOCAL work_mem = '64MB'",
    "SET LOCAL random_page_cost = 1.1",
)


def prepare_read(conn: Any) -> None:
    """Apply :data:`POSTGRESQL_READ_SETTINGS` as the first statements of a read transaction
    (``conn``: a Connection or Session); nothing on another database."""
    # A Connection has its dialect; a Session (not imported here: reports avoid the ORM) its bind.
    dialect = conn.dialect if hasattr(conn, "dialect") else conn.get_bind().dialect
    if dialect.name != "postgresql":
        return
    for statement in POSTGRESQL_READ_SETTINGS:
        conn.execute(text(statement))


def keeps_derived_sums(dialect: str) -> bool:
    """Whether a database of this dialect keeps the derived sums exact by triggers (SQLite:
    migration 0002, PostgreSQL: migration 0007)."""
    return dialect in ("sqlite", "postgresql")


# --- portable date arithmetic ---------------------------------------------------------------


class date_number(FunctionElement[int]):  # noqa: N801 - reads like an SQL function
    """A date as the integer YYYYMMDD.

    Age in whole years on day ``d`` of someone born on ``b`` is ``(n(d) - n(b)) // 10000``:
    the person is younger than ``limit`` exactly when ``n(d) - n(b) < limit * 10000``. This is
    the rule of :func:`sarah.services.visitors.age_on` (someone born on 29 February gets a year
    older on 1 March in common years).
    """

    type = Integer()
    inherit_cache = True


@compiles(date_number, "sqlite")
def _date_number_sqlite(element: date_number, compiler: SQLCompiler, **kw: Any) -> str:
    (arg,) = element.clauses
    return f"CAST(strftime('%Y%m%d', {compiler.process(arg, **kw)}) AS INTEGER)"


@compiles(date_number, "postgresql")
def _date_number_postgresql(element: date_number, compiler: SQLCompiler, **kw: Any) -> str:
    (arg,) = element.clauses
    return f"CAST(to_char({compiler.process(arg, **kw)}, 'YYYYMMDD') AS INTEGER)"


@compiles(date_number)
def _date_number_default(element: date_number, compiler: SQLCompiler, **kw: Any) -> str:
    (arg,) = element.clauses
    x = compiler.process(arg, **kw)
    return (
        f"(CAST(EXTRACT(YEAR FROM {x}) AS INTEGER) * 10000 "
        f"+ CAST(EXTRACT(MONTH FROM {x}) AS INTEGER) * 100 "
        f"+ CAST(EXTRACT(DAY FROM {x}) AS INTEGER))"
    )


def live_in_period(period: Period, site_ids: Iterable[uuid.UUID]) -> ColumnElement[bool]:
    """The contacts a period's figures count: live, at the sites, dated in the period (both
    ends included). Core columns, so that ORM and Core queries share the one rule."""
    return and_(
        contacts.c.deleted_at.is_(None),
        contacts.c.site_id.in_(list(site_ids)),
        contacts.c.local_date >= period.start,
        contacts.c.local_date <= period.end,
    )


def day_number(day: date) -> int:
    """The Python side of :class:`date_number`."""
    return day.year * 10000 + day.month * 100 + day.day


def age_group_of_days(
    birth: ColumnElement[Any], on: ColumnElement[Any], limit: int
) -> ColumnElement[str]:
    """'jeunes', 'adultes' or 'NR' from two YYYYMMDD integers (birth may be NULL)."""
    return case(
        (birth.is_(None), literal("NR")),
        (on - birth < limit * 10000, literal("jeunes")),
        else_=literal("adultes"),
    )


def age_group_expr(
    birth_date: SQLColumnExpression[date | None], on: SQLColumnExpression[date], limit: int
) -> ColumnElement[str]:
    """'jeunes', 'adultes' or 'NR' (unknown birth date) for two date columns, in SQL."""
    return case(
        (birth_date.is_(None), literal("NR")),
        else_=age_group_of_days(date_number(birth_date), date_number(on), limit),
    )


def age_group_of_years(years: SQLColumnExpression[Any], limit: int) -> ColumnElement[str]:
    """'jeunes', 'adultes' or 'NR' from an age in whole years (``contacts.age_years``, kept
    when an identity is erased; NULL: unknown)."""
    return case(
        (years.is_(None), literal("NR")),
        (years < limit, literal("jeunes")),
        else_=literal("adultes"),
    )


def contact_age_group(
    age_years: SQLColumnExpression[Any],
    birth_date: SQLColumnExpression[date | None],
    on: SQLColumnExpression[date],
    limit: int,
) -> ColumnElement[str]:
    """A contact's age group: from the age it keeps once the identity is erased, else from the
    birth date on the contact's day (the same group: the age was computed by the same rule)."""
    return case(
        (age_years.is_not(None), age_group_of_years(age_years, limit)),
        else_=age_group_expr(birth_date, on, limit),
    )


def sex_expr(sex: SQLColumnExpression[str | None]) -> ColumnElement[str]:
    return func.coalesce(sex, literal("NR"))
