"""Sync between installations of one network: the network key, the encrypted package envelope
(``keys``, ``package``, ``errors``) and the merge of the rows it carries.

The envelope knows nothing about rows: it encrypts and authenticates whatever file it is
handed (the SQLite container of the rows) with the network's key.
"""
