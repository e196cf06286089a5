"""The FEEL parser: precedence, every construct, names with spaces and symbols, types, errors, nesting."""
from decimal import Decimal

import pytest

from engine.dmn.feel import ast
from engine.dmn.feel.errors import FeelSyntaxError, FeelTooDeepError
from engine.dmn.feel.parser import MAX_NESTING, parse_expression, parse_unary_tests


def sx(node: object) -> str:
    """A compact prefix form of a tree: `(+ 1 2)`, `(. a b)`, names as written, strings quoted."""
    if isinstance(node, list):
        return " ".join(sx(n) for n in node)
    match node:
        case ast.Literal(value=str() as v):
            return f'"{v}"'
        case ast.Literal(value=Decimal() as v):
            return str(v)
        case ast.Literal(value=v):
            return {True: "true", False: "false", None: "null"}[v]
        case ast.AtLiteral(text=t):
            return f'@"{t}"'
        case ast.Name(name=n):
            return n
        case ast.Path(base=b, name=n):
            return f"(. {sx(b)} {n})"
        case ast.Filter(base=b, condition=c):
            return f"([] {sx(b)} {sx(c)})"
        case ast.Call(function=f, args=a, named=None):
            return f"(call {sx(f)}{' ' if a else ''}{sx(a)})"
        case ast.Call(function=f, named=named):
            return f"(call {sx(f)} " + " ".join(f"{k}:{sx(v)}" for k, v in named) + ")"
        case ast.Negate(operand=o):
            return f"(neg {sx(o)})"
        case ast.Arithmetic(op=op, left=left, right=r) | ast.Comparison(op=op, left=left, right=r):
            return f"({op} {sx(left)} {sx(r)})"
        case ast.And(left=left, right=r):
            return f"(and {sx(left)} {sx(r)})"
        case ast.Or(left=left, right=r):
            return f"(or {sx(left)} {sx(r)})"
        case ast.Between(value=v, low=lo, high=hi):
            return f"(between {sx(v)} {sx(lo)} {sx(hi)})"
        case ast.In(value=v, tests=t):
            return f"(in {sx(v)} {sx(t)})"
        case ast.InstanceOf(value=v, type=t):
            return f"(instance {sx(v)} {t.text})"
        case ast.If(condition=c, then=t, otherwise=o):
            return f"(if {sx(c)} {sx(t)} {sx(o)})"
        case ast.For(iterators=its, body=b):
            return "(for " + " ".join(f"[{i.name} {sx(i.source)}{'' if i.end is None else ' .. ' + sx(i.end)}]"
                                      for i in its) + f" {sx(b)})"
        case ast.Quantified(every=e, iterators=its, condition=c):
            return f"({'every' if e else 'some'} " + " ".join(f"[{i.name} {sx(i.source)}]" for i in its) + f" {sx(c)})"
        case ast.FunctionDef(params=ps, body=b, external=x):
            params = " ".join(p.name + (f":{p.type.text}" if p.type else "") for p in ps)
            return f"(function{' external' if x else ''} [{params}] {sx(b)})"
        case ast.ContextLiteral(entries=es):
            return "{" + ", ".join(f"{k}: {sx(v)}" for k, v in es) + "}"
        case ast.ListLiteral(items=items):
            return "[" + ", ".join(sx(i) for i in items) + "]"
        case ast.RangeLiteral(start=s, end=e, start_included=si, end_included=ei):
            return f"{'[' if si else '('}{sx(s)}..{sx(e)}{']' if ei else ')'}"
        case ast.UnaryComparison(op=op, endpoint=e):
            return f"({op}test {sx(e)})"
    raise AssertionError(node)


def p(text: str, *names: str) -> str:
    return sx(parse_expression(text, names))


