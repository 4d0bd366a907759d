"""The right-of-access export as one HTML document for Qt's rich text (sarah.ui.visitors.person_pdf
prints it to PDF): a title, what SARAH is and why it holds this, then the identity, the contacts,
the merges and the audit entries as tables. Plain strings, no Qt object: any thread may build it.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sarah.services.audit.describe import details_text
from sarah.services.privacy.person_export import HeldMerge, PersonData
from sarah.services.privacy.person_find import born_words
from sarah.vocabulary import CHANNEL_NAMES, NOT_GIVEN, count_of

TITLE = "Données personnelles détenues par SARAH"

STYLE = """
body { font-family: 'DejaVu Sans', Arial, sans-serif; font-size: 8pt; color: #000; }
h1 { font-size: 15pt; margin-bottom: 2pt; }
h2 { font-size: 11pt; margin-top: 12pt; margin-bottom: 3pt; }
p { margin-top: 0; margin-bottom: 5pt; }
p.meta { color: #333; margin-bottom: 2pt; }
table.grid { border-collapse: collapse; }
table.grid td, table.grid th { border: 1px solid #555; padding: 2px 4px; }
table.grid th { background-color: #e5e7eb; font-weight: bold; }
td.key { font-weight: bold; background-color: #f3f4f6; }
"""

SEX_WORDS = {"F": "Femme", "H": "Homme", None: NOT_GIVEN}
PROFILE_WORDS = {
    "last_name": "nom",
    "first_name": "prénom",
    "sex": "sexe",
    "birth_date": "date de naissance",
}


def explanation(retention_months: int) -> list[str]:
    """What SARAH is, why it holds this, how long, and the person's rights, in the words of
    the notice shown at the desk (docs/rgpd.md, section 2)."""
    return [
        "SARAH est le logiciel des Points Relais emploi. Quand vous venez ou quand vous "
        "appelez, l'accueil y note votre visite : quel jour, dans quel Point Relais, sur place "
        "ou au téléphone, et quels services vous ont été rendus. Cela sert à vous retrouver "
        "plus vite la prochaine fois, à ne pas vous compter deux fois, et à compter combien de "
        "personnes sont aidées : ceux qui financent les Points Relais reçoivent seulement des "
        "chiffres, jamais votre nom. SARAH ne sert pas à vous évaluer ni à prendre une "
        "décision à votre sujet. Seule l'équipe des Points Relais emploi voit ces informations.",
        "Ce document rassemble tout ce que SARAH détient sur vous : votre fiche, chacun de vos "
        "contacts (y compris ceux qui ont été supprimés), les fiches en double réunies à la "
        "vôtre et les actions du journal qui concernent votre fiche. Il répond à votre droit "
        "d'accès (article 15 du RGPD).",
        f"Si vous ne revenez pas pendant {retention_months} mois, votre nom, votre prénom et "
        "votre date de naissance sont effacés. Vous pouvez demander à l'accueil qu'ils soient "
        "corrigés, ou effacés dès maintenant ; seuls restent alors, sans rien qui vous "
        "désigne, le sexe et les contacts comptés dans les tableaux. Si vous n'êtes pas "
        "d'accord avec notre réponse, vous pouvez vous plaindre à la CNIL (www.cnil.fr).",
    ]


def _e(value: object) -> str:
    return html.escape("" if value is None else str(value), quote=False)


def _when(value: datetime | None) -> str:
    return f"{value:%d/%m/%Y %H:%M}" if value else ""


def _table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    head = "".join(f"<th>{_e(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{_e(c)}</td>" for c in row) + "</tr>" for row in rows)
    return (
        f'<table class="grid" cellspacing="0" cellpadding="2" width="100%">'
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    )


def _identity(data: PersonData) -> str:
    rows = [
        ("Nom", data.last_name),
        ("Prénom", data.first_name or NOT_GIVEN),
        ("Sexe", SEX_WORDS.get(data.sex, data.sex)),
        (
            "Date de naissance",
            f"{data.birth_date:%d/%m/%Y}" if data.birth_date else NOT_GIVEN,
        ),
        ("Fiche créée le", _when(data.created_at)),
        ("Dernière modification", _when(data.updated_at)),
        ("Point Relais d'origine", data.origin_site or NOT_GIVEN),
        ("Identifiant", str(data.id)),
    ]
    if data.neighbourhood:  # only where the network asks it (off by default)
        rows.insert(4, ("Quartier de résidence", data.neighbourhood))
    body = "".join(f'<tr><td class="key">{_e(k)}</td><td>{_e(v)}</td></tr>' for k, v in rows)
    return f'<table class="grid" cellspacing="0" cellpadding="2">{body}</table>'


def _contacts(data: PersonData) -> str:
    if not data.contacts:
        return "<p>Aucun contact enregistré.</p>"
    rows = [
        (
            f"{c.local_date:%d/%m/%Y}",
            f"{c.local_time:%H:%M}",
            c.site,
            CHANNEL_NAMES.get(c.channel, c.channel),
            ", ".join(c.services) or NOT_GIVEN,
            c.agent or NOT_GIVEN,
            _when(c.entered_at),
            f"supprimé le {c.deleted_at:%d/%m/%Y}" if c.deleted_at else "enregistré",
        )
        for c in data.contacts
    ]
    headers = ("Date", "Heure", "Point Relais", "Canal", "Services", "Agent", "Saisi le", "État")
    return _table(headers, rows)


def profile_words(profile: dict[str, Any] | None) -> str:
    """A profile kept in a merge trace, in words; another person's is not reproduced."""
    if profile is None:
        return "(une autre personne : non reproduit)"
    parts = []
    for key, word in PROFILE_WORDS.items():
        value = profile.get(key)
        if key == "sex":
            value = SEX_WORDS.get(value, value)
        elif key == "birth_date" and value:
            value = "/".join(reversed(str(value).split("-")))
        parts.append(f"{word} : {value or NOT_GIVEN}")
    return " ; ".join(parts)


def _merge_row(m: HeldMerge) -> tuple[str, ...]:
    state = f"annulée le {m.undone_at:%d/%m/%Y}" if m.undone_at else "en vigueur"
    return (
        _when(m.merged_at),
        profile_words(m.absorbed_profile),
        profile_words(m.survivor_profile),
        str(m.moved_contacts),
        m.agent or NOT_GIVEN,
        state,
    )


def _merges(data: PersonData) -> str:
    if not data.merges:
        return "<p>Aucune fiche en double n'a été réunie à celle-ci.</p>"
    headers = (
        "Fusion le",
        "Fiche réunie (telle qu'elle était)",
        "Fiche gardée (avant la fusion)",
        "Contacts déplacés",
        "Agent",
        "État",
    )
    return _table(headers, [_merge_row(m) for m in data.merges])


def _audit(data: PersonData) -> str:
    if not data.audit:
        return "<p>Aucune action du journal ne concerne cette fiche.</p>"
    rows = [
        (str(e.seq), _when(e.at), e.actor, e.label, details_text(e.action, e.details))
        for e in data.audit
    ]
    return _table(("N°", "Date", "Par", "Action", "Détails"), rows)


def person_title(data: PersonData) -> str:
    return f"{TITLE} — {data.display_name}"


def person_html(data: PersonData, *, retention_months: int = 24) -> str:
    """The whole document."""
    parts = [
        f"<html><head><style>{STYLE}</style></head><body>",
        f"<h1>{_e(TITLE)}</h1>",
        f'<p class="meta"><b>{_e(data.display_name)}</b> — {_e(born_words(data.sex, data.birth_date))}</p>',
        f'<p class="meta">Document produit le {data.produced_at:%d/%m/%Y à %H:%M} par '
        f"{_e(data.produced_by)}, avec {_e(data.program)}.</p>",
        *(f"<p>{_e(text)}</p>" for text in explanation(retention_months)),
        "<h2>Votre fiche</h2>",
        _identity(data),
        f"<h2>Vos contacts : {_e(count_of(len(data.contacts), 'contact'))}</h2>",
        _contacts(data),
        "<h2>Fiches en double réunies à la vôtre</h2>",
        _merges(data),
        "<h2>Journal des actions sur votre fiche</h2>",
        _audit(data),
        "</body></html>",
    ]
    return "\n".join(parts)
