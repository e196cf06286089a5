"""The FEEL tokenizer: numbers, strings and their escapes, names of any script, operators, comments."""
from decimal import Decimal

import pytest

from engine.dmn.feel.errors import FeelSyntaxError
from engine.dmn.feel.lexer import END, NAME, NUMBER, OP, STRING, is_name_part, is_name_start, tokenize


def kinds(text: str) -> list[tuple[str, str]]:
    """(kind, text) of every token but END."""
    return [(t.kind, t.text) for t in tokenize(text)[:-1]]


def value(text: str) -> object:
    """The value of a text that is one token."""
    tokens = tokenize(text)
    assert len(tokens) == 2, tokens
    return tokens[0].value


@pytest.mark.parametrize(("text", "expected"), [
    ("12", Decimal("12")), ("1.5", Decimal("1.5")), (".872", Decimal("0.872")), ("0.000123", Decimal("0.000123")),
    ("1.23e4", Decimal("12300")), ("1.23e+4", Decimal("12300")), ("1.23e-4", Decimal("0.000123")),
    ("1E3", Decimal("1000")), (".03125", Decimal("0.03125")),
])
def test_numbers(text: str, expected: Decimal) -> None:
    assert value(text) == expected
    assert isinstance(value(text), Decimal)


def test_a_number_never_takes_a_sign_or_a_range_dot() -> None:
    assert kinds("-5") == [(OP, "-"), (NUMBER, "5")]
    assert kinds("1..5") == [(NUMBER, "1"), (OP, ".."), (NUMBER, "5")]
    assert kinds("-.872") == [(OP, "-"), (NUMBER, ".872")]


def test_an_e_not_followed_by_digits_is_a_name() -> None:
    assert kinds("2 e") == [(NUMBER, "2"), (NAME, "e")]
    assert kinds("2e") == [(NUMBER, "2"), (NAME, "e")]


@pytest.mark.parametrize(("text", "expected"), [
    (r'"plain"', "plain"),
    (r'"say \"hi\""', 'say "hi"'),
    (r'"a\\b"', "a\\b"),
    (r'"line\nbreak\ttab\rreturn"', "line\nbreak\ttab\rreturn"),
    (r'"\'"', "'"),
    (r'"\u0041"', "A"),
    (r'"\U01F40E"', "\U0001F40E"),
    (r'"\uD83D\uDCA9"', "\U0001F4A9"),
    (r'"\ud83d\udc0e\uD83D\uDE00"', "\U0001F40E\U0001F600"),
    (r'"\\u0009"', "\\u0009"),
    (r'"\d{3}\s\1"', r"\d{3}\s\1"),
    ('"技能検定"', "技能検定"),
    ('""', ""),
])
def test_strings_and_escapes(text: str, expected: str) -> None:
    assert value(text) == expected


def test_a_string_escape_needs_its_hex_digits() -> None:
    with pytest.raises(FeelSyntaxError, match="hexadecimal"):
        tokenize(r'"\u00"')
    with pytest.raises(FeelSyntaxError, match="hexadecimal"):
        tokenize(r'"\U12"')


def test_unclosed_string() -> None:
    with pytest.raises(FeelSyntaxError) as raised:
        tokenize('1 + "abc')
    assert raised.value.position == 4
    assert "not closed" in str(raised.value)
    assert "column 5" in str(raised.value)


def test_names_of_any_script() -> None:
    assert kinds("社員 給与") == [(NAME, "社員"), (NAME, "給与")]
    assert kinds("ﾃｽﾄ ー") == [(NAME, "ﾃｽﾄ"), (NAME, "ー")]
    assert kinds("🐎") == [(NAME, "🐎")]
    assert kinds("Ålder_2") == [(NAME, "Ålder_2")]
    assert kinds("?") == [(NAME, "?")]
    assert kinds("x2y") == [(NAME, "x2y")]


def test_name_characters() -> None:
    assert is_name_start("a") and is_name_start("_") and is_name_start("?") and is_name_start("漢")
    assert not is_name_start("1") and not is_name_start("-") and not is_name_start("’")
    assert is_name_part("1") and is_name_part("\u00b7") and is_name_part("\u0301")
    assert not is_name_part(" ") and not is_name_part("\u3000")


def test_keywords_are_names() -> None:
    assert kinds("date and time") == [(NAME, "date"), (NAME, "and"), (NAME, "time")]
    assert kinds("if true then null") == [(NAME, "if"), (NAME, "true"), (NAME, "then"), (NAME, "null")]


def test_extra_name_symbols_are_operators() -> None:
    assert kinds("Mr.Smith") == [(NAME, "Mr"), (OP, "."), (NAME, "Smith")]
    assert kinds("x+y") == [(NAME, "x"), (OP, "+"), (NAME, "y")]
    assert kinds("Person's age") == [(NAME, "Person"), (OP, "'"), (NAME, "s"), (NAME, "age")]
    assert kinds("a’b") == [(NAME, "a"), (OP, "’"), (NAME, "b")]


def test_operators_longest_first() -> None:
    assert [t for _, t in kinds("** <= >= != -> .. < > = + - * / ( ) [ ] { } , . : @")] == [
        "**", "<=", ">=", "!=", "->", "..", "<", ">", "=", "+", "-", "*", "/", "(", ")", "[", "]", "{", "}",
        ",", ".", ":", "@",
    ]


def test_generic_type_brackets_stay_single() -> None:
    assert [t for _, t in kinds("list<list<number>>")] == ["list", "<", "list", "<", "number", ">", ">"]
    assert [t for _, t in kinds("function<>->Any")] == ["function", "<", ">", "->", "Any"]


def test_comments_and_whitespace() -> None:
    assert kinds("1 + /* 1 + */ 1") == [(NUMBER, "1"), (OP, "+"), (NUMBER, "1")]
    assert kinds("1 + // eol comment\n 1\n") == [(NUMBER, "1"), (OP, "+"), (NUMBER, "1")]
    assert kinds("\n /*\n intro\n */\n 1 // end") == [(NUMBER, "1")]
    assert kinds("\u3000x\t") == [(NAME, "x")]


def test_unclosed_comment() -> None:
    with pytest.raises(FeelSyntaxError, match="comment is not closed"):
        tokenize("1 /* 2")


def test_unexpected_character() -> None:
    with pytest.raises(FeelSyntaxError) as raised:
        tokenize("1 # 2")
    assert raised.value.position == 2
    assert str(raised.value) == "unexpected character '#' at column 3"


def test_positions_and_end() -> None:
    tokens = tokenize('ab  "c"')
    assert [(t.pos, t.end) for t in tokens] == [(0, 2), (4, 7), (7, 7)]
    assert tokens[-1].kind == END
    assert tokenize("")[0].kind == END
    assert tokenize('"x"')[0].kind == STRING
