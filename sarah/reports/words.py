"""French words of the report tables (the reference report's headings)."""

from __future__ import annotations

from sarah.vocabulary import count_text

DEFAULT_YOUNG_AGE_LIMIT = 26

CHANNEL_LABELS = {
    "physique": "Nombre d'entretiens Physiques",
    "telephone": "Nombre d'entretiens Téléphoniques",
}
CONTACTS_TITLE = "CONTACTS"
CONTACTS_TOTAL_LABEL = "NOMBRE TOTAL DES CONTACTS"
SERVICES_TITLE = "SERVICES UTILISES"
SERVICES_TOTAL_LABEL = "NOMBRE TOTAL DES SERVICES DELIVRES"
PERSONS_TITLE = "Nombre de personnes concernées"
NEW_PERSONS_TITLE = "Publics nouvellement accueillis"
PEOPLE_ROW_HEADING = "Point Relais"
AGE_WORDS = {"jeunes": "Jeunes", "adultes": "Adultes", "NR": "Âge non renseigné"}
AGE_GROUP_HEADINGS = {
    "jeunes": "Public jeunes",
    "adultes": "Public adulte",
    "NR": "Âge non renseigné",
}
AGE_TOTAL_WORDS = {
    "jeunes": "Total jeunes",
    "adultes": "Total adultes",
    "NR": "Total âge non renseigné",
}
SEX_WORDS = {"F": "Femmes", "H": "Hommes", "NR": "sexe non renseigné"}
PEOPLE_TOTAL_LABEL = "TOTAL tous publics"

# The comparison of two periods (rows of its table).
COMPARED_CHANNEL_LABELS = {
    "physique": "Entretiens physiques",
    "telephone": "Entretiens téléphoniques",
}
COMPARED_AGE_LABELS = {
    "jeunes": "Public jeune",
    "adultes": "Public adulte",
    "NR": "Âge non renseigné",
}
COMPARED_PEOPLE_TOTAL_LABELS = {
    "persons": "Total des personnes",
    "new_persons": "Total des nouveaux publics",
}


def counted_once_note(gap: int) -> str:
    """Under a people table laid out by site (age bands, neighbourhoods) whose total row is
    ``gap`` smaller than the sum of its sites."""
    return (
        "Une personne venue dans plusieurs Points Relais compte dans chacun, mais une seule "
        f"fois dans la ligne du total ({count_text(gap)} de moins que la somme des sites)."
    )
