"""Why a key file, a key or a sync package is refused.

Each refusal is a :class:`UserError` with a French message naming the file and a stable
``code`` that tests and ``--format json`` outputs rely on (never the wording).
"""

from __future__ import annotations

from typing import ClassVar

from sarah.errors import UserError


class SyncRefused(UserError):
    """A key or a package that SARAH will not use; nothing was changed."""

    code: ClassVar[str] = "sync_refused"


# --- the key file and the installed key ----------------------------------------------------------


class NotAKeyFile(SyncRefused):
    code = "not_a_key_file"


class NewerKeyFile(SyncRefused):
    code = "newer_key_file"


class DamagedKey(SyncRefused):
    code = "damaged_key"


class KeyFileExists(SyncRefused):
    """`sync key create` never overwrites a file: it may hold another network's only copy."""

    code = "key_file_exists"


class KeyAlreadyInstalled(SyncRefused):
    """This installation already belongs to a network (creating or importing another key)."""

    code = "key_already_installed"


# --- the package ----------------------------------------------------------------------------------


class NotAPackage(SyncRefused):
    code = "not_a_package"


class NewerFormat(SyncRefused):
    code = "newer_format"


class NoKey(SyncRefused):
    code = "no_key"


class OtherNetwork(SyncRefused):
    code = "other_network"


class Tampered(SyncRefused):
    code = "tampered"


class Truncated(SyncRefused):
    code = "truncated"


class TrailingData(SyncRefused):
    code = "trailing_data"


class TooLarge(SyncRefused):
    code = "too_large"
