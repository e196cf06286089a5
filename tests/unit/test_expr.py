"""Unit tests for engine.expr: JUEL expressions, templates and ISO 8601 timer values."""

from __future__ import annotations

import dataclasses
import re
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from engine.expr import (
    Cycle,
    Duration,
    EvaluationError,
    Expression,
    ExpressionError,
    compile_condition,
    compile_expression,
    is_expression,
    parse_cycle,
    parse_datetime,
    parse_duration,
)

TOKYO = ZoneInfo("Asia/Tokyo")
UTC = timezone.utc
JST = timezone(timedelta(hours=9))

DATA: dict[str, Any] = {
    "a": 1,
    "b": 2,
    "score": 7,
    "low": 3,
    "half": 0.5,
    "t": True,
    "f": False,
    "nothing": None,
    "name": "kermit",
    "num_text": "5",
    "float_text": "2.5",
    "blank": "",
    "items": [10, 20, 30],
    "pair": ("x", "y"),
    "empty_list": [],
    "empty_map": {},
    "applicant": {"name": "山田", "age": 42, "tags": ["a", "b"], "address": {"city": "東京"}, "nick": None},
    "rows": [{"id": 1}, {"id": 2}],
    "等級": "2級",
    "合格": True,
    "decision": "approve",
    "twitter": True,
    "day": date(2026, 3, 14),
    "when": datetime(2026, 3, 14, 9, 0, tzinfo=UTC),
    "price": Decimal("10.5"),
}


def ev(text: str, data: dict[str, Any] | None = None) -> Any:
    """Compile and evaluate ``text`` against DATA (or ``data``)."""
    return compile_expression(text).evaluate(DATA if data is None else data)


# --- literal text --------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("PT1S", "PT1S"),
        ("  PT1S \n", "PT1S"),
        ("2026-03-14T09:00:00+09:00", "2026-03-14T09:00:00+09:00"),
        ("R/P1M", "R/P1M"),
        ("kermit", "kermit"),
        ("", ""),
        ("   ", ""),
        ("cost $5 {approx}", "cost $5 {approx}"),
        ("#hash and $dollar", "#hash and $dollar"),
        ("a } b", "a } b"),
        ("山田太郎", "山田太郎"),
        ("\\${not an expression}", "${not an expression}"),
        ("x \\#{y}", "x #{y}"),
    ],
)
def test_literal_text_passes_through(text: str, expected: str) -> None:
    expression = compile_expression(text)
    assert expression.evaluate({}) == expected
    assert expression.names == frozenset()


# --- literals inside ${...} ----------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("${0}", 0),
        ("${42}", 42),
        ("${1.5}", 1.5),
        ("${.5}", 0.5),
        ("${3.}", 3.0),
        ("${2e3}", 2000.0),
        ("${1.5E-1}", 0.15),
        ("${-7}", -7),
        ("${'single'}", "single"),
        ('${"double"}', "double"),
        ("${'it\\'s'}", "it's"),
        ('${"say \\"hi\\""}', 'say "hi"'),
        ("${'back\\\\slash'}", "back\\slash"),
        ("${'a\\nb\\tc'}", "a\nb\tc"),
        ("${'\\u65e5'}", "日"),
        ("${'}'}", "}"),
        ("${\"it's\"}", "it's"),
        ("${''}", ""),
        ("${true}", True),
        ("${false}", False),
        ("${null}", None),
        ("#{42}", 42),
        ("  ${42}  ", 42),
        ("${ 'spaced' }", "spaced"),
    ],
)
def test_literals(text: str, expected: Any) -> None:
    result = ev(text, {})
    assert result == expected
    assert type(result) is type(expected)


