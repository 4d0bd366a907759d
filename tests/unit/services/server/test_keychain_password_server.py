"""A server with passwords (scram-sha-256): the URL the settings keep has none and is refused;
the same URL with the keychain's password is let in."""

from __future__ import annotations

import pytest
from helpers.memory_keyring import memory_keyring  # noqa: F401 - a fixture
from private_server import PrivateServer

from sarah.errors import ServerRefused
from sarah.services.server.keychain import (
    store_password,
    stored_password,
    with_password,
    without_password,
)
from sarah.services.server.location import inspect_server, server_fields

pytestmark = pytest.mark.postgres


def test_the_keychain_password_opens_the_server_the_settings_url_alone_does_not(
    password_server: PrivateServer,
    memory_keyring,  # noqa: F811
) -> None:
    kept = without_password(password_server.url(password=password_server.password))
    assert password_server.password not in kept
    with pytest.raises(ServerRefused, match="mot de passe"):
        inspect_server(kept)
    fields = server_fields(kept)
    assert fields is not None
    assert store_password(fields, password_server.password)
    found = inspect_server(with_password(kept, stored_password(fields)))
    assert found.revision is None and not found.foreign  # the server's empty "postgres" base
    store_password(fields, "mauvais-secret")
    with pytest.raises(ServerRefused, match="refuse le mot de passe"):
        inspect_server(with_password(kept, stored_password(fields)))
