"""What a desk says of the server's own backups (continuous archiving), from what it can see."""

from __future__ import annotations

from datetime import timedelta

import pytest

from sarah.db import create_db_engine
from sarah.services.backups.server_state import (
    ArchiverFacts,
    describe_server_backups,
    server_backup_state,
)


def test_archiving_that_works_is_said_with_the_age_of_the_last_file() -> None:
    state = describe_server_backups(
        ArchiverFacts(
            "on", "pgbackrest archive-push %p", 1200, "0000000100000A", timedelta(minutes=3), 0
        )
    )
    assert state.message == "Archivage continu actif, dernier fichier archivé il y a 3 min."
    assert not state.warning


def test_archiving_that_fails_since_the_last_success_is_a_warning() -> None:
    state = describe_server_backups(
        ArchiverFacts(
            "on",
            "cp %p /archives/%f",
            50,
            "00000001000000B",
            timedelta(hours=5),
            7,
            timedelta(minutes=2),
        )
    )
    assert state.message == (
        "Archivage continu en échec : dernier échec il y a 2 min, dernier fichier archivé "
        "il y a 5 h (7 échecs en tout)."
    )
    assert state.warning


def test_no_archiving_means_only_the_dumps_protect_the_data() -> None:
    state = describe_server_backups(ArchiverFacts("off", "(disabled)", 0, None, None, 0))
    assert state.message.startswith(
        "Pas d'archivage continu sur le serveur : seules les copies pg_dump protègent les données"
    )
    assert state.warning


def test_archiving_on_without_a_command_archives_nothing() -> None:
    state = describe_server_backups(ArchiverFacts("on", "", 0, None, None, 0))
    assert "sans commande d'archivage : aucun fichier n'est archivé" in state.message
    assert state.warning


def test_what_this_role_cannot_see_is_said_so() -> None:
    state = describe_server_backups(ArchiverFacts(None, None))
    assert state.message == "Sauvegardes du serveur : non visibles avec les droits de ce poste."


@pytest.mark.postgres
def test_the_local_server_archives_nothing_and_says_so(server_url: str) -> None:
    engine = create_db_engine(server_url)
    try:
        state = server_backup_state(engine)
    finally:
        engine.dispose()
    assert state.facts.archive_mode == "off"
    assert state.message.startswith("Pas d'archivage continu sur le serveur")
