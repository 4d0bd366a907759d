"""The sentences of the activity report's section, written from the numbers of a Report.

Under each table of the 2019 report the coordinator wrote what the figures say ("On dénombre
5 937 contacts dont 3 129 à la Fontaine d'Ouche et 2 808 aux Grésilles."). Typed by hand, such
a sentence goes wrong as soon as a figure changes; here every figure is the report's and every
comparison is chosen by the data, in the seed's phrasing, for any number of sites (the rules
for naming and comparing sites are in sarah.reports.phrasing). One site: no comparison. No
contact at all: one sentence saying so, nothing divided. Anonymous contacts and people seen at
several sites are said under table 3, when there are any.

Counts are written with sarah.vocabulary.count_text (narrow no-break space), percentages with
sarah.reports.tables.percent_text, so the text shows the tables' own figures. Plain text, no
IO: sarah.exports.docx_report lays the paragraphs out under their tables.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sarah.reports.phrasing import (
    Margin,
    Measure,
    and_list,
    capitalized,
    comparable,
    compare_sites,
    percent,
    place,
    quoted,
)
from sarah.reports.tables import Report, ServiceCount, SiteTables, share
from sarah.vocabulary import CHANNELS, NOT_GIVEN, count_of, count_text

# "bien plus important" (the seed's words for 72 % against 28 %) from twice the other on.
MUCH_LARGER = 2
TOP_SERVICES = 3  # services named in "les services les plus délivrés" (and those tied)

CHANNEL_MEASURES = {
    "physique": Measure("les entretiens physiques", "d'entretiens physiques"),
    "telephone": Measure("les entretiens téléphoniques", "d'entretiens téléphoniques"),
}
CHANNEL_NOUNS = {
    "physique": ("entretien physique", "entretiens physiques"),
    "telephone": ("entretien téléphonique", "entretiens téléphoniques"),
}
SERVICES_MEASURE = Measure("les services délivrés", "de services délivrés")
NEW_PERSONS_MEASURE = Measure("les personnes nouvelles", "de personnes nouvelles", True)
AGE_PHRASES = {"adultes": "les adultes", "NR": "les personnes d'âge non renseigné"}


@dataclass(frozen=True)
class Paragraph:
    """The sentences written under one table (``table``: the key of its grid)."""

    table: str
    sentences: tuple[str, ...]

    @property
    def text(self) -> str:
        return " ".join(self.sentences)


def _per_site(report: Report, count: Callable[[SiteTables], int]) -> list[tuple[str, int]]:
    return [(site, count(report.by_site[site])) for site in report.sites]


def _channel(report: Report, channel: str) -> list[tuple[str, int]]:
    return [(site, report.by_site[site].contacts[channel]) for site in report.sites]


def _detail(values: Sequence[tuple[str, int]]) -> str:
    """'3 129 à la Fontaine d'Ouche et 2 808 aux Grésilles'."""
    return and_list([f"{count_text(n)} {place(site)}" for site, n in values])


def _detail_after(report: Report, count: Callable[[SiteTables], int], words: str) -> str:
    """``words`` + the per-site detail when there are several sites, else nothing."""
    return words + _detail(_per_site(report, count)) if len(report.sites) > 1 else ""


# --- table 1: contacts -----------------------------------------------------------------------


def _leader(values: Sequence[tuple[str, int]]) -> str | None:
    """The site with the larger count; None when the two are comparable."""
    if comparable([n for _s, n in values]):
        return None
    return max(values, key=lambda v: v[1])[0]


def _channels_of_two_sites(report: Report, margin: Margin) -> str:
    """The seed's 'Les entretiens téléphoniques sont plus nombreux à A tandis que les
    entretiens physiques sont plus nombreux à B'."""
    channels = [c for c in CHANNELS if report.total.contacts[c]]
    if len(channels) == 1:
        return compare_sites(CHANNEL_MEASURES[channels[0]], _channel(report, channels[0]), margin)
    leaders = {c: _leader(_channel(report, c)) for c in channels}
    if leaders["physique"] is None and leaders["telephone"] is None:
        return (
            "Les nombres d'entretiens physiques et téléphoniques sont comparables d'un site à "
            f"l'autre{margin.note()}."
        )
    if leaders["physique"] == leaders["telephone"]:
        return (
            "Les entretiens physiques comme les entretiens téléphoniques sont plus nombreux "
            f"{place(leaders['physique'] or '')}."
        )
    # As in the seed, the channel led by the first site comes first; then the other channel,
    # led by the other site or even between the two.
    first, second = sorted(
        channels, key=lambda c: (leaders[c] is None, leaders[c] != report.sites[0])
    )
    led_by, then_by = leaders[first] or "", leaders[second]
    then = CHANNEL_MEASURES[second]
    clause = f"{then.subject} sont plus nombreux {place(then_by)}" if then_by else then.even(margin)
    return (
        f"{capitalized(CHANNEL_MEASURES[first].subject)} sont plus nombreux {place(led_by)} "
        f"tandis que {clause}."
    )


