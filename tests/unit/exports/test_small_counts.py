"""The masking rules on their own: which counts become "< 5", what is masked with them."""

from __future__ import annotations

from fractions import Fraction

from sarah.exports import small_counts
from sarah.exports.small_counts import MASK, MASKED_SHARE
from sarah.reports.comparison import ComparedValue
from sarah.reports.tables import TOTAL, PeopleCounts, Period, Report, SiteTables


def test_only_counts_one_to_four_are_small() -> None:
    assert [small_counts.is_small(n) for n in (0, 1, 4, 5, 100)] == [
        False,
        True,
        True,
        False,
        False,
    ]
    assert not small_counts.is_small(True)  # a flag is not a count
    assert not small_counts.is_small(Fraction(1, 2)) and not small_counts.is_small(1.0)
    assert small_counts.count(3, True) == MASK and small_counts.count(3, False) == 3
    assert small_counts.count(0, True) == 0


def test_a_share_is_masked_with_the_count_before_it() -> None:
    kinds = ["count", "share", "count", "share", "total"]
    values: list[int | Fraction | None] = [2, Fraction(1, 4), 6, Fraction(3, 4), 8]
    assert small_counts.grid_values(kinds, values, True) == [MASK, MASKED_SHARE, 6, values[3], 8]
    assert small_counts.grid_values(kinds, values, False) == values
    # 0 and its 0 % stay: nobody is singled out.
    zero: list[int | Fraction | None] = [0, Fraction(0), 5, Fraction(1), 5]
    assert small_counts.grid_values(kinds, zero, True) == zero


def test_a_change_is_masked_when_either_year_is() -> None:
    assert small_counts.change_masked(ComparedValue(3, 40), True)
    assert small_counts.change_masked(ComparedValue(40, 2), True)
    assert not small_counts.change_masked(ComparedValue(0, 40), True)
    assert not small_counts.change_masked(ComparedValue(3, 40), False)


def _report(phone: int, visits: int) -> Report:
    tables = SiteTables(
        contacts={"physique": visits, "telephone": phone},
        services=[],
        not_given_services=visits + phone,
        persons=PeopleCounts(),
        new_persons=PeopleCounts(),
        anonymous_contacts=0,
    )
    return Report(Period.semester("2019-S1"), ["Grésilles"], {"Grésilles": tables}, tables)


def test_a_ratio_resting_on_a_small_count_is_masked() -> None:
    report = _report(phone=3, visits=40)
    assert small_counts.ratio_masked(report, "phone_share", "Grésilles", True)
    assert small_counts.ratio_masked(report, "phone_share", TOTAL, True)
    assert not small_counts.ratio_masked(_report(phone=7, visits=40), "phone_share", TOTAL, True)
    assert not small_counts.ratio_masked(report, "phone_share", TOTAL, False)
    assert small_counts.ratio_masked(report, "a_new_ratio", TOTAL, True)  # unknown: masked


def test_the_counts_in_the_notes_are_masked_and_nothing_else() -> None:
    notes = [
        "3 contact(s) anonyme(s) (personne non identifiée) : comptés dans les contacts et les "
        "services, pas dans les personnes (Grésilles : 2, Quartier 4 : 12).",
        "… plus petite que la somme des sites (1 de moins).",
    ]
    assert small_counts.notes(notes, True) == [
        "< 5 contact(s) anonyme(s) (personne non identifiée) : comptés dans les contacts et les "
        "services, pas dans les personnes (Grésilles : < 5, Quartier 4 : 12).",
        "… plus petite que la somme des sites (< 5 de moins).",
    ]
    assert small_counts.notes(notes, False) == notes
