"""What the Statistiques window computes off the GUI thread: the four tables and the ratios, the
month breakdown, the comparison with one year earlier, a closed period's publication and what
changed since, a funder's age bands, the people by neighbourhood of residence. Generators yield
progress (done, total, message) and return what the screen shows; the generation number lets it
ignore stale results."""

from __future__ import annotations

from collections.abc import Generator
from datetime import date

from sqlalchemy import Engine

from sarah.reports.age_bands import AgeBandTables, find_profile
from sarah.reports.comparison import Comparison, compare_reports
from sarah.reports.completeness import Completeness
from sarah.reports.months import MonthBreakdown
from sarah.reports.neighbourhoods import NeighbourhoodTable
from sarah.reports.publication import ChangesSincePublished, Publication
from sarah.reports.ratios import Ratio, ratios
from sarah.reports.tables import Period, Report
from sarah.services.closing.changes import changes_since_published
from sarah.services.closing.periods import publication_for
from sarah.services.sites import resolve_sites
from sarah.services.statistics.age_bands import age_bands_for_sites
from sarah.services.statistics.completeness import period_completeness
from sarah.services.statistics.months import month_breakdown
from sarah.services.statistics.neighbourhoods import neighbourhoods_if_listed
from sarah.services.statistics.tables import semester_tables


def compute_tables(
    generation: int, engine: Engine, period: Period, sites: list[str], young_age_limit: int
) -> Generator[tuple[int, int, str], None, tuple[int, Report, list[Ratio]]]:
    """The four tables and the ratios; yields progress, returns them."""
    yield 0, 2, "Calcul des quatre tableaux…"
    report = semester_tables(engine, period, sites, young_age_limit=young_age_limit)
    yield 1, 2, "Ratios…"
    return generation, report, ratios(report)


def compute_months(
    generation: int, engine: Engine, period: Period, sites: list[str]
) -> tuple[int, MonthBreakdown]:
    return generation, month_breakdown(engine, period, sites)


def compute_comparison(
    generation: int, engine: Engine, report: Report, young_age_limit: int
) -> Generator[tuple[int, int, str], None, tuple[int, Comparison]]:
    yield 0, 1, "Comparaison avec l'année précédente…"
    previous = semester_tables(
        engine, report.period.shifted_years(-1), report.sites, young_age_limit=young_age_limit
    )
    return generation, compare_reports(report, previous)


def compute_publication(
    generation: int, engine: Engine, period: Period, sites: list[str]
) -> tuple[int, Publication | None, ChangesSincePublished | None]:
    """The period's publication when it is closed, and what changed since for the sites."""
    publication = publication_for(engine, period)
    if publication is None:
        return generation, None, None
    ids = [s.id for s in resolve_sites(engine, sites)]
    return generation, publication, changes_since_published(engine, publication, ids)


def compute_completeness(
    generation: int, engine: Engine, period: Period, sites: list[str], today: date | None
) -> tuple[int, Completeness]:
    """What is missing from the entries, per site and month (read before publishing)."""
    return generation, period_completeness(engine, period, sites, today=today)


def compute_age_bands(
    generation: int, engine: Engine, period: Period, sites: list[str], profile: str
) -> tuple[int, AgeBandTables]:
    """Tables 3 and 4 by a funder's age bands (``profile``: "fse" or typed bands)."""
    chosen = resolve_sites(engine, sites)
    return generation, age_bands_for_sites(engine, period, chosen, find_profile(profile))


def compute_neighbourhoods(
    generation: int, engine: Engine, period: Period, sites: list[str]
) -> tuple[int, NeighbourhoodTable | None]:
    """People by neighbourhood of residence; None while the network has never listed one (off:
    no such table anywhere). Retired all, the table stays for the people already given one."""
    return generation, neighbourhoods_if_listed(engine, period, resolve_sites(engine, sites))
