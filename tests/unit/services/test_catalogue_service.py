"""The coordinator's catalogue: add, rename, reorder, retire, keys, delete only when unused."""

from __future__ import annotations

import uuid
from datetime import date, time

import pytest
from sqlalchemy import Engine, select, text

from sarah.db import read_session
from sarah.errors import InvalidInput
from sarah.models import Service
from sarah.services.catalogue import (
    CATALOGUE_NAMESPACE,
    add_service,
    code_for_label,
    delete_unused_service,
    list_services,
    move_service,
    rename_service,
    retire_service,
    service_is_used,
    service_usage,
    set_shortcut,
)
from sarah.services.contacts import ContactDraft, delete_contact, log_contact, log_contacts
from sarah.services.sites import ensure_site
from sarah.services.visitor_history import visitor_history
from sarah.services.visitors import create_visitor


def _by_code(engine: Engine, code: str):  # type: ignore[no-untyped-def]
    return next(s for s in list_services(engine) if s.code == code)


def _log(engine: Engine, site_id: uuid.UUID, *service_ids: uuid.UUID, visitor=None):  # type: ignore[no-untyped-def]
    return log_contact(
        engine,
        ContactDraft(
            site_id=site_id,
            channel="physique",
            local_date=date(2019, 3, 4),
            local_time=time(10, 0),
            visitor_id=visitor,
            service_ids=service_ids,
        ),
    )


def test_reference_catalogue_ids_follow_the_code_rule(engine: Engine) -> None:
    services = list_services(engine)
    assert len(services) == 20
    assert all(s.id == uuid.uuid5(CATALOGUE_NAMESPACE, s.code) for s in services)


def test_added_service_goes_last_with_a_code_from_its_label_and_a_free_key(engine: Engine) -> None:
    site = ensure_site(engine, "Grésilles")
    added = add_service(engine, "  Atelier   numérique ", site_id=site.id)
    assert added.label == "Atelier numérique"
    assert added.code == "atelier_numerique"
    assert added.position == 21 and not added.retired
    # 'a' belongs to "Actualisation Pôle Emploi": the next free letter of the label is 't'
    assert added.shortcut == "t"
    assert list_services(engine, include_retired=False)[-1].id == added.id
    with read_session(engine) as s:
        row = s.get(Service, added.id)
        clock = s.execute(text("SELECT clock FROM installation")).scalar_one()
        assert row is not None
        # A new version of this installation (its clock's latest value), born at this site.
        assert row.origin_site_id == site.id and 0 < row.revision <= clock


def test_codes_stay_unique_and_do_not_follow_renames(engine: Engine) -> None:
    first = add_service(engine, "Atelier CV")
    rename_service(engine, first.id, "Atelier CV et lettre")
    second = add_service(engine, "Atelier CV")
    assert (first.code, second.code) == ("atelier_cv", "atelier_cv_2")
    assert _by_code(engine, "atelier_cv").label == "Atelier CV et lettre"
    assert code_for_label("!!!", set()) == "service"
    assert len(code_for_label("x" * 300, set())) <= 64


def test_label_rules(engine: Engine) -> None:
    with pytest.raises(InvalidInput, match="vide"):
        add_service(engine, "   ")
    with pytest.raises(InvalidInput, match="déjà « Demander un RDV »"):
        add_service(engine, "DEMANDER un rdv")
    with pytest.raises(InvalidInput, match="ligne du rapport"):
        add_service(engine, "Non renseigné")
    with pytest.raises(InvalidInput, match="trop long"):
        add_service(engine, "x" * 201)
    rdv = _by_code(engine, "demander_rdv")
    with pytest.raises(InvalidInput, match="Participer à un RDV"):
        rename_service(engine, rdv.id, "participer a un rdv")
    retire_service(engine, rdv.id)
    with pytest.raises(InvalidInput, match="retiré : rétablissez-le"):
        add_service(engine, "Demander un RDV")
    assert len(list_services(engine)) == 20


def test_renamed_service_keeps_its_history_under_the_new_label(engine: Engine) -> None:
    site = ensure_site(engine, "Grésilles")
    v = create_visitor(engine, last_name="Martin", first_name="Léo")
    actu = _by_code(engine, "actualisation_pe")
    _log(engine, site.id, actu.id, visitor=v.id)
    renamed = rename_service(engine, actu.id, "Actualisation France Travail", site_id=site.id)
    assert (renamed.id, renamed.code) == (actu.id, "actualisation_pe")
    assert visitor_history(engine, v.id).contacts[0].services == ("Actualisation France Travail",)
    usage = service_usage(engine)
    assert usage[actu.id].uses == 1 and usage[actu.id].last_used == date(2019, 3, 4)
    assert _by_code(engine, "cv_lm").id not in usage


def test_move_up_and_down_renumbers_the_catalogue(engine: Engine) -> None:
    codes = [s.code for s in list_services(engine)]
    move_service(engine, _by_code(engine, "utiliser_espace_emploi").id, -1)
    after = [s.code for s in list_services(engine)]
    assert after[-2:] == ["utiliser_espace_emploi", "service_administratif"]
    move_service(engine, _by_code(engine, "actualisation_pe").id, -5)  # already first
    move_service(engine, _by_code(engine, "cv_lm").id, 100)  # to the end
    after = list_services(engine)
    assert after[0].code == codes[0] and after[-1].code == "cv_lm"
    assert [s.position for s in after] == list(range(1, 21))


