"""Password rules after CNIL deliberation 2022-100 (length over complexity) and argon2id."""

from __future__ import annotations

import pytest

from sarah.services.accounts.passwords import (
    WeakPassword,
    check_password,
    hash_password,
    password_matches,
    password_problem,
)


@pytest.mark.parametrize(
    "password",
    [
        "Soleil-levant7",  # 14 characters, 4 kinds
        "Bonjour2026x",  # 12 characters: lower, upper, digit
        "bonjour-2026",  # 12 characters: lower, other, digit
        "le chat dort bien",  # a passphrase: 17 characters, 4 words
        "pain-beurre-confiture-miel",  # a passphrase with dashes
    ],
)
def test_accepted(password: str) -> None:
    assert password_problem("amina", password) is None


def test_eleven_characters_of_four_kinds_are_too_short() -> None:
    problem = password_problem("amina", "Bonjour-20x")
    assert problem is not None
    assert "11 caractère(s) sur 12" in problem
    assert "il manque" not in problem


def test_twelve_characters_of_two_kinds_say_which_kinds_lack() -> None:
    problem = password_problem("amina", "bonjourbonj1")
    assert problem is not None
    assert "il manque 1 sorte(s) parmi : majuscules, autres signes" in problem
    assert "caractère(s) sur" not in problem


def test_three_words_are_not_a_passphrase_and_short_words_do_not_count() -> None:
    assert password_problem("amina", "le chatdortbien") is not None  # 3 words, 2 kinds
    assert password_problem("amina", "a b c d e f g h") is not None  # one-letter "words"


def test_the_account_name_is_refused_inside_the_password_whatever_its_case() -> None:
    problem = password_problem(" Amina ", "xx-AMINA-2026-yy")
    assert problem == "Le mot de passe ne doit pas contenir le nom du compte."


def test_check_password_raises_a_user_error_in_french() -> None:
    with pytest.raises(WeakPassword, match="Mot de passe trop faible"):
        check_password("amina", "court")


def test_the_hash_is_argon2id_and_never_holds_the_password() -> None:
    digest = hash_password("Bonjour2026x")
    assert digest.startswith("$argon2id$")
    assert "Bonjour2026x" not in digest
    assert password_matches(digest, "Bonjour2026x")
    assert not password_matches(digest, "Bonjour2026y")
    assert not password_matches("pas un hash", "Bonjour2026x")
