"""The contact form's rules without a window (no Qt): what may be saved, why not, what is recorded."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time

from sarah.services.desk.journal import JournalEntry
from sarah.services.desk.search import VisitorHit
from sarah.ui.desk.form_state import FormState, can_create_visitor, search_hint

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
    assert search_hint("du", 40).startswith("40 personnes trouvées (ou plus")
    assert search_hint("12/03", 0) == "Date de naissance : tapez JJ/MM/AAAA."
    assert not can_create_visitor("du", 1)
    assert not can_create_visitor("d", 0)
    assert can_create_visitor("zz", 0)
    assert can_create_visitor("12/03/1990", 0)
    assert not can_create_visitor("12/03", 0)
