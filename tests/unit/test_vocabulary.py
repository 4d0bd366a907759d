"""How SARAH writes numbers, counts and periods in French: the same everywhere."""

from __future__ import annotations

from datetime import date

from sarah.vocabulary import count_of, count_text, period_text, span_text


def test_thousands_are_separated_by_a_narrow_no_break_space() -> None:
    assert count_text(5937) == "5\u202f937"
    assert count_text(1234567) == "1\u202f234\u202f567"
    assert count_text(None) == "?"


def test_zero_and_one_are_singular_in_french() -> None:
    assert count_of(0, "contact") == "0 contact"
    assert count_of(1, "contact") == "1 contact"
    assert count_of(2, "contact") == "2 contacts"
    assert count_of(5937, "contact") == "5\u202f937 contacts"
    assert count_of(3, "nouveau site", "nouveaux sites") == "3 nouveaux sites"


def test_periods_read_as_on_the_reports() -> None:
    assert span_text(date(2019, 1, 1), date(2019, 6, 30)) == "du 01/01/2019 au 30/06/2019"
    assert span_text(date(2019, 3, 4), date(2019, 3, 4)) == "le 04/03/2019"
    assert (
        period_text("1er semestre 2019", date(2019, 1, 1), date(2019, 6, 30))
        == "1er semestre 2019 (du 01/01/2019 au 30/06/2019)"
    )
