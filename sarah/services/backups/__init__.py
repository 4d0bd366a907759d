"""Verified backups of the SQLite database and what the start of SARAH checks: one module a job.

record (one backup file and its manifest), create, listing, rotation, restore, status (the
wording), journal (a restore's journal), files (SQLite file helpers), location (network and
cloud folders refused), startup (the checks before opening)."""
