"""Statistics use-cases: the four tables (tables), their counts (counts, sql), the derived
tables' upkeep (upkeep), the month breakdown (months) and the drill-down (drilldown). No Qt."""
