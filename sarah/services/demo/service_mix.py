"""The service mix: which services each contact delivers, by channel, and the family of a
contact (what kind of visit it was)."""

from __future__ import annotations

import random
from collections.abc import Sequence

PHONE_SHARE = {
    "message_conseiller": 0.85,
    "demander_rdv": 0.7,
    "info_emploi": 0.5,
    "info_formation": 0.5,
    "info_mobilite": 0.4,
    "orienter_conseiller_structure": 0.3,
    "orienter_partenaire_emploi": 0.2,
    "orienter_partenaire_social": 0.2,
    "inscription_recrutement_exterieur": 0.3,
}

# Share of a service's deliveries that come on top of another service in the same contact.
EXTRA_SHARE = {
    "telephone": {
        "demander_rdv": 0.6,
        "info_emploi": 0.3,
        "info_formation": 0.3,
        "info_mobilite": 0.3,
        "orienter_conseiller_structure": 0.8,
        "orienter_partenaire_emploi": 0.8,
        "orienter_partenaire_social": 0.8,
        "inscription_recrutement_exterieur": 0.5,
    },
    "physique": {
        "service_administratif": 0.45,
        "utiliser_espace_emploi": 0.6,
        "pc_libre_service": 0.25,
        "demander_rdv": 0.5,
        "orienter_conseiller_structure": 0.8,
        "orienter_partenaire_emploi": 0.8,
        "orienter_partenaire_social": 0.8,
        "rechercher_offres": 0.5,
        "consulter_offres": 0.6,
        "creer_espace_emploi": 0.7,
        "info_emploi": 0.3,
        "info_formation": 0.3,
        "info_mobilite": 0.3,
        "message_conseiller": 0.2,
        "cv_lm": 0.2,
        "actualisation_pe": 0.1,
        "inscription_recrutement_exterieur": 0.5,
    },
}

# When a service comes on top of another, the main services it usually goes with.
_INFO = ("info_emploi", "info_formation", "info_mobilite")
HOSTS = {
    "service_administratif": (
        "participer_rdv", "actualisation_pe", "preinscription_pe", "pc_libre_service", "cv_lm",
        "utiliser_espace_emploi",
    ),
    "utiliser_espace_emploi": (
        "actualisation_pe", "creer_espace_emploi", "preinscription_pe", "rechercher_offres",
    ),
    "pc_libre_service": ("cv_lm", "rechercher_offres", "consulter_offres", "service_administratif"),
    "demander_rdv": ("message_conseiller", "participer_rdv", *_INFO),
    "orienter_conseiller_structure": (*_INFO, "participer_rdv", "message_conseiller"),
    "orienter_partenaire_emploi": (*_INFO, "participer_rdv", "service_administratif"),
    "orienter_partenaire_social": (*_INFO, "service_administratif", "participer_rdv"),
    "rechercher_offres": ("pc_libre_service", "cv_lm", "utiliser_espace_emploi"),
    "consulter_offres": ("pc_libre_service", "cv_lm", "utiliser_espace_emploi"),
    "creer_espace_emploi": ("preinscription_pe", "actualisation_pe"),
    "info_emploi": ("demander_rdv", "message_conseiller", "participer_rdv"),
    "info_formation": ("demander_rdv", "message_conseiller", "participer_rdv"),
    "info_mobilite": ("demander_rdv", "message_conseiller", "participer_rdv"),
    "message_conseiller": ("demander_rdv", "participer_rdv", "service_administratif"),
    "cv_lm": ("pc_libre_service", "rechercher_offres"),
    "actualisation_pe": ("utiliser_espace_emploi", "pc_libre_service", "service_administratif"),
    "inscription_recrutement_exterieur": ("info_emploi", "rechercher_offres", "consulter_offres"),
}  # fmt: skip

# Families of contacts, by main service: a person mostly comes for one kind of thing.
FAMILY = {
    "participer_rdv": "rdv",
    "pc_libre_service": "numerique",
    "cv_lm": "numerique",
    "rechercher_offres": "numerique",
    "consulter_offres": "numerique",
    "actualisation_pe": "pole_emploi",
    "creer_espace_emploi": "pole_emploi",
    "utiliser_espace_emploi": "pole_emploi",
    "preinscription_pe": "pole_emploi",
    "service_administratif": "administratif",
}


