"""Codes instead of names: the same person always gets the same code, two people never share
one in practice, and the code tells nothing about the person."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

from sqlalchemy import Engine

from sarah.services.database import open_database
from sarah.services.privacy.pseudonyms import (
    APPLICATION_KEY,
    installation_pseudonym_key,
    pseudonym,
    pseudonym_key,
)
from sarah.services.sync.keys import NetworkKey, install_key

CODE = re.compile(r"P-[A-Z2-7]{8}")


def test_a_code_is_p_dash_and_eight_base32_characters() -> None:
    code = pseudonym(uuid.uuid4(), APPLICATION_KEY)
    assert CODE.fullmatch(code), code


def test_the_same_person_always_gets_the_same_code() -> None:
    person = uuid.UUID("0b7e2f4c-5d1a-4c3e-9f2b-6a8d1e0c4b73")
    key = pseudonym_key(None)
    assert pseudonym(person, key) == pseudonym(uuid.UUID(str(person)), key)
    # A fixed value: a code printed today is the code printed by every later version.
    assert pseudonym(person, key) == pseudonym(person, APPLICATION_KEY)
    assert pseudonym(person, APPLICATION_KEY) == "P-" + _expected(person, APPLICATION_KEY)


def _expected(person: uuid.UUID, key: bytes) -> str:
    import base64
    import hashlib
    import hmac

    return base64.b32encode(hmac.new(key, person.bytes, hashlib.sha256).digest()).decode()[:8]


def test_ten_thousand_people_get_ten_thousand_codes() -> None:
    people = [uuid.UUID(int=(i * 0x9E3779B97F4A7C15) % 2**128) for i in range(10_000)]
    codes = {pseudonym(p, APPLICATION_KEY) for p in people}
    assert len(codes) == 10_000
    assert all(CODE.fullmatch(c) for c in codes)


def test_the_code_reveals_neither_the_uuid_nor_the_order_of_arrival() -> None:
    person = uuid.uuid4()
    code = pseudonym(person, APPLICATION_KEY)
    assert person.hex[:8].upper() not in code
    # Consecutive ids give unrelated codes: sorting the codes does not give the ids' order.
    codes = [pseudonym(uuid.UUID(int=1000 + i), APPLICATION_KEY) for i in range(100)]
    assert sorted(codes) != codes


def test_a_network_key_gives_other_codes_and_never_the_key_itself() -> None:
    key = NetworkKey.generate()
    person = uuid.uuid4()
    derived = pseudonym_key(key.secret)
    assert derived != key.secret and derived != APPLICATION_KEY
    assert pseudonym(person, derived) != pseudonym(person, APPLICATION_KEY)
    assert pseudonym(person, derived) != pseudonym(person, key.secret)  # derived, not raw


def test_every_installation_of_a_network_gives_the_same_code(
    engine: Engine, tmp_path: Path
) -> None:
    assert installation_pseudonym_key(engine) == APPLICATION_KEY  # no network yet
    other = open_database(tmp_path / "other.sqlite")
    try:
        key = NetworkKey.generate()
        install_key(engine, key)
        install_key(other, key)
        here, there = installation_pseudonym_key(engine), installation_pseudonym_key(other)
    finally:
        other.dispose()
    person = uuid.uuid4()
    assert here == there == pseudonym_key(key.secret)
    assert pseudonym(person, here) == pseudonym(person, there)
