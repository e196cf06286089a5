"""The FEEL compiler through compile_expression: every construct's semantics, null propagation, errors."""
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from engine.dmn.feel import EvalContext, FeelSyntaxError, FeelTooDeepError, compile_expression
from engine.dmn.feel import typesys
from engine.dmn.feel.values import DayTimeDuration, FeelFunction, Parameter, Range

D = Decimal


def run(text: str, variables: dict[str, Any] | None = None, names: tuple[str, ...] = (), **kw: Any
        ) -> tuple[Any, list[str]]:
    """The value of a text and the errors it reported."""
    ctx = EvalContext()
    value = compile_expression(text, names or tuple(variables or ()), **kw).evaluate(variables or {}, ctx)
    return value, ctx.errors


def ev(text: str, variables: dict[str, Any] | None = None, names: tuple[str, ...] = ()) -> Any:
    """The value of a text that must report no error."""
    value, errors = run(text, variables, names)
    assert errors == [], errors
    return value


def err(text: str, variables: dict[str, Any] | None = None) -> list[str]:
    """The errors of a text whose value must be null."""
    value, errors = run(text, variables)
    assert value is None and errors, (value, errors)
    return errors


@pytest.mark.parametrize(("text", "expected"), [
    ("1 + 2 * 3", D(7)), ("0.1 + 0.2", D("0.3")), ("10 / 4", D("2.5")), ("2 ** 10", D(1024)),
    ("-3 ** 2", D(9)), ("3 ** 4 ** 5", D(3486784401)), ("--10", D(10)), ("-.872", D("-0.872")),
    ("1 - 2 - 3", D(-4)), ('"a" + "b"', "ab"), ("1e3 = 1000", True), ("-0 = 0", True),
    ("-(function(a) a)(10)", D(-10)), ("1 / 3 * 3", D("0.9999999999999999999999999999999999")),
])
def test_arithmetic(text: str, expected: Any) -> None:
    assert ev(text) == expected


def test_decimals_not_floats() -> None:
    assert ev("a + b = 0.3", {"a": D("0.1"), "b": D("0.2")}) is True
    digits = "1.234567890123456789012345678901234"  # 34 digits survive negation (Python's default is 28)
    assert ev("-x", {"x": D(digits)}) == D("-" + digits)
    assert ev("x * 1", {"x": D(digits)}) == D(digits)


@pytest.mark.parametrize("text", ["10 + null", "null * 2", "-null", "null ** 2"])
def test_null_propagates_silently(text: str) -> None:
    assert run(text) == (None, [])


@pytest.mark.parametrize("text", ['1 + "a"', "10 / 0", '-"10"', "true * 2", "[1] - 1"])
def test_arithmetic_errors(text: str) -> None:
    err(text)


@pytest.mark.parametrize(("text", "expected"), [
    ("1 < 2", True), ("2 <= 2", True), ("3 > 4", False), ('"b" >= "a"', True), ("1 = 1.0", True),
    ("1 != 2", True), ("null = null", True), ("null != 1", True), ('"a" = null', False),
    ("[1, 2] = [1, 2]", True), ("{a: 1} = {a: 1}", True), ('@"2026-04-01" < @"2026-04-02"', True),
    ("null < 1", None), ("5 between 1 and 10", True), ("0 between 1 and 10", False),
    ("1 between 1 and 1", True),
])
def test_comparisons(text: str, expected: Any) -> None:
    assert ev(text) == expected


def test_values_that_do_not_compare_are_reported() -> None:
    assert err('1 = "1"') == ["A number and a string cannot be compared."]
    assert err("true < 1") == ["A boolean and a number cannot be ordered."]
    assert err('5 between "a" and 10') == ["A number and a string cannot be ordered."]


@pytest.mark.parametrize(("a", "b", "conj", "disj"), [
    ("true", "true", True, True), ("true", "false", False, True), ("false", "false", False, False),
    ("true", "null", None, True), ("false", "null", False, None), ("null", "null", None, None),
    ("123", "false", False, None), ('"x"', "true", None, True), ("false", "123", False, None),
])
def test_three_valued_logic(a: str, b: str, conj: Any, disj: Any) -> None:
    assert ev(f"{a} and {b}") is conj and ev(f"{b} and {a}") is conj
    assert ev(f"{a} or {b}") is disj and ev(f"{b} or {a}") is disj


def test_short_circuit_skips_errors() -> None:
    assert ev("false and missing") is False and ev("true or missing") is True


