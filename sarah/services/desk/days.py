"""Days at a site: the gap alert (weekdays with no contact), days remembered as closed, and a
day's French name."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from sqlalchemy import Engine, func, select

from sarah.calendar_fr import DAY_NAMES, MONTH_NAMES, public_holidays_between
from sarah.db import read_session, write_session
from sarah.models import ClosedDay, Contact
from sarah.services.revisions import next_revision

GAP_WINDOW_DAYS = 30


def gap_days(
    engine: Engine,
    site_id: uuid.UUID,
    *,
    today: date | None = None,
    window: int = GAP_WINDOW_DAYS,
) -> list[date]:
    """Weekdays of the last ``window`` days (today excluded) with no contact at the site.

    Quiet about public holidays, days remembered as closed, and days before the site's first
    contact ever (a new installation is not a gap). Oldest first.
    """
    today = today or date.today()
    start = today - timedelta(days=window)
    with read_session(engine) as s:
        first = s.scalar(
            select(func.min(Contact.local_date)).where(
                Contact.site_id == site_id, Contact.deleted_at.is_(None)
            )
        )
        if first is None:
            return []
        start = max(start, first)
        worked = set(
            s.scalars(
                select(Contact.local_date)
                .where(
                    Contact.site_id == site_id,
                    Contact.local_date >= start,
                    Contact.local_date < today,
                    Contact.deleted_at.is_(None),
                )
                .distinct()
            )
        )
        closed = set(
            s.scalars(
                select(ClosedDay.day).where(
                    ClosedDay.site_id == site_id,
                    ClosedDay.day >= start,
                    ClosedDay.deleted_at.is_(None),
                )
            )
        )
    holidays = public_holidays_between(start, today)
    out = []
    day = start
    while day < today:
        if day.weekday() < 5 and day not in worked and day not in closed and day not in holidays:
            out.append(day)
        day += timedelta(days=1)
    return out


def mark_closed_day(
    engine: Engine, site_id: uuid.UUID, day: date, reason: str | None = "Jour de fermeture"
) -> None:
    """Remember that the site was closed that day, so the gap alert stays quiet about it."""
    with write_session(engine) as s:
        existing = s.scalar(
            select(ClosedDay).where(ClosedDay.site_id == site_id, ClosedDay.day == day)
        )
        revision = next_revision(s)
        if existing is None:
            s.add(
                ClosedDay(
                    id=uuid.uuid4(),
                    site_id=site_id,
                    day=day,
                    reason=reason,
                    origin_site_id=site_id,
                    revision=revision,
                )
            )
        else:
            existing.deleted_at = None
            existing.reason = reason
            existing.revision = revision


def french_day(day: date, *, year: bool = False) -> str:
    """'lundi 3 mars' (or 'lundi 3 mars 2025')."""
    text = f"{DAY_NAMES[day.weekday()]} {day.day} {MONTH_NAMES[day.month - 1]}"
    return f"{text} {day.year}" if year else text
