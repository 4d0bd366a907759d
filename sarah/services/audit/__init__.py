"""The audit log: who did what, when, on which record or file (issue 11, item 2).

``log`` appends an entry in the caller's transaction, ``chain`` computes and checks the hash
chain that makes an edited, removed or reordered entry visible, ``retention`` removes entries
past the retention period while keeping the chain checkable, ``listing`` reads entries back.
"""