@pytest.mark.parametrize(("text", "expected"), [
    ("1 + 2 * 3", "(+ 1 (* 2 3))"),
    ("(1 + 2) * 3", "(* (+ 1 2) 3)"),
    ("1 - 2 - 3", "(- (- 1 2) 3)"),
    ("8 / 4 / 2", "(/ (/ 8 4) 2)"),
    ("2 * 3 ** 2", "(* 2 (** 3 2))"),
    ("3 ** 4 ** 5", "(** (** 3 4) 5)"),
    ("-3 ** 2", "(** (neg 3) 2)"),
    ("--10", "(neg (neg 10))"),
    ("-x.y", "(neg (. x y))"),
    ("-(function(a) a)(10)", "(neg (call (function [a] a) 10))"),
    ("a or b and c", "(or a (and b c))"),
    ("a and b or c", "(or (and a b) c)"),
    ("a = b and c < d", "(and (= a b) (< c d))"),
    ("1 + 1 = 2", "(= (+ 1 1) 2)"),
    ("a < b = true", "(= (< a b) true)"),
    ("x between 1 + 1 and 5 and y", "(and (between x (+ 1 1) 5) y)"),
    ("x in < 3 and y", "(and (in x (<test 3)) y)"),
    ("x instance of number or y", "(or (instance x number) y)"),
    ("if a then 1 else 2 + 3", "(if a 1 (+ 2 3))"),
    ("1 + if a then 1 else 2", "(+ 1 (if a 1 2))"),
    ("not(a) or b", "(or (call not a) b)"),
])
def test_precedence(text: str, expected: str) -> None:
    assert p(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("12", "12"), (".5", "0.5"), ('"a"', '"a"'), ("true", "true"), ("false", "false"), ("null", "null"),
    ('@"2026-04-01"', '@"2026-04-01"'), ("[]", "[]"), ("[1, 2]", "[1, 2]"), ("{}", "{}"),
    ("[1..10]", "[1..10]"), ("[1..10)", "[1..10)"), ("[1..10[", "[1..10)"), ("(1..10]", "(1..10]"),
    ("]1..10[", "(1..10)"), ("]1..10]", "(1..10]"), ('["b".."d"]', '["b".."d"]'),
    ("[a..b]", "[a..b]"), ("[x.y..z]", "[(. x y)..z]"), ("[1..10[ = x", "(= [1..10) x)"),
    ("< 10", "(<test 10)"), (">= @\"2026-01-01\"", '(>=test @"2026-01-01")'), ("(=10)", "(=test 10)"),
    ("(!=10) = (!=10)", "(= (!=test 10) (!=test 10))"),
])
def test_primaries(text: str, expected: str) -> None:
    assert p(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("a.b.c", "(. (. a b) c)"),
    ("l[item > 2].name", "(. ([] l (> item 2)) name)"),
    ("l[-1]", "([] l (neg 1))"),
    ("[1,2][1]", "([] [1, 2] 1)"),
    ("f(1)(2)", "(call (call f 1) 2)"),
    ("f()", "(call f)"),
    ("f(a: 1, start position: 2)", "(call f a:1 start position:2)"),
    ('date and time("x").year', '(. (call date and time "x") year)'),
    ("x.time offset", "(. x time offset)"),
    ("applicant.monthly income * 12", "(* (. applicant monthly income) 12)"),
])
def test_postfix(text: str, expected: str) -> None:
    assert p(text) == expected


def test_contexts_see_earlier_keys() -> None:
    assert p('{a: 1, "b c": 2, d: b c + 1}') == "{a: 1, b c: 2, d: (+ b c 1)}"
    assert p("{foo bar: 1, foo+bar: 2}") == "{foo bar: 1, foo+bar: 2}"
    assert p('{"": 1, 🐎: "馬"}') == '{: 1, 🐎: "馬"}'
    assert p("{a: {b: 1}}.a.b") == "(. (. {a: {b: 1}} a) b)"


def test_duplicate_context_keys_parse() -> None:  # reported when evaluated (TCK 0057 008: null and an error)
    assert p("{a: 1, a: 2}") == "{a: 1, a: 2}"


def test_for_some_every() -> None:
    assert p("for i in 1..3, j in L return i + j") == "(for [i 1 .. 3] [j L] (+ i j))"
    assert p("for i in 1+1..1+3 return i") == "(for [i (+ 1 1) .. (+ 1 3)] i)"
    assert p("for x in [[1]], y in x return y") == "(for [x [[1]]] [y x] y)"
    assert p("some x in [1,2], y in [3] satisfies x < y") == "(some [x [1, 2]] [y [3]] (< x y))"
    assert p("every i in L satisfies even(i)") == "(every [i L] (call even i))"
    assert p("for my item in L return my item") == "(for [my item L] my item)"


