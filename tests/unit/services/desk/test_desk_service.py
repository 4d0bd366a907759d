"""The desk's services on a real SQLite database: search, journal, catch-up parsing, gap days."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import Engine, func, select

from sarah.calendar_fr import easter_sunday, french_public_holidays
from sarah.db import read_session
from sarah.errors import InvalidInput
from sarah.models import ClosedDay, Contact
from sarah.services.catalogue import list_services
from sarah.services.contacts import (
    ContactDraft,
    ContactRowsInvalid,
    check_contacts,
    delete_contact,
    log_contact,
    log_contacts,
)
from sarah.services.desk.days import french_day, gap_days, mark_closed_day
from sarah.services.desk.journal import counts_text, day_counts, day_journal
from sarah.services.desk.search import search_visitors, visitor_hit
from sarah.services.desk.sheet import SheetRow, read_sheet_row
from sarah.services.desk.values import (
    format_date_typing,
    parse_birth_date,
    parse_channel,
    parse_service_keys,
    parse_time,
)
from sarah.services.sites import ensure_site
from sarah.services.visitors import create_visitor, merge_visitors

TODAY = date(2025, 3, 14)  # a Friday


@pytest.fixture
def site(engine: Engine):  # type: ignore[no-untyped-def]
    return ensure_site(engine, "Grésilles")


def _log(engine: Engine, site, day: date, at: time = time(10, 0), **kw) -> object:  # type: ignore[no-untyped-def]
    return log_contact(
        engine,
        ContactDraft(
            site_id=site.id,
            channel=kw.pop("channel", "physique"),
            local_date=day,
            local_time=at,
            **kw,
        ),
    )


# --- search ----------------------------------------------------------------------------------------


def test_two_letters_of_last_or_first_name_find_people_without_case_or_accents(
    engine, site
) -> None:
    eloise = create_visitor(
        engine, last_name="Dupré", first_name="Éloïse", birth_date=date(2001, 5, 2)
    )
    create_visitor(engine, last_name="Martin", first_name="Jean")
    assert [h.id for h in search_visitors(engine, "DU", today=TODAY)] == [eloise.id]
    assert [h.id for h in search_visitors(engine, "elo", today=TODAY)] == [eloise.id]
    assert [h.id for h in search_visitors(engine, "éLO", today=TODAY)] == [eloise.id]
    hit = search_visitors(engine, "dupre", today=TODAY)[0]
    assert (hit.age, hit.group, hit.group_label) == (23, "jeunes", "jeune")
    assert hit.display_name == "DUPRÉ Éloïse"


def test_one_letter_finds_nobody_and_words_in_any_order_narrow_the_list(engine, site) -> None:
    a = create_visitor(engine, last_name="Dupont", first_name="Jean")
    create_visitor(engine, last_name="Dupont", first_name="Marie")
    create_visitor(engine, last_name="Jeannot", first_name="Paul")
    assert search_visitors(engine, "d", today=TODAY) == []
    assert [h.id for h in search_visitors(engine, "dup je", today=TODAY)] == [a.id]
    assert [h.id for h in search_visitors(engine, "jean dup", today=TODAY)] == [a.id]


def test_last_name_matches_come_before_first_name_matches(engine, site) -> None:
    by_first = create_visitor(engine, last_name="Abadie", first_name="Marc")
    by_last = create_visitor(engine, last_name="Marchand", first_name="Zoé")
    hits = search_visitors(engine, "marc", today=TODAY)
    assert [h.id for h in hits] == [by_last.id, by_first.id]


def test_compound_last_name_is_found_by_its_second_part(engine, site) -> None:
    v = create_visitor(engine, last_name="Dupont-Martin", first_name="Léa")
    assert [h.id for h in search_visitors(engine, "mart", today=TODAY)] == [v.id]


def test_birth_date_search_and_impossible_date(engine, site) -> None:
    v = create_visitor(engine, last_name="Benali", first_name="Sami", birth_date=date(1990, 3, 5))
    create_visitor(engine, last_name="Benali", first_name="Nora", birth_date=date(1992, 1, 1))
    assert [h.id for h in search_visitors(engine, "05/03/1990", today=TODAY)] == [v.id]
    assert [h.id for h in search_visitors(engine, "05031990", today=TODAY)] == [v.id]
    assert search_visitors(engine, "05/03/19", today=TODAY) == []  # still typing
    with pytest.raises(InvalidInput, match="31/02/1990"):
        search_visitors(engine, "31/02/1990", today=TODAY)


def test_search_shows_last_visit_and_hides_merged_people(engine, site) -> None:
    keep = create_visitor(engine, last_name="Roux", first_name="Ana")
    twin = create_visitor(engine, last_name="Roux", first_name="Anna")
    _log(engine, site, date(2025, 1, 6), visitor_id=keep.id)
    last = _log(engine, site, date(2025, 2, 3), visitor_id=keep.id)
    _log(engine, site, date(2025, 3, 3), visitor_id=keep.id)
    delete_contact(engine, _log(engine, site, date(2025, 3, 10), visitor_id=keep.id).id)  # type: ignore[attr-defined]
    assert last is not None
    hit = search_visitors(engine, "roux an", today=TODAY)[0]
    assert hit.last_visit == date(2025, 3, 3)  # the deleted contact does not count
    merge_visitors(engine, keep.id, twin.id)
    assert [h.id for h in search_visitors(engine, "roux", today=TODAY)] == [keep.id]
    assert visitor_hit(engine, keep.id, today=TODAY).last_visit == date(2025, 3, 3)
    with pytest.raises(InvalidInput):
        visitor_hit(engine, twin.id)


def test_search_text_with_like_wildcards_is_taken_literally(engine, site) -> None:
    create_visitor(engine, last_name="Martin", first_name="Paul")
    assert search_visitors(engine, "m%", today=TODAY) == []
    assert search_visitors(engine, "a_", today=TODAY) == []


# --- typed values ------------------------------------------------------------------------------


def test_birth_dates_typed_fast_are_validated() -> None:
    assert parse_birth_date("05/03/1990", today=TODAY) == date(1990, 3, 5)
    assert parse_birth_date("5/3/1990", today=TODAY) == date(1990, 3, 5)
    assert parse_birth_date("05031990", today=TODAY) == date(1990, 3, 5)
    with pytest.raises(InvalidInput, match="n'existe pas"):
        parse_birth_date("29/02/2001", today=TODAY)
    with pytest.raises(InvalidInput, match="futur"):
        parse_birth_date("01/01/2030", today=TODAY)
    with pytest.raises(InvalidInput, match="incomplète"):
        parse_birth_date("01/01/19", today=TODAY)
    assert format_date_typing("0503") == "05/03"
    assert format_date_typing("05031990") == "05/03/1990"
    assert format_date_typing("05/031") == "05/03/1"


def test_times_channels_and_service_keys_of_a_paper_row() -> None:
    assert parse_time("9h30") == time(9, 30)
    assert parse_time("0930") == time(9, 30)
    assert parse_time("14") == time(14, 0)
    assert parse_time("", time(9, 0)) == time(9, 0)
    with pytest.raises(InvalidInput, match="25:00"):
        parse_time("25:00")
    assert parse_channel("") == "physique"
    assert parse_channel("T") == "telephone"
    assert parse_channel("Téléphone") == "telephone"
    with pytest.raises(InvalidInput, match="X"):
        parse_channel("X")


def test_service_keys_map_to_catalogue_services_in_catalogue_order(engine) -> None:
    services = list_services(engine, include_retired=False)
    chosen = parse_service_keys("ca a", services)
    assert [s.code for s in chosen] == ["actualisation_pe", "cv_lm"]
    assert [s.code for s in parse_service_keys("cv_lm", services)] == ["cv_lm"]
    assert parse_service_keys("", services) == []
    with pytest.raises(InvalidInput, match="z"):
        parse_service_keys("az", services)


def test_a_sheet_row_reports_all_its_mistakes_at_once(engine) -> None:
    services = list_services(engine, include_retired=False)
    row = SheetRow(time_text="25h99", channel_text="z", services_text="aw")
    values = read_sheet_row(row, time(9, 0), services)
    assert values.problems == (
        "Heure impossible : 25:99.",
        "Canal « z » inconnu : P (physique) ou T (téléphone).",
        "Touche de service inconnue : w.",
    )
    # Stand-ins where a cell could not be read, the rest as typed.
    assert (values.local_time, values.channel) == (time(9, 0), "physique")
    assert [s.code for s in values.services] == ["actualisation_pe"]

    not_chosen = read_sheet_row(SheetRow(person_text="zorro", services_text="c"), time(9), services)
    assert len(not_chosen.problems) == 1 and "« zorro » non choisie" in not_chosen.problems[0]
    fine = read_sheet_row(SheetRow(time_text="1015", channel_text="T"), time(9), services)
    assert fine.problems == () and (fine.local_time, fine.channel) == (time(10, 15), "telephone")


# --- journal -------------------------------------------------------------------------------------


def test_day_journal_lists_live_contacts_of_the_site_newest_first(engine, site) -> None:
    other = ensure_site(engine, "Fontaine d'Ouche")
    services = list_services(engine)
    v = create_visitor(engine, last_name="Dupont", first_name="Léa")
    _log(
        engine,
        site,
        TODAY,
        time(9, 5),
        visitor_id=v.id,
        service_ids=[services[3].id, services[0].id],
    )
    _log(engine, site, TODAY, time(11, 40), channel="telephone")
    gone = _log(engine, site, TODAY, time(10, 0))
    delete_contact(engine, gone.id)  # type: ignore[attr-defined]
    _log(engine, other, TODAY, time(10, 30))
    _log(engine, site, TODAY - timedelta(days=1), time(10, 30))
    entries = day_journal(engine, site.id, TODAY)
    assert [e.local_time for e in entries] == [time(11, 40), time(9, 5)]
    assert entries[0].who == "Appel anonyme"
    assert entries[1].who == "DUPONT Léa"
    assert entries[1].service_labels == (services[0].label, services[3].label)
    assert entries[1].late_entry is True  # typed today for a day in the past (TODAY is fixed)
    counts = day_counts(engine, site.id, TODAY)
    assert counts == {"physique": 1, "telephone": 1, "total": 2}
    assert counts_text(counts) == "2 contacts (1 physique, 1 au téléphone)"


# --- batch of a paper sheet ---------------------------------------------------------------------


def test_batch_is_all_or_nothing_and_names_every_bad_row(engine, site) -> None:
    good = ContactDraft(site.id, "physique", date(2025, 3, 3), time(9, 0))
    future = ContactDraft(site.id, "physique", date.today() + timedelta(days=3), time(9, 0))
    bad_channel = ContactDraft(site.id, "fax", date(2025, 3, 3), time(9, 0))
    with pytest.raises(ContactRowsInvalid) as caught:
        log_contacts(engine, [good, future, good, bad_channel])
    assert sorted(caught.value.rows) == [1, 3]
    assert "ligne 2" in str(caught.value) and "ligne 4" in str(caught.value)
    with read_session(engine) as s:
        assert s.scalar(select(func.count()).select_from(Contact)) == 0
    saved = log_contacts(engine, [good, good])
    assert len(saved) == 2
    with read_session(engine) as s:
        rows = s.scalars(select(Contact)).all()
        assert {c.local_date for c in rows} == {date(2025, 3, 3)}
        assert all(c.entered_at.date() == date.today() for c in rows)


# --- gap alert -----------------------------------------------------------------------------------


def test_easter_and_french_public_holidays() -> None:
    assert easter_sunday(2019) == date(2019, 4, 21)
    assert easter_sunday(2024) == date(2024, 3, 31)
    assert easter_sunday(2025) == date(2025, 4, 20)
    h2019 = french_public_holidays(2019)
    assert date(2019, 4, 22) in h2019  # lundi de Pâques
    assert date(2019, 5, 30) in h2019  # Ascension
    assert date(2019, 6, 10) in h2019  # lundi de Pentecôte
    assert len(h2019) == 11


def test_gap_days_are_weekdays_without_contacts_since_the_first_one(engine, site) -> None:
    # Contacts every weekday from 17 Feb 2025 to 13 Mar 2025 except Tue 4 and Wed 5 March.
    day = date(2025, 2, 17)
    while day < TODAY:
        if day.weekday() < 5 and day not in (date(2025, 3, 4), date(2025, 3, 5)):
            _log(engine, site, day)
        day += timedelta(days=1)
    assert gap_days(engine, site.id, today=TODAY) == [date(2025, 3, 4), date(2025, 3, 5)]
    mark_closed_day(engine, site.id, date(2025, 3, 4))
    mark_closed_day(engine, site.id, date(2025, 3, 4))  # twice: still one row
    assert gap_days(engine, site.id, today=TODAY) == [date(2025, 3, 5)]
    with read_session(engine) as s:
        assert s.scalar(select(func.count()).select_from(ClosedDay)) == 1


def test_no_gap_before_the_first_contact_nor_on_holidays_nor_for_another_site(engine, site) -> None:
    assert gap_days(engine, site.id, today=TODAY) == []  # new installation: nothing to say
    other = ensure_site(engine, "Fontaine d'Ouche")
    _log(engine, other, date(2025, 2, 20))
    assert gap_days(engine, site.id, today=TODAY) == []
    # Around Easter 2025: Monday 21 April is a public holiday.
    _log(engine, site, date(2025, 4, 17))
    _log(engine, site, date(2025, 4, 18))
    _log(engine, site, date(2025, 4, 22))
    assert gap_days(engine, site.id, today=date(2025, 4, 23)) == []
    assert gap_days(engine, site.id, today=date(2025, 4, 25)) == [
        date(2025, 4, 23),
        date(2025, 4, 24),
    ]


def test_gap_window_is_thirty_days_and_today_does_not_count(engine, site) -> None:
    _log(engine, site, date(2025, 1, 2))
    gaps = gap_days(engine, site.id, today=TODAY)
    assert gaps[0] >= TODAY - timedelta(days=30)
    assert TODAY not in gaps and all(d.weekday() < 5 for d in gaps)
    assert len(gaps) == 22  # weekdays from Wed 12 Feb to Thu 13 Mar 2025


def test_french_day_names() -> None:
    assert french_day(date(2025, 3, 4)) == "mardi 4 mars"
    assert french_day(date(2025, 8, 15), year=True) == "vendredi 15 août 2025"


def test_entered_at_is_the_typing_moment_for_a_past_contact(engine, site) -> None:
    before = datetime.now().replace(microsecond=0)
    saved = _log(engine, site, date(2025, 3, 4), time(15, 30))
    with read_session(engine) as s:
        c = s.get(Contact, saved.id)  # type: ignore[attr-defined]
        assert c is not None
        assert (c.local_date, c.local_time) == (date(2025, 3, 4), time(15, 30))
        assert c.entered_at >= before


def test_a_bad_row_names_all_its_problems_and_can_be_checked_without_writing(engine, site) -> None:
    gone = create_visitor(engine, last_name="Roux", first_name="Anna", site_id=site.id)
    keep = create_visitor(engine, last_name="Roux", first_name="Ana", site_id=site.id)
    merge_visitors(engine, keep.id, gone.id)
    good = ContactDraft(site.id, "physique", date(2025, 3, 3), time(9, 0), keep.id)
    bad = ContactDraft(site.id, "fax", date.today() + timedelta(days=3), time(9, 0), gone.id)
    expected = [
        "Canal « fax » inconnu : physique ou téléphone.",
        f"Date du contact dans le futur : {bad.local_date:%d/%m/%Y}. Vérifiez la date.",
        "La personne choisie n'existe plus (fiche fusionnée ou supprimée) : cherchez-la à nouveau.",
    ]
    assert check_contacts(engine, [good, bad]) == {1: expected}
    with pytest.raises(ContactRowsInvalid) as caught:
        log_contacts(engine, [good, bad])
    assert caught.value.rows == {1: " ".join(expected)}
    with pytest.raises(InvalidInput) as one:
        log_contact(engine, bad)
    assert one.value.message == " ".join(expected)
    with read_session(engine) as s:
        assert s.scalar(select(func.count()).select_from(Contact)) == 0
