"""What the neighbourhoods part of the Catalogue screen says: the intro when the list is empty
(the feature is off), the line on whether it is on, the actions, the messages after a change."""

from __future__ import annotations

from sarah.services.neighbourhoods.listing import NeighbourhoodInfo

OFF_TEXT = (
    "<p><b>Le suivi des quartiers de résidence est désactivé.</b> La liste est vide : "
    "l'accueil ne demande pas où vivent les personnes et les statistiques n'ont pas de tableau "
    "par quartier.</p>"
    "<p>Une fois activé :</p><ul>"
    "<li>l'accueil demande le quartier de résidence de chaque personne, <b>en une touche</b> "
    "(1 à 9 pour les quartiers prioritaires, 0 pour «&nbsp;Hors QPV&nbsp;») ; sans réponse, la fiche "
    "reste «&nbsp;non renseigné&nbsp;» ;</li>"
    "<li>les statistiques ajoutent le tableau des personnes par quartier et la part de celles "
    "qui vivent dans un quartier prioritaire de la politique de la ville (QPV) ;</li>"
    "<li>la liste part vers <b>tous les sites</b> par la synchronisation : l'accueil la "
    "demande partout ;</li>"
    "<li>SARAH ne garde que le nom du quartier, <b>jamais une adresse</b> ; il est effacé avec "
    "le reste de l'identité (durée de conservation, droit à l'effacement).</li></ul>"
    "<p>Ajoutez un premier quartier prioritaire : «&nbsp;Hors QPV&nbsp;» s'ajoute avec lui. "
    "Pour arrêter plus tard, retirez tous les quartiers.</p>"
)
LIST_TEXT = (
    "L'ordre et les touches sont ceux de l'écran Accueil. Renommer un quartier le renomme pour "
    "les personnes qui l'ont. Un quartier déjà attribué ne se supprime pas : retirez-le, il "
    "disparaît de l'accueil et ses personnes restent comptées. Retirer tous les quartiers "
    "arrête le suivi."
)
ON_TEXT = (
    "✓ Suivi activé : l'accueil demande le quartier de résidence, les statistiques ont leur "
    "tableau par quartier."
)
STOPPED_TEXT = (
    "Suivi arrêté : tous les quartiers sont retirés, l'accueil ne demande plus le quartier. "
    "Rétablissez-en un (Ctrl+R) pour reprendre ; les statistiques gardent leur tableau."
)
ACTIVATE_TEXT = "&Activer : ajouter un premier quartier prioritaire…"

# name -> (text, keys, tip); the buttons follow this order.
ACTIONS: dict[str, tuple[str, str, str]] = {
    "add": ("&Ajouter…", "Ctrl+N", "Nouveau quartier à la fin de la liste"),
    "rename": ("&Renommer…", "F2", "Changer le nom (les personnes gardent leur quartier)"),
    "priority": ("QP&V ou non", "Ctrl+T", "Quartier prioritaire (QPV) ou hors QPV"),
    "key": ("Changer la touc&he…", "Ctrl+K", "La touche qui choisit ce quartier à l'accueil"),
    "up": ("&Monter", "Ctrl+Up", "Plus haut dans la liste de l'accueil"),
    "down": ("&Descendre", "Ctrl+Down", "Plus bas dans la liste de l'accueil"),
    "retire": ("Reti&rer", "Ctrl+R", "Cacher de l'accueil, garder les comptes (ou rétablir)"),
    "delete": ("&Supprimer", "Del", "Seulement un quartier jamais attribué (faute de frappe)"),
}
DELETE_TIP = "Seulement un quartier jamais attribué (faute de frappe) (Suppr)"


def key_words(n: NeighbourhoodInfo, none: str = "sans touche") -> str:
    return f"touche {n.shortcut.upper()}" if n.shortcut else none


def renamed_message(old_label: str, info: NeighbourhoodInfo) -> str:
    return f"« {old_label} » s'appelle maintenant « {info.label} », pour ses personnes aussi."


def added_message(info: NeighbourhoodInfo, brought: list[NeighbourhoodInfo], first: bool) -> str:
    """After an addition; ``brought``: what came with it (the first QPV brings "Hors QPV")."""
    message = f"« {info.label} » ajouté ({info.kind}, {key_words(info)})"
    for n in brought:
        message += f", avec « {n.label} » ({key_words(n)})"
    if first:
        message += " : le suivi est activé, l'accueil demandera le quartier de résidence"
    return message + "."


def retired_message(info: NeighbourhoodInfo, none_left: bool) -> str:
    if not info.retired:
        return f"« {info.label} » rétabli à l'accueil ({key_words(info)})."
    message = (
        f"« {info.label} » retiré : il n'apparaît plus à l'accueil ; ses personnes restent "
        "comptées."
    )
    if none_left:
        message += " Plus aucun quartier actif : l'accueil ne demande plus le quartier."
    return message


def deleted_message(label: str, empty: bool) -> str:
    message = f"« {label} » supprimé de la liste."
    if empty:
        message += " La liste est vide : le suivi des quartiers est désactivé."
    return message
