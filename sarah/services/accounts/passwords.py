"""Password rules (CNIL deliberation 2022-100: length over complexity) and argon2id hashing.

A password is accepted when it has at least 12 characters of at least 3 of the 4 kinds (lower
case, upper case, digits, other signs), or when it is a passphrase of at least 14 characters
made of at least 4 words. It never contains the account's name. Only the argon2id hash is
kept; a password is never stored, printed or logged.
"""

from __future__ import annotations

import re

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from sarah.errors import InvalidInput

MIN_LENGTH = 12
MIN_KINDS = 3
PASSPHRASE_MIN_LENGTH = 14
PASSPHRASE_MIN_WORDS = 4
# A word of a passphrase: two letters or more (single letters would let "a b c d e f g" pass).
WORD_RE = re.compile(r"[^\W\d_]{2,}")

# The cost parameters live in the hasher: when they change, hashes made with the old ones are
# redone at the next successful login (needs_rehash).
HASHER = PasswordHasher()


class WeakPassword(InvalidInput):
    """The password does not follow the rules; the message says what is missing."""


def character_kinds(password: str) -> dict[str, bool]:
    """Which of the 4 kinds of characters the password holds, by their French name."""
    return {
        "minuscules": any(c.islower() for c in password),
        "majuscules": any(c.isupper() for c in password),
        "chiffres": any(c.isdigit() for c in password),
        "autres signes": any(not c.isalnum() for c in password),
    }


def is_passphrase(password: str) -> bool:
    return (
        len(password) >= PASSPHRASE_MIN_LENGTH
        and len(WORD_RE.findall(password)) >= PASSPHRASE_MIN_WORDS
    )


def is_long_and_mixed(password: str) -> bool:
    return len(password) >= MIN_LENGTH and sum(character_kinds(password).values()) >= MIN_KINDS


def password_problem(name: str, password: str) -> str | None:
    """What the password lacks, in French, or None when it follows the rules."""
    if name.strip() and name.strip().casefold() in password.casefold():
        return "Le mot de passe ne doit pas contenir le nom du compte."
    if is_long_and_mixed(password) or is_passphrase(password):
        return None
    kinds = character_kinds(password)
    missing = [kind for kind, present in kinds.items() if not present]
    needed = max(0, MIN_KINDS - sum(kinds.values()))
    lacks = []
    if len(password) < MIN_LENGTH:
        lacks.append(f"il a {len(password)} caractère(s) sur {MIN_LENGTH}")
    if needed:
        lacks.append(f"il manque {needed} sorte(s) parmi : {', '.join(missing)}")
    return (
        f"Mot de passe trop faible ({' ; '.join(lacks)}). Il faut au moins {MIN_LENGTH} "
        f"caractères mêlant au moins {MIN_KINDS} sortes parmi minuscules, majuscules, chiffres "
        f"et autres signes, ou une phrase de passe d'au moins {PASSPHRASE_MIN_LENGTH} caractères "
        f"et {PASSPHRASE_MIN_WORDS} mots."
    )


def check_password(name: str, password: str) -> None:
    """Raise :class:`WeakPassword` saying what is missing when the rules are not met."""
    problem = password_problem(name, password)
    if problem is not None:
        raise WeakPassword(problem)


def hash_password(password: str) -> str:
    return HASHER.hash(password)


def password_matches(password_hash: str, password: str) -> bool:
    """Whether the password is the one the hash was made from (a damaged hash never matches)."""
    try:
        return HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """Whether the hash was made with other parameters than today's hasher."""
    try:
        return HASHER.check_needs_rehash(password_hash)
    except InvalidHashError:
        return True


# Verified against when the name is unknown, so that an unknown name takes as long to refuse as
# a wrong password (no account enumeration by timing). Made on first use, not at import.
_decoy: list[str] = []


def spend_verification_time(password: str) -> None:
    if not _decoy:
        _decoy.append(HASHER.hash("leurre pour un nom inconnu"))
    password_matches(_decoy[0], password)
