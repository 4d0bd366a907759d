"""What this installation knows of its network (`sarah sync status`, the Réseau view).

For each site: how many live contacts this installation holds of it, the date of the newest,
and when its desk was last heard from (the newest package received from the installation that
sends under the site's name). The old tool lost five months without anyone noticing: a site
silent for more than ``SILENT_DAYS`` is pointed out.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Engine, func, select

from sarah import schema
from sarah.db import read_connection
from sarah.services.sync.keys import installed_key
from sarah.vocabulary import count_of

SILENT_DAYS = 14


@dataclass(frozen=True)
class PeerStatus:
    """Another installation this one received a package from."""

    name: str
    exported_at: datetime
    received_at: datetime
    sites: list[str]


@dataclass(frozen=True)
class SiteStatus:
    name: str
    contacts: int
    last_contact: date | None
    heard_at: datetime | None  # when its desk wrote the newest package received here
    here: bool  # this installation is the site's desk

    def silent_days(self, today: date) -> int | None:
        if self.here or self.heard_at is None:
            return None
        return (today - self.heard_at.date()).days


@dataclass(frozen=True)
class NetworkStatus:
    installation_id: str
    key_id: str | None
    home: str | None
    sites: list[SiteStatus]
    peers: list[PeerStatus]

    def silent_sites(self, today: date, days: int = SILENT_DAYS) -> list[SiteStatus]:
        """Sites of the network not heard from for more than ``days`` (or never, once other
        sites have been): the calm warning of the Réseau view."""
        heard = any(s.heard_at for s in self.sites)
        return [
            s
            for s in self.sites
            if not s.here and ((s.heard_at is None and heard) or (s.silent_days(today) or 0) > days)
        ]


def _peers(engine: Engine) -> list[PeerStatus]:
    t = schema.sync_peers
    with read_connection(engine) as conn:
        rows = conn.execute(
            select(t.c.name, t.c.exported_at, t.c.received_at, t.c.manifest).order_by(t.c.name)
        ).all()
    peers = []
    for name, exported_at, received_at, manifest in rows:
        try:
            sites = [str(s["name"]) for s in json.loads(manifest).get("sites", [])]
        except (ValueError, TypeError, KeyError, AttributeError):
            sites = []
        peers.append(PeerStatus(name, exported_at, received_at, sites))
    return peers


def network_status(engine: Engine, home: str | None) -> NetworkStatus:
    """The sites this installation holds, with what it knows of each (``home``: this
    installation's own site, from its settings; None for a coordination installation)."""
    s, c = schema.sites, schema.contacts
    live = c.c.deleted_at.is_(None)
    with read_connection(engine) as conn:
        me = str(conn.execute(select(schema.installation.c.id)).scalar_one())
        rows = conn.execute(
            select(s.c.name, func.count(c.c.id), func.max(c.c.local_date))
            .select_from(s.outerjoin(c, (c.c.site_id == s.c.id) & live))
            .where(s.c.deleted_at.is_(None))
            .group_by(s.c.id, s.c.name)
            .order_by(s.c.position, s.c.name)
        ).all()
    peers = _peers(engine)
    heard: dict[str, datetime] = {}
    for peer in peers:
        if peer.name not in heard or peer.exported_at > heard[peer.name]:
            heard[peer.name] = peer.exported_at
    key = installed_key(engine)
    return NetworkStatus(
        installation_id=me,
        key_id=key.id if key else None,
        home=home,
        sites=[
            SiteStatus(name, int(n), last, heard.get(name), name == home) for name, n, last in rows
        ],
        peers=peers,
    )


def status_json(status: NetworkStatus, today: date) -> dict[str, object]:
    return {
        "installation": status.installation_id,
        "key_id": status.key_id,
        "home_site": status.home,
        "sites": [
            {
                "name": s.name,
                "contacts": s.contacts,
                "last_contact": s.last_contact.isoformat() if s.last_contact else None,
                "heard_at": s.heard_at.isoformat(timespec="seconds") if s.heard_at else None,
                "here": s.here,
                "silent_days": s.silent_days(today),
            }
            for s in status.sites
        ],
        "installations": [
            {
                "name": p.name,
                "exported_at": p.exported_at.isoformat(timespec="seconds"),
                "received_at": p.received_at.isoformat(timespec="seconds"),
                "sites": p.sites,
            }
            for p in status.peers
        ],
        "silent_sites": [s.name for s in status.silent_sites(today)],
    }


def status_lines(status: NetworkStatus, today: date) -> list[str]:
    lines = [
        f"Réseau : {status.key_id}" if status.key_id else "Aucune clé de réseau installée ici."
    ]
    for site in status.sites:
        last = f", dernier le {site.last_contact:%d/%m/%Y}" if site.last_contact else ""
        if site.here:
            heard = "ce poste"
        elif site.heard_at is None:
            heard = "aucun paquet reçu de son poste"
        else:
            days = site.silent_days(today) or 0
            ago = "aujourd'hui" if days == 0 else f"il y a {count_of(days, 'jour')}"
            heard = f"dernier paquet écrit le {site.heard_at:%d/%m/%Y} ({ago})"
        lines.append(f"- {site.name} : {count_of(site.contacts, 'contact')}{last} ; {heard}.")
    for site in status.silent_sites(today):
        since = (
            "jamais rien reçu de son poste"
            if site.heard_at is None
            else f"rien reçu de son poste depuis plus de {SILENT_DAYS} jours"
        )
        lines.append(
            f"Attention, {site.name} : {since}. Vérifiez que ce poste exporte bien ses paquets "
            "(dossier d'échange ou clé USB)."
        )
    return lines
