"""A closed period's figures as published, and what moved since (plain data, no database).

A coordinator closes a period once its tables are published (docs/guide-statistiques.md). The
figures then stay as published; later entries (a late paper sheet, a site's sync package, a
merge) change today's figures only, and these classes say by how much and which contacts.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sarah.reports.tables import Period, Report
from sarah.vocabulary import count_of, count_text


@dataclass(frozen=True)
class Publication:
    """One closing: the period, the sites closed, the figures as they were, who and when."""

    id: uuid.UUID
    period: Period
    sites: list[str]  # names at closing, display order
    site_ids: list[uuid.UUID]
    published_at: datetime
    published_by: str
    report: Report
    months: dict[str, Any]  # MonthBreakdown.to_json() as published
    reopened_at: datetime | None = None
    reopened_by: str | None = None

    @property
    def closed(self) -> bool:
        return self.reopened_at is None

    @property
    def contacts_total(self) -> int:
        return self.report.total.contacts_total

    def contacts_of(self, site_ids: list[uuid.UUID]) -> int:
        """Contacts published at some of the closed sites (contacts add up across sites; sites
        are known by id, so a site renamed since still finds its figures)."""
        names = dict(zip(self.site_ids, self.sites, strict=True))
        return sum(self.report.by_site[names[i]].contacts_total for i in site_ids if i in names)

    def covers(self, site_ids: list[uuid.UUID]) -> bool:
        """Whether the selection is exactly the sites closed (then every published total,
        distinct people included, applies to it)."""
        return sorted(site_ids) == sorted(self.site_ids)

    def to_json(self) -> dict[str, Any]:
        """The ``published`` key of the report's JSON (interfaces.md)."""
        return {
            "at": self.published_at.isoformat(),
            "by": self.published_by,
            "total": self.report.total.to_json(),
        }


@dataclass(frozen=True)
class ChangedContact:
    """A contact added, changed or deleted since publication (what the drill-down lists)."""

    id: uuid.UUID
    kind: str  # "added", "changed", "deleted"
    site: str
    day: date
    channel: str


CHANGE_WORDS = {"added": "ajouté", "changed": "modifié", "deleted": "supprimé"}


@dataclass(frozen=True)
class ChangesSincePublished:
    publication: Publication
    site_ids: list[uuid.UUID]  # the selection compared (closed sites among them)
    contacts_now: int
    contacts: list[ChangedContact] = field(default_factory=list)

    def count(self, kind: str) -> int:
        return sum(1 for c in self.contacts if c.kind == kind)

    @property
    def contacts_published(self) -> int:
        return self.publication.contacts_of(self.site_ids)

    @property
    def difference(self) -> int:
        return self.contacts_now - self.contacts_published

    @property
    def unchanged(self) -> bool:
        return not self.contacts

    def to_json(self) -> dict[str, int]:
        """The ``changes_since_published`` key (interfaces.md)."""
        return {kind: self.count(kind) for kind in CHANGE_WORDS}

    def banner(self) -> str:
        """'Publié le 15/07/2019 : 5 937 contacts — aujourd'hui : 5 941 (+4)'."""
        p = self.publication
        published = count_text(self.contacts_published)
        text = f"Publié le {p.published_at:%d/%m/%Y} : {published} contacts"
        if self.unchanged:
            return text + " — inchangé depuis"
        sign = "+" if self.difference > 0 else ("−" if self.difference < 0 else "±")
        return (
            f"{text} — aujourd'hui : {count_text(self.contacts_now)} "
            f"({sign}{count_text(abs(self.difference))})"
        )

    def summary(self) -> str:
        """'3 contacts ajoutés, 1 contact modifié, 0 contact supprimé depuis la publication'"""
        parts = [
            count_of(self.count(kind), f"contact {word}", f"contacts {word}s")
            for kind, word in CHANGE_WORDS.items()
        ]
        return ", ".join(parts) + " depuis la publication"


def published_figures_text(publication: Publication) -> str:
    """What an export of the published figures says about them."""
    p = publication
    return (
        f"tels que publiés le {p.published_at:%d/%m/%Y à %H:%M} par {p.published_by} "
        "(période clôturée), sans les saisies arrivées depuis"
    )


def current_figures_text(changes: ChangesSincePublished) -> str:
    """What an export of today's figures of a closed period says about them."""
    if changes.unchanged:
        return f"d'aujourd'hui, égaux aux chiffres publiés ({changes.banner()})"
    return (
        f"d'aujourd'hui, différents des chiffres publiés ({changes.banner()} ; {changes.summary()})"
    )
