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
        ("settings", {"old": True, "new": False, "note": "x"}, "oui → non ; note : x"),
        ("export_named", {"contacts": 6, "file": "fiche.pdf", "format": "pdf"},
         "fichier fiche.pdf ; 6 contacts ; format pdf"),
        ("export_named", {"format": "xlsx", "people": 8, "rows": 12},
         "12 lignes ; 8 personnes ; format xlsx"),
        ("drilldown_named",
         {"month": None, "people": 3, "period": "2026-07-01/2026-12-31", "row": "jeunes",
          "sex": "F", "site": "total", "sites": "tous", "table": "persons"},
         "3 personnes ; tableau personnes concernées, ligne jeunes, sexe F, site total, "
         "du 01/07/2026 au 31/12/2026, sites : tous"),
        ("erase", {"contacts": 6, "persons": 1, "reason": "request", "records": 2},
         "à la demande de la personne ; 1 personne ; 2 fiches ; 6 contacts gardés sans identité"),
        ("retention_purge", {"contacts": 1, "cutoff": "2024-12-02", "persons": 0, "records": 0},
         "dernier contact avant le 02/12/2024 ; 0 personne ; 0 fiche ; "
         "1 contact gardé sans identité"),
        ("backups_replaced", {"removed": ["a.sqlite", "b.sqlite"]},
         "2 sauvegardes retirées : a.sqlite, b.sqlite"),
        ("sync_export", {"erased": 2, "before": "2024-12-01"},
         "identités effacées : 2 ; avant le : 01/12/2024"),
        ("sync_export", {"sender": "G", "rows": 1, "note": "x"}, "installation G : 1 ligne ; note : x"),
        ("backups_replaced", {"removed": 3}, "retirées : 3"),
        ("merge", {"texte": "{abîmé"}, "texte : {abîmé"),
        ("dance", {"a": [1, 2], "b": {"c": None}}, "a : 1, 2 ; b : c : —"),
    ],
)  # fmt: skip
def test_details_in_french(action: str, details: dict[str, object] | None, words: str) -> None:
    assert details_text(action, details) == words
