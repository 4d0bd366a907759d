"""SQLAlchemy models. No Qt here."""

from sarah.models.base import Base, Travelling, new_id
from sarah.models.catalogue import Service
from sarah.models.contacts import Contact, contact_services
from sarah.models.neighbourhoods import Neighbourhood
from sarah.models.sites import ClosedDay, Site
from sarah.models.statistics import StatDay, StatDayService, StatFirst, StatPerson, StatVisit
from sarah.models.visitors import SEXES, Visitor, VisitorMerge

__all__ = [
    "Base",
    "Travelling",
    "new_id",
    "Service",
    "Contact",
    "contact_services",
    "Neighbourhood",
    "Site",
    "ClosedDay",
    "StatDay",
    "StatDayService",
    "StatFirst",
    "StatPerson",
    "StatVisit",
    "SEXES",
    "Visitor",
    "VisitorMerge",
]
