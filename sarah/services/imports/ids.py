"""Random version-4 UUIDs handed out in increasing order: a large import's contacts are inserted
in date order with increasing ids, so SQLite appends to its indexes instead of splitting pages."""

from __future__ import annotations

import os
from array import array
from collections import Counter


class IncreasingUuid4s:
    """Random version-4 UUIDs (16 bytes each), handed out in increasing order, ``count`` in all.

    The ids are drawn as if ``count`` independent random UUIDs were made and then sorted, without
    holding them all: how many fall under each of the 65,536 two-byte prefixes is drawn first
    (from ``count`` random prefixes), then each prefix's ids are made and sorted when reached.
    """

    def __init__(self, count: int) -> None:
        prefixes = array("H")
        prefixes.frombytes(os.urandom(2 * count))
        self._per_prefix = Counter(prefixes)
        self._prefixes = iter(sorted(self._per_prefix))
        self._pending: list[bytes] = []

    def take(self, count: int) -> list[bytes]:
        """The next ``count`` ids, in increasing order."""
        out: list[bytes] = []
        while len(out) < count:
            if not self._pending:
                prefix = next(self._prefixes)
                self._pending = _uuid4s_under(prefix, self._per_prefix[prefix])
                self._pending.reverse()
            out.append(self._pending.pop())
        return out


def _uuid4s_under(prefix: int, count: int) -> list[bytes]:
    """``count`` random version-4 UUIDs starting with the two bytes ``prefix``, sorted."""
    raw = bytearray(os.urandom(16 * count))
    raw[0::16] = bytes((prefix >> 8,)) * count
    raw[1::16] = bytes((prefix & 0xFF,)) * count
    raw[6::16] = bytes((b & 0x0F) | 0x40 for b in raw[6::16])  # version 4
    raw[8::16] = bytes((b & 0x3F) | 0x80 for b in raw[8::16])  # RFC 4122 variant
    return sorted(bytes(raw[j : j + 16]) for j in range(0, 16 * count, 16))
