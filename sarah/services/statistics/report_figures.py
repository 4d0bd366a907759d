"""The figures a report asks for (``sarah report``): the four tables, today's or as published,
with the screen's other tables when asked, and what changed since a closed period's publication.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING

from sqlalchemy import Engine

from sarah.errors import InvalidInput
from sarah.reports.age_bands import find_profile
from sarah.reports.comparison import compare_reports
from sarah.reports.figures import Figures
from sarah.reports.ratios import ratios
from sarah.reports.tables import Period
from sarah.reports.words import DEFAULT_YOUNG_AGE_LIMIT
from sarah.services.closing.changes import changes_since_published
from sarah.services.closing.periods import publication_for
from sarah.services.sites import SiteInfo, resolve_sites
from sarah.services.statistics.age_bands import age_bands_for_sites
from sarah.services.statistics.tables import report_for_sites

if TYPE_CHECKING:
    from sarah.reports.months import MonthBreakdown
    from sarah.reports.neighbourhoods import NeighbourhoodTable
    from sarah.reports.publication import Publication

EXTRAS = ("months", "comparison", "ratios", "completeness", "neighbourhoods")


def _published(
    publication: Publication | None, period: Period, ids: list[uuid.UUID]
) -> Publication:
    """The publication whose figures are asked for, refused when there is none for these
    sites."""
    if publication is None:
        raise InvalidInput(
            f"{period.label} n'a pas été clôturé : il n'a pas de chiffres publiés. Clôturez-le "
            "une fois publié (sarah period close), ou retirez --published."
        )
    if not publication.covers(ids):
        raise InvalidInput(
            f"Les chiffres publiés de {period.label} sont ceux des sites clôturés ensemble "
            f"({', '.join(publication.sites)}) : demandez-les tous (sans --site), ou retirez "
            "--published pour les chiffres d'aujourd'hui de ces sites."
        )
    return publication


def _months(
    engine: Engine, period: Period, chosen: list[SiteInfo], publication: Publication | None
) -> MonthBreakdown:
    """Today's months, or those kept at the closing when the published figures are shown."""
    # Read through the ORM: imported when asked, so that a plain report stays as quick to
    # start as a script (tests/unit/test_cli.py).
    from sarah.reports.months import MonthBreakdown
    from sarah.services.statistics.months import month_breakdown

    if publication is not None:
        return MonthBreakdown.from_json(publication.months, period)
    return month_breakdown(engine, period, [s.name for s in chosen])


def _neighbourhoods(engine: Engine, period: Period, chosen: list[SiteInfo]) -> NeighbourhoodTable:
    """The people by neighbourhood, refused when no neighbourhood was ever listed."""
    from sarah.services.statistics.neighbourhoods import neighbourhoods_if_listed

    table = neighbourhoods_if_listed(engine, period, chosen)
    if table is None:
        raise InvalidInput(
            "Aucun quartier de résidence n'est suivi dans ce réseau : la liste des quartiers "
            "est vide (Catalogue > Quartiers de résidence). Retirez « neighbourhoods » de --with."
        )
    return table


def report_figures(
    engine: Engine,
    period: Period,
    sites: Sequence[str] | None = None,
    *,
    young_age_limit: int = DEFAULT_YOUNG_AGE_LIMIT,
    extras: Collection[str] = (),
    published: bool = False,
    profile: str | None = None,
) -> Figures:
    """The report of ``period`` for the named sites (all when None), and:

    - ``extras``: any of :data:`EXTRAS` (the months, the comparison with one year earlier, the
      ratios, the completeness of the entries per site and month, the people by neighbourhood
      of residence, refused when the network keeps no list of neighbourhoods);
    - ``published``: the figures as published at the period's closing, refused when the period
      is not closed or the selection is not the sites closed together (a total of distinct
      people cannot be cut to fewer sites afterwards).
    - ``profile``: a funder's age bands ("fse", or bands typed as "0-17,18-29,30-54,55+"),
      tables 3 and 4 by band and sex, always today's figures (a closing keeps the four tables).
    A closed period's figures say what changed since its publication either way.
    """
    unknown = sorted(set(extras) - set(EXTRAS))
    if unknown:
        raise InvalidInput(
            f"Tableau supplémentaire inconnu : {', '.join(unknown)} (possibles : "
            f"{', '.join(EXTRAS)})."
        )
    age_profile = find_profile(profile) if profile else None  # checked before any reading
    chosen = resolve_sites(engine, list(sites) if sites else None)
    ids = [s.id for s in chosen]
    publication = publication_for(engine, period)
    if published:
        report = _published(publication, period, ids).report
    else:
        report = report_for_sites(engine, period, chosen, young_age_limit=young_age_limit)
    figures = Figures(report=report, ratios=ratios(report), as_published=published)
    if publication is not None:
        figures.publication = publication
        figures.changes = changes_since_published(engine, publication, ids)
    if "months" in extras:
        figures.months = _months(engine, period, chosen, publication if published else None)
    if "completeness" in extras:
        from sarah.services.statistics.completeness import period_completeness  # the ORM too

        figures.completeness = period_completeness(engine, period, [s.name for s in chosen])
    if "neighbourhoods" in extras:
        figures.neighbourhoods = _neighbourhoods(engine, period, chosen)
    if age_profile is not None:
        figures.age_bands = age_bands_for_sites(engine, period, chosen, age_profile)
    if "comparison" in extras:
        previous = report_for_sites(
            engine, period.shifted_years(-1), chosen, young_age_limit=young_age_limit
        )
        figures.comparison = compare_reports(report, previous)
    return figures
