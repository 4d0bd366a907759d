"""The window on a PostgreSQL server: where the data lives (first start, Poste de travail),
the password in the keychain, a server that does not answer at start or is lost meanwhile."""