def test_functions() -> None:
    assert p("function(a, b: number) a + b") == "(function [a b:number] (+ a b))"
    assert p("function() 1") == "(function [] 1)"
    assert p("function(first name: string) first name") == "(function [first name:string] first name)"
    assert p('function(n) external {java: {class: "x"}}') == '(function external [n] {java: {class: "x"}})'


@pytest.mark.parametrize(("text", "type_text"), [
    ("x instance of number", "number"), ("x instance of date and time", "date and time"),
    ("x instance of days and time duration", "days and time duration"),
    ("x instance of years and months duration", "years and months duration"),
    ("x instance of list<number>", "list<number>"), ("x instance of range<date and time>", "range<date and time>"),
    ("x instance of context<a: number, b c: string>", "context<a: number, b c: string>"),
    ("x instance of list<context<a: context<b: number>>>", "list<context<a: context<b: number>>>"),
    ("x instance of function<>->Any", "function<>->Any"),
    ("x instance of function<number, string> -> boolean", "function<number, string>->boolean"),
    ("x instance of tFooBar", "tFooBar"), ("x instance of my.tPerson", "my.tPerson"),
])
def test_types(text: str, type_text: str) -> None:
    node = parse_expression(text)
    assert isinstance(node, ast.InstanceOf) and node.type.text == type_text


@pytest.mark.parametrize(("text", "expected"), [
    ("x in (1, < 5, >=10)", "(in x 1 (<test 5) (>=test 10))"),
    ("x in (2..4]", "(in x (2..4])"),
    ("x in ]1..10[ and y", "(and (in x (1..10)) y)"),
    ("x in [1..5]", "(in x [1..5])"),
    ("x in =10", "(in x (=test 10))"),
    ("x in (!=10)", "(in x (!=test 10))"),
    ('x in ("a")', '(in x "a")'),
    ("x in [[2..4], [1..3]]", "(in x [[2..4], [1..3]])"),
    ("x in y + 1", "(in x (+ y 1))"),
])
def test_in(text: str, expected: str) -> None:
    assert p(text) == expected


class TestNames:
    def test_longest_known_name_wins(self) -> None:
        assert p("Monthly Salary * 12", "Monthly Salary") == "(* Monthly Salary 12)"
        assert p("date and time(x)") == "(call date and time x)"
        assert p("date and\n   time(x)") == "(call date and time x)"
        assert p("for i in days in weekend return i", "days in weekend") == "(for [i days in weekend] i)"

    def test_symbols_join_only_known_names_written_alike(self) -> None:
        assert p("x+y", "x+y") == "x+y"
        assert p("x + y", "x+y") == "(+ x y)"
        assert p("x+y") == "(+ x y)"
        assert p("Mr.Smith", "Mr.Smith") == "Mr.Smith"
        assert p("Mr.Smith") == "(. Mr Smith)"
        assert p("Person's age + 1", "Person's age") == "(+ Person's age 1)"
        assert p("_2021-01-01 + a-b", "_2021-01-01") == "(- (+ _2021-01-01 a) b)"
        assert p("decision A 2.1 * 2", "decision A 2.1") == "(* decision A 2.1 2)"
        assert p("Approved/Declined", "Approved/Declined") == "Approved/Declined"

    def test_unknown_words_join_until_a_keyword(self) -> None:
        assert p("Employees[dept name = 1]") == "([] Employees (= dept name 1))"
        assert p("a b c") == "a b c"
        assert p("if a b then c d else e f") == "(if a b c d e f)"
        assert p("a b and c d") == "(and a b c d)"
        assert p("x.first name between 1 and 2") == "(between (. x first name) 1 2)"

    def test_a_known_prefix_is_extended(self) -> None:
        assert p("a b", "a") == "a b"

    def test_local_names_with_spaces(self) -> None:
        assert p("function(first name) first name + 1") == "(function [first name] (+ first name 1))"
        assert p('{"x+y": 1, z: x+y}') == "{x+y: 1, z: x+y}"
        assert p('{"x+y": 1}.a + x+y') == "(+ (+ (. {x+y: 1} a) x) y)"  # out of the context: unknown again

    def test_japanese_names(self) -> None:
        assert p("月額 給与 * 12", "月額 給与") == "(* 月額 給与 12)"
        assert p("社員.給与") == "(. 社員 給与)"
        assert p('申請者.氏名 = "山田"') == '(= (. 申請者 氏名) "山田")'

    def test_a_known_name_like_a_constant(self) -> None:
        assert p("null value", "null value") == "null value"
        assert p("null") == "null"


