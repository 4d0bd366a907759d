"""Data protection (docs/rgpd.md): erasing identities after the retention period or on request
(``erase``, ``purge``), everything held about one person (``person_export``), stable codes
instead of names in exports (``pseudonyms``)."""
