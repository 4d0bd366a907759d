"""Contacts imported from a spreadsheet (``sarah contacts import``, Fichier > Importer): one module a job.

run (the entry points, the forced backup, the window's background tasks), read (open a .csv or
.xlsx file within limits), encoding, archive (an .xlsx's zip directory checked), limits, text
(quoting, formula-like values), parse (rows checked into columns), write (the one write
transaction), ids (increasing random ids), indexes, stats (day sums of a large import), result
(what an import did, and its French summary)."""
