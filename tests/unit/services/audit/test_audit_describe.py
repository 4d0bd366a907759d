"""An entry's details in French on the admin's screen: a sentence for what SARAH writes, « mot :
valeur » for anything else, never the purge's technical anchor."""

from __future__ import annotations

import pytest

from sarah.services.audit.describe import details_text


@pytest.mark.parametrize(
    ("action", "details", "words"),
    [
        ("login", None, ""),
        ("login_failed", {"reason": "Nom ou mot de passe incorrect."},
         "motif : Nom ou mot de passe incorrect."),
        ("account", {"change": "add", "role": "agent"}, "compte créé, rôle agent"),
        ("account", {"change": "disable"}, "compte désactivé"),
        ("sync_export", {"sender": "Grésilles", "rows": 12345},
         "installation Grésilles : 12\u202f345 lignes"),
        ("sync_import", {"sender": "Villeneuve", "new": 3, "updated": 1, "people_made_one": 0},
         "de Villeneuve : 3 lignes nouvelles, 1 mise à jour, 0 personne réunie"),
        ("merge", {"absorbed": "9a1b", "moved_contacts": 1}, "fiche absorbée 9a1b ; 1 contact déplacé"),
        ("unmerge", {"survivor": "4f0c", "restored": "9a1b"},
         "fiche gardée 4f0c ; fiche rétablie 9a1b"),
        ("purge", {"removed": 8, "before": "2025-12-02", "anchor": "ab" * 32, "first_kept": 9},
         "8 entrées retirées (antérieures au 02/12/2025)"),
        ("settings", {"old": 10, "new": 5}, "10 → 5"),
        ("settings", {"old": True, "new": False, "note": "x"}, "oui → non; note : x"),
        ("export_named", {"file": "liste.xlsx", "rows": 3}, "fichier : liste.xlsx ; lignes : 3"),
        ("retention_purge", {"erased": 2, "before": "2024-12-01"},
         "identités effacées : 2 ; avant le : 01/12/2024"),
        ("merge", {"texte": "{abîmé"}, "fiche absorbée ? ; 0 contact déplacé"),
        ("dance", {"a": [1, 2], "b": {"c": None}}, "a : 1, 2 ; b : c : —"),
    ],
)  # fmt: skip
def test_details_in_french(action: str, details: dict[str, object] | None, words: str) -> None:
    assert details_text(action, details) == words