class TestUnaryTests:
    def u(self, text: str) -> ast.UnaryTests:
        return parse_unary_tests(text)

    def test_any(self) -> None:
        assert self.u("-").any and self.u("").any and self.u("  ").any

    def test_lists_and_negation(self) -> None:
        tests = self.u('"a", "b", < 3, [1..2], ? > 1')
        assert not tests.negated and sx(tests.tests) == '"a" "b" (<test 3) [1..2] (> ? 1)'
        negated = self.u("not(1, 2)")
        assert negated.negated and sx(negated.tests) == "1 2"
        assert sx(self.u("= 5").tests) == "(=test 5)" and sx(self.u("!= 5").tests) == "(!=test 5)"

    def test_not_as_a_function(self) -> None:
        tests = self.u("not(x) = y")
        assert not tests.negated and sx(tests.tests) == "(= (call not x) y)"

    def test_minus_number(self) -> None:
        assert sx(self.u("-5").tests) == "(neg 5)"

    def test_errors(self) -> None:
        with pytest.raises(FeelSyntaxError):
            self.u("not(1")
        with pytest.raises(FeelSyntaxError):
            self.u("1,")


@pytest.mark.parametrize(("text", "message"), [
    ("", "the expression is empty"),
    ("1 +", "expected an expression but found the end of the text at column 4"),
    ("(1", "expected ')' but found the end of the text at column 3"),
    ("1 2", "expected an operator or the end of the text but found '2' at column 3"),
    ("if a then b", "expected 'else' but found the end of the text at column 12"),
    ("[1..2", "expected ']', ')' or '[' to end the range"),
    ("f(a: 1, 2)", "expected a named argument"),
    ("f(a: 1, a: 2)", "the argument 'a' is given twice"),
    ("function(a, a) a", "the parameter 'a' is declared twice"),
    ("x instance of", "expected a type"),
    ("@x", "expected a string after '@'"),
    ("x.", "expected a name after '.'"),
    ("{a 1}", "expected ':'"),
])
def test_syntax_errors(text: str, message: str) -> None:
    with pytest.raises(FeelSyntaxError, match=message.replace("(", r"\(").replace(")", r"\)").replace("[", r"\[")):
        parse_expression(text)


def test_error_position() -> None:
    with pytest.raises(FeelSyntaxError) as raised:
        parse_expression("1 + * 2")
    assert raised.value.position == 4 and raised.value.message.startswith("expected an expression")


@pytest.mark.parametrize("make", [
    lambda n: "(" * n + "1" + ")" * n,
    lambda n: "[" * n + "1" + "]" * n,
    lambda n: "{a: " * n + "1" + "}" * n,
    lambda n: "-" * n + "1",
    lambda n: "f(" * n + "1" + ")" * n,
    lambda n: "if true then " * n + "1" + " else 2" * n,
    lambda n: "not(" * n + "true" + ")" * n,
])
def test_nesting_limit(make: object) -> None:
    parse_expression(make(MAX_NESTING))  # type: ignore[operator]
    with pytest.raises(FeelTooDeepError):
        parse_expression(make(MAX_NESTING + 1))  # type: ignore[operator]
    with pytest.raises(FeelTooDeepError):
        parse_expression(make(5000))  # type: ignore[operator]  # never a RecursionError


def test_long_flat_expressions_parse() -> None:
    node = parse_expression(" + ".join(["1"] * 3000))
    assert isinstance(node, ast.Arithmetic)
    assert len(parse_expression("[" + ", ".join(["1"] * 3000) + "]").items) == 3000  # type: ignore[attr-defined]
