"""The screen's other tables as CSV rows (``report --with months,comparison,ratios``): the
months, the comparison with one year earlier and the ratios, laid out as on the workbook's
sheets, each under its title."""

from __future__ import annotations

from sarah.exports import small_counts
from sarah.exports.cells import Computed
from sarah.reports.comparison import SECTION_TITLES, Comparison
from sarah.reports.months import MonthBreakdown
from sarah.reports.ratios import Ratio
from sarah.reports.tables import TOTAL, Report, total_column_heading

Rows = list[list[object]]


def months_rows(months: MonthBreakdown, *, mask_small: bool = False) -> Rows:
    total = total_column_heading(len(months.sites))
    rows: Rows = [["Contacts et personnes par mois"]]
    rows.append(["Mois", *(f"{s} – contacts" for s in months.sites), f"{total} – contacts"])
    rows[-1] += [*(f"{s} – personnes" for s in months.sites), f"{total} – personnes"]
    for m in months.months:
        cells = [m.by_site[s] for s in months.sites] + [m.total]
        rows.append(
            [
                m.label,
                *(small_counts.count(c.contacts, mask_small) for c in cells),
                *(small_counts.count(c.people, mask_small) for c in cells),
            ]
        )
    period_cells = [months.period_by_site[s] for s in months.sites] + [months.period_total]
    rows.append(
        [
            "Période (chaque personne une fois)",
            *(small_counts.count(c.contacts, mask_small) for c in period_cells),
            *(small_counts.count(c.people, mask_small) for c in period_cells),
        ]
    )
    low = months.low_months
    if low:
        listed = ", ".join(f"{site} en {month.label}" for site, month in low)
        rows.append(["Note", f"Mois nettement plus calmes que d'habitude : {listed}."])
    return rows


def comparison_rows(comparison: Comparison, *, mask_small: bool = False) -> Rows:
    total = total_column_heading(len(comparison.sites))
    columns = [*comparison.sites, TOTAL]
    headings = [*comparison.sites, total]
    rows: Rows = [
        [f"Comparaison : {comparison.current.label} et {comparison.previous.label}"],
        [
            "",
            *(f"{h} – {comparison.previous.label}" for h in headings),
            *(f"{h} – {comparison.current.label}" for h in headings),
            *(f"{h} – évolution" for h in headings),
        ],
    ]
    section = ""
    for r in comparison.rows:
        if r.section != section:
            section = r.section
            rows.append([SECTION_TITLES[section]])
        values = [r.values[c] for c in columns]
        label = f"{r.label} ({r.note})" if r.note else r.label
        rows.append(
            [
                label,
                *(small_counts.count(v.previous, mask_small) for v in values),
                *(small_counts.count(v.current, mask_small) for v in values),
                *(
                    small_counts.MASKED_SHARE
                    if small_counts.change_masked(v, mask_small)
                    else Computed(v.change_text)
                    for v in values
                ),
            ]
        )
    return rows


def ratios_rows(report: Report, ratio_rows: list[Ratio], *, mask_small: bool = False) -> Rows:
    sites = report.sites
    rows: Rows = [["Ratios"], ["Ratio", *sites, total_column_heading(len(sites)), "Calcul"]]
    for r in ratio_rows:
        shown = [
            small_counts.MASKED_SHARE
            if small_counts.ratio_masked(report, r.key, column, mask_small)
            else r.text(column)
            for column in [*sites, TOTAL]
        ]
        rows.append([r.label, *shown, r.explanation])
    return rows
