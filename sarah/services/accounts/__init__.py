"""Accounts: who may open the window and with which role (``agent``, ``coordinateur``,
``admin``). ``passwords`` holds the password rules and the argon2id hashing, ``store`` adds,
lists, disables and authenticates accounts. docs/securite.md says what accounts protect against.
"""
