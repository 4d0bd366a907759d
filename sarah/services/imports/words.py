"""The words of an import file: column names and their aliases, channel, sex and service-mark
words, compared after :func:`norm`, and the limits of the values."""

from __future__ import annotations

import re
from datetime import date

from sarah.services.text import fold

MAX_NAME = 120  # Visitor.last_name / first_name, Site.name, Contact.agent
MAX_VISITOR_ID = 100
OLDEST_CONTACT = date(1990, 1, 1)
OLDEST_BIRTH = date(1900, 1, 1)

# Column names users write, for each field (compared after norm()).
FIELD_ALIASES: dict[str, tuple[str, ...]] = {
    "date": ("date", "date du contact", "date contact", "date de contact"),
    "heure": ("heure", "heure du contact", "heure contact", "heure de contact"),
    "site": ("site", "point relais", "nom du site"),
    "canal": ("canal", "type de contact", "type contact"),
    "nom": ("nom", "nom de famille"),
    "prenom": ("prenom",),
    "sexe": ("sexe", "genre"),
    "date_naissance": ("date naissance", "date de naissance", "naissance", "ne le", "nee le"),
    "visiteur": ("visiteur", "id visiteur", "identifiant", "identifiant visiteur", "n visiteur"),
    "services": ("services", "service", "services delivres", "services rendus"),
    "agent": ("agent", "agent d'accueil", "saisi par"),
}
REQUIRED = ("date", "site", "canal")

CHANNEL_WORDS = {
    "physique": 0,
    "p": 0,
    "visite": 0,
    "presentiel": 0,
    "surplace": 0,
    "entretienphysique": 0,
    "telephone": 1,
    "telephonique": 1,
    "t": 1,
    "tel": 1,
    "appel": 1,
    "entretientelephonique": 1,
}
SEX_WORDS = {
    "f": "F",
    "femme": "F",
    "feminin": "F",
    "mme": "F",
    "madame": "F",
    "mlle": "F",
    "h": "H",
    "homme": "H",
    "m": "H",
    "masculin": "H",
    "monsieur": "H",
    "mr": "H",
    "": "",
    "nr": "",
    "nonrenseigne": "",
    "inconnu": "",
    "?": "",
}
MARK_YES = frozenset({"x", "1", "oui", "vrai", "true"})
MARK_NO = frozenset({"", "0", "non", "faux", "false"})

_NORM_DROP = re.compile(r"[\s_\-'’‘`.]+")


def norm(text: object) -> str:
    """Compare column names and labels: 'Date_de naissance' == 'date de naissance' == 'DATEDENAISSANCE'."""
    return _NORM_DROP.sub("", fold(str(text))) if text is not None else ""


FIELD_BY_NORM = {norm(a): f for f, aliases in FIELD_ALIASES.items() for a in aliases}
