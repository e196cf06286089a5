"""FEEL types: parsing type text, `instance of` (TCK 0070), type_of, conformance, and the extension hooks."""
from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from engine.dmn.feel.temporal import BigDate, parse_literal
from engine.dmn.feel.typesys import (
    ANY, BOOLEAN, DATE, DATE_AND_TIME, DAYS_AND_TIME_DURATION, NULL, NUMBER, STRING, TIME,
    YEARS_AND_MONTHS_DURATION, AnyType, ConstrainedType, ContextType, FeelType, FunctionType, ListType, NullType,
    RangeType, conforms, is_instance, parse_type, type_of, type_text,
)
from engine.dmn.feel.values import FeelFunction, Parameter, Range

D = Decimal
L = parse_literal
T = parse_type


def fn(*types: Any, result: Any = None) -> FeelFunction:
    params = tuple(Parameter(f"p{i}", t) for i, t in enumerate(types))
    return FeelFunction("f", params, lambda ctx, *a: None, result_type=result)


# --- parsing ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("number", NUMBER), ("string", STRING), ("boolean", BOOLEAN), ("date", DATE), ("time", TIME),
    ("date and time", DATE_AND_TIME), ("dateTime", DATE_AND_TIME), ("days and time duration", DAYS_AND_TIME_DURATION),
    ("dayTimeDuration", DAYS_AND_TIME_DURATION), ("years and months duration", YEARS_AND_MONTHS_DURATION),
    ("yearMonthDuration", YEARS_AND_MONTHS_DURATION), ("Any", ANY), ("Null", NULL), ("feel:number", NUMBER),
    ("  date   and  time ", DATE_AND_TIME), ("list", ListType(ANY)), ("context", ContextType()),
    ("list<string>", ListType(STRING)), ("list<list<number>>", ListType(ListType(NUMBER))),
    ("list<Any>", ListType(ANY)), ("range<date>", RangeType(DATE)),
    ("context<a: number, b: string>", ContextType((("a", NUMBER), ("b", STRING)))),
    ("context<first name: string>", ContextType((("first name", STRING),))),
    ("context<a: context<b: number>>", ContextType((("a", ContextType((("b", NUMBER),))),))),
    ("list<context<a: string, b: string>>", ListType(ContextType((("a", STRING), ("b", STRING))))),
    ("function<number, string>->boolean", FunctionType((NUMBER, STRING), BOOLEAN)),
    ("function<>->Any", FunctionType((), ANY)), ("function<> -> Any", FunctionType((), ANY)),
    ("function<list<number>>->range<date>", FunctionType((ListType(NUMBER),), RangeType(DATE))),
])
def test_parse_type(text: str, expected: FeelType) -> None:
    assert T(text) == expected


@pytest.mark.parametrize("text", ["", "   ", "foo", "list<", "list<number", "list<number>>", "context<a number>",
                                  "context<a: >", "function<number>", "function<number>->", "number number2",
                                  "list<foo>", "<number>", "range<>", "->number"])
def test_parse_type_refuses(text: str) -> None:
    with pytest.raises(ValueError):
        T(text)


def test_parse_type_resolves_other_names() -> None:
    person = ContextType((("name", STRING),))
    resolve = {"tPerson": person, "t Number List": ListType(NUMBER)}.get
    assert T("tPerson", resolve) == person
    assert T("list<tPerson>", resolve) == ListType(person)
    assert T("t Number List", resolve) == ListType(NUMBER)
    with pytest.raises(ValueError):
        T("tOther", resolve)


@pytest.mark.parametrize("text", ["number", "list<string>", "context<a: number, b: string>", "range<date>",
                                  "function<number, string>->boolean", "Any", "Null", "context", "list<Any>",
                                  "date and time", "function<>->Any"])
def test_type_text_round_trips(text: str) -> None:
    assert type_text(T(text)) == text
    assert T(type_text(T(text))) == T(text)


