"""The string built-ins (engine/dmn/feel/builtins/string.py), called directly."""
from __future__ import annotations

import pytest

from .builtins_support import D, call, fails, run


@pytest.mark.parametrize(("args", "expected"), [
    (("f", D(1)), "f"), (("f", D(1), D(1)), "f"), (("foobar", D(6)), "r"), (("foobar", D(1), D(6)), "foobar"),
    (("foobar", D(3)), "obar"), (("foobar", D(3), D(3)), "oba"), (("foobar", D(-2), D(1)), "a"),
    (("foob r", D(-2), D(1)), " "), (("foobar", D(-6), D(6)), "foobar"), (("foobar", D(3), D("3.8")), "oba"),
    (("foobar", D(5), D(10)), "ar"), (("\U0001F40Efoo", D(2)), "foo"), (("日本語テキスト", D(3), D(2)), "語テ"),
])
def test_substring(args, expected):
    assert call("substring", *args) == expected


def test_substring_named():
    assert call("substring", string="foobar", start_position=D(3)) == "obar"
    assert call("substring", string="foobar", start_position=D(3), length=D(2)) == "ob"


@pytest.mark.parametrize("args", [
    ("abc", D(0)), ("abc", D(4)), ("abc", D(-4)), ("abc", D(1), D(0)), ("abc", D(1), D(-1)), (None, D(1)),
    ("abc", None), ("abc", "1"), (1, D(1)), ("abc", D(1), None),
])
def test_substring_errors(args):
    fails("substring", *args)


def test_substring_error_message_names_the_parameter():
    assert "start position" in fails("substring", "abc", D(0))


def test_string_length_counts_code_points():
    assert call("string length", "") == D(0)
    assert call("string length", "aaaaa dddd ") == D(11)
    assert call("string length", "🐎😀") == D(2)
    assert call("string length", "日本") == D(2)
    assert fails("string length", 1)


def test_case():
    assert call("upper case", "aBc4 ?@{") == "ABC4 ?@{"
    assert call("lower case", "aBc4") == "abc4"
    assert call("upper case", "") == ""
    assert call("upper case", ["bob"]) == "BOB"  # a singleton list is its element
    fails("upper case", ["a", "b"])
    fails("lower case", None)
    fails("upper case", True)


@pytest.mark.parametrize(("string", "match", "before", "after"), [
    ("foobar", "bar", "foo", ""), ("foobar", "o", "f", "obar"), ("foobar", "x", "", ""), ("", "", "", ""),
    ("abc", "", "", "abc"), ("abc", "a", "", "bc"), ("abc", "c", "ab", ""), ("foobar", "ob", "fo", "ar"),
])
def test_substring_before_after(string, match, before, after):
    assert call("substring before", string, match) == before
    assert call("substring after", string, match) == after


def test_contains_starts_ends():
    assert call("contains", "foobar", "bar") is True
    assert call("contains", "", "") is True
    assert call("contains", "", "ab") is False
    assert call("contains", "🐎😀", "😀") is True
    assert call("starts with", "foobar", "foo") is True
    assert call("starts with", "foobar", "bar") is False
    assert call("ends with", "foobar", "bar") is True
    assert call("ends with", "foobar", "r", ) is True
    assert call("ends with", string="foobar", match="o") is False
    for name in ("contains", "starts with", "ends with"):
        fails(name, None, "a")
        fails(name, "a", None)
        fails(name, "a", 1)


@pytest.mark.parametrize(("args", "expected"), [
    (("abcd", "(ab)|(a)", "[1=$1][2=$2]"), "[1=ab][2=]cd"),
    (("a", "[b-z]", "#"), "a"), (("foobar", "^fo*b*", "#"), "#ar"), (("abc", ".^[d-z]", "#"), "abc"),
    (("abracadabra", "bra", "*"), "a*cada*"), (("abracadabra", "a.*a", "*"), "*"),
    (("abracadabra", "a.*?a", "*"), "*c*bra"), (("abracadabra", "a", ""), "brcdbr"),
    (("abracadabra", "a(.)", "a$1$1"), "abbraccaddabbra"), (("AAAA", "A+?", "b"), "bbbb"),
    (("darted", "^(.*?)d(.*)$", "$1c$2"), "carted"),
    (("0123456789", "(\\d{3})(\\d{3})(\\d{4})", "($1) $2-$3"), "(012) 345-6789"),
    (("facetiously", "[iouy]", "[$0]"), "facet[i][o][u]sl[y]"),
    (("a.b.c.", "[a-z]", "#", "s"), "#.#.#."), (("abc", "[A-Z]", "#", "i"), "###"),
    (("a b c d ", "[a-z]", "#", "x"), "# # # # "), (("abc", "[a-z]", "#", None), "###"),
    (("a$b", "$", "!", "q"), "a!b"), (("ab", "b", "$1\\$", "q"), "a$1\\$"),
    (("abc", "(b)", "\\$\\\\$1"), "a$\\bc"), (("abc", "(b)", "$10"), "ab0c"), (("abc", "b", "$5"), "ac"),
])
def test_replace(args, expected):
    assert call("replace", *args) == expected


