"""The reception desk: find a visitor while typing, today's journal, catch-up parsing, gap days.

Everything here is plain Python over SQLAlchemy; the desk screen (sarah/ui/desk) only calls these
functions and shows the dataclasses they return. values: what the agent types (dates, times,
channels, service keys); sheet: a catch-up grid line; search: finding a visitor; journal: the
contacts of a day and their counts; days: the gap alert, closed days and day names.
"""
