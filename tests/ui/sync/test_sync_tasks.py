"""The work behind the dialog: clear file names, a cancel only between two packages."""

from __future__ import annotations

from datetime import date

from sarah.services.sync.sender import sender_name
from sarah.settings import Settings
from sarah.ui.sync.tasks import import_packages, package_file_name, safe_file_part


def test_the_file_name_says_who_and_when_and_suits_any_file_system() -> None:
    day = date(2026, 12, 1)
    assert package_file_name("Grésilles", day) == "SARAH-Grésilles-2026-12-01.sarahsync"
    assert package_file_name("Saint-Bruno / Centre", day) == (
        "SARAH-Saint-Bruno-Centre-2026-12-01.sarahsync"
    )
    assert safe_file_part('a:b*c?"d<e>|f\\g.') == "a-b-c-d-e-f-g"
    assert safe_file_part("  ...  ") == "site"
    assert len(safe_file_part("x" * 200)) <= 60


def test_the_sender_is_the_home_site_or_the_coordination() -> None:
    assert sender_name(Settings(home_site="Grésilles")) == "Grésilles"
    assert sender_name(Settings(home_site="Grésilles", coordination=True)) == "Coordination"
    assert sender_name(Settings()) == "Coordination"


def test_stopping_between_packages_leaves_the_next_ones_untouched(
    engine, other_package, contacts_of
) -> None:
    first, second = other_package("a.sarahsync"), other_package("b.sarahsync")
    done: list = []
    steps = import_packages(engine, [first, second], done)
    assert next(steps)[0] == 0  # about to import the first: nothing done yet
    assert done == [] and contacts_of(engine) == 0
    assert next(steps)[0] == 1  # the first merged whole, in its transaction
    assert [o.path for o in done] == [first] and contacts_of(engine) == 2
    steps.close()  # what the worker does on "Arrêter"
    assert [o.path for o in done] == [first]