def test_retired_service_leaves_the_desk_but_stays_in_the_catalogue(engine: Engine) -> None:
    site = ensure_site(engine, "Grésilles")
    mob = _by_code(engine, "info_mobilite")
    retired = retire_service(engine, mob.id, site_id=site.id)
    assert retired.retired and retired.shortcut == "m"
    assert mob.id not in {s.id for s in list_services(engine, include_retired=False)}
    assert mob.id in {s.id for s in list_services(engine)}
    # its key may now go to a live service; it comes back with another free letter
    atelier = add_service(engine, "Médiation numérique", shortcut="m")
    back = retire_service(engine, mob.id, retired=False)
    assert atelier.shortcut == "m"
    assert not back.retired and back.shortcut not in (None, "m")
    live_keys = [s.shortcut for s in list_services(engine, include_retired=False) if s.shortcut]
    assert len(live_keys) == len(set(live_keys))


def test_shortcut_is_one_letter_unique_among_live_services(engine: Engine) -> None:
    rdv = _by_code(engine, "demander_rdv")
    assert set_shortcut(engine, rdv.id, "Q").shortcut == "q"
    with pytest.raises(InvalidInput, match="déjà celle de « Actualisation Pôle Emploi »"):
        set_shortcut(engine, rdv.id, "a")
    for bad in ("1", "ab", "é", " "):
        if bad.strip():
            with pytest.raises(InvalidInput, match="une seule lettre"):
                set_shortcut(engine, rdv.id, bad)
    assert set_shortcut(engine, rdv.id, "").shortcut is None
    assert _by_code(engine, "demander_rdv").shortcut is None
    retire_service(engine, rdv.id)
    with pytest.raises(InvalidInput, match="retiré"):
        set_shortcut(engine, rdv.id, "q")


def test_a_used_service_is_never_deleted(engine: Engine) -> None:
    site = ensure_site(engine, "Grésilles")
    cv = _by_code(engine, "cv_lm")
    contact = _log(engine, site.id, cv.id)
    delete_contact(engine, contact.id)  # a deleted contact is no use, but it can come back
    assert not service_is_used(engine, cv.id)
    assert cv.id not in service_usage(engine)  # the counts leave deleted contacts out
    with pytest.raises(InvalidInput) as refused:
        delete_unused_service(engine, cv.id)
    assert refused.value.message == (
        "Service gardé : retirez-le plutôt. « Créer ou mettre à jour des outils de prospection "
        "(CV / LM) » n'a été délivré lors d'aucun contact, mais un contact supprimé du journal "
        "le mentionne ; il peut être rétabli avec ses services."
    )
    assert cv.id in {s.id for s in list_services(engine)}


def test_the_refusal_to_delete_gives_the_catalogue_count(engine: Engine) -> None:
    """Contacts deleted from the journal are no uses, in the catalogue and in the refusal."""
    site = ensure_site(engine, "Grésilles")
    actu = _by_code(engine, "actualisation_pe")
    draft = ContactDraft(site.id, "physique", date(2019, 3, 4), time(10, 0), None, (actu.id,))
    contacts = log_contacts(engine, [draft] * 1350)
    for contact in contacts[:2]:
        delete_contact(engine, contact.id)
    assert service_usage(engine)[actu.id].uses == 1348
    assert service_is_used(engine, actu.id)
    with pytest.raises(InvalidInput) as refused:
        delete_unused_service(engine, actu.id)
    assert refused.value.message == (
        "Service déjà utilisé : retirez-le plutôt. « Actualisation Pôle Emploi » a été délivré "
        "lors de 1\u202f348 contacts ; le retirer le cache de l'accueil sans rien effacer de "
        "l'historique."
    )


def test_an_unused_service_can_be_deleted_and_its_name_reused(engine: Engine) -> None:
    typo = add_service(engine, "Atelier numérqiue")
    delete_unused_service(engine, typo.id)
    assert typo.id not in {s.id for s in list_services(engine)}
    with read_session(engine) as s:  # a tombstone, so that other sites learn of it
        assert s.scalar(select(Service.deleted_at).where(Service.id == typo.id)) is not None
    again = add_service(engine, "Atelier numérqiue")
    assert again.code == "atelier_numerqiue_2"
    with pytest.raises(InvalidInput, match="n'existe plus"):
        rename_service(engine, typo.id, "Atelier numérique")


def test_reports_of_past_periods_show_the_current_label_and_order(engine: Engine) -> None:
    from sarah.reports.tables import Period
    from sarah.services.statistics.tables import semester_tables

    site = ensure_site(engine, "Grésilles")
    actu, mob, cv = (_by_code(engine, c) for c in ("actualisation_pe", "info_mobilite", "cv_lm"))
    _log(engine, site.id, actu.id, mob.id)
    rename_service(engine, actu.id, "Actualisation France Travail")
    retire_service(engine, mob.id)
    retire_service(engine, cv.id)  # retired and never delivered in 2019: not listed
    move_service(engine, actu.id, 2)
    atelier = add_service(engine, "Atelier numérique")

    services = semester_tables(engine, Period.semester("2019-S1")).by_site["Grésilles"].services
    by_code = {s.code: s for s in services}
    assert by_code["actualisation_pe"].label == "Actualisation France Travail"
    assert by_code["actualisation_pe"].count == 1
    assert by_code["info_mobilite"].count == 1 and by_code["info_mobilite"].retired
    assert "cv_lm" not in by_code
    assert by_code[atelier.code].count == 0  # a live service is listed even at zero
    codes = [s.code for s in services]
    assert codes[:3] == ["pc_libre_service", "consulter_offres", "actualisation_pe"]