def test_if() -> None:
    assert ev("if 1 < 2 then \"y\" else \"n\"") == "y"
    assert ev("if null then 1 else 2") == D(2)
    assert ev('if "yes" then 1 else 2') == D(2)
    assert ev("if b then x + 10 else x - 10", {"b": None, "x": D(100)}) == D(90)


def test_names() -> None:
    assert ev("Monthly Salary * 12", {"Monthly Salary": D(100)}) == D(1200)
    assert ev("x+y * 2", {"x+y": D(3)}) == D(6)
    assert ev("x+y", {"x": D(1), "y": D(2)}, names=("x", "y")) == D(3)
    assert ev("月額給与 + 手当", {"月額給与": D(300000), "手当": D(5000)}) == D(305000)
    assert ev('氏名 + "さん"', {"氏名": "山田"}) == "山田さん"
    assert err("missing") == ["The name 'missing' is not defined."]


def test_builtins_are_known() -> None:
    assert ev('string length("技能検定")') == D(4)
    assert ev('date and time("2018-12-08T10:30:00").year') == D(2018)
    assert ev('substring(string: "abc", start position: 2)') == "bc"
    assert ev("sum", {"sum": D(1)}) == D(1)  # a variable shadows a built-in


def test_contexts() -> None:
    assert ev('{a: 1 + 2, "b c": a + 3, d: {e: b c}}') == {"a": D(3), "b c": D(6), "d": {"e": D(6)}}
    assert ev("{a: 1}.a") == D(1)
    assert ev("{f: function(n) if n <= 1 then 1 else n * f(n - 1), r: f(10)}.r") == D(3628800)
    assert err("{a: 1, a: 2}") == ["The context has two entries named 'a'."]
    assert err("{a: 1}.b") == ["The context has no entry 'b'."]
    assert err("null.b") == ["null has no entry 'b'."]


def test_paths() -> None:
    assert ev("[{a: {b: 1}}, {a: {b: [2]}}].a.b") == [D(1), [D(2)]]
    assert ev("[{a: 1}, {b: 2}, 5].a") == [D(1), None, None]
    assert ev('@"2026-04-01".month') == D(4)
    assert ev('@"P1DT2H".hours') == D(2)
    assert ev("[1..10).end included") is False
    assert ev("(< 10).start") is None
    assert err('@"P1Y".days')
    assert err('"abc".length')


@pytest.mark.parametrize(("text", "expected"), [
    ("[1,2,3][item > 1]", [D(2), D(3)]), ("[1,2,3][1]", D(1)), ("[1,2,3][-1]", D(3)), ("[1,2,3][-3]", D(1)),
    ("[1,2,3][0]", None), ("[1,2,3][4]", None), ("[1,2,3][-4]", None), ("[1,2,3][true]", [D(1), D(2), D(3)]),
    ("[1,2,3][false]", []), ("[][item > 1]", []), ("[][1]", None), ("5[1]", D(5)), ("5[true]", [D(5)]),
    ('"foo"[item = "foo"]', ["foo"]), ("[{a: 1}, {a: 2}][a >= 2]", [{"a": D(2)}]),
    ("[{a: 1}, {a: 2}][item.a = 1].a", [D(1)]), ("[{item: 1}, {item: 2}][item >= 2]", [{"item": D(2)}]),
    ("[{x: 1}, {x: null}][x < 2]", [{"x": D(1)}]), ("[1, 2, 3][item = i]", []),
    ("null[1]", None),
])
def test_filters(text: str, expected: Any) -> None:
    assert run(text, {"i": D(9)})[0] == expected


def test_filter_with_outer_names() -> None:
    employees = [{"name": "A", "dept name": D(10)}, {"name": "B", "dept name": D(20)}]
    assert ev('Employees[dept name = d].name', {"Employees": employees, "d": D(20)}) == ["B"]
    assert ev("L[i]", {"L": [D(5), D(6)], "i": D(2)}) == D(6)
    assert err("[1, 2][1.5]") == ["A list index must be an integer, not 1.5."]


