"""The sentences of the activity report's section: the seed's words, comparisons chosen by the
figures, for one, two or five sites, anonymous contacts, shared people, and no contact at all.

Expected sentences are typed here by hand from the figures of each case."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sarah.reports.phrasing import place
from sarah.reports.sentences import Paragraph, report_paragraphs
from sarah.reports.tables import PeopleCounts, Period, Report, ServiceCount, SiteTables

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "reference-2019-S1.json"
SERVICES = ("Participer à un RDV", "Demander un RDV", "Service administratif (tel, copie)")


def plain(text: str) -> str:
    """The text with its no-break spaces (thousands, before '%', inside « ») as spaces."""
    return text.replace("\u202f", " ").replace("\u00a0", " ")


def texts(report: Report) -> dict[str, list[str]]:
    return {p.table: [plain(s) for s in p.sentences] for p in report_paragraphs(report)}


def people(jf: int = 0, jh: int = 0, af: int = 0, ah: int = 0, unknown: int = 0) -> PeopleCounts:
    counts = PeopleCounts()
    counts.cells["jeunes"].update(F=jf, H=jh)
    counts.cells["adultes"].update(F=af, H=ah)
    counts.cells["NR"]["NR"] = unknown
    return counts


def tables(
    physique: int,
    telephone: int,
    services: tuple[int, ...] = (0, 0, 0),
    persons: PeopleCounts | None = None,
    new: PeopleCounts | None = None,
    anonymous: int = 0,
    not_given: int = 0,
) -> SiteTables:
    return SiteTables(
        contacts={"physique": physique, "telephone": telephone},
        services=[
            ServiceCount(label, label, n) for label, n in zip(SERVICES, services, strict=True)
        ],
        not_given_services=not_given,
        persons=persons or PeopleCounts(),
        new_persons=new or PeopleCounts(),
        anonymous_contacts=anonymous,
    )


def report(by_site: dict[str, SiteTables], total: SiteTables) -> Report:
    return Report(Period.semester("2019-S1"), list(by_site), by_site, total)


@pytest.fixture
def reference() -> Report:
    return Report.from_json(json.loads(FIXTURE.read_text(encoding="utf-8")))


def test_the_reference_semester_in_the_seeds_words(reference: Report) -> None:
    assert texts(reference) == {
        "contacts": [
            "On dénombre 5 937 contacts dont 3 129 à la Fontaine d'Ouche et 2 808 aux Grésilles.",
            "Les entretiens téléphoniques sont plus nombreux à la Fontaine d'Ouche tandis que "
            "les entretiens physiques sont plus nombreux aux Grésilles.",
        ],
        "services": [
            "Les 5 937 contacts ont donné lieu à la délivrance de 7 821 services, dont 3 925 à "
            "la Fontaine d'Ouche et 3 896 aux Grésilles.",
            "Les nombres de services délivrés sont comparables d'un site à l'autre (à 5 % près).",
            "Les services les plus délivrés sont « Service administratif (tel, copie) » (2 395), "
            "« Participer à un RDV » (1 845) et « Message pour conseiller absent ou transfert "
            "d'appel vers un conseiller » (1 375).",
            "En tête des services délivrés viennent « Participer à un RDV » à la Fontaine "
            "d'Ouche (973) et « Service administratif (tel, copie) » aux Grésilles (1 565).",
        ],
        "persons": [
            "Les 5 937 contacts sont le fait de 1 828 personnes différentes : 1 030 à la "
            "Fontaine d'Ouche et 798 aux Grésilles.",
            "Les jeunes (moins de 26 ans) représentent 45 % des personnes concernées et les "
            "adultes 55 %.",
        ],
        "new_persons": [
            "493 personnes sont venues pour la première fois : 353 à la Fontaine d'Ouche et 140 "
            "aux Grésilles.",
            "Le nombre de personnes nouvelles est bien plus important à la Fontaine d'Ouche "
            "(72 % du total) qu'aux Grésilles (28 % du total).",
        ],
    }


def test_numbers_and_percentages_never_break_across_lines(reference: Report) -> None:
    first = report_paragraphs(reference)[0].sentences[0]
    assert first.startswith("On dénombre 5\u202f937 contacts dont 3\u202f129 à la")
    last = report_paragraphs(reference)[-1].sentences[-1]
    assert "(72\u00a0% du total)" in last


def test_two_sites_reversed_and_even_within_the_margin() -> None:
    # Physical visits: 1 000 against 1 040, 3.8 % apart: comparable. Phone: more at B.
    # Services 400 / 420 (4.8 %): comparable, the margin already stated. New: 60 / 40.
    a = tables(1000, 500, (300, 100, 0), people(af=200), people(af=40))
    b = tables(1040, 800, (100, 20, 300), people(af=250), people(af=60))
    total = tables(2040, 1300, (400, 120, 300), people(af=450), people(af=100))
    written = texts(report({"Chenôve": a, "Grésilles": b}, total))
    assert written["contacts"][1] == (
        "Les entretiens téléphoniques sont plus nombreux aux Grésilles tandis que les nombres "
        "d'entretiens physiques sont comparables d'un site à l'autre (à 5 % près)."
    )
    assert written["services"][1] == (
        "Les nombres de services délivrés sont comparables d'un site à l'autre."
    )
    assert written["services"][3] == (
        "En tête des services délivrés viennent « Participer à un RDV » au Point Relais "
        "Chenôve (300) et « Service administratif (tel, copie) » aux Grésilles (300)."
    )
    assert written["new_persons"][1] == (
        "Le nombre de personnes nouvelles est plus important aux Grésilles (60 % du total) "
        "qu'au Point Relais Chenôve (40 % du total)."
    )


def test_two_sites_the_seeds_sentence_turned_round() -> None:
    a = tables(900, 100, (50, 0, 0), people(jf=10), people(jf=5))
    b = tables(100, 900, (10, 0, 0), people(jf=10), people(jf=5))
    total = tables(1000, 1000, (60, 0, 0), people(jf=20), people(jf=10))
    written = texts(report({"Fontaine d'Ouche": a, "Grésilles": b}, total))
    assert written["contacts"][1] == (
        "Les entretiens physiques sont plus nombreux à la Fontaine d'Ouche tandis que les "
        "entretiens téléphoniques sont plus nombreux aux Grésilles."
    )
    assert written["services"][1:3] == [
        "Les services délivrés sont plus nombreux à la Fontaine d'Ouche qu'aux Grésilles.",
        "Le seul service délivré est « Participer à un RDV » (60).",
    ]
    assert written["services"][3] == (
        "« Participer à un RDV » vient en tête des services délivrés dans chaque site."
    )
    assert written["new_persons"][1] == (
        "Les nombres de personnes nouvelles sont comparables d'un site à l'autre (à 5 % près) : "
        "50 % du total à la Fontaine d'Ouche et 50 % du total aux Grésilles."
    )


@pytest.mark.parametrize(
    ("other", "expected"),
    [
        (950, "Les nombres d'entretiens physiques sont comparables d'un site à l'autre"),
        (949, "Les entretiens physiques sont plus nombreux à la Fontaine d'Ouche qu'aux"),
    ],
)
def test_comparable_means_at_most_five_percent_of_the_larger(other: int, expected: str) -> None:
    a, b = tables(1000, 0), tables(other, 0)
    written = texts(report({"Fontaine d'Ouche": a, "Grésilles": b}, tables(1000 + other, 0)))
    assert written["contacts"][1] == "Aucun entretien téléphonique n'a été enregistré."
    assert written["contacts"][2].startswith(expected)


def test_both_channels_more_at_one_site() -> None:
    a, b = tables(300, 200), tables(100, 50)
    written = texts(report({"Fontaine d'Ouche": a, "Grésilles": b}, tables(400, 250)))
    assert written["contacts"][1] == (
        "Les entretiens physiques comme les entretiens téléphoniques sont plus nombreux à la "
        "Fontaine d'Ouche."
    )


def test_five_sites_are_ranked_and_ties_named_together() -> None:
    sites = {
        "Chenôve": tables(500, 100, (10, 0, 0), people(ah=50), people(ah=40)),
        "Les Lentillères": tables(300, 102, (0, 5, 0), people(ah=30), people(ah=20)),
        "Le Mail": tables(300, 98, (0, 0, 7), people(ah=30), people(ah=20)),
        "Fontaine d'Ouche": tables(100, 100, (2, 2, 0), people(ah=10), people(ah=10)),
        "Grésilles": tables(50, 101, (1, 0, 0), people(ah=10), people(ah=10)),
    }
    total = tables(1250, 501, (13, 7, 7), people(ah=130), people(ah=100))
    written = texts(report(sites, total))
    assert written["contacts"] == [
        "On dénombre 1 751 contacts dont 600 au Point Relais Chenôve, 402 aux Lentillères, "
        "398 au Mail, 200 à la Fontaine d'Ouche et 151 aux Grésilles.",
        "Les entretiens physiques sont les plus nombreux au Point Relais Chenôve (500), puis "
        "aux Lentillères et au Mail (300 chacun), à la Fontaine d'Ouche (100), enfin aux "
        "Grésilles (50).",
        "Les nombres d'entretiens téléphoniques sont comparables d'un site à l'autre (à 5 % près).",
    ]
    assert written["services"][2] == (
        "Les services les plus délivrés sont « Participer à un RDV » (13), « Demander un "
        "RDV » (7) et « Service administratif (tel, copie) » (7)."
    )
    assert written["services"][3] == (
        "En tête des services délivrés viennent « Participer à un RDV » au Point Relais "
        "Chenôve (10), « Demander un RDV » aux Lentillères (5), « Service administratif (tel, "
        "copie) » au Mail (7), « Participer à un RDV » et « Demander un RDV » à la Fontaine "
        "d'Ouche (2 chacun) et « Participer à un RDV » aux Grésilles (1)."
    )
    assert written["new_persons"][1] == (
        "Les personnes nouvelles sont les plus nombreuses au Point Relais Chenôve (40 % du "
        "total), puis aux Lentillères et au Mail (20 % du total chacun), enfin à la Fontaine "
        "d'Ouche et aux Grésilles (10 % du total chacun)."
    )


def test_one_site_has_no_comparison() -> None:
    site = tables(100, 20, (50, 10, 0), people(jf=3, af=5, unknown=2), people(jf=1))
    total = tables(100, 20, (50, 10, 0), people(jf=3, af=5, unknown=2), people(jf=1))
    written = texts(report({"Fontaine d'Ouche": site}, total))
    assert written == {
        "contacts": [
            "On dénombre 120 contacts à la Fontaine d'Ouche, dont 100 entretiens physiques et "
            "20 entretiens téléphoniques."
        ],
        "services": [
            "Les 120 contacts ont donné lieu à la délivrance de 60 services.",
            "Les services les plus délivrés sont « Participer à un RDV » (50) et « Demander un "
            "RDV » (10).",
        ],
        "persons": [
            "Les 120 contacts sont le fait de 10 personnes différentes.",
            "Les jeunes (moins de 26 ans) représentent 30 % des personnes concernées, les "
            "adultes 50 % et les personnes d'âge non renseigné 20 %.",
        ],
        "new_persons": ["1 personne est venue pour la première fois."],
    }


def test_no_contact_at_all_says_so_and_divides_nothing() -> None:
    empty = report({"Fontaine d'Ouche": tables(0, 0), "Grésilles": tables(0, 0)}, tables(0, 0))
    assert report_paragraphs(empty) == [
        Paragraph("contacts", ("Aucun contact n'a été enregistré pendant la période.",))
    ]


def test_anonymous_contacts_shared_people_and_contacts_without_service() -> None:
    a = tables(40, 10, (30, 0, 0), people(af=20), people(af=8), anonymous=4, not_given=3)
    b = tables(30, 0, (20, 0, 0), people(af=15), people(af=6), anonymous=1)
    total = tables(70, 10, (50, 0, 0), people(af=30), people(af=12), anonymous=5, not_given=3)
    written = texts(report({"Fontaine d'Ouche": a, "Grésilles": b}, total))
    assert written["services"][:2] == [
        "Les 80 contacts ont donné lieu à la délivrance de 50 services, dont 30 à la Fontaine "
        "d'Ouche et 20 aux Grésilles.",
        "3 contacts n'ont enregistré aucun service : ils figurent sur la ligne « Non "
        "renseigné » et dans le total du tableau.",
    ]
    assert written["persons"][:3] == [
        "Les 75 contacts nominatifs sont le fait de 30 personnes différentes : 20 à la "
        "Fontaine d'Ouche et 15 aux Grésilles.",
        "5 contacts anonymes (personne non identifiée) comptent dans les contacts et les "
        "services mais pas dans les personnes : 4 à la Fontaine d'Ouche et 1 aux Grésilles.",
        "Des personnes sont venues dans plusieurs Points Relais : chacune compte dans chaque "
        "site où elle est venue mais une seule fois dans le total, inférieur de 5 à la somme "
        "des sites (35).",
    ]
    assert written["new_persons"][1] == (
        "Une personne nouvelle dans un site ne l'est pas forcément pour l'ensemble des Points "
        "Relais (elle a pu venir avant dans un autre site, ou dans deux sites pour la première "
        "fois) : le total est inférieur de 2 à la somme des sites (14)."
    )


def test_only_anonymous_contacts() -> None:
    site = tables(0, 3, anonymous=3)
    written = texts(report({"Grésilles": site}, tables(0, 3, anonymous=3)))
    assert written["persons"] == [
        "Aucune personne n'a été identifiée : les 3 contacts sont anonymes."
    ]
    assert written["services"] == ["Les 3 contacts n'ont donné lieu à aucun service."]
    assert written["new_persons"] == [
        "Aucune personne n'est venue pour la première fois pendant la période."
    ]


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("Fontaine d'Ouche", "à la Fontaine d'Ouche"),
        ("Fontaine d\u2019Ouche", "à la Fontaine d'Ouche"),
        ("grésilles", "aux Grésilles"),
        ("Les Lentillères", "aux Lentillères"),
        ("Le Mail", "au Mail"),
        ("La Source", "à la Source"),
        ("L'Écluse", "à l'Écluse"),
        ("Point Relais Talant", "au Point Relais Talant"),
        ("Chenôve", "au Point Relais Chenôve"),
        ("=1+1", "au Point Relais =1+1"),
    ],
)
def test_site_names_take_a_grammatical_preposition(name: str, words: str) -> None:
    assert place(name) == words


def test_the_margin_is_stated_once_per_section(reference: Report) -> None:
    whole = " ".join(p.text for p in report_paragraphs(reference))
    assert plain(whole).count("(à 5 % près)") == 1
