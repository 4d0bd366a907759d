"""An entry's details in plain French, for the admin's screen and its export (not raw JSON).

The actions whose details SARAH writes itself get a sentence; any other key (a new action, an
entry typed by hand) is shown as « mot : valeur ». Technical keys that only the chain check
needs (the purge's anchor) are left out: the screen shows the chain's verdict instead.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from sarah.vocabulary import count_of, count_text

HIDDEN_KEYS = frozenset({"anchor", "first_kept"})

# The French word of the keys SARAH's services write, for the generic « mot : valeur » form.
KEY_WORDS: dict[str, str] = {
    "reason": "motif",
    "change": "changement",
    "role": "rôle",
    "sender": "installation",
    "rows": "lignes",
    "new": "nouveau",
    "old": "ancien",
    "updated": "mises à jour",
    "people": "personnes",
    "persons": "personnes",
    "people_made_one": "personnes réunies",
    "file": "fichier",
    "fichier": "fichier",
    "count": "nombre",
    "removed": "retirées",
    "before": "avant le",
    "absorbed": "fiche absorbée",
    "survivor": "fiche gardée",
    "restored": "fiche rétablie",
    "moved_contacts": "contacts déplacés",
    "visitor": "fiche",
    "visitors": "fiches",
    "erased": "identités effacées",
    "backups": "sauvegardes",
    "replaced": "remplacées",
    "kept": "gardée",
    "pseudonymised": "pseudonymisé",
    "filters": "filtres",
    "chain": "vérification",
    "format": "format",
    "setting": "réglage",
    "value": "valeur",
    "texte": "texte",
    "valeur": "valeur",
    "sites": "sites",
}

CHANGE_WORDS = {
    "add": "compte créé",
    "disable": "compte désactivé",
    "enable": "compte réactivé",
    "password": "nouveau mot de passe",
    "role": "rôle changé",
}

# The statistics tables a drill-down names (sarah.services.statistics.drilldown.TABLES).
TABLE_WORDS = {
    "contacts": "contacts",
    "services": "services",
    "persons": "personnes concernées",
    "new_persons": "nouveaux publics",
    "months_contacts": "contacts par mois",
    "months_people": "personnes par mois",
}

_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def value_text(value: Any) -> str:
    """One value in French: counts with thousands spaced, ISO days as JJ/MM/AAAA, oui/non."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, int):
        return count_text(value)
    if isinstance(value, float):
        return str(value).replace(".", ",")
    if isinstance(value, str) and _ISO_DAY.match(value):
        try:
            return f"{date.fromisoformat(value):%d/%m/%Y}"
        except ValueError:
            return value
    if isinstance(value, list | tuple):
        return ", ".join(value_text(v) for v in value)
    if isinstance(value, Mapping):
        return generic_text(value)
    return str(value)


def generic_text(details: Mapping[str, Any]) -> str:
    """« mot : valeur » pairs, in the stored (sorted) order, technical keys left out."""
    return " ; ".join(
        f"{KEY_WORDS.get(str(key), str(key))} : {value_text(value)}"
        for key, value in details.items()
        if key not in HIDDEN_KEYS
    )


def _n(details: Mapping[str, Any], key: str) -> int:
    value = details.get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _login_failed(d: Mapping[str, Any]) -> str:
    return f"motif : {d.get('reason', '—')}"


def _account(d: Mapping[str, Any]) -> str:
    change = str(d.get("change", ""))
    words = CHANGE_WORDS.get(change, change or "modification")
    return f"{words}, rôle {d['role']}" if "role" in d else words


def _import(d: Mapping[str, Any]) -> str:
    return (
        f"{count_of(_n(d, 'rows_read'), 'ligne lue', 'lignes lues')}, "
        f"{count_of(_n(d, 'contacts_added'), 'contact ajouté', 'contacts ajoutés')}, "
        f"{count_of(_n(d, 'skipped_existing'), 'déjà présent', 'déjà présents')}, "
        f"{count_of(_n(d, 'visitors_created'), 'fiche créée', 'fiches créées')}, "
        f"{count_of(_n(d, 'visitors_matched'), 'fiche retrouvée', 'fiches retrouvées')}, "
        f"{count_of(_n(d, 'sites_created'), 'site créé', 'sites créés')}"
    )