@pytest.mark.parametrize(("text", "expected"), [
    ("for i in [1, 2, 3] return i + 1", [D(2), D(3), D(4)]),
    ("for i in [1, 2], j in [10, 20] return i + j", [D(11), D(21), D(12), D(22)]),
    ("for i in [] return i", []), ("for i in 2..4 return i", [D(2), D(3), D(4)]),
    ("for i in 4..2 return i", [D(4), D(3), D(2)]), ("for i in 1+1..1+2 return i", [D(2), D(3)]),
    ("for i in 0..4 return if i = 0 then 1 else i * partial[-1]", [D(1), D(1), D(2), D(6), D(24)]),
    ("for x in [[1, 2], [3]], y in x return y", [D(1), D(2), D(3)]),
    ("for x in [[1, 2], [3]] return for y in x return y * 2", [[D(2), D(4)], [D(6)]]),
    ('for d in @"2024-02-28"..@"2024-03-01" return d.day', [D(28), D(29), D(1)]),
    ("for i in [1..3] return i", [D(1), D(2), D(3)]), ("for i in (1..3) return i", [D(2)]),
    ("for i in 5 return i", [D(5)]),
])
def test_for(text: str, expected: Any) -> None:
    assert ev(text) == expected


@pytest.mark.parametrize("text", [
    'for i in "a".."z" return i', "for i in [2..1] return i", 'for i in @"00:00:00"..@"01:00:00" return i',
    "for i in 1.5..3 return i", "for i in null return i", "for i in (< 3) return i",
])
def test_for_errors(text: str) -> None:
    err(text)


@pytest.mark.parametrize(("text", "expected"), [
    ("some x in [1, 2, 3] satisfies x > 2", True), ("some x in [1, 2] satisfies x > 2", False),
    ("every x in [3, 4] satisfies x > 2", True), ("every x in [1, 3] satisfies x > 2", False),
    ("some x in [] satisfies x > 2", False), ("every x in [] satisfies x > 2", True),
    ("some x in [1, 2], y in [2, 3] satisfies x = y", True), ("every x in [1, null] satisfies x > 0", False),
    ("some x in 1..3 satisfies x = 3", True),
    ("some i in (1..1000000000) satisfies i > 5", True),  # ranges are iterated lazily
])
def test_quantifiers(text: str, expected: bool) -> None:
    assert ev(text) is expected


def test_functions_and_closures() -> None:
    assert ev("(function(a, b) a + b)(1, 2)") == D(3)
    assert ev("{y: 10, f: function(x) x + y}.f(1)") == D(11)
    assert ev("{make: function(n) function(x) x * n, triple: make(3), r: triple(5)}.r") == D(15)
    assert ev("(function(a: number) a + 1)([1])") == D(2)  # a singleton list gives its element
    assert ev("(function(a: list<number>) count(a))(7)") == D(1)  # a value becomes a singleton list
    assert ev("(function(a: number) a)(null)") is None
    assert err('(function(a: number) a + 1)("x")') == ["The parameter 'a' expects number, not a string."]
    assert err("function(x: tUnknown) x") == ["The type 'tUnknown' of the parameter 'x' is not known."]
    function = ev("function(a, b: string) a")
    assert isinstance(function, FeelFunction) and [p.name for p in function.params] == ["a", "b"]


def _add(ctx: EvalContext, a: Any, b: Any) -> Any:
    return None if a is None or b is None else a + b


ADD = FeelFunction("add", (Parameter("a"), Parameter("b")), _add)
SUM = FeelFunction("total", (Parameter("first"), Parameter("rest")), lambda ctx, first, rest: [first, rest],
                   variadic=True)
ONE_OR_TWO = FeelFunction("f", (Parameter("x"),), lambda ctx, x: "one", overloads=(
    FeelFunction("f", (Parameter("x"), Parameter("y")), lambda ctx, x, y: "two"),))


def test_invocation() -> None:
    variables = {"add": ADD, "total": SUM, "f": ONE_OR_TWO}
    assert ev("add(1, 2)", variables) == D(3)
    assert ev("add(b: 1, a: 2)", variables) == D(3)
    assert ev("add(a: 1)", variables) is None  # a missing named argument is null
    assert ev("total(1, 2, 3)", variables) == [D(1), [D(2), D(3)]]
    assert ev("total(1)", variables) == [D(1), []]
    assert ev("[f(1), f(1, 2), f(x: 1), f(x: 1, y: 2)]", variables) == ["one", "two", "one", "two"]


def test_invocation_errors() -> None:
    assert err("add(1)", {"add": ADD}) == ["The function 'add' does not take 1 argument."]
    assert err("add(c: 1)", {"add": ADD}) == ["The function 'add' has no parameters named 'c'."]
    assert err("nothing(1)") == ["There is no function named 'nothing'."]
    assert err('"abs"(-1)') == ["A string is not a function and cannot be invoked."]
    assert err("null()") == ["Null is not a function and cannot be invoked."]
    boom = FeelFunction("boom", (), lambda ctx: 1 / 0)
    assert err("boom()", {"boom": boom}) == ["The function 'boom' failed: division by zero."]


