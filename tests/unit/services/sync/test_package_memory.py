"""Packages stream both ways: a container of a million contacts (~200 MB) must not be held in
memory. A 50 MB file is written and read with Python's allocations traced."""

from __future__ import annotations

import os
import tracemalloc
from collections.abc import Callable
from pathlib import Path

from sarah.services.sync.keys import NetworkKey
from sarah.services.sync.package import read_package, write_package

SOURCE_BYTES = 50 * 1024 * 1024
PEAK_LIMIT = 20 * 1024 * 1024


def _write_source(path: Path) -> None:
    # Half random, half repetitive text: both the compressor and the cipher see real work.
    piece = os.urandom(512 * 1024) + b"Dupont;Marie;1970-01-01;accueil\n" * 16384
    with open(path, "wb") as fh:
        for _ in range(SOURCE_BYTES // len(piece)):
            fh.write(piece)


def _peak(work: Callable[[], object]) -> int:
    tracemalloc.start()
    try:
        work()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_writing_and_reading_a_large_package_stays_in_bounded_memory(tmp_path: Path) -> None:
    key = NetworkKey.generate()
    source, package, out = tmp_path / "conteneur", tmp_path / "p.sarahsync", tmp_path / "lu"
    _write_source(source)
    assert _peak(lambda: write_package(source, package, key)) < PEAK_LIMIT
    assert _peak(lambda: read_package(package, key, out)) < PEAK_LIMIT
    assert out.stat().st_size == source.stat().st_size
    with open(source, "rb") as a, open(out, "rb") as b:
        while chunk := a.read(1 << 20):
            assert chunk == b.read(1 << 20)
