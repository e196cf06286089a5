"""The 個人番号 check digit: validate, normalize and make numbers."""
from __future__ import annotations

from .errors import InvalidMyNumber

DIGITS = frozenset("0123456789")
LENGTH = 12

# Full-width digits are what Japanese IMEs produce; the separators are what people type between groups.
_TO_ASCII = str.maketrans("０１２３４５６７８９", "0123456789")
_SEPARATORS = str.maketrans("", "", " \t\u3000-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\uff0d\u30fc")


def normalize(text: str) -> str:
    """Full-width digits to ASCII, spaces and hyphens removed; nothing else is checked."""
    return text.translate(_TO_ASCII).translate(_SEPARATORS)


def check_digit(first11: str) -> int:
    """The check digit for the first 11 ASCII digits of a 個人番号."""
    if len(first11) != LENGTH - 1 or not set(first11) <= DIGITS:
        raise InvalidMyNumber("A check digit is computed from exactly 11 ASCII digits.")
    total = 0
    for n, p in enumerate(reversed(first11), start=1):
        q = n + 1 if n <= 6 else n - 5
        total += int(p) * q
    remainder = total % 11
    return 0 if remainder <= 1 else 11 - remainder


def make_my_number(first11: str) -> str:
    """The 12-digit 個人番号 made of `first11` and its check digit (for tests and demo data)."""
    return first11 + str(check_digit(first11))


def validate_my_number(text: str) -> str:
    """The normalized 12 ASCII digits of `text`, or InvalidMyNumber with a sentence saying why."""
    # Messages never echo the input: they end up in logs and task forms.
    if not isinstance(text, str):
        raise InvalidMyNumber("A My Number must be given as text, not as a number (leading zeros matter).")
    digits = normalize(text)
    if not digits:
        raise InvalidMyNumber("A My Number is required.")
    if not set(digits) <= DIGITS:
        raise InvalidMyNumber("A My Number may contain only digits (spaces and hyphens are ignored).")
    if len(digits) != LENGTH:
        raise InvalidMyNumber(f"A My Number has {LENGTH} digits, but {len(digits)} were given.")
    if check_digit(digits[:-1]) != int(digits[-1]):
        raise InvalidMyNumber("The check digit of this My Number is wrong; please re-check the number.")
    return digits
