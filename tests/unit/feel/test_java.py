"""External Java functions: pure static methods of java.lang emulated (engine/dmn/feel/java.py), others null."""
from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from engine.dmn.feel import compile_expression
from engine.dmn.feel.context import EvalContext


def call(cls: str, signature: str, params: str, args: str) -> tuple[Any, list[str]]:
    ctx = EvalContext()
    text = (f'{{f: function({params}) external {{java: {{class: "{cls}", method signature: "{signature}"}}}}, '
            f'r: f({args})}}.r')
    return compile_expression(text).evaluate({}, ctx), ctx.errors


@pytest.mark.parametrize(("cls", "signature", "params", "args", "expected"), [
    ("java.lang.Math", "cos(double)", "x", "0", Decimal(1)),
    ("java.lang.Math", "max(int, int)", "a, b", "123, 456", Decimal(456)),
    ("java.lang.Math", "max(double,double)", "a, b", "123.45, 456.78", Decimal("456.78")),
    ("java.lang.Math", "abs(long)", "a", "-7", Decimal(7)),
    ("java.lang.Math", "pow(double, double)", "a, b", "2, 10", Decimal("1024.0")),
    ("java.lang.Integer", "valueOf(java.lang.String)", "s", '"123"', Decimal(123)),
    ("java.lang.Double", "valueOf(java.lang.String)", "s", '"1234.56"', Decimal("1234.56")),
    ("java.lang.Short", "valueOf(short)", "s", "123", Decimal(123)),
    ("java.lang.String", "valueOf(char)", "c", '"あ"', "あ"),
    ("java.lang.String", "format(java.lang.String, [Ljava.lang.Object;)", "f, o", '"受検番号 %s", "A-1"',
     "受検番号 A-1"),
])
def test_a_listed_method_runs(cls: str, signature: str, params: str, args: str, expected: Any) -> None:
    assert call(cls, signature, params, args) == (expected, [])


@pytest.mark.parametrize(("cls", "signature", "params", "args", "message"), [
    ("java.lang.Math", "foo(double)", "x", "1", "is not one kentei runs"),
    ("java.lang.Foo", "valueOf(double)", "x", "1", "is not one kentei runs"),
    ("java.lang.Runtime", "getRuntime()", "", "", "is not one kentei runs"),
    ("java.lang.Math", "max(java.lang.String, java.lang.String)", "a, b", '"1", "2"', "is not one kentei runs"),
    ("java.lang.Integer", "valueOf(java.lang.String)", "s", '"12a"', "is not a whole number"),
    ("java.lang.Byte", "valueOf(byte)", "b", "300", "does not fit in a Java byte"),
    ("java.lang.Math", "max(int, int)", "a, b", "1.5, 2", "needs a whole number"),
    ("java.lang.String", "valueOf(char)", "c", '"abc"', "needs one character"),
    ("java.lang.Math", "sqrt(double)", "x", "-1", "not a FEEL number"),
])
def test_anything_else_is_null_with_an_error(cls: str, signature: str, params: str, args: str, message: str) -> None:
    value, errors = call(cls, signature, params, args)
    assert value is None and len(errors) == 1 and message in errors[0]
