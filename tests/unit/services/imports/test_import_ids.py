"""Contact ids made by a large import: random version-4 UUIDs, handed out in increasing order."""

from __future__ import annotations

import uuid

from sarah.services.imports.ids import IncreasingUuid4s


def test_ids_are_distinct_version_4_uuids_increasing_across_batches() -> None:
    source = IncreasingUuid4s(5_000)
    ids = source.take(1) + source.take(2_999) + source.take(2_000)
    assert len(ids) == 5_000
    assert ids == sorted(ids)
    assert len(set(ids)) == 5_000
    for raw in ids:
        made = uuid.UUID(bytes=raw)
        assert made.version == 4
        assert made.variant == uuid.RFC_4122


def test_ids_spread_over_the_whole_range() -> None:
    ids = IncreasingUuid4s(2_000).take(2_000)
    assert ids[0][0] < 0x10
    assert ids[-1][0] > 0xEF