# --- instance of -----------------------------------------------------------------------------------------------

VALUES = {
    "number": D("123.01"), "string": "foo", "boolean": True, "date": L("2018-12-08"), "time": L("10:30:00"),
    "date and time": L("2018-12-08T10:30:00"), "years and months duration": L("P1Y"),
    "days and time duration": L("P1D"), "list": [D(1), D(2), D(3)], "context": {"a": "foo"},
    "function": fn(),
}
SIMPLE = ["number", "string", "boolean", "date", "time", "date and time", "years and months duration",
          "days and time duration"]


@pytest.mark.parametrize("kind", sorted(VALUES))
def test_instance_of_matrix(kind: str) -> None:
    value = VALUES[kind]
    assert is_instance(value, ANY)
    assert not is_instance(value, NULL)
    for name in SIMPLE:
        assert is_instance(value, T(name)) is (name == kind), name
    assert is_instance(value, T("list<Any>")) is (kind == "list")
    assert is_instance(value, T("function<>->Any")) is (kind == "function")


@pytest.mark.parametrize("text", ["Any", *SIMPLE, "list<Any>", "function<> -> Any", "context", "range<number>"])
def test_null_is_an_instance_of_null_only(text: str) -> None:
    assert is_instance(None, T(text)) is False
    assert is_instance(None, NULL) is True


@pytest.mark.parametrize("value, text, expected", [
    ([D(1), "2", L("2018-12-08")], "list<Any>", True), ([], "list<number>", True),
    ([D(1), "2"], "list<number>", False), ([D(1)], "number", False), (D(1), "list<number>", False),
    ([D(1), None], "list<number>", True),
    ([{"a": "a", "b": "b"}], "list<context<a: string, b: string>>", True),
    ([{"a": "a"}], "list<context<a: string, b: string>>", False),
    ({"a": "foo"}, "context<a: string>", True), ({"a": None}, "context<a: string>", True),
    ({"a": "123", "b": D(123)}, "context<a: string>", True), ({"a": "123"}, "context<a: number>", False),
    ({"a": "123", "b": D(123)}, "context<a: string, b: number>", True),
    ({"a": {"b": D(123)}}, "context<a: context<b: number>>", True),
    ({"a": {"b": D(123)}}, "context<a: context<b: string>>", False), ({}, "context", True), ([], "context", False),
    (Range(D(1), D(3), True, True), "range<number>", True), (Range("a", "c", True, True), "range<string>", True),
    (Range(D(1), D(3), True, True), "range<string>", False),
    (Range(None, D(3), False, True, True), "range<number>", True),
    (Range(L("P1D"), L("P2D"), True, True), "range<days and time duration>", True),
    (BigDate(-1, 1, 1), "date", True), (L("-2021-01-01T10:00:00"), "date and time", True),
    (L("10:30:11@Australia/Melbourne"), "time", True), (L("2021-01-01T10:00:00"), "date", False),
    (True, "number", False),
])
def test_instance_of(value: Any, text: str, expected: bool) -> None:
    assert is_instance(value, T(text)) is expected


def test_function_instances() -> None:
    assert is_instance(fn(), T("function<>->Any"))
    assert not is_instance(fn(), T("function<number>->Any"))
    assert is_instance(fn(None), T("function<number>->Any"))  # an untyped parameter takes Any
    assert is_instance(fn(ANY), T("function<number>->Any"))
    assert not is_instance(fn(NUMBER), T("function<Any>->Any"))
    assert is_instance(fn(NUMBER, result=NUMBER), T("function<number>->number"))
    assert not is_instance(fn(NUMBER, result=STRING), T("function<number>->number"))
    two = FeelFunction("g", (Parameter("a"),), lambda ctx, a: a, overloads=(fn(None, None),))
    assert is_instance(two, T("function<Any, Any>->Any"))
    assert not is_instance(D(1), T("function<>->Any"))


