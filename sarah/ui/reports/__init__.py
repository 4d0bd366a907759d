"""The Statistiques screen: the four tables, months, comparison, ratios, charts and exports."""
