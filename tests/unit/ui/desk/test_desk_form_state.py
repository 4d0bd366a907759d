"""The contact form's rules without a window (no Qt): what may be saved, why not, what is recorded."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time

from sarah.errors import InvalidInput
from sarah.services.desk.journal import JournalEntry
from sarah.services.desk.search import VisitorHit
from sarah.ui.desk.form_state import (
    FormState,
    SaveOutcome,
    can_create_visitor,
    contact_moment,
    day_of_ages,
    edit_banner_text,
    enter_from_search,
    search_hint,
)

SITE = uuid.uuid4()
SERVICE = uuid.uuid4()
NOW = (date(2026, 3, 2), time(10, 30))


def marie() -> VisitorHit:
    return VisitorHit(
        id=uuid.uuid4(),
        last_name="Dupont",
        first_name="Marie",
        sex="F",
        birth_date=date(1980, 5, 4),
        age=45,
        group="adultes",
        last_visit=None,
    )


def journal_entry(visitor_id: uuid.UUID | None) -> JournalEntry:
    return JournalEntry(
        id=uuid.uuid4(),
        local_date=date(2026, 2, 27),
        local_time=time(9, 15),
        entered_at=datetime(2026, 2, 27, 9, 16),
        channel="telephone",
        visitor_id=visitor_id,
        visitor_name=None,
        service_ids=(SERVICE,),
        service_labels=("Message",),
        agent="Karine",
    )


def test_an_empty_form_never_saves() -> None:
    reason = FormState().why_not(anonymous=False, typed="", checked=[])
    assert reason is not None and reason.startswith("Rien à enregistrer")


def test_services_without_a_person_point_to_f9_instead_of_saving_anonymously() -> None:
    reason = FormState().why_not(anonymous=False, typed="", checked=[SERVICE])
    assert reason is not None and "F9" in reason


def test_a_typed_name_without_a_chosen_person_is_refused_both_ways() -> None:
    state = FormState()
    assert "Choisissez d'abord la personne" in (
        state.why_not(anonymous=False, typed="dup", checked=[SERVICE]) or ""
    )
    assert "Un nom est tapé (« dup »)" in (
        state.why_not(anonymous=True, typed=" dup ", checked=[SERVICE]) or ""
    )


def test_f9_only_for_an_anonymous_call() -> None:
    state = FormState(visitor=marie())
    assert state.why_not(anonymous=False, typed="", checked=[SERVICE]) is None
    reason = state.why_not(anonymous=True, typed="", checked=[SERVICE])
    assert reason is not None and reason.startswith("DUPONT Marie est choisi(e)")
    assert FormState().why_not(anonymous=True, typed="", checked=[SERVICE]) is None


def test_f9_refused_while_editing_and_an_anonymous_entry_stays_editable() -> None:
    state = FormState(editing=journal_entry(None))
    assert "modification en cours" in (state.why_not(anonymous=True, typed="", checked=[]) or "")
    assert state.why_not(anonymous=False, typed="", checked=[]) is None


def test_the_same_save_twice_is_refused_until_something_changes() -> None:
    state = FormState(visitor=marie())
    state.saved("Dupont Marie, Physique, 1 service (10:30)")
    reason = state.why_not(anonymous=False, typed="", checked=[SERVICE])
    assert reason is not None
    assert reason.startswith("Déjà enregistré : Dupont Marie, Physique, 1 service (10:30).")
    assert state.why_not(anonymous=True, typed="", checked=[SERVICE]) == reason
    state.touched()
    assert state.why_not(anonymous=True, typed="", checked=[SERVICE]) is None


def test_a_read_only_database_refuses_every_save() -> None:
    reason = FormState(visitor=marie()).why_not(
        anonymous=False, typed="", checked=[SERVICE], read_only=True
    )
    assert reason is not None and reason.startswith("Base en lecture seule")


def test_escape_gives_up_the_edit_or_empties_the_form() -> None:
    state = FormState()
    state.load(journal_entry(uuid.uuid4()))
    assert state.channel == "telephone"
    assert state.escape() is True
    assert state.editing is None and state.channel == "physique"
    state.visitor = marie()
    state.toggle_channel()
    assert state.escape() is False
    assert state.visitor is None and state.channel == "physique"


def test_the_draft_of_an_anonymous_call_and_of_an_edit() -> None:
    state = FormState(visitor=marie())
    call = state.draft(anonymous=True, site_id=SITE, agent="Karine", now=NOW, checked=[SERVICE])
    assert (call.channel, call.visitor_id, call.local_date, call.local_time) == (
        "telephone",
        None,
        date(2026, 3, 2),
        time(10, 30),
    )
    assert state.summary(call, dated=False) == "appel anonyme, Téléphone, 1 service (10:30)"
    state.editing = journal_entry(state.visitor.id if state.visitor else None)
    edit = state.draft(anonymous=False, site_id=SITE, agent="Karine", now=NOW, checked=[])
    assert (edit.channel, edit.local_date, edit.local_time) == (
        "physique",
        date(2026, 2, 27),
        time(9, 15),
    )
    assert state.summary(edit, dated=False) == (
        "DUPONT Marie, Physique, aucun service (27/02/2026 09:15)"
    )


def test_search_hint_and_new_person() -> None:
    assert search_hint("", 0) == ""
    assert search_hint("d", 0) == "Encore une lettre…"
    assert search_hint("du", 1).startswith("1 personne trouvée — ")
    assert search_hint("daillo", 0, 1) == (
        "Aucun nom exact ; 1 nom proche (≈) : vérifiez, ↓ puis Entrée pour choisir ; "
        "Entrée seule ou Ctrl+N : nouvelle personne."
    )
    assert search_hint("dialo", 0, 2) == (
        "Aucun nom exact ; 2 noms proches (≈) : vérifiez, ↓ puis Entrée pour choisir ; "
        "Entrée seule ou Ctrl+N : nouvelle personne."
    )
    assert search_hint("du", 40).startswith("40 personnes trouvées (ou plus")
    assert search_hint("12/03", 0) == "Date de naissance : tapez JJ/MM/AAAA."
    assert not can_create_visitor("du", 1)
    assert not can_create_visitor("d", 0)
    assert can_create_visitor("zz", 0)
    assert can_create_visitor("12/03/1990", 0)
    assert not can_create_visitor("12/03", 0)


def test_enter_in_the_search_picks_creates_or_goes_on_to_the_services() -> None:
    assert enter_from_search("dup", 3, chosen=False) == "pick"
    assert enter_from_search("zz", 0, chosen=False) == "new visitor"
    assert enter_from_search("12/03/1990", 0, chosen=False) == "new visitor"
    assert enter_from_search("", 0, chosen=False) == "services"  # an anonymous call
    assert enter_from_search(" ", 0, chosen=True) == "services"
    assert enter_from_search("d", 0, chosen=False) is None  # one letter: nothing yet
    assert enter_from_search("d", 0, chosen=True) == "services"


def test_the_moment_saved_and_the_day_ages_are_counted_on() -> None:
    def earlier() -> tuple[date, time]:
        return NOW

    def future() -> tuple[date, time]:
        raise InvalidInput("Le 03/03/2026 est dans le futur : choisissez un jour passé.")

    assert contact_moment(earlier) == NOW
    day, at = contact_moment(None)
    assert day == date.today() and at.microsecond == 0
    assert day_of_ages(earlier) == date(2026, 3, 2)
    assert day_of_ages(None) is None  # today
    assert day_of_ages(future) is None  # refused when saving, ages as of today meanwhile


def test_typing_a_name_replaces_the_chosen_person() -> None:
    state = FormState(visitor=marie())
    assert state.typed_over("  ") is False and state.visitor is not None
    assert state.typed_over("mar") is True and state.visitor is None
    assert state.typed_over("mar") is False


def test_an_edit_is_saved_over_its_contact_but_f9_always_makes_a_new_one() -> None:
    entry = journal_entry(None)
    state = FormState()
    state.load(entry)
    assert state.edit_target(anonymous=False) is entry
    assert state.edit_target(anonymous=True) is None
    assert edit_banner_text(entry).startswith(
        "<b>Modification</b> du contact du 27/02/2026 à 09:15"
    )


def test_what_the_status_line_says_after_a_save() -> None:
    summary = "appel anonyme, Téléphone, 1 service (10:30)"
    assert SaveOutcome(SERVICE, summary, edited=False).status_text == f"✔ Enregistré : {summary}"
    assert SaveOutcome(SERVICE, summary, edited=True).status_text == f"✔ Modifié : {summary}"
