"""XPath regular expressions in Python (engine/dmn/feel/builtins/xsd_regex.py)."""
from __future__ import annotations

import pytest

from engine.dmn.feel.builtins.xsd_regex import (
    RegexError,
    compile_regex,
    parse_replacement,
)


def matches(text: str, pattern: str, flags: str = "") -> bool:
    return compile_regex(pattern, flags).search(text) is not None


@pytest.mark.parametrize(("text", "pattern", "flags", "expected"), [
    ("a\nb", "a.b", "", False), ("a\rb", "a.b", "", False), ("a\nb", "a.b", "s", True),
    ("abc\n", "abc$", "", False), ("abc\n", "abc$", "m", True), ("x\nabc", "^abc", "", False),
    ("x\nabc", "^abc", "m", True), ("\u00a0", "\\s", "", False), (" \t\r\n", "^\\s+$", "", True),
    ("٣", "\\d", "", True), ("_", "\\w", "", False), ("+", "\\w", "", True), ("é", "\\w", "", True),
    (" ", "\\W", "", True), ("a:b", "^\\i\\c*$", "", True), ("1a", "^\\i", "", False), ("-", "\\c", "", True),
    ("A", "\\p{Lu}", "", True), ("a", "\\p{Lu}", "", False), ("a", "\\P{Lu}", "", True), ("1", "\\p{N}", "", True),
    ("€", "\\p{Sc}", "", True), ("ア", "\\p{IsKatakana}", "", True), ("a", "\\p{IsGreek}", "", False),
    ("α", "\\p{IsGreekandCoptic}", "", True), ("α", "\\p{IsGreek}", "", True),
    ("b", "[a-z-[aeiou]]", "", True), ("e", "[a-z-[aeiou]]", "", False), ("c", "[a-z-[a-d-[c]]]", "", True),
    ("b", "[a-z-[a-d-[c]]]", "", False), ("5", "[\\d-[5]]", "", False), ("-", "[a-]", "", True),
    ("-", "[-a]", "", True), ("]", "[\\]]", "", True), ("^", "[a^]", "", True), ("[", "[\\[]", "", True),
    ("x", "[^\\s]", "", True), (" ", "[^\\s]", "", False), ("é", "[\\p{L}\\d]", "", True),
    ("!", "[\\p{L}\\d]", "", False), ("aa", "^(a)\\1$", "", True), ("ab", "^(a)\\1$", "", False),
    ("a" * 12, "^" + "(a)" * 11 + "\\11$", "", True),
    ("aa1", "^(a)\\11$", "", True), ("ab", "(?:a)b", "", True), ("a.b", "a\\.b", "", True), ("a{", "a\\{", "", True),
    ("aaa", "^a{2,3}$", "", True), ("aaaa", "^a{2,3}$", "", False), ("aa", "^a{2,}?$", "", True),
    ("a b", "a b", "x", False), ("ab", "a b", "x", True), ("a b", "a[ ]b", "x", True), ("a+b", "a+b", "q", True),
    ("A", "a", "i", True), ("ǅ", "ǆ", "i", True),
])
def test_patterns(text, pattern, flags, expected):
    assert matches(text, pattern, flags) is expected


@pytest.mark.parametrize(("pattern", "flags"), [
    ("a", "g"), ("a", "I"), ("(", ""), (")", ""), ("[a", ""), ("[]", ""), ("[^]", ""), ("a**", ""), ("a+*", ""),
    ("a{2}{3}", ""), ("a{3,2}", ""), ("a{,2}", ""), ("a{x}", ""), ("{", ""), ("}", ""), ("]", ""), ("*a", ""),
    ("\\", ""), ("\\b", ""), ("\\0", ""), ("\\1", ""), ("(a\\1)", ""), ("(?=a)", ""), ("(?i)a", ""), ("(?P<n>a)", ""),
    ("[a-\\d]", ""), ("[z-a]", ""), ("[a-b-c]", ""), ("[a[b]]", ""), ("\\p{Foo}", ""), ("\\p{IsFoo}", ""),
    ("\\pL", ""), ("[\\1]", ""), ("[a-[b]c]", ""),
])
def test_invalid_patterns(pattern, flags):
    with pytest.raises(RegexError):
        compile_regex(pattern, flags)


def test_replacement_strings():
    assert parse_replacement("x$1y", 1) == ["x", 1, "y"]
    assert parse_replacement("$12", 12) == [12]
    assert parse_replacement("$12", 1) == [1, "2"]
    assert parse_replacement("$5", 1) == [""]
    assert parse_replacement("\\$\\\\", 0) == ["$", "\\"]
    assert parse_replacement("$x\\", 0, literal=True) == ["$x\\"]
    for bad in ("$", "$x", "\\", "\\n"):
        with pytest.raises(RegexError):
            parse_replacement(bad, 1)