# --- operators -----------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # equality, symbol and keyword forms
        ("${a == 1}", True), ("${a eq 1}", True), ("${a == 2}", False),
        ("${a != 2}", True), ("${a ne 1}", False),
        ("${name == 'kermit'}", True), ("${name eq \"kermit\"}", True), ("${name != 'piggy'}", True),
        ("${num_text == 5}", True), ("${a == 1.0}", True), ("${'1.0' == 1}", True),
        ("${nothing == null}", True), ("${nothing != null}", False), ("${a == null}", False),
        ("${null == null}", True), ("${t == true}", True), ("${t == 'true'}", True),
        ("${f == 'FALSE'}", True), ("${day == '2026-03-14'}", True),
        ("${items == items}", True), ("${empty_map == empty_map}", True), ("${price == 10.5}", True),
        # relational, symbol and keyword forms
        ("${score > 5}", True), ("${score gt 5}", True), ("${low > 5}", False),
        ("${score < 5}", False), ("${score lt 8}", True),
        ("${score >= 7}", True), ("${score ge 8}", False),
        ("${score <= 5}", False), ("${low le 3}", True),
        ("${num_text < 10}", True), ("${'abc' < 'abd'}", True), ("${'b' gt 'a'}", True),
        ("${day < date('2026-03-15')}", True), ("${day >= date('2026-03-14')}", True),
        ("${half < 1}", True), ("${price > 10}", True), ("${price > 10.4}", True),
        # arithmetic
        ("${a + b}", 3), ("${b - a}", 1), ("${b * 3}", 6), ("${7 / 2}", 3.5), ("${8 div 2}", 4.0),
        ("${7 % 3}", 1), ("${7 mod 3}", 1), ("${-7 % 3}", -1), ("${7 % -3}", 1), ("${7.5 % 2}", 1.5),
        ("${num_text + 1}", 6), ("${float_text * 2}", 5.0), ("${'3' + '4'}", 7), ("${half + half}", 1.0),
        ("${-a}", -1), ("${-num_text}", -5), ("${- -a}", 1), ("${a - -1}", 2), ("${price + 1}", Decimal("11.5")),
        ("${price % 4}", Decimal("2.5")), ("${price * half}", 5.25),
        # logical, symbol and keyword forms
        ("${t && f}", False), ("${t and t}", True), ("${t || f}", True), ("${f or f}", False),
        ("${!t}", False), ("${not f}", True), ("${!nothing}", True), ("${not not t}", True),
        ("${!blank}", True), ("${nothing || t}", True), ("${'true' && t}", True),
        ("${f && undefined_var}", False), ("${t || undefined_var}", True), ("${t ? 1 : undefined_var}", 1),
        # empty
        ("${empty nothing}", True), ("${empty blank}", True), ("${empty empty_list}", True),
        ("${empty empty_map}", True), ("${empty name}", False), ("${empty items}", False),
        ("${empty(undefined_var)}", True), ("${empty undefined_var}", True), ("${empty undefined_var.x}", True),
        ("${empty a}", False), ("${empty 0}", False), ("${empty f}", False), ("${not empty name}", True),
        ("${!empty(applicant.nick)}", False), ("${empty applicant.missing}", True), ("${empty pair}", False),
        # ternary
        ("${t ? 'yes' : 'no'}", "yes"), ("${f ? 'yes' : 'no'}", "no"), ("${nothing ? 1 : 2}", 2),
        ("${score > 5 ? 'high' : 'low'}", "high"), ("${f ? 1 : t ? 2 : 3}", 2), ("${t ? f ? 1 : 2 : 3}", 2),
    ],
)
def test_operators(text: str, expected: Any) -> None:
    result = ev(text)
    assert result == expected
    assert type(result) is type(expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("${1 + 2 * 3}", 7),
        ("${(1 + 2) * 3}", 9),
        ("${10 - 4 - 3}", 3),
        ("${2 * 3 % 4}", 2),
        ("${12 / 2 / 3}", 2.0),
        ("${-2 * 3}", -6),
        ("${-(2 + 3)}", -5),
        ("${1 + 2 == 3}", True),
        ("${1 < 2 == true}", True),
        ("${1 + 1 < 3}", True),
        ("${t || f && f}", True),
        ("${(t || f) && f}", False),
        ("${!f && t}", True),
        ("${!(t && f)}", True),
        ("${f && f || t}", True),
        ("${a == 1 and b == 2 or f}", True),
        ("${a == 2 or b == 2 and t}", True),
        ("${t ? 1 + 1 : 0}", 2),
        ("${f || t ? 'x' : 'y'}", "x"),
        ("${empty blank && t}", True),
        ("${empty items == false}", True),
        ("${not (a == 1)}", False),
        ("${-a + 3}", 2),
        ("${score > 5 && !empty(applicant.name)}", True),
        ("${2 + 3 * 4 - 6 / 3}", 12.0),
        ("${((((1))))}", 1),
    ],
)
def test_precedence(text: str, expected: Any) -> None:
    assert ev(text) == expected


# --- Camunda corpus, Japanese, access -------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "data", "expected"),
    [
        ("#{twitter}", {"twitter": True}, True),
        ("#{twitter}", {"twitter": False}, False),
        ("#{!twitter}", {"twitter": True}, False),
        ("#{!twitter}", {"twitter": False}, True),
        ("${score > 5}", {"score": 6}, True),
        ("${score > 5}", {"score": 5}, False),
        ("${score <= 5}", {"score": 5}, True),
        ("${score <= 5}", {"score": 6}, False),
        ("${decision == 'approve'}", {"decision": "approve"}, True),
        ("${decision == 'approve'}", {"decision": "reject"}, False),
        ("${approved}", {"approved": True}, True),
        ("${!approved}", {"approved": False}, True),
        ("${amount >= 1000 && department == 'sales'}", {"amount": 1000, "department": "sales"}, True),
        ("${等級 == '2級'}", {"等級": "2級"}, True),
        ("${等級 == '2級'}", {"等級": "1級"}, False),
        ("${合格}", {"合格": True}, True),
        ("${受検者.氏名}", {"受検者": {"氏名": "佐藤"}}, "佐藤"),
        ("${受検者['氏名'] == '佐藤'}", {"受検者": {"氏名": "佐藤"}}, True),
        ("${点数_1 + 点数2}", {"点数_1": 40, "点数2": 45}, 85),
        ("${第〇回 == 'ー々'}", {"第〇回": "ー々"}, True),
        ("${ｽｺｱ１ > 50}", {"ｽｺｱ１": 60}, True),
        ("${contains(職種, '機械')}", {"職種": "機械加工"}, True),
    ],
)
def test_camunda_and_japanese(text: str, data: dict[str, Any], expected: Any) -> None:
    assert compile_expression(text).evaluate(data) is expected or compile_expression(text).evaluate(data) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("${applicant.name}", "山田"),
        ("${applicant['name']}", "山田"),
        ('${applicant["age"]}', 42),
        ("${applicant.address.city}", "東京"),
        ("${applicant['address']['city']}", "東京"),
        ("${applicant.address['city']}", "東京"),
        ("${applicant.tags[1]}", "b"),
        ("${applicant.tags[a]}", "b"),
        ("${applicant.tags['0']}", "a"),
        ("${items[0]}", 10),
        ("${items[2]}", 30),
        ("${items[3]}", None),
        ("${items[-1]}", None),
        ("${items[a + 1]}", 30),
        ("${pair[1]}", "y"),
        ("${rows[1].id}", 2),
        ("${rows[0]['id']}", 1),
        ("${applicant.missing}", None),
        ("${applicant.missing.deeper}", None),
        ("${applicant.nick}", None),
        ("${nothing.anything}", None),
        ("${nothing[0]}", None),
        ("${applicant[name]}", None),
        ("${applicant.empty}", None),
        ("${applicant.tags}", ["a", "b"]),
        ("${empty_map['_private']}", None),
    ],
)
def test_property_and_index_access(text: str, expected: Any) -> None:
    assert ev(text) == expected


