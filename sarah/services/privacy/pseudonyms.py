"""Stable codes instead of names in exports that do not need names ("P-7KQ2M4XD").

A code is ``"P-"`` and the first 8 characters of the base32 form of
HMAC-SHA256(key, the visitor's UUID bytes): the same person always gets the same code, in every
export, and the code says nothing about the person (not the name, not the birth date, not
the order of arrival): without the key, it cannot even be computed from the UUID.

The key. An installation that belongs to a network (``sync key``) derives it from the network
key, so every installation of the network gives a person the same code and nobody outside the
network can recompute one. The derivation (HMAC of a fixed label) keeps the network key itself
out of the codes: knowing codes tells nothing about the key that protects the sync packages.
An installation without a network uses a fixed application constant, the same everywhere: its
codes are as stable, and reveal nothing either, since visitor UUIDs are random and never
printed; but anyone holding both SARAH and a person's UUID could compute that person's code.
Joining a network changes the codes from then on (a file exported before keeps its codes).

8 base32 characters are 40 bits: for 100,000 people, the chance that two share a code is
about 0.5 %; codes are for reading a list, never for joining files at that scale.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import uuid

from sqlalchemy import Engine

from sarah.services.sync.keys import installed_key

PREFIX = "P-"
CODE_CHARS = 8
# Used where no network key is installed; public by design (see the module's docstring).
APPLICATION_KEY = b"SARAH pseudonymes v1 - cle d'application sans reseau"
DERIVATION_LABEL = b"sarah pseudonym key v1"


def pseudonym(visitor_id: uuid.UUID, key: bytes) -> str:
    """The code of the person ``visitor_id`` under ``key``: "P-" and 8 base32 characters."""
    digest = hmac.new(key, visitor_id.bytes, hashlib.sha256).digest()
    return PREFIX + base64.b32encode(digest).decode("ascii")[:CODE_CHARS]


def pseudonym_key(network_secret: bytes | None) -> bytes:
    """The key codes are made with: derived from the network key, else the application's."""
    if network_secret is None:
        return APPLICATION_KEY
    return hmac.new(network_secret, DERIVATION_LABEL, hashlib.sha256).digest()


def installation_pseudonym_key(engine: Engine) -> bytes:
    """This installation's key for codes (its network's, or the application's)."""
    key = installed_key(engine)
    return pseudonym_key(None if key is None else key.secret)