def _contacts(report: Report, margin: Margin) -> list[str]:
    total = report.total
    if total.contacts_total == 0:
        return ["Aucun contact n'a été enregistré pendant la période."]
    contacts = count_of(total.contacts_total, "contact")
    if len(report.sites) == 1:
        channels = and_list([count_of(total.contacts[c], *CHANNEL_NOUNS[c]) for c in CHANNELS])
        return [f"On dénombre {contacts} {place(report.sites[0])}, dont {channels}."]
    out = [f"On dénombre {contacts}{_detail_after(report, lambda t: t.contacts_total, ' dont ')}."]
    out += [
        f"Aucun {CHANNEL_NOUNS[c][0]} n'a été enregistré."
        for c in CHANNELS
        if not total.contacts[c]
    ]
    if len(report.sites) == 2:
        return [*out, _channels_of_two_sites(report, margin)]
    return out + [
        compare_sites(CHANNEL_MEASURES[c], _channel(report, c), margin)
        for c in CHANNELS
        if total.contacts[c]
    ]


# --- table 2: services -----------------------------------------------------------------------


def _most_delivered(services: Sequence[ServiceCount]) -> list[ServiceCount]:
    """The TOP_SERVICES most delivered services, and those tied with the last of them."""
    ranked = sorted((s for s in services if s.count), key=lambda s: -s.count)
    if len(ranked) <= TOP_SERVICES:
        return ranked
    return [s for s in ranked if s.count >= ranked[TOP_SERVICES - 1].count]


def _top_services(total: SiteTables) -> str:
    top = _most_delivered(total.services)
    if len(top) == 1 and len([s for s in total.services if s.count]) == 1:
        return f"Le seul service délivré est {quoted(top[0].label)} ({count_text(top[0].count)})."
    listed = and_list([f"{quoted(s.label)} ({count_text(s.count)})" for s in top])
    return f"Les services les plus délivrés sont {listed}."


def _top_by_site(report: Report) -> str:
    """'En tête des services délivrés viennent « A » à X (9) et « B » et « C » à Y (7 chacun)':
    what makes each site's mix, ties named together."""
    tops: list[tuple[str, list[str], int]] = []
    for site in report.sites:
        services = report.by_site[site].services
        best = max((s.count for s in services), default=0)
        if best:
            tops.append((site, [s.label for s in services if s.count == best], best))
    labels = {tuple(top[1]) for top in tops}
    if len(tops) == len(report.sites) and len(labels) == 1 and len(tops[0][1]) == 1:
        return f"{quoted(tops[0][1][0])} vient en tête des services délivrés dans chaque site."
    parts = [
        f"{and_list([quoted(label) for label in labels])} {place(site)} "
        f"({count_text(n)}{' chacun' if len(labels) > 1 else ''})"
        for site, labels, n in tops
    ]
    return f"En tête des services délivrés viennent {and_list(parts)}."


def _delivered_sentence(report: Report) -> str:
    """'Les 5 937 contacts ont donné lieu à la délivrance de 7 821 services, dont …'."""
    contacts = report.total.contacts_total
    delivered = report.total.services_delivered
    subject = "Le contact" if contacts == 1 else f"Les {count_text(contacts)} contacts"
    verb = "a" if contacts == 1 else "ont"
    if delivered == 0:
        return f"{subject} n'{verb} donné lieu à aucun service."
    per_site = _detail_after(report, lambda t: t.services_delivered, ", dont ")
    return (
        f"{subject} {verb} donné lieu à la délivrance de {count_of(delivered, 'service')}"
        f"{per_site}."
    )


def _services(report: Report, margin: Margin) -> list[str]:
    total = report.total
    if total.contacts_total == 0:
        return []
    out = [_delivered_sentence(report)]
    missing = total.not_given_services
    if missing:  # the table's total row counts them: say why it is larger than the sentence's
        one = missing == 1
        out.append(
            f"{count_of(missing, 'contact')} n'{'a' if one else 'ont'} enregistré aucun "
            f"service : {'il figure' if one else 'ils figurent'} sur la ligne "
            f"{quoted(NOT_GIVEN)} et dans le total du tableau."
        )
    if total.services_delivered == 0:
        return out
    if len(report.sites) > 1:
        delivered = _per_site(report, lambda t: t.services_delivered)
        out.append(compare_sites(SERVICES_MEASURE, delivered, margin))
    out.append(_top_services(total))
    if len(report.sites) > 1:
        out.append(_top_by_site(report))
    return out


# --- table 3: people concerned ---------------------------------------------------------------


def _people_sentence(report: Report) -> str:
    """'Les 5 937 contacts sont le fait de 1 828 personnes différentes : 1 030 à A et 798 à B.'"""
    total = report.total
    named = total.contacts_total - total.anonymous_contacts
    people = total.persons.total
    # With anonymous contacts, only the others ("nominatifs") were made by the people counted.
    if named == 1:
        subject = "Le contact nominatif est" if total.anonymous_contacts else "Le contact est"
    else:
        kind = " nominatifs" if total.anonymous_contacts else ""
        subject = f"Les {count_text(named)} contacts{kind} sont"
    who = (
        "d'une seule personne" if people == 1 else f"de {count_text(people)} personnes différentes"
    )
    return f"{subject} le fait {who}{_detail_after(report, lambda t: t.persons.total, ' : ')}."