def test_whole_expression_returns_value_itself() -> None:
    tags = ["a"]
    assert compile_expression("${x}").evaluate({"x": tags}) is tags
    assert ev("${when}") == datetime(2026, 3, 14, 9, 0, tzinfo=UTC)
    assert ev("${day}") == date(2026, 3, 14)


# --- functions -----------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("${date('2026-03-14')}", date(2026, 3, 14)),
        ("${date(day)}", date(2026, 3, 14)),
        ("${date(when)}", date(2026, 3, 14)),
        ("${len(name)}", 6),
        ("${len(items)}", 3),
        ("${len(applicant)}", 5),
        ("${len(nothing)}", 0),
        ("${len('日本語')}", 3),
        ("${str(a)}", "1"),
        ("${str(t)}", "true"),
        ("${str(nothing)}", ""),
        ("${str(day)}", "2026-03-14"),
        ("${str(1.5)}", "1.5"),
        ("${int('42')}", 42),
        ("${int(3.9)}", 3),
        ("${int(-3.9)}", -3),
        ("${int(num_text) + 1}", 6),
        ("${contains(items, 20)}", True),
        ("${contains(items, 21)}", False),
        ("${contains(applicant.tags, 'a')}", True),
        ("${contains(name, 'erm')}", True),
        ("${contains(name, 'x')}", False),
        ("${contains(applicant, 'age')}", True),
        ("${contains(nothing, 'x')}", False),
        ("${contains('abc123', 12)}", True),
        ("${len(str(score)) == 1}", True),
    ],
)
def test_functions(text: str, expected: Any) -> None:
    result = ev(text)
    assert result == expected
    assert type(result) is type(expected)


# --- composite templates -------------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Review ${applicant.name}", "Review 山田"),
        ("${a}${b}", "12"),
        ("${a} + ${b} = ${a + b}", "1 + 2 = 3"),
        ("flag=${t}", "flag=true"),
        ("none=[${nothing}]", "none=[]"),
        ("due ${day}", "due 2026-03-14"),
        ("at ${when}", "at 2026-03-14T09:00:00+00:00"),
        ("#{name}-#{a}", "kermit-1"),
        ("${day}T09:00:00", "2026-03-14T09:00:00"),
        ("P${b}D", "P2D"),
        ("  group-${等級}  ", "group-2級"),
        ("cost \\${a} is ${a}", "cost ${a} is 1"),
        ("${half}x", "0.5x"),
    ],
)
def test_composite_templates(text: str, expected: str) -> None:
    assert ev(text) == expected


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("kermit", set()),
        ("${1 + 2}", set()),
        ("${a}", {"a"}),
        ("${applicant.name}", {"applicant"}),
        ("${applicant[key]}", {"applicant", "key"}),
        ("${x ? y : z}", {"x", "y", "z"}),
        ("${empty ghost}", {"ghost"}),
        ("${len(items) > n}", {"items", "n"}),
        ("Hi ${first} ${last}", {"first", "last"}),
        ("${等級 == '2級'}", {"等級"}),
        ("${a.b.c}", {"a"}),
    ],
)
def test_names(text: str, names: set[str]) -> None:
    assert compile_expression(text).names == frozenset(names)