# --- type_of -----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("value, text", [
    (None, "Null"), (D(1), "number"), ("a", "string"), (False, "boolean"), (L("2018-12-08"), "date"),
    (L("10:00:00"), "time"), (L("2018-12-08T10:00:00"), "date and time"), (L("P1D"), "days and time duration"),
    (L("P1Y"), "years and months duration"), ([D(1), D(2)], "list<number>"), ([D(1), "a"], "list<Any>"),
    ([], "list<Any>"), ([D(1), None], "list<number>"), ({"a": D(1), "b": "x"}, "context<a: number, b: string>"),
    ({}, "context"), (Range(D(1), D(2), True, True), "range<number>"),
    (fn(NUMBER, result=STRING), "function<number>->string"), (fn(None), "function<Any>->Any"),
])
def test_type_of(value: Any, text: str) -> None:
    assert type_of(value) == T(text)
    assert value is None or is_instance(value, type_of(value))


# --- conformance ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("sub, sup, expected", [
    ("number", "Any", True), ("Null", "number", True), ("Null", "list<string>", True), ("number", "number", True),
    ("number", "string", False), ("Any", "number", False), ("list<number>", "list<Any>", True),
    ("list<Any>", "list<number>", False), ("list<number>", "list<string>", False), ("list<number>", "number", False),
    ("context<a: number, b: string>", "context<a: number>", True),
    ("context<a: number>", "context<a: number, b: string>", False),
    ("context<a: number>", "context<a: Any>", True), ("context<a: number>", "context<a: string>", False),
    ("context<a: number>", "context", True), ("context", "context<a: number>", False),
    ("range<number>", "range<Any>", True), ("range<number>", "range<string>", False),
    ("function<Any>->number", "function<number>->Any", True), ("function<number>->number", "function<Any>->Any", False),
    ("function<number>->string", "function<number>->Any", True),
    ("function<number>->Any", "function<number>->string", False),
    ("function<number>->Any", "function<number, number>->Any", False), ("function<>->Any", "Any", True),
    ("date and time", "date", False), ("dateTime", "date and time", True),
])
def test_conforms(sub: str, sup: str, expected: bool) -> None:
    assert conforms(T(sub), T(sup)) is expected


# --- extension hooks ------------------------------------------------------------------------------------------------

def test_constrained_type() -> None:
    small = ConstrainedType(NUMBER, "tSmall", lambda v: v < 256)
    assert is_instance(D(255), small) and not is_instance(D(256), small) and not is_instance("1", small)
    assert not is_instance(None, small)
    assert is_instance([D(1), None], ListType(small))
    assert conforms(small, NUMBER) and conforms(small, ANY) and conforms(small, small)
    assert not conforms(NUMBER, small)
    assert type_text(small) == "tSmall"
    assert T("list<tSmall>", {"tSmall": small}.get) == ListType(small)


def test_a_subclass_can_define_its_own_rules() -> None:
    from dataclasses import dataclass

    @dataclass(frozen=True)
    class EvenType(FeelType):
        def accepts(self, value: Any) -> bool:
            return isinstance(value, Decimal) and value % 2 == 0

        def conforms_to(self, other: FeelType) -> bool:
            return other in (self, NUMBER)

    even = EvenType()
    assert is_instance(D(4), even) and not is_instance(D(3), even)
    assert conforms(even, NUMBER) and conforms(even, ANY) and not conforms(even, STRING)
    assert conforms(ListType(even), ListType(NUMBER))


def test_types_are_hashable_values() -> None:
    assert {T("list<number>"), T("list<number>"), ListType(NUMBER)} == {ListType(NUMBER)}
    assert isinstance(ANY, AnyType) and isinstance(NULL, NullType)
    assert ContextType((("a", NUMBER),)).field_type("a") == NUMBER
    assert ContextType((("a", NUMBER),)).field_type("b") is None