def test_replace_named():
    assert call("replace", input="abc", pattern="[A-Z]", replacement="#", flags="i") == "###"
    assert call("replace", input="abc", pattern="[a-z]", replacement="#") == "###"


@pytest.mark.parametrize("args", [
    ("abc", "x*", "y"),  # the pattern matches the empty string
    ("abc", "b", "$"), ("abc", "b", "\\x"), ("abc", "(", "x"), ("abc", "b", "x", "p"), (None, "a", "b"),
    ("abc", None, "b"), ("abc", "a", None), ("abc", "a", "b", 1),
])
def test_replace_errors(args):
    fails("replace", *args)


@pytest.mark.parametrize(("args", "expected"), [
    (("abracadabra", "bra", None), True), (("This is a characte", "This is a characte"), True),
    (("\nabcd\ndefg\n", "^$", "m"), True), (("abcd", "^$"), False), (("Mary\rJones", "Mary.Jones"), False),
    (("Mary\rJones", "Mary.Jones", "s"), True), (("abc", "ABC", "i"), True), (("\u212A", "k", "i"), True),
    (("x", "[A-Z-[OI]]", "i"), True), (("O", "[A-Z-[OI]]", "i"), False), (("q", "[^Q]", "i"), False),
    (("hello world", "hello\\ sworld", "x"), True), (("hello world", "\\p{ IsBasicLatin}+", "x"), True),
    (("aA", "(a)\\1", "i"), True), (("a", "a[^b]"), False), (("a ", "a[^b]"), True),
    (("a+b", "a+b", "q"), True), (("aab", "a+b", "q"), False), (("abc", "ABC", "qi"), True),
    (("日本語", "^\\p{IsCJKUnifiedIdeographs}+$"), True), (("カタカナ", "^\\p{IsKatakana}+$"), True),
    (("Ünïcödé", "^\\p{L}+$"), True), (("abc1", "^\\p{L}+$"), False), (("a-b", "^[\\w-]+$"), True),
])
def test_matches(args, expected):
    assert call("matches", *args) is expected


@pytest.mark.parametrize("args", [
    (None, "pattern"), ("input", None), ("abracadabra", "bra", "p"), ("input", []), ("input", "pattern", []),
    ("input", "pattern", " "), ("input", "pattern", "X"), ("hello world", "\\p{ IsBasicLatin}+"),
    ("h", "(.)\\3"), ("h", "(.)\\2"), ("input", "\\3"), ("abcd", "(asd)[\\1]"), ("abcd", "(asd)[asd\\0]"),
    ("abcd", "1[asd\\0]"), ("a", "\\p{IsNoSuchBlock}"), ("a", "\\p{Xx}"),
])
def test_matches_errors(args):
    fails("matches", *args)


def test_split():
    assert call("split", "John Doe", "\\s") == ["John", "Doe"]
    assert call("split", "a;b;c;;", ";") == ["a", "b", "c", "", ""]
    assert call("split", string="foo,bar", delimiter=",") == ["foo", "bar"]
    assert call("split", "a1b22c", "\\d+") == ["a", "b", "c"]
    assert call("split", "a(b)c", "(\\()|\\)") == ["a", "b", "c"]  # groups are not part of the result
    assert call("split", "", ",") == []
    assert call("split", "東京、大阪", "、") == ["東京", "大阪"]
    for args in ((None, None), ("foo", None), (None, ","), ("abc", ""), ("abc", "x*"), ("a", "(")):
        fails("split", *args)


def test_string_join():
    assert call("string join", ["a", "b", "c"]) == "abc"
    assert call("string join", ["a", "b", "c"], " and ") == "a and b and c"
    assert call("string join", ["a", "b", "c"], None) == "abc"
    assert call("string join", ["a", None, "c"], "X") == "aXc"
    assert call("string join", [], "X") == ""
    assert call("string join", "a", "X") == "a"  # a single value is a singleton list
    assert call("string join", list=["a", "c"], delimiter="X") == "aXc"
    for args in ((None,), (None, "X"), ([1, 2, 3], "X"), (123, "X"), (["a"], 1)):
        fails("string join", *args)


def test_errors_are_reported_not_raised():
    result, errors = run("substring", "abc", D(9))
    assert result is None
    assert errors == ["substring: start position 9 is outside the string of 3 character(s)"]