# --- compile-time errors ---------------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("${a == )}", "unexpected token ')' at column 8 in '${a == )}'"),
        ("${a ==}", "unexpected end of expression at column 7 in '${a ==}'"),
        ("${}", "empty expression at column 1 in '${}'"),
        ("${  }", "empty expression at column 1 in '${  }'"),
        ("x ${a", "missing '}' to close the expression at column 3 in 'x ${a'"),
        ("${'abc}", "unterminated string at column 3 in '${'abc}'"),
        ("${a b}", "unexpected token 'b' at column 5 in '${a b}'"),
        ("${(a}", "expected ')' but found end of expression at column 5 in '${(a}'"),
        ("${items[0}", "expected ']' but found end of expression at column 10 in '${items[0}'"),
        ("${t ? 1}", "expected ':' but found end of expression at column 8 in '${t ? 1}'"),
        ("${a = 1}", "a single '=' is not an operator (use '==' to compare) at column 5 in '${a = 1}'"),
        ("${a & b}", "unexpected character '&' at column 5 in '${a & b}'"),
        ("${a ; b}", "unexpected character ';' at column 5 in '${a ; b}'"),
        ("${a.}", "expected a property name after '.' but found end of expression at column 5 in '${a.}'"),
        ("${a.1}", "unexpected token '.1' at column 4 in '${a.1}'"),
        ("${12abc}", "malformed number '12a' at column 3 in '${12abc}'"),
        ("${'\\q'}", "unknown escape '\\q' in string at column 4 in '${'\\q'}'"),
        ("${'\\u12'}", "invalid \\u escape in string at column 4 in '${'\\u12'}'"),
        ("${foo(1)}", "unknown function 'foo' (allowed: contains, date, int, len, str) at column 3 in '${foo(1)}'"),
        ("${now()}", "unknown function 'now' (allowed: contains, date, int, len, str) at column 3 in '${now()}'"),
        ("${len(a, b)}", "function 'len' takes 1 argument but got 2 at column 3 in '${len(a, b)}'"),
        ("${contains(a)}", "function 'contains' takes 2 arguments but got 1 at column 3 in '${contains(a)}'"),
        ("${a.b()}", "method call 'b()' is not supported at column 5 in '${a.b()}'"),
        ("${execution.getVariable('x')}", "method call 'getVariable()' is not supported at column 13"),
        ("${a[0]()}", "calling the result of an expression is not supported at column 7 in '${a[0]()}'"),
        ("${a.__class__}", "name '__class__' is not allowed because it starts with '_' at column 5"),
        ("${__import__('os')}", "name '__import__' is not allowed because it starts with '_' at column 3"),
        ("${_x}", "name '_x' is not allowed because it starts with '_' at column 3 in '${_x}'"),
        ("${a.__class__.__mro__}", "name '__class__' is not allowed"),
        ("${a.__globals__}", "name '__globals__' is not allowed"),
        ("${a instanceof b}", "unexpected token 'instanceof' at column 5"),
        ("${(a)(1)}", "unexpected token '(' at column 6 in '${(a)(1)}'"),
        ("${$a}", "unexpected character '$' at column 3 in '${$a}'"),
        ("${a ${b}}", "unexpected character '$' at column 5"),
        ("Hi ${a} ${", "missing '}' to close the expression at column 9"),
        ("${a ? b : }", "unexpected end of expression at column 11"),
        ("${a..b}", "expected a property name after '.' but found token '.' at column 5"),
        ("${(" * 1 + "(" * 60 + "1" + ")" * 61 + "}", "expression is nested too deeply"),
        ("${" + "!" * 60 + "t}", "expression is nested too deeply"),
        ("${" + " + ".join(["1"] * 250) + "}", "expression is too complex (more than 200 nested operations)"),
        ("${" + "9" * 5000 + "}", "number '99999999999999999999...' is too long at column 3"),
        ("${a・b}", "unexpected character '・' at column 4"),
        ("= approved", "Camunda 8 FEEL expressions ('= …') are not supported; use ${…}"),
        ("  =approved == true", "Camunda 8 FEEL expressions ('= …') are not supported; use ${…}"),
    ],
)
def test_compile_errors(text: str, message: str) -> None:
    with pytest.raises(ExpressionError) as info:
        compile_expression(text)
    assert str(info.value).startswith(message)
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize(
    "text",
    [
        "${__import__('os')}",
        "${__import__('os').system('id')}",
        "${a.__class__}",
        "${a.__class__.__bases__[0].__subclasses__()}",
        "${a['x'].__dict__}",
        "${eval('1')}",
        "${exec('1')}",
        "${getattr(a, 'b')}",
        "${open('/etc/passwd')}",
        "${a.keys()}",
        "${name.upper()}",
        "${(lambda: 1)}",
        "${[1, 2]}",
        "${{'a': 1}}",
        "${a if b else c}",
        "${a = 1}",
        "${a += 1}",
        "${x -> x}",
    ],
)
def test_unsafe_text_is_refused_at_compile_time(text: str) -> None:
    with pytest.raises(ExpressionError):
        compile_expression(text)


