"""Small fixed cases of the merge rules, one per bug the convergence property test found."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine

from sarah.services.database import open_database
from sarah.services.sites import ensure_site
from sarah.services.sync.export import export_package
from sarah.services.sync.keys import NetworkKey, install_key
from sarah.services.sync.receive import import_package


def installation(path: Path, key: NetworkKey, home: str) -> Engine:
    engine = open_database(path)
    install_key(engine, key)
    ensure_site(engine, home)
    return engine


def test_two_imports_through_one_engine_both_merge(tmp_path: Path) -> None:
    # The merge's temp tables outlived its COMMIT on the pooled connection: the second import
    # through the same engine failed with "table site_map already exists".
    key = NetworkKey.generate()
    a = installation(tmp_path / "a.sqlite", key, "Grésilles")
    b = installation(tmp_path / "b.sqlite", key, "Chenôve")
    try:
        package = export_package(a, tmp_path / "a.sarahsync", name="Grésilles").path
        assert import_package(b, package).counts.new["sites"] == 1
        again = import_package(b, package)
        assert sum(again.counts.new.values()) + sum(again.counts.updated.values()) == 0
    finally:
        a.dispose()
        b.dispose()
