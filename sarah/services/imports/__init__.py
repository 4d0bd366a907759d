"""Contacts imported from a spreadsheet (``sarah contacts import``, Fichier > Importer): one module a job.

run (the entry points, the forced backup, the window's background tasks); reading: read (a .csv
or .xlsx file within limits), encoding, archive (an .xlsx's zip directory), limits, text (quoting,
formula-like values); checking: words (column names, channel and sex words), layout (the
catalogue and the columns), values (dates, times), cells (one memoised parser per field),
problems, parse (:class:`~.parse.RowChecker`: row assembly), persons (person identity), parsed
(the checked rows); writing: write (the one transaction), formats, ids, indexes, stats; result
(what an import did, and its French summary)."""