# --- evaluation errors -----------------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("${x}", "unknown variable 'x' in ${x}"),
        ("Hello ${who}!", "unknown variable 'who' in ${who}"),
        ("${x.y}", "unknown variable 'x' in ${x.y}"),
        ("${empty items[ghost]}", "unknown variable 'ghost' in ${empty items[ghost]}"),
        ("${nothing < 1}", "cannot compare null with the number 1 using '<' in ${nothing < 1}"),
        ("${a > nothing}", "cannot compare the number 1 with null using '>' in ${a > nothing}"),
        ("${nothing >= nothing}", "cannot compare null with null using '>='"),
        ("${name < a}", "cannot use the string 'kermit' as a number in ${name < a}"),
        ("${items < items}", "cannot compare a list with a list using '<'"),
        ("${day < '2026-01-01'}", "cannot compare the date 2026-03-14 with the string '2026-01-01' using '<'"),
        ("${day < when}", "cannot compare the date 2026-03-14 with the date-time 2026-03-14T09:00:00+00:00"),
        ("${t < f}", "cannot compare the boolean true with the boolean false using '<'"),
        ("${name + 'x'}", "cannot use the string 'kermit' as a number in ${name + 'x'}"),
        ("${'a' + 'b'}", "cannot use the string 'a' as a number"),
        ("${nothing + 1}", "cannot use null as a number in ${nothing + 1}"),
        ("${t + 1}", "cannot use the boolean true as a number"),
        ("${items * 2}", "cannot use a list as a number"),
        ("${-name}", "cannot use the string 'kermit' as a number"),
        ("${-nothing}", "cannot use null as a number"),
        ("${a / 0}", "division by zero (the number 1 / the number 0) in ${a / 0}"),
        ("${a % 0}", "division by zero"),
        ("${a div 0.0}", "division by zero"),
        ("${a == 'abc'}", "cannot use the string 'abc' as a number in ${a == 'abc'}"),
        ("${t == 1}", "cannot use the boolean true as a number"),
        ("${t == 'yes'}", "cannot use the string 'yes' as a boolean"),
        ("${!a}", "cannot use the number 1 as a boolean in ${!a}"),
        ("${name && t}", "cannot use the string 'kermit' as a boolean"),
        ("${items || t}", "cannot use a list as a boolean"),
        ("${a ? 1 : 2}", "cannot use the number 1 as a boolean"),
        ("${name.first}", "cannot read property 'first' of the string 'kermit' in ${name.first}"),
        ("${items.size}", "cannot read property 'size' of a list"),
        ("${true.x}", "cannot read property 'x' of the boolean true"),
        ("${not a == 1}", "cannot use the number 1 as a boolean"),
        ("${a[0]}", "cannot index the number 1 with the number 0"),
        ("${items['x']}", "cannot use the string 'x' as a list index"),
        ("${items[1.0]}", "cannot use the number 1.0 as a list index"),
        ("${applicant[items]}", "cannot use a list as a map key"),
        ("${date('14/03/2026')}", "date() needs a 'YYYY-MM-DD' date, not the string '14/03/2026'"),
        ("${date('2026-02-30')}", "date() needs a 'YYYY-MM-DD' date"),
        ("${len(a)}", "len() cannot measure the number 1"),
        ("${int('x')}", "cannot use the string 'x' as a number"),
        ("${int(nothing)}", "int() cannot convert null"),
        ("${int(1e999)}", "int() cannot convert the number inf"),
        ("${contains(a, 1)}", "contains() cannot search in the number 1"),
        ("${contains(name, items)}", "contains() cannot look for a list in a string"),
        ("${x}${y}", "unknown variable 'x' in ${x}"),
    ],
)
def test_evaluation_errors(text: str, message: str) -> None:
    expression = compile_expression(text)
    with pytest.raises(EvaluationError) as info:
        expression.evaluate(DATA)
    assert str(info.value).startswith(message)
    assert isinstance(info.value, RuntimeError)


def test_naive_and_aware_datetimes_do_not_leak_type_error() -> None:
    with pytest.raises(EvaluationError, match="naive date-time"):
        compile_expression("${x < y}").evaluate({"x": datetime(2026, 1, 1), "y": datetime(2026, 1, 1, tzinfo=UTC)})


def test_unexpected_python_error_becomes_evaluation_error() -> None:
    with pytest.raises(EvaluationError, match=r"cannot evaluate \$\{a / b\} \(OverflowError"):
        compile_expression("${a / b}").evaluate({"a": 10**400, "b": 3})


# --- API behaviour -----------------------------------------------------------------------------

def test_compile_is_cached_and_immutable() -> None:
    first = compile_expression("${a + 1}")
    assert compile_expression("${a + 1}") is first
    assert isinstance(first, Expression)
    assert first.source == "${a + 1}"
    with pytest.raises(dataclasses.FrozenInstanceError):
        first.source = "${b}"  # type: ignore[misc]
    assert first.evaluate({"a": 1}) == 2
    assert first.evaluate({"a": 5}) == 6
    assert compile_condition("${a}") != compile_expression("${a}")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("${x}", True), ("#{x}", True), ("a ${x} b", True), ("\\${x}", True),
        ("kermit", False), ("PT1S", False), ("$ {x}", False), ("{x}", False), ("", False), ("$x", False),
    ],
)
def test_is_expression(text: str, expected: bool) -> None:
    assert is_expression(text) is expected


@pytest.mark.parametrize(
    ("text", "data", "expected"),
    [
        ("${approved}", {"approved": True}, True),
        ("  #{!approved}\n", {"approved": True}, False),
        ("${score > 5}", {"score": 9}, True),
        ("${empty ghost}", {}, True),
        ("${等級 == '2級'}", {"等級": "2級"}, True),
    ],
)
def test_compile_condition(text: str, data: dict[str, Any], expected: bool) -> None:
    assert compile_condition(text).evaluate(data) is expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("approved", "a condition must be a ${...} expression, not 'approved'"),
        ("", "a condition must be a ${...} expression"),
        ("x ${a}", "a condition must be a ${...} expression, not 'x ${a}'"),
        ("${a} ${b}", "a condition must be a ${...} expression"),
        ("${a}!", "a condition must be a ${...} expression"),
        ("= approved", "Camunda 8 FEEL expressions ('= …') are not supported; use ${…}"),
        ("${a ==}", "unexpected end of expression at column 7"),
    ],
)
def test_compile_condition_errors(text: str, message: str) -> None:
    with pytest.raises(ExpressionError) as info:
        compile_condition(text)
    assert str(info.value).startswith(message)