def test_recursion_too_deep_is_an_error() -> None:
    value, errors = run("{f: function(n) f(n + 1), r: f(0)}.r")
    assert value is None and any("too deep" in e for e in errors)


def test_lists_and_ranges() -> None:
    assert ev("[1, [2], null]") == [D(1), [D(2)], None]
    assert ev("[1..10)") == Range(D(1), D(10), True, False)
    assert ev("]1..10]") == Range(D(1), D(10), False, True)
    assert ev("< 10") == Range(None, D(10), False, False, start_unbounded=True)
    assert ev(">= x", {"x": D(5)}) == Range(D(5), None, True, False, end_unbounded=True)
    assert ev("(=10).start included") is True
    assert ev("[1..null]") == Range(D(1), None, True, True)
    assert err('[1.."a"]') == ["The endpoints of a range must be comparable values of one type."]
    assert ev("[(=10) = [10..10], (=10) = (=10), (!=10) = (!=10), (=10) = (!=10)]") == [False, True, True, False]


def test_equality_ranges_as_tests() -> None:
    not_ten, ten = ev("!= 10"), ev("= 10")
    assert [ev("x in r", {"x": D(x), "r": not_ten}) for x in (9, 10)] == [True, False]
    assert [ev("x in r", {"x": D(x), "r": ten}) for x in (9, 10)] == [False, True]


def test_at_literals() -> None:
    assert ev('@"2026-04-01"') == date(2026, 4, 1)
    assert ev('@"P1D"') == DayTimeDuration(D(86400))
    assert err('@"foo"') == ['@"foo" is not a date, time, date and time or duration.']


def test_in() -> None:
    assert ev("5 in (1, < 10)") is True and ev("5 in (1, 2)") is False
    assert ev('"b" in [["f".."h"], ["a".."c"]]') is True
    assert ev("[1,2,3] in [[1,2,3,4], [1,2,3]]") is True
    assert ev("[1,2,3] in =[1,2,3]") is True and ev("10 in !=10") is False
    assert ev("null in [1..10]") is None and ev("5 in [1..null]") is None
    assert ev("true in [false, 2, 3]") is False
    assert ev("5 in (? > 3)") is True


def test_instance_of() -> None:
    assert ev("1 instance of number") is True and ev('"1" instance of number') is False
    assert ev("[1, 2] instance of list<number>") is True
    assert ev('{a: "x"} instance of context<a: string>') is True
    assert ev('@"2026-04-01" instance of date') is True
    assert ev("(function(a) a) instance of function<Any>->Any") is True
    assert ev("null instance of Any") is False
    assert err("1 instance of tPositive") == ["The type 'tPositive' is not known."]
    positive = typesys.ConstrainedType(typesys.NUMBER, "tPositive", lambda v: v > 0)
    resolver = {"tPositive": positive}.get
    assert run("[1 instance of tPositive, -1 instance of tPositive]", type_resolver=resolver) == ([True, False], [])
    assert run("[1] instance of list<tPositive>", type_resolver=resolver) == (True, [])


def test_constants_are_folded() -> None:
    expression = compile_expression("-(1 + 2) * 3")
    assert expression.evaluate({}) == D(-9)
    assert getattr(expression._fn, "feel_constant", False)


def test_long_chains_and_deep_nesting() -> None:
    assert ev(" + ".join(["1"] * 2000)) == D(2000)
    assert ev(" and ".join(["true"] * 500)) is True
    assert ev(" or ".join(["false"] * 500) + " or null") is None
    assert ev("(" * 90 + "1" + ")" * 90) == D(1)
    with pytest.raises(FeelTooDeepError):
        compile_expression(".a" * 0 + "x" + ".a" * 300)


def test_syntax_errors_raise() -> None:
    with pytest.raises(FeelSyntaxError):
        compile_expression("1 +")


def test_evaluation_never_raises() -> None:
    class Broken(dict):  # a variables mapping that fails on lookup
        def get(self, key: str, default: Any = None) -> Any:
            raise RuntimeError("broken")
    value, errors = None, EvalContext()
    value = compile_expression("x").evaluate(Broken(), errors)
    assert value is None and errors.errors == ["The expression failed: broken."]
