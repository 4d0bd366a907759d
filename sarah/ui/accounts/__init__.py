"""The window's accounts: the login before the main window, the idle lock and its screen, and
the creation of the first admin account. The rules live in ``sarah.services.accounts``."""