@pytest.mark.parametrize(
    ("value", "shown"),
    [(None, "null"), ("true", "the string 'true'"), (1, "the number 1"), ({}, "a map")],
)
def test_condition_must_give_a_boolean(value: Any, shown: str) -> None:
    with pytest.raises(EvaluationError, match=re.escape(f"a condition must give true or false, but ${{v}} gave {shown}")):
        compile_condition("${v}").evaluate({"v": value})


# --- timer values: durations --------------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("PT1S", Duration(seconds=1)),
        ("PT10S", Duration(seconds=10)),
        ("PT5M", Duration(seconds=300)),
        ("PT36H", Duration(seconds=129600)),
        ("P1D", Duration(days=1)),
        ("P2W", Duration(days=14)),
        ("P1M", Duration(months=1)),
        ("P1Y", Duration(years=1)),
        ("P1DT2H", Duration(days=1, seconds=7200)),
        ("P1Y2M3W4DT5H6M7S", Duration(1, 2, 25, 18367)),
        ("PT1.5S", Duration(seconds=1.5)),
        ("PT0,5S", Duration(seconds=0.5)),
        ("PT0.5H", Duration(seconds=1800)),
        ("PT1M30.25S", Duration(seconds=90.25)),
        ("P1.5D", Duration(days=1, seconds=43200)),
        ("P0.5W", Duration(days=3, seconds=43200)),
        ("P1DT0.25H", Duration(days=1, seconds=900)),
        ("pt5m", Duration(seconds=300)),
        ("  PT10S ", Duration(seconds=10)),
        ("P0D", Duration()),
    ],
)
def test_parse_duration(text: str, expected: Duration) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("P1X", "'P1X' is not an ISO 8601 duration"),
        ("", "'' is not an ISO 8601 duration"),
        ("P", "'P' is not an ISO 8601 duration"),
        ("PT", "'PT' is not an ISO 8601 duration"),
        ("P1DT", "'P1DT' is not an ISO 8601 duration"),
        ("1D", "'1D' is not an ISO 8601 duration"),
        ("-P1D", "'-P1D' is not an ISO 8601 duration"),
        ("P1D2Y", "'P1D2Y' is not an ISO 8601 duration"),
        ("PT1H2H", "'PT1H2H' is not an ISO 8601 duration"),
        ("P1H", "'P1H' is not an ISO 8601 duration"),
        ("5 minutes", "'5 minutes' is not an ISO 8601 duration"),
        ("${delay}", "'${delay}' is not an ISO 8601 duration"),
        ("P1.5DT1H", "only the last component of 'P1.5DT1H' may have a fraction"),
        ("PT1.5H30M", "only the last component of 'PT1.5H30M' may have a fraction"),
        ("P0.5M", "fractional years or months are not supported in 'P0.5M'"),
        ("P1.5Y", "fractional years or months are not supported in 'P1.5Y'"),
    ],
)
def test_parse_duration_errors(text: str, message: str) -> None:
    with pytest.raises(ExpressionError) as info:
        parse_duration(text)
    assert str(info.value).startswith(message)


@pytest.mark.parametrize(
    ("duration", "start", "expected"),
    [
        ("P1M", datetime(2026, 1, 31), datetime(2026, 2, 28)),
        ("P1M", datetime(2028, 1, 31), datetime(2028, 2, 29)),
        ("P1M", datetime(2026, 3, 31, 9, 30), datetime(2026, 4, 30, 9, 30)),
        ("P2M", datetime(2026, 12, 31), datetime(2027, 2, 28)),
        ("P13M", datetime(2026, 1, 15), datetime(2027, 2, 15)),
        ("P1Y", datetime(2028, 2, 29), datetime(2029, 2, 28)),
        ("PT1S", datetime(2026, 3, 14, 23, 59, 59), datetime(2026, 3, 15)),
        ("P1DT2H", datetime(2026, 3, 14, 9), datetime(2026, 3, 15, 11)),
        ("PT1.5S", datetime(2026, 3, 14), datetime(2026, 3, 14, 0, 0, 1, 500000)),
        ("P1W", datetime(2026, 2, 25), datetime(2026, 3, 4)),
        ("P1M1D", datetime(2026, 1, 31), datetime(2026, 3, 1)),
        ("P1M", datetime(2026, 1, 31, tzinfo=TOKYO), datetime(2026, 2, 28, tzinfo=TOKYO)),
        ("PT9H", datetime(2026, 3, 14, 15, tzinfo=UTC), datetime(2026, 3, 15, tzinfo=UTC)),
    ],
)
def test_duration_add_to(duration: str, start: datetime, expected: datetime) -> None:
    result = parse_duration(duration).add_to(start)
    assert result == expected
    assert result.tzinfo == start.tzinfo


