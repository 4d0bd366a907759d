"""Reference targets: the two Points Relais, the figures of the reference semester, the
stretches of time the data set covers and the populations that visit them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

SEED = 20190630
SITE_NAMES = ("Fontaine d'Ouche", "Grésilles")


AGE_GROUPS = ("jeunes", "adultes")
SEXES = ("F", "H")

REFERENCE_START = date(2019, 1, 1)
REFERENCE_END = date(2019, 6, 30)
OUTAGE_DAY = date(2019, 11, 8)  # last day the old program recorded anything
SICK_LEAVE_START = date(2019, 10, 17)  # the Grésilles agent's sick leave, no replacement
SICK_LEAVE_SITE = 1


@dataclass(frozen=True)
class SiteTargets:
    """What the reference semester shows for one site (services by catalogue code)."""

    contacts: dict[str, int]
    services: dict[str, int]
    persons: dict[tuple[str, str], int]  # (age group, sex) -> people
    new_persons: dict[tuple[str, str], int]


# The 2019 activity report, first semester (../docs/statistiques.md and the reference fixture).
REFERENCE: tuple[SiteTargets, SiteTargets] = (
    SiteTargets(
        contacts={"physique": 2170, "telephone": 959},
        services={
            "actualisation_pe": 68,
            "pc_libre_service": 380,
            "consulter_offres": 2,
            "cv_lm": 222,
            "creer_espace_emploi": 2,
            "info_emploi": 40,
            "info_formation": 21,
            "info_mobilite": 12,
            "demander_rdv": 341,
            "inscription_recrutement_exterieur": 0,
            "message_conseiller": 929,
            "orienter_conseiller_structure": 7,
            "orienter_partenaire_emploi": 20,
            "orienter_partenaire_social": 1,
            "participer_rdv": 973,
            "recrutement_point_relais": 0,
            "preinscription_pe": 3,
            "rechercher_offres": 32,
            "service_administratif": 830,
            "utiliser_espace_emploi": 42,
        },
        persons={("jeunes", "F"): 232, ("jeunes", "H"): 258, ("adultes", "F"): 299,
                 ("adultes", "H"): 241},
        new_persons={("jeunes", "F"): 72, ("jeunes", "H"): 96, ("adultes", "F"): 96,
                     ("adultes", "H"): 89},
    ),
    SiteTargets(
        contacts={"physique": 2393, "telephone": 415},
        services={
            "actualisation_pe": 184,
            "pc_libre_service": 354,
            "consulter_offres": 15,
            "cv_lm": 125,
            "creer_espace_emploi": 2,
            "info_emploi": 2,
            "info_formation": 0,
            "info_mobilite": 8,
            "demander_rdv": 159,
            "inscription_recrutement_exterieur": 0,
            "message_conseiller": 446,
            "orienter_conseiller_structure": 8,
            "orienter_partenaire_emploi": 23,
            "orienter_partenaire_social": 14,
            "participer_rdv": 872,
            "recrutement_point_relais": 1,
            "preinscription_pe": 15,
            "rechercher_offres": 5,
            "service_administratif": 1565,
            "utiliser_espace_emploi": 98,
        },
        persons={("jeunes", "F"): 178, ("jeunes", "H"): 163, ("adultes", "F"): 249,
                 ("adultes", "H"): 208},
        new_persons={("jeunes", "F"): 31, ("jeunes", "H"): 41, ("adultes", "F"): 31,
                     ("adultes", "H"): 37},
    ),
)  # fmt: skip

SERVICE_CODES: tuple[str, ...] = tuple(REFERENCE[0].services)


@dataclass(frozen=True)
class Stretch:
    """A stretch of time generated in one go (a semester, or what was recorded of it)."""

    name: str
    start: date
    end: date


STRETCHES: tuple[Stretch, ...] = (
    Stretch("2017-S1", date(2017, 1, 1), date(2017, 6, 30)),
    Stretch("2017-S2", date(2017, 7, 1), date(2017, 12, 31)),
    Stretch("2018-S1", date(2018, 1, 1), date(2018, 6, 30)),
    Stretch("2018-S2", date(2018, 7, 1), date(2018, 12, 31)),
    Stretch("2019-S1", REFERENCE_START, REFERENCE_END),
    Stretch("2019-S2", date(2019, 7, 1), OUTAGE_DAY),
)
REF = 4  # index of the reference semester in STRETCHES
AFTER = 5  # the second semester 2019, up to the outage

# People seen only in 2017-2018, and people new in the second semester 2019, per site.
# New people per semester at each site, as in the reference semester (353 and 140).
ARRIVALS = (353, 140)
# Of the people who first came in 2017-S2, 2018-S1 and 2018-S2, the share still coming in 2019-S1.
STILL_COMING = (0.35, 0.45, 0.55)
# People known before 2017 who are not seen after 2018, per site.
OLD_TIMERS = (700, 350)
# Chance that someone seen in a semester comes back in a later one (Grésilles: a more settled
# public, fewer newcomers).
STAY = (0.45, 0.65)
NEW_IN_AFTER = (240, 110)  # 2019-S2 up to the outage: four months and a week
# Contacts per person and semester, as in the reference semester (3129/1030, 2808/798).
CONTACTS_PER_PERSON = (3129 / 1030, 2808 / 798)
