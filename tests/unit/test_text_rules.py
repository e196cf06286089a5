"""engine/text_rules: the characters no text field may hold, and web/csv_safe: cells a spreadsheet will not run."""
from __future__ import annotations

import pytest

from engine.text_rules import bad_character, check, first_bad_string, is_clean

REFUSED = ["\x00", "\x1b", "\x7f", "\x85", "\u202e", "\u202a", "\u2066", "\u2069", "\u200e", "\u200f", "\u061c",
           "\ud800", "\udfff"]


@pytest.mark.parametrize("char", REFUSED)
def test_control_bidi_and_surrogate_characters_are_refused_everywhere(char: str) -> None:
    text = f"山田{char}太郎"
    assert bad_character(text) == char and bad_character(text, multiline=True) == char
    with pytest.raises(ValueError) as err:
        check(text, "applicant_name")
    assert f"U+{ord(char):04X}" in str(err.value) and "山田" not in str(err.value)


@pytest.mark.parametrize("char", ["\t", "\n", "\r"])
def test_a_multi_line_field_keeps_tab_and_line_breaks(char: str) -> None:
    assert not is_clean(f"a{char}b") and is_clean(f"a{char}b", multiline=True)


@pytest.mark.parametrize("char", ["\u2028", "\u2029"])
def test_line_separators_are_for_multi_line_fields_neither(char: str) -> None:
    assert not is_clean(f"a{char}b")


@pytest.mark.parametrize("text", ["山田 太郎", "Taro O'Neil-Smith", "ｶﾀｶﾅ　全角空白", "😀", "\u200d", "=SUM(A1)", ""])
def test_ordinary_text_passes(text: str) -> None:
    assert is_clean(text)


def test_every_string_of_a_json_value_is_looked_at_keys_too() -> None:
    assert first_bad_string({"name": "ok", "data": {"deep": ["fine", {"x": "bad\x00"}]}}) == "data"
    assert first_bad_string({"data": {"ke\u202ey": 1}}) == "data"
    assert first_bad_string({"note": "line one\nline two\ttab"}) is None
    assert first_bad_string({"note": "line\n"}, multiline=False) == "note"
    nested: object = "\ud800"
    for _ in range(100_000):  # deeper than any recursion limit
        nested = [nested]
    assert first_bad_string({"d": nested}) == "d"


@pytest.mark.parametrize(("cell", "safe"), [
    ("=1+2", "'=1+2"), ("+81 3", "'+81 3"), ("-2+3", "'-2+3"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\tx", "'\tx"), ("\rx", "'\rx"), ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
    ("山田 太郎", "山田 太郎"), ("", ""), ("2026-04-01", "2026-04-01"), ("a=b", "a=b"),
])
def test_a_formula_cell_is_made_text(cell: str, safe: str) -> None:
    from web.csv_safe import cell as safe_cell
    assert safe_cell(cell) == safe


def test_numbers_and_none_stay_what_they_are() -> None:
    from web.csv_safe import cell as safe_cell
    assert safe_cell(None) == "" and safe_cell(3) == 3 and safe_cell(-3) == -3


def test_issued_pseudonyms_never_look_like_a_my_number() -> None:
    """A hex ID holds a run of 12 digits about once in 30: every guard would redact or refuse it."""
    from engine.identity import pseudonyms
    from handlers.national.guard import looks_like_my_number
    from handlers.vault.masking import scrub
    issued = [pseudonyms.new() for _ in range(3000)] + [pseudonyms.from_bits(bytes(16)), pseudonyms.from_bits(b"\x99" * 16)]
    for pseudonym in issued:
        assert pseudonyms.PSEUDONYM.fullmatch(pseudonym)
        assert not looks_like_my_number(pseudonym) and scrub(f"portal:{pseudonym}", 64) == f"portal:{pseudonym}"
    assert len(set(issued)) == len(issued)
