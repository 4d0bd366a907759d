"""The server's password lives in the OS keychain, under SARAH and user@host:port/base; the
URL the settings keep has none; where no keychain works nothing is stored anywhere."""

from __future__ import annotations

from helpers.memory_keyring import fail_keyring, memory_keyring  # noqa: F401 - fixtures
from sqlalchemy.engine import make_url

from sarah.services.server.keychain import (
    ServerFields,
    forget_password,
    keychain_available,
    server_url,
    store_password,
    stored_password,
    with_password,
    without_password,
)

FIELDS = ServerFields(host="serveur.ville.fr", database="sarah", user="accueil", port=5433)


def test_the_url_quotes_every_part_and_keeps_the_tls_choice() -> None:
    fields = ServerFields(
        host="serveur", database="base sarah", user="agent@pr", port=5432, sslmode="require"
    )
    url = make_url(server_url(fields, "p@ss/w:rd?#"))
    assert (url.drivername, url.username, url.password, url.host, url.port, url.database) == (
        "postgresql+psycopg",
        "agent@pr",
        "p@ss/w:rd?#",
        "serveur",
        5432,
        "base sarah",
    )
    assert url.query == {"sslmode": "require"}


def test_the_url_the_settings_keep_has_no_password() -> None:
    bare = server_url(FIELDS)
    assert make_url(bare).password is None
    assert "sesame" not in bare
    assert without_password(with_password(bare, "sesame")) == bare
    assert make_url(with_password(bare, "sesame")).password == "sesame"


def test_the_tls_choice_maps_to_sslmode() -> None:
    assert FIELDS.with_encryption(True).sslmode == "require"
    assert FIELDS.with_encryption(True).with_encryption(False).sslmode is None
    strict = ServerFields("h", "d", "u", sslmode="verify-full")
    assert strict.with_encryption(True).sslmode == "verify-full"  # a stricter mode stays
    assert strict.encrypted and not FIELDS.encrypted


def test_the_password_is_kept_in_the_keychain_under_sarah(memory_keyring) -> None:  # noqa: F811
    assert keychain_available()
    assert store_password(FIELDS, "sesame")
    assert memory_keyring.kept == {("SARAH", "accueil@serveur.ville.fr:5433/sarah"): "sesame"}
    assert stored_password(FIELDS) == "sesame"
    forget_password(FIELDS)
    assert memory_keyring.kept == {}
    assert stored_password(FIELDS) is None
    forget_password(FIELDS)  # nothing kept: nothing to do, no error


def test_an_empty_password_forgets_the_one_kept(memory_keyring) -> None:  # noqa: F811
    store_password(FIELDS, "sesame")
    assert store_password(FIELDS, "")
    assert memory_keyring.kept == {}


def test_without_a_keychain_nothing_is_stored_and_that_is_said(fail_keyring) -> None:  # noqa: F811
    assert not keychain_available()
    assert store_password(FIELDS, "sesame") is False
    assert stored_password(FIELDS) is None
    forget_password(FIELDS)  # no error either


def test_a_server_url_gets_the_keychain_password_a_file_stays_itself(memory_keyring) -> None:  # noqa: F811
    from sarah.services.server.location import with_kept_password

    kept = server_url(FIELDS)
    assert with_kept_password(kept) == kept  # nothing kept yet
    store_password(FIELDS, "sesame")
    assert make_url(with_kept_password(kept) or "").password == "sesame"
    assert make_url(with_kept_password(kept, "typed") or "").password == "typed"
    assert with_kept_password("C:/données/sarah.sqlite") == "C:/données/sarah.sqlite"
    assert with_kept_password(None) is None