def test_duration_days_are_calendar_days_and_hours_are_elapsed_time() -> None:
    new_york = ZoneInfo("America/New_York")
    before_dst = datetime(2026, 3, 7, 12, tzinfo=new_york)
    assert parse_duration("P1D").add_to(before_dst).hour == 12
    assert parse_duration("PT24H").add_to(before_dst).hour == 13


def test_duration_beyond_date_range_is_an_evaluation_error() -> None:
    with pytest.raises(EvaluationError, match="beyond the supported date range"):
        parse_duration("P9000Y").add_to(datetime(2026, 1, 1))


@pytest.mark.parametrize(
    ("text", "rendered"),
    [("P1Y2M10DT2H30M", "P1Y2M10DT2H30M"), ("PT1.5S", "PT1.5S"), ("P0D", "PT0S"), ("P2W", "P14D"), ("PT90M", "PT1H30M")],
)
def test_duration_str(text: str, rendered: str) -> None:
    assert str(parse_duration(text)) == rendered


# --- timer values: date-times --------------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-03-14T09:00:00", datetime(2026, 3, 14, 0, 0, tzinfo=UTC)),
        ("2026-03-14T09:00", datetime(2026, 3, 14, 0, 0, tzinfo=UTC)),
        ("2026-03-14T09:00:00Z", datetime(2026, 3, 14, 9, 0, tzinfo=UTC)),
        ("2026-03-14T09:00:00z", datetime(2026, 3, 14, 9, 0, tzinfo=UTC)),
        ("2026-03-14T09:00:00+09:00", datetime(2026, 3, 14, 0, 0, tzinfo=UTC)),
        ("2026-03-14T09:00:00-05:00", datetime(2026, 3, 14, 14, 0, tzinfo=UTC)),
        ("2026-03-14T09:00:00.5+09:00", datetime(2026, 3, 14, 0, 0, 0, 500000, tzinfo=UTC)),
        ("  2026-03-14T09:00:00+00:00 ", datetime(2026, 3, 14, 9, 0, tzinfo=UTC)),
        ("2026-03-14", datetime(2026, 3, 13, 15, 0, tzinfo=UTC)),
        ("2026-01-01T00:00:00", datetime(2025, 12, 31, 15, 0, tzinfo=UTC)),
        (date(2026, 3, 14), datetime(2026, 3, 13, 15, 0, tzinfo=UTC)),
        (datetime(2026, 3, 14, 9), datetime(2026, 3, 14, 0, 0, tzinfo=UTC)),
        (datetime(2026, 3, 14, 9, tzinfo=UTC), datetime(2026, 3, 14, 9, 0, tzinfo=UTC)),
    ],
)
def test_parse_datetime(text: str | date, expected: datetime) -> None:
    result = parse_datetime(text, TOKYO)
    assert result == expected
    assert result.tzinfo is UTC


def test_parse_datetime_uses_the_given_default_zone() -> None:
    assert parse_datetime("2026-03-14T09:00:00", UTC) == datetime(2026, 3, 14, 9, tzinfo=UTC)


@pytest.mark.parametrize(
    "text", ["tomorrow", "", "14/03/2026", "2026-13-01", "2026-03-14T25:00", "PT1S", "${due}", "2026-02-30"]
)
def test_parse_datetime_errors(text: str) -> None:
    with pytest.raises(ExpressionError, match=re.escape(f"'{text}' is not an ISO 8601 date-time")):
        parse_datetime(text, TOKYO)


# --- timer values: cycles -------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "repetitions", "start", "duration", "end"),
    [
        ("R/P1M", None, None, Duration(months=1), None),
        ("R3/PT10S", 3, None, Duration(seconds=10), None),
        ("r2/pt1h", 2, None, Duration(seconds=3600), None),
        ("R/2026-01-01T00:00:00/P1D", None, datetime(2025, 12, 31, 15, tzinfo=UTC), Duration(days=1), None),
        ("R5/2026-01-01T00:00:00Z/PT1H", 5, datetime(2026, 1, 1, tzinfo=UTC), Duration(seconds=3600), None),
        ("R2/PT1H/2026-01-01T09:00:00+09:00", 2, None, Duration(seconds=3600), datetime(2026, 1, 1, tzinfo=UTC)),
        (" R10/P1W ", 10, None, Duration(days=7), None),
    ],
)
def test_parse_cycle(
    text: str, repetitions: int | None, start: datetime | None, duration: Duration, end: datetime | None
) -> None:
    cycle = parse_cycle(text, TOKYO)
    assert isinstance(cycle, Cycle)
    assert (cycle.repetitions, cycle.start, cycle.duration, cycle.end) == (repetitions, start, duration, end)


def _utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def _jst(*args: int) -> datetime:
    return datetime(*args, tzinfo=JST)


