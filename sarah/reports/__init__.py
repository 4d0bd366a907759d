"""The plain data of a report (tables, months, comparison, ratios): dataclasses that services fill
and exports and the window read. No Qt, no session."""