def split_channels(services: dict[str, int], contacts: dict[str, int]) -> dict[str, dict[str, int]]:
    """How many deliveries of each service were made by phone and in person.

    Every contact needs at least one service, and a service counts at most once per contact, so
    each channel gets at least as many deliveries as contacts, and at most one per contact for
    each service.
    """
    n_t, n_p = contacts["telephone"], contacts["physique"]
    phone = {k: min(round(v * PHONE_SHARE.get(k, 0.0)), n_t) for k, v in services.items()}
    phys = {k: services[k] - phone[k] for k in services}
    for k in services:
        if phys[k] > n_p:
            raise ValueError(f"{k}: {services[k]} deliveries cannot fit {n_t}+{n_p} contacts")
    by_share = sorted(PHONE_SHARE, key=lambda k: -PHONE_SHARE[k])
    while sum(phone.values()) < n_t:
        movable = [k for k in by_share if k in phys and phys[k] > 0 and phone[k] < n_t]
        if not movable:
            raise ValueError("not enough services that can be delivered by phone")
        phone[movable[0]] += 1
        phys[movable[0]] -= 1
    while sum(phys.values()) < n_p:
        movable = [k for k in reversed(by_share) if phone.get(k, 0) > 0 and phys[k] < n_p]
        if not movable or sum(phone.values()) <= n_t:
            raise ValueError("not enough services for the contacts in person")
        phone[movable[0]] -= 1
        phys[movable[0]] += 1
    return {"telephone": phone, "physique": phys}


def make_services(
    rng: random.Random, counts: dict[str, int], n: int, channel: str
) -> list[list[str]]:
    """``n`` contacts of one channel whose services add up exactly to ``counts``.

    Each contact gets one main service; the remaining deliveries come on top of a main service
    they usually go with (see HOSTS), never twice in one contact.
    """
    total = sum(counts.values())
    if total < n or any(v > n for v in counts.values()):
        raise ValueError(f"{total} deliveries cannot fill {n} contacts")
    shares = EXTRA_SHARE[channel]
    extra = {k: min(v, round(v * shares.get(k, 0.0))) for k, v in counts.items()}
    wanted = total - n
    while sum(extra.values()) > wanted:
        k = max(extra, key=lambda c: (extra[c], c))
        extra[k] -= 1
    while sum(extra.values()) < wanted:
        k = max(
            (c for c in counts if counts[c] > extra[c]),
            key=lambda c: ((counts[c] - extra[c]) * (shares.get(c, 0.0) + 0.05), c),
        )
        extra[k] += 1

    kinds: list[list[str]] = [[k] for k in counts for _ in range(counts[k] - extra[k])]
    rng.shuffle(kinds)
    by_main: dict[str, list[int]] = {}
    for i, kind in enumerate(kinds):
        by_main.setdefault(kind[0], []).append(i)
    for k in sorted(extra, key=lambda c: (-extra[c], c)):
        if not extra[k]:
            continue
        hosts = HOSTS.get(k, ())
        preferred = [i for h in hosts for i in by_main.get(h, ()) if k not in kinds[i]]
        chosen_pref = set(preferred)
        others = [i for i in range(n) if i not in chosen_pref and k not in kinds[i]]
        rng.shuffle(preferred)
        rng.shuffle(others)
        # Contacts with a single service first, so that nobody gets five services in one visit;
        # among them, mostly the usual companions of the service.
        single_pref = [i for i in preferred if len(kinds[i]) == 1]
        single_others = [i for i in others if len(kinds[i]) == 1]
        n_pref = min(len(single_pref), round(extra[k] * 0.85))
        picked = single_pref[:n_pref] + single_others[: extra[k] - n_pref]
        rest = single_pref[n_pref:] + sorted(
            (i for i in preferred + others if len(kinds[i]) > 1), key=lambda i: len(kinds[i])
        )
        picked += rest[: extra[k] - len(picked)]
        for i in picked:
            kinds[i].append(k)
    return kinds


def family(channel: str, services: Sequence[str]) -> str:
    if channel == "telephone":
        return "appel"
    if not services:
        return "accueil"
    return FAMILY.get(services[0], "accueil")
