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


def test_a_command_on_the_desks_server_uses_the_keychains_password(
    password_server: PrivateServer,
    memory_keyring,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The window set this desk up on a server: settings.json has the URL without password, the
    keychain the password; `sarah demo` then `sarah backup list` need nothing more."""
    from sqlalchemy import create_engine, text

    from sarah.cli import main
    from sarah.settings import load_settings, save_settings

    admin = create_engine(
        password_server.url(password=password_server.password), isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as conn:
        conn.execute(text("CREATE DATABASE sarah_desk"))
    admin.dispose()
    kept = without_password(
        password_server.url(password=password_server.password, database="sarah_desk")
    )
    fields = server_fields(kept)
    assert fields is not None and store_password(fields, password_server.password)
    settings = load_settings()
    settings.database = kept
    save_settings(settings)

    assert main(["demo"]) == 0
    assert main(["report", "--semester", "2019-S1", "--format", "json"]) == 0
    out = capsys.readouterr().out
    assert '"contacts"' in out and password_server.password not in out
    store_password(fields, "mauvais-secret")
    assert main(["report", "--semester", "2019-S1", "--format", "json"]) == 2
    assert "refuse le mot de passe" in capsys.readouterr().err
