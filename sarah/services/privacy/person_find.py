"""Finding the one person a right-of-access or erasure request is about: by id (a record merged
into another opens the surviving one) or by the desk's search, which must find exactly one.
Several are listed with what tells them apart (id, birth date, sites) so that ``--id`` can name
the right one. An erased person is found by neither: nothing left designates them."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from sarah.db import read_session
from sarah.errors import InvalidInput
from sarah.models import Contact, Site, Visitor
from sarah.services.desk.search import search_visitors
from sarah.services.visitors import display_name


class PersonNotFound(InvalidInput):
    """No record, or an erased, deleted or ambiguous one: nothing to export."""


def is_erased(v: Visitor) -> bool:
    """The identity was erased (retention purge or on request; migration 0006)."""
    return v.erased_at is not None


ERASED = (
    "L'identité de cette personne a été effacée : SARAH ne détient plus rien qui la désigne "
    "(seuls restent, sans nom ni date de naissance, les chiffres des tableaux). "
    "Il n'y a rien à exporter."
)


ALREADY_ERASED = "L'identité de cette personne a déjà été effacée : il n'y a plus rien à effacer."


def resolve_person(s: Session, visitor_id: uuid.UUID, *, erased: str = ERASED) -> Visitor:
    """The live record for ``visitor_id``, following merges to the surviving record."""
    v = s.get(Visitor, visitor_id)
    seen: set[uuid.UUID] = set()
    while v is not None and v.merged_into_id is not None and v.id not in seen:
        seen.add(v.id)
        v = s.get(Visitor, v.merged_into_id)
    if v is None:
        raise PersonNotFound(f"Aucune personne n'a l'identifiant {visitor_id}.")
    if is_erased(v):
        raise PersonNotFound(erased)
    if v.deleted_at is not None:
        raise PersonNotFound(f"La fiche {visitor_id} a été supprimée.")
    return v


def person_summary(engine: Engine, visitor_id: uuid.UUID) -> str:
    """« DUPONT Léa, née le 03/04/1990 » for the question before an erasure; PersonNotFound
    when there is no such person, the identity is already erased, or the record was merged
    into another (the erasure is asked of the record that absorbed it)."""
    with read_session(engine) as s:
        v = s.get(Visitor, visitor_id)
        if v is not None and v.merged_into_id is not None and not is_erased(v):
            raise PersonNotFound(
                "Cette fiche a été fusionnée dans une autre : effacez la fiche qui l'a absorbée "
                f"({v.merged_into_id}), ce qui efface aussi celle-ci."
            )
        v = resolve_person(s, visitor_id, erased=ALREADY_ERASED)
        return f"{display_name(v.last_name, v.first_name)}, {born_words(v.sex, v.birth_date)}"


def parse_person_id(text: str) -> uuid.UUID:
    try:
        return uuid.UUID(text.strip())
    except ValueError:
        raise InvalidInput(
            f"Identifiant « {text[:40]} » impossible : il a la forme "
            "1b4e28ba-2fa1-11d2-883f-0016d3cca427 (voir « sarah privacy person export "
            "--search NOM »)."
        ) from None


def born_words(sex: str | None, born: date | None) -> str:
    """« née le 03/04/1990 », « né le … », or that the birth date is not given."""
    if born is None:
        return "date de naissance non renseignée"
    return f"{'née' if sex == 'F' else 'né'} le {born:%d/%m/%Y}"


def find_person(engine: Engine, text: str) -> uuid.UUID:
    """The one person the desk's search finds for ``text`` (letters of the names, or a birth
    date). None found, or several: PersonNotFound, the several listed with what tells them
    apart (id, birth date, sites) so that ``--id`` can name the right one."""
    hits = search_visitors(engine, text)
    if not hits:
        raise PersonNotFound(
            f"Personne ne correspond à « {text[:40]} » (au moins deux lettres du nom ou du "
            "prénom, ou la date de naissance JJ/MM/AAAA)."
        )
    if len(hits) == 1:
        return hits[0].id
    sites = _sites_of(engine, [h.id for h in hits])
    lines = [
        " — ".join(
            [
                str(h.id),
                h.display_name,
                born_words(h.sex, h.birth_date),
                ", ".join(sites.get(h.id, [])) or "aucun contact",
            ]
        )
        for h in hits
    ]
    raise PersonNotFound(
        f"{len(hits)} personnes correspondent à « {text[:40]} » : choisissez-la avec --id.",
        lines,
    )


def _sites_of(engine: Engine, ids: list[uuid.UUID]) -> dict[uuid.UUID, list[str]]:
    """The sites each record came from or was seen at: first the site of origin."""
    out: dict[uuid.UUID, list[str]] = {i: [] for i in ids}
    with read_session(engine) as s:
        names = dict(s.execute(select(Site.id, Site.name)).all())
        for record_id, origin in s.execute(
            select(Visitor.id, Visitor.origin_site_id).where(Visitor.id.in_(ids))
        ):
            if origin in names:
                out[record_id].append(names[origin])
        for seen_id, site_id in s.execute(
            select(Contact.visitor_id, Contact.site_id)
            .where(Contact.visitor_id.in_(ids), Contact.deleted_at.is_(None))
            .distinct()
        ):
            if seen_id is not None and names.get(site_id) and names[site_id] not in out[seen_id]:
                out[seen_id].append(names[site_id])
    return out
