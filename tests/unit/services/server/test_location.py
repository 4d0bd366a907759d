"""Where the data lives, said in the status bar's words; a server URL read back into fields;
what a connection test finds on the server."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text

from sarah.db import create_db_engine, head_revision
from sarah.errors import ServerRefused, ServerUnreachable
from sarah.services.server.keychain import ServerFields
from sarah.services.server.location import (
    check_words,
    connection_encrypted,
    describe_target,
    inspect_server,
    is_server,
    server_fields,
    where_data_lives,
)


def test_a_server_url_reads_back_into_its_fields() -> None:
    assert server_fields("postgres://agent:secret@serveur:5433/sarah?sslmode=require") == (
        ServerFields(host="serveur", database="sarah", user="agent", port=5433, sslmode="require")
    )
    assert server_fields("postgresql://agent@serveur/sarah") == ServerFields(
        "serveur", "sarah", "agent", 5432, None
    )
    assert server_fields("C:/données/sarah.sqlite") is None
    assert server_fields("sqlite:///x.sqlite") is None
    assert is_server("postgresql+psycopg2://a@b/c") and not is_server(None)
    assert describe_target("postgresql://agent:secret@serveur/sarah") == "agent@serveur:5432/sarah"


def test_a_file_is_named_by_its_full_path(tmp_path: Path) -> None:
    engine = create_db_engine(tmp_path / "sarah.sqlite")
    try:
        assert where_data_lives(engine) == f"Données : fichier {tmp_path / 'sarah.sqlite'}"
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_a_server_is_named_with_its_encryption_as_the_server_says(pg_engine: Engine) -> None:
    name = pg_engine.url.database
    with pg_engine.connect() as conn:
        ssl = conn.execute(text("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()"))
        on_the_wire = bool(ssl.scalar_one())
    assert connection_encrypted(pg_engine) is on_the_wire
    words = "chiffré" if on_the_wire else "non chiffré"
    assert where_data_lives(pg_engine, connection_encrypted(pg_engine)) == (
        f"Données : serveur postgres@127.0.0.1:5432/{name} ({words})"
    )
    assert where_data_lives(pg_engine, True) == (
        f"Données : serveur postgres@127.0.0.1:5432/{name} (chiffré)"
    )


@pytest.mark.postgres
def test_a_connection_test_says_what_the_database_holds(pg_engine: Engine) -> None:
    url = pg_engine.url.render_as_string(hide_password=False)
    found = inspect_server(url)
    assert found.revision == head_revision() and found.current
    assert check_words(found) == f"Connexion réussie : base SARAH version {head_revision()}."
    with pg_engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0005'"))
    assert check_words(inspect_server(url)) == (
        f"Connexion réussie : base SARAH version 0005, elle sera mise à jour "
        f"(version {head_revision()})."
    )
    with pg_engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    assert "version plus récente de SARAH (schéma 9999)" in check_words(inspect_server(url))


@pytest.mark.postgres
def test_an_empty_or_foreign_database_is_said(pg_engine: Engine) -> None:
    url = pg_engine.url
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    name = f"{url.database}_vide"
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        empty = url.set(database=name).render_as_string(hide_password=False)
        assert check_words(inspect_server(empty)) == (
            "Connexion réussie : base vide, elle sera préparée."
        )
        other = create_engine(empty)
        with other.begin() as conn:
            conn.execute(text("CREATE TABLE factures (id int)"))
        other.dispose()
        assert "d'autres tables que celles de SARAH" in check_words(inspect_server(empty))
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.mark.postgres
def test_a_missing_database_is_refused_and_a_closed_port_unreachable(pg_engine: Engine) -> None:
    url = pg_engine.url
    with pytest.raises(ServerRefused, match="n'existe pas"):
        inspect_server(url.set(database="aucune_base_de_ce_nom").render_as_string(False))
    with pytest.raises(ServerUnreachable):
        inspect_server(url.set(port=1).render_as_string(False))
