"""Helpers shared by the import tests: write small CSV / XLSX files, read back what was stored."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from datetime import date, time
from pathlib import Path

from sqlalchemy import Engine, func, select

from sarah.db import read_session
from sarah.models import Contact, Service, Site, Visitor, contact_services

HEADER = ["date", "heure", "site", "canal", "nom", "prenom", "sexe", "date_naissance", "services"]

ACTU = "Actualisation Pôle Emploi"
OFFRES = "Consulter des Offres"
RDV = "Demander un RDV"
ADMIN = "Service administratif (tel, copie)"


def write_csv(
    path: Path,
    rows: Sequence[Sequence[object]],
    *,
    header: Sequence[str] = HEADER,
    delimiter: str = ";",
    encoding: str = "utf-8",
) -> Path:
    with open(path, "w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def write_xlsx(
    path: Path,
    rows: Sequence[Sequence[object]],
    *,
    header: Sequence[str] = HEADER,
    title: str | None = None,
    notice_sheet: bool = False,
) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    if notice_sheet:
        ws.title = "Notice"
        ws.append(["Contacts re-saisis après la panne, à importer dans SARAH"])
        ws = wb.create_sheet("Contacts")
    if title:
        ws.append([title])
    ws.append(list(header))
    for row in rows:
        ws.append(list(row))
    wb.save(path)
    return path


def counts(engine: Engine) -> dict[str, int]:
    with read_session(engine) as s:
        return {
            "contacts": s.scalar(select(func.count()).select_from(Contact)) or 0,
            "visitors": s.scalar(select(func.count()).select_from(Visitor)) or 0,
            "sites": s.scalar(select(func.count()).select_from(Site)) or 0,
            "links": s.scalar(select(func.count()).select_from(contact_services)) or 0,
        }


def stored_contacts(engine: Engine) -> list[tuple[object, ...]]:
    """(date, time, site, channel, last name, first name, sex, birth date, service labels), sorted."""
    with read_session(engine) as s:
        labels = {r.id: r.label for r in s.execute(select(Service.id, Service.label))}
        links: dict[object, list[str]] = {}
        for cid, sid in s.execute(
            select(contact_services.c.contact_id, contact_services.c.service_id)
        ):
            links.setdefault(cid, []).append(labels[sid])
        rows = s.execute(
            select(Contact, Site.name, Visitor)
            .join(Site, Site.id == Contact.site_id)
            .outerjoin(Visitor, Visitor.id == Contact.visitor_id)
        ).all()
        out = []
        for contact, site, visitor in rows:
            out.append(
                (
                    contact.local_date,
                    contact.local_time,
                    site,
                    contact.channel,
                    visitor.last_name if visitor else None,
                    visitor.first_name if visitor else None,
                    visitor.sex if visitor else None,
                    visitor.birth_date if visitor else None,
                    tuple(sorted(links.get(contact.id, []))),
                )
            )
        return sorted(out, key=repr)


def visitors(engine: Engine) -> list[tuple[str, str, str | None, date | None]]:
    with read_session(engine) as s:
        rows = s.execute(
            select(Visitor.last_name, Visitor.first_name, Visitor.sex, Visitor.birth_date)
        )
        return sorted((tuple(r) for r in rows), key=repr)


SAMPLE_ROWS = [
    [
        "02/01/2019",
        "09:30",
        "Grésilles",
        "physique",
        "Dupont",
        "Léa",
        "F",
        "15/03/1993",
        f"{ACTU}|{OFFRES}",
    ],
    ["2019-01-03", "", "Grésilles", "T", "DUPONT", "lea", "", "1993-03-15", ""],
    ["03/01/2019", "10:00", "Fontaine d'Ouche", "tel", "Martin", "Paul", "H", "", RDV],
    [
        "04/01/2019",
        "14:05",
        "Fontaine d'Ouche",
        "visite",
        "Nguyen",
        "Linh",
        "femme",
        "01/12/2001",
        ADMIN,
    ],
]

SAMPLE_EXPECTED = [
    # One person (names and birth date compared folded); the latest row's spelling is kept.
    (
        date(2019, 1, 2),
        time(9, 30),
        "Grésilles",
        "physique",
        "DUPONT",
        "lea",
        "F",
        date(1993, 3, 15),
        (ACTU, OFFRES),
    ),
    (
        date(2019, 1, 3),
        time(0, 0),
        "Grésilles",
        "telephone",
        "DUPONT",
        "lea",
        "F",
        date(1993, 3, 15),
        (),
    ),
    (
        date(2019, 1, 3),
        time(10, 0),
        "Fontaine d'Ouche",
        "telephone",
        "Martin",
        "Paul",
        "H",
        None,
        (RDV,),
    ),
    (
        date(2019, 1, 4),
        time(14, 5),
        "Fontaine d'Ouche",
        "physique",
        "Nguyen",
        "Linh",
        "F",
        date(2001, 12, 1),
        (ADMIN,),
    ),
]
