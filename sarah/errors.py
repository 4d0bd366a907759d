"""Errors a user can act on.

Anything raised as a :class:`UserError` carries a plain French message and is shown as is
(stderr on the command line, a message box in the window). Everything else is a bug and goes
to the crash handler with its traceback.
"""


class UserError(Exception):
    """A problem the user can fix: bad file, bad date, locked or damaged database, full disk."""

    def __init__(self, message: str, details: list[str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or []

    def __str__(self) -> str:
        if not self.details:
            return self.message
        return self.message + "\n" + "\n".join(f"  - {d}" for d in self.details)


class DatabaseLocked(UserError):
    """Another program holds the write lock longer than the busy timeout."""


class DatabaseDamaged(UserError):
    """The database file failed its integrity check."""


class DiskFull(UserError):
    """The disk holding the database or a backup is full."""


class InvalidInput(UserError):
    """A file, a date or a value typed by the user is not acceptable."""


class ServerUnreachable(UserError):
    """The PostgreSQL server does not answer (host unknown, port closed, network down): worth
    trying again when it comes back; nothing was written."""


class ServerRefused(UserError):
    """The PostgreSQL server answers but refuses: unknown database, wrong user or password,
    missing rights. Trying again changes nothing until a setting is corrected."""