def _sync_export(d: Mapping[str, Any]) -> str:
    return f"installation {d.get('sender', '?')} : {count_of(_n(d, 'rows'), 'ligne')}"


def _sync_import(d: Mapping[str, Any]) -> str:
    return (
        f"de {d.get('sender', '?')} : "
        f"{count_of(_n(d, 'new'), 'ligne nouvelle', 'lignes nouvelles')}, "
        f"{count_of(_n(d, 'updated'), 'mise à jour', 'mises à jour')}, "
        f"{count_of(_n(d, 'people_made_one'), 'personne réunie', 'personnes réunies')}"
    )


def _merge(d: Mapping[str, Any]) -> str:
    moved = count_of(_n(d, "moved_contacts"), "contact déplacé", "contacts déplacés")
    return f"fiche absorbée {d.get('absorbed', '?')} ; {moved}"


def _unmerge(d: Mapping[str, Any]) -> str:
    return f"fiche gardée {d.get('survivor', '?')} ; fiche rétablie {d.get('restored', '?')}"


def _purge(d: Mapping[str, Any]) -> str:
    removed = count_of(_n(d, "removed"), "entrée retirée", "entrées retirées")
    before = d.get("before")
    return f"{removed} (antérieures au {value_text(before)})" if before else removed


def _export_audit(d: Mapping[str, Any]) -> str:
    words = count_of(_n(d, "rows"), "entrée exportée", "entrées exportées")
    filters = d.get("filters")
    text = " + un texte" if d.get("text_filter") else ""
    return f"{words} ; filtres : {filters}{text}" if filters else words


def _settings(d: Mapping[str, Any]) -> str:
    return f"{value_text(d.get('old'))} → {value_text(d.get('new'))}"


COUNT_WORDS = (  # key, singular, plural: the counts SARAH's services write
    ("rows", "ligne", "lignes"),
    ("people", "personne", "personnes"),
    ("persons", "personne", "personnes"),
    ("records", "fiche", "fiches"),
    ("contacts", "contact", "contacts"),
)


def _counts(d: Mapping[str, Any], kept: bool = False) -> list[str]:
    """The counts among ``d``'s keys; ``kept``: contacts are said kept without the identity."""
    words = []
    for key, one, many in COUNT_WORDS:
        if key in d:
            if kept and key == "contacts":
                one, many = "contact gardé sans identité", "contacts gardés sans identité"
            words.append(count_of(_n(d, key), one, many))
    return words


_COUNT_KEYS = {key for key, _one, _many in COUNT_WORDS}


def _export_named(d: Mapping[str, Any]) -> str:
    words = [f"fichier {d['file']}"] if "file" in d else []
    words += _counts(d)
    if "format" in d:
        words.append(f"format {d['format']}")
    return " ; ".join(words)


def _drilldown_named(d: Mapping[str, Any]) -> str:
    words = _counts(d)
    table = d.get("table")
    shown = {**d, "table": TABLE_WORDS.get(str(table), table)} if table is not None else d
    cell = [
        f"{word} {value_text(shown[key])}"
        for key, word in (("table", "tableau"), ("row", "ligne"), ("sex", "sexe"), ("site", "site"))
        if shown.get(key) is not None
    ]
    if d.get("month"):
        cell.append(f"mois de {value_text(d['month'])}")
    period = str(d.get("period", ""))
    if "/" in period:
        start, end = period.split("/", 1)
        cell.append(f"du {value_text(start)} au {value_text(end)}")
    if d.get("sites") is not None:
        cell.append(f"sites : {value_text(d['sites'])}")
    return " ; ".join([*words, ", ".join(cell)] if cell else words)


