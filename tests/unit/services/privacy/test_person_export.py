"""Right of access: everything held about one person, found by id or by the desk's search, as
JSON (every contact of every site, deleted ones included, the merged record and its profile,
the audit entries) or as the French document the PDF prints; the export is audited without the
name; an erased person is neither found nor exported."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers.person_world import PersonWorld, build_person_world
from sqlalchemy import Engine, select

from sarah.db import read_connection
from sarah.schema import audit_log
from sarah.services.privacy.person_document import person_html
from sarah.services.privacy.person_export import export_person, read_person
from sarah.services.privacy.person_find import PersonNotFound, find_person
from sarah.services.visitor_merges import merge_traces, unmerge_visitors
from sarah.settings import Settings


@pytest.fixture
def world(engine: Engine) -> PersonWorld:
    return build_person_world(engine)


def _audit(engine: Engine) -> list[dict[str, object]]:
    with read_connection(engine) as conn:
        rows = conn.execute(select(audit_log).order_by(audit_log.c.seq)).mappings().all()
    return [dict(r) for r in rows]


def _export(engine: Engine, world: PersonWorld, path: Path) -> dict:  # type: ignore[type-arg]
    export_person(engine, world.lea.id, path, "json")
    return json.loads(path.read_text(encoding="utf-8"))


def test_json_holds_every_contact_of_both_sites_the_merged_record_and_its_profile(
    engine: Engine, world: PersonWorld, tmp_path: Path
) -> None:
    out = _export(engine, world, tmp_path / "acces.json")

    assert out["format"] == "sarah.person-export" and out["version"] == 1
    assert out["person"] | {"created_at": None, "updated_at": None} == {
        "id": str(world.lea.id),
        "last_name": "Dupont",
        "first_name": "Léa",
        "sex": "F",
        "birth_date": "1990-04-03",
        "created_at": None,
        "updated_at": None,
        "origin_site": "Grésilles",
        "neighbourhood": None,
    }
    contacts = {c["id"]: c for c in out["contacts"]}
    mine = {*map(str, world.contacts.values()), str(world.deleted)}
    assert set(contacts) == mine  # the merged record's contact too; not the other person's
    assert [c["date"] for c in out["contacts"]] == sorted(c["date"] for c in out["contacts"])
    assert {c["site"] for c in out["contacts"]} == {"Grésilles", "Fontaine d'Ouche"}
    call = contacts[str(world.contacts["call"])]
    assert call["channel"] == "telephone" and call["time"] == "10:30"
    assert call["agent"] == "Nadia B." and len(call["services"]) == 1
    assert len(contacts[str(world.contacts["first"])]["services"]) == 2
    assert contacts[str(world.deleted)]["deleted"] is True
    assert contacts[str(world.deleted)]["deleted_at"] is not None
    assert not any(c["deleted"] for cid, c in contacts.items() if cid != str(world.deleted))

    [merge] = out["merges"]
    assert merge["absorbed_id"] == str(world.twin.id)
    assert merge["survivor_id"] == str(world.lea.id)
    assert merge["absorbed_profile"] == {
        "last_name": "Dupont",
        "first_name": "Lea",
        "sex": None,
        "birth_date": None,
    }
    assert merge["survivor_profile"]["first_name"] == "Léa" and merge["undone_at"] is None
    assert [e["action"] for e in out["audit"]] == ["merge"]
    assert "Marc" not in json.dumps(out, ensure_ascii=False)


def test_the_export_is_audited_with_the_file_name_never_the_persons_name(
    engine: Engine, world: PersonWorld, tmp_path: Path
) -> None:
    export_person(engine, world.lea.id, tmp_path / "demande-17.json", "json")
    export_person(engine, world.lea.id, tmp_path / "Fiche DUPONT léa.json", "json")

    entries = [e for e in _audit(engine) if e["action"] == "export_named"]
    assert [e["target"] for e in entries] == [str(world.lea.id)] * 2
    first, second = (json.loads(str(e["details"])) for e in entries)
    assert first == {"file": "demande-17.json", "format": "json", "contacts": 4}
    assert "dupont" not in second["file"].lower() and second["file"].startswith("*.json")
    for entry in _audit(engine):
        text = json.dumps(entry, default=str).lower()
        # The birth date in any written form; a bare "1990" may occur inside a hash.
        assert "dupont" not in text and "léa" not in text
        assert "1990-04-03" not in text and "03/04/1990" not in text
    # The second export lists the first one among the entries about the person.
    again = _export(engine, world, tmp_path / "encore.json")
    assert [e["action"] for e in again["audit"]] == ["merge", "export_named", "export_named"]


def test_the_merged_records_id_opens_the_surviving_person(
    engine: Engine, world: PersonWorld
) -> None:
    assert read_person(engine, world.twin.id).id == world.lea.id


def test_a_merge_undone_keeps_the_other_persons_profile_out(
    engine: Engine, world: PersonWorld, tmp_path: Path
) -> None:
    from sarah.db import read_session

    with read_session(engine) as s:
        [trace] = merge_traces(s, world.lea.id)
    unmerge_visitors(engine, trace.id)  # the two records were two people after all

    mine = read_person(engine, world.lea.id)
    [merge] = mine.merges
    assert merge.undone_at is not None
    assert merge.absorbed_profile is None and merge.survivor_profile is not None
    assert str(world.contacts["at_fontaine"]) not in {str(c.id) for c in mine.contacts}
    theirs = read_person(engine, world.twin.id)
    assert theirs.id == world.twin.id and theirs.merges[0].survivor_profile is None


def test_search_finds_one_person_or_lists_the_candidates_or_says_none(
    engine: Engine, world: PersonWorld
) -> None:
    assert find_person(engine, "dupont lea") == world.lea.id
    assert find_person(engine, "03/04/1990") == world.lea.id

    with pytest.raises(PersonNotFound) as several:
        find_person(engine, "dup")
    assert "2 personnes correspondent à « dup »" in several.value.message
    assert "--id" in several.value.message
    lea_line, marc_line = sorted(several.value.details)
    assert str(world.lea.id) in "".join(several.value.details)
    by_id = {line.split(" — ")[0]: line for line in several.value.details}
    assert "née le 03/04/1990" in by_id[str(world.lea.id)]
    assert "Grésilles, Fontaine d'Ouche" in by_id[str(world.lea.id)]
    assert "né le 02/01/1985" in by_id[str(world.other.id)]
    assert "Fontaine d'Ouche" in by_id[str(world.other.id)]

    with pytest.raises(PersonNotFound, match="Personne ne correspond à « martin »"):
        find_person(engine, "martin")


def test_an_erased_person_is_neither_found_nor_exported(
    engine: Engine, world: PersonWorld, tmp_path: Path
) -> None:
    from sarah.services.privacy.purge import erase_on_request

    erase_on_request(engine, Settings(), world.lea.id)

    with pytest.raises(PersonNotFound, match="Personne ne correspond"):
        find_person(engine, "dupont lea")
    with pytest.raises(PersonNotFound, match="Personne ne correspond"):
        find_person(engine, "03/04/1990")
    target = tmp_path / "acces.json"
    with pytest.raises(PersonNotFound, match="a été effacée"):
        export_person(engine, world.lea.id, target, "json")
    with pytest.raises(PersonNotFound, match="a été effacée"):
        export_person(engine, world.twin.id, target, "json")  # the record merged into hers
    assert not target.exists()
    assert [e["action"] for e in _audit(engine)].count("export_named") == 0


def test_the_document_says_what_sarah_is_and_lists_everything(
    engine: Engine, world: PersonWorld
) -> None:
    page = person_html(read_person(engine, world.lea.id, produced_by="Claire"), retention_months=18)
    for expected in (
        "Données personnelles détenues par SARAH",
        "SARAH est le logiciel des Points Relais emploi",
        "droit d'accès",
        "Si vous ne revenez pas pendant 18 mois",
        "DUPONT Léa",
        "née le 03/04/1990",
        "par Claire",
        "Fontaine d'Ouche",
        "Téléphone",
        "supprimé le",
        "nom : Dupont ; prénom : Lea",
        "fusion de fiches",
        "Vos contacts : 4 contacts",
    ):
        assert expected in page, expected
    assert "Dupuis" not in page


def test_a_missing_folder_writes_nothing_and_audits_nothing(
    engine: Engine, world: PersonWorld, tmp_path: Path
) -> None:
    with pytest.raises(PersonNotFound.__mro__[1], match="n'existe pas"):
        export_person(engine, world.lea.id, tmp_path / "absent" / "acces.json", "json")
    assert [e["action"] for e in _audit(engine)].count("export_named") == 0


def test_the_neighbourhood_is_given_where_the_person_has_one(
    engine: Engine, world: PersonWorld, tmp_path: Path
) -> None:
    from sarah.services.neighbourhoods.listing import add_neighbourhood, set_visitor_neighbourhood

    place = add_neighbourhood(engine, "Fontaine d'Ouche")
    set_visitor_neighbourhood(engine, world.lea.id, place.id)
    out = _export(engine, world, tmp_path / "acces.json")
    assert out["person"]["neighbourhood"] == "Fontaine d'Ouche"
    page = person_html(read_person(engine, world.lea.id))
    assert "Quartier de résidence" in page and "Fontaine d'Ouche" in page