def _anonymous_sentence(report: Report) -> str:
    anonymous = report.total.anonymous_contacts
    per_site = _detail_after(report, lambda t: t.anonymous_contacts, " : ")
    return (
        f"{count_of(anonymous, 'contact anonyme', 'contacts anonymes')} (personne non "
        f"identifiée) {'compte' if anonymous == 1 else 'comptent'} dans les contacts et les "
        f"services mais pas dans les personnes{per_site}."
    )


def _shared_people_sentence(report: Report) -> str:
    of_sites = sum(report.by_site[s].persons.total for s in report.sites)
    fewer = of_sites - report.total.persons.total
    return (
        "Des personnes sont venues dans plusieurs Points Relais : chacune compte dans chaque "
        "site où elle est venue mais une seule fois dans le total, inférieur de "
        f"{count_text(fewer)} à la somme des sites ({count_text(of_sites)})."
    )


def _ages_sentence(report: Report) -> str:
    """'Les jeunes (moins de 26 ans) représentent 45 % des personnes concernées et les adultes
    55 %': the '% du total' of table 3's total row."""
    people = report.total.persons
    others = ["adultes"] + (["NR"] if people.group_total("NR") else [])
    rest = and_list([f"{AGE_PHRASES[age]} {percent(people.group_share(age))}" for age in others])
    return (
        f"Les jeunes (moins de {report.young_age_limit} ans) représentent "
        f"{percent(people.group_share('jeunes'))} des personnes concernées"
        f"{', ' if len(others) > 1 else ' et '}{rest}."
    )


def _persons(report: Report) -> list[str]:
    total = report.total
    if total.contacts_total == 0:
        return []
    if total.persons.total == 0:
        every = (
            "le contact est anonyme"
            if total.contacts_total == 1
            else f"les {count_text(total.contacts_total)} contacts sont anonymes"
        )
        return [f"Aucune personne n'a été identifiée : {every}."]
    out = [_people_sentence(report)]
    if total.anonymous_contacts:
        out.append(_anonymous_sentence(report))
    if report.people_seen_at_several_sites:
        out.append(_shared_people_sentence(report))
    out.append(_ages_sentence(report))
    return out


# --- table 4: new people ---------------------------------------------------------------------


def _new_of_two_sites(report: Report, margin: Margin) -> str:
    """The seed's 'le nombre de personnes nouvelles est bien plus important à A (72 % du
    total) qu'à B (28 % du total)': shares of the total row."""
    new = report.total.new_persons.total
    values = _per_site(report, lambda t: t.new_persons.total)
    shares = {site: f"{percent(share(n, new))} du total" for site, n in values}
    if comparable([n for _s, n in values]):
        listed = and_list([f"{shares[site]} {place(site)}" for site, _n in values])
        return f"{capitalized(NEW_PERSONS_MEASURE.even(margin))} : {listed}."
    (big, larger), (small, smaller) = sorted(values, key=lambda v: -v[1])
    much = "bien " if larger >= MUCH_LARGER * smaller else ""
    return (
        f"Le nombre de personnes nouvelles est {much}plus important {place(big)} "
        f"({shares[big]}) qu'{place(small)} ({shares[small]})."
    )


def _new_persons(report: Report, margin: Margin) -> list[str]:
    total = report.total
    if total.contacts_total == 0:
        return []
    new = total.new_persons.total
    if new == 0:
        return ["Aucune personne n'est venue pour la première fois pendant la période."]
    came = "est venue" if new == 1 else "sont venues"
    per_site = _detail_after(report, lambda t: t.new_persons.total, " : ")
    out = [f"{count_of(new, 'personne')} {came} pour la première fois{per_site}."]
    of_sites = sum(report.by_site[s].new_persons.total for s in report.sites)
    if of_sites > new:
        out.append(
            "Une personne nouvelle dans un site ne l'est pas forcément pour l'ensemble des "
            "Points Relais (elle a pu venir avant dans un autre site, ou dans deux sites pour la "
            f"première fois) : le total est inférieur de {count_text(of_sites - new)} à la somme "
            f"des sites ({count_text(of_sites)})."
        )
    if len(report.sites) == 2:
        out.append(_new_of_two_sites(report, margin))
    elif len(report.sites) > 2:
        values = _per_site(report, lambda t: t.new_persons.total)
        out.append(
            compare_sites(
                NEW_PERSONS_MEASURE, values, margin, lambda n: f"{percent(share(n, new))} du total"
            )
        )
    return out


def report_paragraphs(report: Report) -> list[Paragraph]:
    """The paragraphs of the section, each under the table it comments, in the tables' order."""
    margin = Margin()  # one for the whole section: the margin is stated once
    written = [
        ("contacts", _contacts(report, margin)),
        ("services", _services(report, margin)),
        ("persons", _persons(report)),
        ("new_persons", _new_persons(report, margin)),
    ]
    return [Paragraph(key, tuple(sentences)) for key, sentences in written if sentences]