@pytest.mark.parametrize(
    ("text", "prev", "fired", "expected"),
    [
        # anchored on a start: first firing is the start itself
        ("R/2026-01-01T00:00:00/P1D", _utc(2025, 12, 1), 0, _jst(2026, 1, 1)),
        ("R/2026-01-01T00:00:00/P1D", _jst(2026, 1, 1), 0, _jst(2026, 1, 2)),
        ("R/2026-01-01T00:00:00/P1D", _jst(2026, 3, 14, 12), 0, _jst(2026, 3, 15)),
        ("R3/2026-01-01T00:00:00Z/PT10S", _utc(2025, 1, 1), 0, _utc(2026, 1, 1)),
        ("R3/2026-01-01T00:00:00Z/PT10S", _utc(2026, 1, 1), 0, _utc(2026, 1, 1, 0, 0, 10)),
        ("R3/2026-01-01T00:00:00Z/PT10S", _utc(2026, 1, 1, 0, 0, 10), 0, _utc(2026, 1, 1, 0, 0, 20)),
        ("R3/2026-01-01T00:00:00Z/PT10S", _utc(2026, 1, 1, 0, 0, 20), 0, None),
        ("R/2000-01-01T00:00:00Z/PT1S", datetime(2026, 3, 14, 0, 0, 0, 500000, tzinfo=UTC), 0, _utc(2026, 3, 14, 0, 0, 1)),
        ("R/2026-01-31T00:00:00+09:00/P1M", _jst(2026, 2, 1), 0, _jst(2026, 2, 28)),
        ("R/2026-01-31T00:00:00+09:00/P1M", _jst(2026, 2, 28), 0, _jst(2026, 3, 31)),
        ("R/2026-01-31T00:00:00/P1M", _jst(2026, 3, 31), 0, _jst(2026, 4, 30)),
        # no start: relative to prev, repetitions enforced through `fired`
        ("R/PT10S", _utc(2026, 1, 1), 0, _utc(2026, 1, 1, 0, 0, 10)),
        ("R/PT10S", _utc(2026, 1, 1), 10_000, _utc(2026, 1, 1, 0, 0, 10)),
        ("R3/PT10S", _utc(2026, 1, 1), 2, _utc(2026, 1, 1, 0, 0, 10)),
        ("R3/PT10S", _utc(2026, 1, 1), 3, None),
        ("R/P1M", _jst(2026, 1, 31), 0, _jst(2026, 2, 28)),
        ("R/P1D", _jst(2026, 3, 14, 9), 0, _jst(2026, 3, 15, 9)),
        # an end bound stops the cycle
        ("R/PT1H/2026-01-01T02:00:00Z", _utc(2026, 1, 1, 1), 0, _utc(2026, 1, 1, 2)),
        ("R/PT1H/2026-01-01T02:00:00Z", _utc(2026, 1, 1, 1, 30), 0, None),
    ],
)
def test_cycle_next_after(text: str, prev: datetime, fired: int, expected: datetime | None) -> None:
    result = parse_cycle(text, TOKYO).next_after(prev, fired=fired)
    assert result == expected
    if result is not None:
        assert result.tzinfo is UTC


def test_cycle_months_do_not_drift() -> None:
    cycle = parse_cycle("R/2026-01-31T00:00:00/P1M", TOKYO)
    fired: list[datetime] = []
    current = _utc(2026, 1, 1)
    for _ in range(5):
        nxt = cycle.next_after(current)
        assert nxt is not None
        fired.append(nxt)
        current = nxt
    assert [f.astimezone(TOKYO).date() for f in fired] == [
        date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 31), date(2026, 4, 30), date(2026, 5, 31)
    ]


def test_cycle_next_after_needs_an_aware_datetime() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        parse_cycle("R/PT1S", TOKYO).next_after(datetime(2026, 1, 1))


@pytest.mark.parametrize(
    "text", ["0/5 0/1 * 1/1 * ?", "0 0 12 * * ?", "*/5 * * * *", "0 15 10 ? * MON-FRI", "0 0 9 1 1 ?"]
)
def test_cron_cycles_are_refused(text: str) -> None:
    with pytest.raises(ExpressionError) as info:
        parse_cycle(text, TOKYO)
    assert str(info.value) == "cron timer cycles are not supported; use an ISO 8601 repeating interval like R/P1D"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("P1D", "'P1D' is not an ISO 8601 repeating interval"),
        ("R", "'R' is not an ISO 8601 repeating interval"),
        ("", "'' is not an ISO 8601 repeating interval"),
        ("R/2026-01-01/P1D/2027-01-01", "'R/2026-01-01/P1D/2027-01-01' is not an ISO 8601 repeating interval"),
        ("Rx/P1D", "'Rx' in 'Rx/P1D' is not a repetition count like R or R5"),
        ("R-1/P1D", "'R-1' in 'R-1/P1D' is not a repetition count"),
        ("R0/P1D", "the repetition count in 'R0/P1D' must be at least 1"),
        ("R/PT0S", "the interval in 'R/PT0S' must be longer than zero"),
        ("R/P1X", "'P1X' is not an ISO 8601 duration"),
        ("R/", "'' is not an ISO 8601 duration"),
        ("R/someday/P1D", "'someday' is not an ISO 8601 date-time"),
        ("R/PT1H/someday", "'someday' is not an ISO 8601 date-time"),
        ("every 5 minutes", "'every 5 minutes' is not an ISO 8601 repeating interval"),
        ("1 2 3 4 5 6 7 8", "'1 2 3 4 5 6 7 8' is not an ISO 8601 repeating interval"),
    ],
)
def test_parse_cycle_errors(text: str, message: str) -> None:
    with pytest.raises(ExpressionError) as info:
        parse_cycle(text, TOKYO)
    assert str(info.value).startswith(message)
