"""A round of the dossier d'échange, without a window: each installation leaves its package
there under its own name and takes the others' new ones, once per file version."""

from __future__ import annotations

from datetime import date, time
from pathlib import Path

import pytest
from sqlalchemy import Engine

from sarah.services.contacts import ContactDraft, log_contact
from sarah.services.database import open_database
from sarah.services.sites import ensure_site
from sarah.services.sync.keys import NetworkKey, install_key
from sarah.ui.sync.exchange_round import (
    ExchangeState,
    FolderUnreachable,
    exchange_round,
    installation_clock,
    state_file,
)


def _desk(path: Path, site: str, key: NetworkKey) -> Engine:
    engine = open_database(path)
    install_key(engine, key)
    s = ensure_site(engine, site)
    log_contact(engine, ContactDraft(s.id, "physique", date(2019, 2, 4), time(10)))
    return engine


@pytest.fixture
def desks(tmp_path: Path):  # type: ignore[no-untyped-def]
    key = NetworkKey.generate()
    a = _desk(tmp_path / "a.sqlite", "Grésilles", key)
    b = _desk(tmp_path / "b.sqlite", "Chenôve", key)
    yield a, b
    a.dispose()
    b.dispose()


def test_each_takes_the_others_new_packages_once_and_writes_its_own_when_it_changed(
    desks: tuple[Engine, Engine], tmp_path: Path
) -> None:
    a, b = desks
    folder = tmp_path / "echange"
    folder.mkdir()
    first = exchange_round(a, folder, "Grésilles")
    assert first.received == [] and first.exported is not None
    second = exchange_round(b, folder, "Chenôve")
    assert [o.result.counts.new["contacts"] for o in second.received if o.result] == [1]
    assert second.changed and second.exported is not None
    assert len(list(folder.glob("SARAH-*.sarahsync"))) == 2
    third = exchange_round(a, folder, "Grésilles")
    # B's package holds A's contact and its own: A takes B's, then writes again (it changed).
    assert [o.result.counts.new["contacts"] for o in third.received if o.result] == [1]
    assert third.exported is not None
    quiet = exchange_round(a, folder, "Grésilles")
    assert quiet.received == [] and quiet.exported is None and not quiet.changed


def test_an_unreachable_folder_says_so_and_changes_nothing(
    desks: tuple[Engine, Engine], tmp_path: Path
) -> None:
    a, _b = desks
    with pytest.raises(FolderUnreachable) as refused:
        exchange_round(a, tmp_path / "cle-usb-retiree", "Grésilles")
    assert "injoignable" in refused.value.message


def test_a_damaged_memory_of_the_folder_only_costs_a_second_reading(
    desks: tuple[Engine, Engine], tmp_path: Path
) -> None:
    a, b = desks
    folder = tmp_path / "echange"
    folder.mkdir()
    exchange_round(b, folder, "Chenôve")
    exchange_round(a, folder, "Grésilles")
    me, _clock = installation_clock(a)
    state_file(me).write_text("{not json", encoding="utf-8")
    assert ExchangeState.load(state_file(me)) == ExchangeState()
    again = exchange_round(a, folder, "Grésilles")
    # B's package is read again and brings nothing new; A's own is written again.
    assert [o.result.changed for o in again.received if o.result] == [False]
    assert again.exported is not None
