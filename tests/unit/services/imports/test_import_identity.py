"""Who is who in an imported file, re-importing, dry runs (real SQLite)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time
from pathlib import Path

import pytest
from helpers.import_files import (
    ACTU,
    SAMPLE_ROWS,
    counts,
    stored_contacts,
    visitors,
    write_csv,
    write_xlsx,
)
from sqlalchemy import Engine, select, update

from sarah.db import read_session, write_session
from sarah.models import Contact, Site
from sarah.services.contacts import ContactDraft, log_contact
from sarah.services.imports.problems import ImportRejected
from sarah.services.imports.run import import_file, import_rows
from sarah.services.sites import ensure_site, list_sites
from sarah.services.visitors import create_visitor, merge_visitors

V_HEADER = ["visiteur", "date", "heure", "site", "canal", "nom", "prenom", "sexe", "date_naissance"]


def test_rows_sharing_a_visitor_id_are_one_person_and_the_latest_row_wins(
    engine: Engine, tmp_path: Path
) -> None:
    rows = [
        ["A1", "05/01/2019", "10:00", "Grésilles", "P", "Dupont", "Léa", "F", "01/01/1990"],
        ["A1", "02/01/2019", "09:00", "Grésilles", "P", "Dupond", "Lea", "H", "01/01/1991"],
        [
            "A1",
            "06/01/2019",
            "11:00",
            "Grésilles",
            "T",
            "",
            "",
            "",
            "",
        ],  # says nothing: erases nothing
        ["B2", "03/01/2019", "09:00", "Grésilles", "P", "Dupont", "Léa", "F", "01/01/1990"],
    ]
    result = import_file(engine, write_csv(tmp_path / "v.csv", rows, header=V_HEADER))
    # A1 (latest named row: 05/01) and B2 have the same folded names and birth date: one person.
    assert result.visitors_created == 1
    assert visitors(engine) == [("Dupont", "Léa", "F", date(1990, 1, 1))]
    assert result.contacts_added == 4


def test_latest_by_date_and_time_then_by_line(engine: Engine, tmp_path: Path) -> None:
    rows = [
        ["A1", "02/01/2019", "09:00", "Grésilles", "P", "Roux", "Ana", "H", "01/01/1990"],
        ["A1", "02/01/2019", "09:00", "Grésilles", "T", "Roux", "Ana", "F", "02/02/1992"],
        ["A1", "01/01/2019", "18:00", "Grésilles", "P", "Roux", "Ana", "H", "03/03/1993"],
    ]
    import_file(engine, write_csv(tmp_path / "v.csv", rows, header=V_HEADER))
    assert visitors(engine) == [("Roux", "Ana", "F", date(1992, 2, 2))]


def test_visitor_id_without_names_gives_a_named_record(engine: Engine, tmp_path: Path) -> None:
    rows = [
        ["1042", "02/01/2019", "", "Grésilles", "P", "", "", "F", ""],
        ["1042", "03/01/2019", "", "Grésilles", "T", "", "", "", ""],
    ]
    result = import_file(engine, write_csv(tmp_path / "v.csv", rows, header=V_HEADER))
    assert result.visitors_created == 1
    assert visitors(engine) == [("Visiteur 1042", "", "F", None)]
    # A later file from the same source finds the same person again.
    more = [["1042", "04/01/2019", "", "Grésilles", "P", "", "", "", ""]]
    again = import_file(engine, write_csv(tmp_path / "v2.csv", more, header=V_HEADER))
    assert (again.visitors_created, again.visitors_matched, again.contacts_added) == (0, 1, 1)


def test_names_and_birth_date_compared_without_case_accents_or_spaces(
    engine: Engine, tmp_path: Path
) -> None:
    header = ["date", "site", "canal", "nom", "prenom", "date_naissance"]
    rows = [
        ["02/01/2019", "Grésilles", "P", "Dupont-Martin", "Éloïse", "01/02/2000"],
        ["03/01/2019", "Grésilles", "P", "  DUPONT-MARTIN ", "eloise", "2000-02-01"],
        ["04/01/2019", "Grésilles", "P", "Dupont-Martin", "Éloïse", "02/02/2000"],  # another person
        [
            "05/01/2019",
            "Grésilles",
            "P",
            "Dupont-Martin",
            "Éloïse",
            "",
        ],  # unknown birth date: another
        ["06/01/2019", "Grésilles", "P", "dupont-martin", "ELOISE", ""],
    ]
    result = import_file(engine, write_csv(tmp_path / "n.csv", rows, header=header))
    assert result.visitors_created == 3
    assert counts(engine)["visitors"] == 3


def test_people_already_in_the_database_are_found(engine: Engine, tmp_path: Path) -> None:
    site = ensure_site(engine, "Grésilles")
    known = create_visitor(
        engine,
        last_name="Dupont",
        first_name="Léa",
        sex="F",
        birth_date=date(1993, 3, 15),
        site_id=site.id,
    )
    result = import_file(engine, write_csv(tmp_path / "s.csv", SAMPLE_ROWS))
    assert (result.visitors_created, result.visitors_matched, result.visitors_updated) == (2, 1, 0)
    with read_session(engine) as s:
        mine = s.scalars(select(Contact).where(Contact.visitor_id == known.id)).all()
    assert len(mine) == 2
    # The record keeps the spelling typed at the desk.
    assert ("Dupont", "Léa", "F", date(1993, 3, 15)) in visitors(engine)


def test_merged_people_are_not_matched_the_survivor_is(engine: Engine, tmp_path: Path) -> None:
    site = ensure_site(engine, "Grésilles")
    a = create_visitor(
        engine, last_name="Dupont", first_name="Léa", birth_date=date(1993, 3, 15), site_id=site.id
    )
    b = create_visitor(
        engine, last_name="DUPONT", first_name="Lea", birth_date=date(1993, 3, 15), site_id=site.id
    )
    merge_visitors(engine, b.id, a.id, site_id=site.id)
    import_file(engine, write_csv(tmp_path / "s.csv", SAMPLE_ROWS[:2]))
    with read_session(engine) as s:
        owners = set(s.scalars(select(Contact.visitor_id)))
    assert owners == {b.id}


def test_file_fills_a_blank_sex_of_a_known_person(engine: Engine, tmp_path: Path) -> None:
    site = ensure_site(engine, "Grésilles")
    create_visitor(
        engine, last_name="Dupont", first_name="Léa", birth_date=date(1993, 3, 15), site_id=site.id
    )
    result = import_file(engine, write_csv(tmp_path / "s.csv", SAMPLE_ROWS))
    assert result.visitors_updated == 1
    assert ("Dupont", "Léa", "F", date(1993, 3, 15)) in visitors(engine)


def _known_man_seen_in_june(engine: Engine) -> None:
    site = ensure_site(engine, "Grésilles")
    v = create_visitor(engine, last_name="Roux", first_name="Ana", sex="H", site_id=site.id)
    log_contact(
        engine, ContactDraft(site.id, "physique", date(2019, 6, 1), time(10), visitor_id=v.id)
    )


def test_older_file_does_not_override_a_more_recent_profile(engine: Engine, tmp_path: Path) -> None:
    _known_man_seen_in_june(engine)
    header = ["date", "site", "canal", "nom", "prenom", "sexe"]
    result = import_file(
        engine,
        write_csv(
            tmp_path / "jan.csv",
            [["02/01/2019", "Grésilles", "P", "Roux", "Ana", "F"]],
            header=header,
        ),
    )
    assert (result.visitors_matched, result.visitors_updated) == (1, 0)
    assert visitors(engine) == [("Roux", "Ana", "H", None)]


def test_more_recent_file_row_updates_the_profile(engine: Engine, tmp_path: Path) -> None:
    _known_man_seen_in_june(engine)
    header = ["date", "site", "canal", "nom", "prenom", "sexe"]
    result = import_file(
        engine,
        write_csv(
            tmp_path / "jul.csv",
            [["02/07/2019", "Grésilles", "P", "Roux", "Ana", "F"]],
            header=header,
        ),
    )
    assert (result.visitors_matched, result.visitors_updated) == (1, 1)
    assert visitors(engine) == [("Roux", "Ana", "F", None)]


def test_sites_matched_folded_and_new_ones_created_at_the_end(
    engine: Engine, tmp_path: Path
) -> None:
    ensure_site(engine, "Grésilles")
    ensure_site(engine, "Fontaine d'Ouche")
    rows = [list(r) for r in SAMPLE_ROWS]
    rows[0][2] = "GRESILLES"
    rows[1][2] = "  grésilles "
    rows[2][2] = "Bourroches"
    result = import_file(engine, write_csv(tmp_path / "s.csv", rows))
    assert result.new_sites == ("Bourroches",) and result.sites_created == 1
    assert result.per_site == {"Grésilles": 2, "Bourroches": 1, "Fontaine d'Ouche": 1}
    assert [s.name for s in list_sites(engine)] == ["Grésilles", "Fontaine d'Ouche", "Bourroches"]


def test_each_site_gets_one_new_revision_carried_by_its_rows(
    engine: Engine, tmp_path: Path
) -> None:
    import_file(engine, write_csv(tmp_path / "s.csv", SAMPLE_ROWS))
    with read_session(engine) as s:
        # One clock for the installation (docs/sync.md): each site's rows take the next value.
        revisions: dict[object, set[int]] = {}
        for contact in s.scalars(select(Contact)):
            revisions.setdefault(contact.site_id, set()).add(contact.revision)
        assert sorted(r for values in revisions.values() for r in values) == list(
            range(1, len(revisions) + 1)
        )
        for contact in s.scalars(select(Contact)):
            assert contact.origin_site_id == contact.site_id
            assert contact.import_key is not None and len(contact.import_key) == 64
            assert contact.import_key.startswith(f"{contact.local_date:%Y%m%d}")


# --- importing again ---------------------------------------------------------------------------------


def test_importing_the_same_file_again_adds_nothing(engine: Engine, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "s.csv", SAMPLE_ROWS)
    import_file(engine, path)
    before = counts(engine)
    again = import_file(engine, path)
    assert (again.contacts_added, again.skipped_existing) == (0, 4)
    assert (again.visitors_created, again.visitors_updated, again.sites_created) == (0, 0, 0)
    assert counts(engine) == before


def test_same_rows_saved_as_xlsx_are_recognised(engine: Engine, tmp_path: Path) -> None:
    import_file(engine, write_csv(tmp_path / "s.csv", SAMPLE_ROWS, encoding="cp1252"))
    typed = [list(r) for r in SAMPLE_ROWS]
    typed[0][0] = datetime(2019, 1, 2)  # as Excel stores a date
    typed[1][7] = date(1993, 3, 15)
    again = import_file(engine, write_xlsx(tmp_path / "s.xlsx", typed))
    assert (again.contacts_added, again.skipped_existing) == (0, 4)


def test_identical_rows_are_distinct_contacts_and_stay_so(engine: Engine, tmp_path: Path) -> None:
    row = ["02/01/2019", "", "Grésilles", "T", "Roux", "Ana", "", "", ""]
    path = write_csv(tmp_path / "twice.csv", [row, row, SAMPLE_ROWS[0]])
    first = import_file(engine, path)
    assert first.contacts_added == 3
    second = import_file(engine, path)
    assert (second.contacts_added, second.skipped_existing) == (0, 3)
    # A longer version of the file (a third identical call) adds only what is new.
    longer = import_file(
        engine, write_csv(tmp_path / "thrice.csv", [row, row, row, SAMPLE_ROWS[0], SAMPLE_ROWS[1]])
    )
    assert (longer.contacts_added, longer.skipped_existing) == (2, 3)
    assert counts(engine)["contacts"] == 5


def test_deleted_imported_contact_is_not_brought_back(engine: Engine, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "s.csv", SAMPLE_ROWS)
    import_file(engine, path)
    with write_session(engine) as s:
        s.execute(update(Contact).values(deleted_at=datetime(2020, 1, 1)))
    again = import_file(engine, path)
    assert again.contacts_added == 0 and counts(engine)["contacts"] == 4


def test_dry_run_writes_nothing_and_announces_what_the_import_does(
    engine: Engine, tmp_path: Path
) -> None:
    ensure_site(engine, "Grésilles")
    site = list_sites(engine)[0]
    create_visitor(
        engine, last_name="Dupont", first_name="Léa", birth_date=date(1993, 3, 15), site_id=site.id
    )
    before = counts(engine)
    with read_session(engine) as s:
        revision_before = s.scalar(select(Site.last_revision))
    path = write_csv(tmp_path / "s.csv", SAMPLE_ROWS)
    dry = import_file(engine, path, dry_run=True)
    assert counts(engine) == before
    with read_session(engine) as s:
        assert s.scalar(select(Site.last_revision)) == revision_before
    real = import_file(engine, path)
    assert replace(dry, dry_run=False) == real
    assert (real.contacts_added, real.visitors_created, real.visitors_matched) == (4, 2, 1)
    assert real.new_sites == ("Fontaine d'Ouche",)
    # After the import, a dry run of the same file announces nothing to add.
    assert import_file(engine, path, dry_run=True).skipped_existing == 4


def test_before_write_hook_runs_only_for_a_good_file(engine: Engine, tmp_path: Path) -> None:
    calls: list[str] = []
    good = write_csv(tmp_path / "good.csv", SAMPLE_ROWS)
    bad = write_csv(tmp_path / "bad.csv", [["31/02/2019", "", "X", "P", "A", "B", "", "", ""]])
    import_file(engine, good, dry_run=True, before_write=lambda: calls.append("dry"))
    with pytest.raises(ImportRejected):
        import_file(engine, bad, before_write=lambda: calls.append("bad"))
    import_file(engine, good, before_write=lambda: calls.append("good"))
    assert calls == ["good"]


def test_import_rows_result_and_stored_rows(engine: Engine) -> None:
    rows = [
        {
            "date": f"2019-01-{d:02d}",
            "site": "Grésilles",
            "canal": "physique",
            "visiteur": f"P{d % 3}",
            "nom": f"Nom{d % 3}",
            "prenom": "X",
            "services": ACTU,
        }
        for d in range(1, 31)
    ]
    result = import_rows(engine, rows, source_name="bench")
    assert (result.contacts_added, result.visitors_created) == (30, 3)
    assert result.per_site == {"Grésilles": 30}
    assert all(c[-1] == (ACTU,) for c in stored_contacts(engine))
