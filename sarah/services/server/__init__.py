"""A PostgreSQL server: what is wrong when it cannot be reached, conflicts retried."""