def _erasure(d: Mapping[str, Any]) -> str:
    words = []
    if d.get("reason") == "request":
        words.append("à la demande de la personne")
    if d.get("cutoff"):
        words.append(f"dernier contact avant le {value_text(d['cutoff'])}")
    words += _counts(d, kept=True)
    return " ; ".join(words)


def _period_close(d: Mapping[str, Any]) -> str:
    span = f"du {value_text(d.get('first_day'))} au {value_text(d.get('last_day'))}"
    figures = [
        count_of(_n(d, "contacts"), "contact"),
        count_of(_n(d, "services"), "service"),
        count_of(_n(d, "persons"), "personne"),
        count_of(_n(d, "new_persons"), "personne nouvelle", "personnes nouvelles"),
    ]
    return f"{span} ; chiffres publiés : {', '.join(figures)}"


def _period_reopen(d: Mapping[str, Any]) -> str:
    span = f"du {value_text(d.get('first_day'))} au {value_text(d.get('last_day'))}"
    return (
        f"{span} ; publiée le {value_text(str(d.get('published_at', ''))[:10])} "
        f"par {d.get('published_by', '?')}"
    )


def _backups_replaced(d: Mapping[str, Any]) -> str:
    removed = d["removed"]
    names = ", ".join(str(n) for n in removed)
    return f"{count_of(len(removed), 'sauvegarde retirée', 'sauvegardes retirées')} : {names}"


Sentence = Callable[[Mapping[str, Any]], str]
_CELL_KEYS = frozenset({"table", "row", "sex", "site", "month", "period", "sites"})
_IMPORT_KEYS = frozenset(
    {
        "rows_read",
        "contacts_added",
        "skipped_existing",
        "visitors_created",
        "visitors_matched",
        "sites_created",
    }
)

# Each action's sentence and the keys it says; any other key follows as « mot : valeur ».
SENTENCES: dict[str, tuple[Sentence, frozenset[str]]] = {
    "login_failed": (_login_failed, frozenset({"reason"})),
    "account": (_account, frozenset({"change", "role"})),
    "import": (_import, _IMPORT_KEYS),
    "sync_export": (_sync_export, frozenset({"sender", "rows"})),
    "sync_import": (_sync_import, frozenset({"sender", "new", "updated", "people_made_one"})),
    "merge": (_merge, frozenset({"absorbed", "moved_contacts"})),
    "unmerge": (_unmerge, frozenset({"survivor", "restored"})),
    "purge": (_purge, frozenset({"removed", "before"})),
    "export_audit": (_export_audit, frozenset({"rows", "filters", "text_filter", "format"})),
    "settings": (_settings, frozenset({"old", "new"})),
    "export_named": (_export_named, frozenset({"file", "format", *_COUNT_KEYS})),
    "drilldown_named": (_drilldown_named, _CELL_KEYS | _COUNT_KEYS),
    "erase": (_erasure, frozenset({"reason", "cutoff", *_COUNT_KEYS})),
    "retention_purge": (_erasure, frozenset({"reason", "cutoff", *_COUNT_KEYS})),
    "backups_replaced": (_backups_replaced, frozenset({"removed"})),
    "period_close": (
        _period_close,
        frozenset({"first_day", "last_day", "contacts", "services", "persons", "new_persons"}),
    ),
    "period_reopen": (
        _period_reopen,
        frozenset({"first_day", "last_day", "published_at", "published_by"}),
    ),
}


def details_text(action: str, details: Mapping[str, Any] | None) -> str:
    """What an entry's details say, in French; "" when it has none."""
    if not details:
        return ""
    sentence, said = SENTENCES.get(action, (None, frozenset()))
    if sentence is None or not said & details.keys():
        return generic_text(details)  # another action, or details typed by hand
    try:
        words = sentence(details)
    except (TypeError, ValueError, AttributeError, KeyError):
        return generic_text(details)  # values of another shape: show them as they are
    rest = {k: v for k, v in details.items() if k not in said and k not in HIDDEN_KEYS}
    return " ; ".join([w for w in (words, generic_text(rest) if rest else "") if w])
