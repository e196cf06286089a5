"""Safe evaluation of Camunda 7 (JUEL) expressions and ISO 8601 timer values.

Text is compiled once into our own syntax tree and evaluated by closures; diagram
text is never handed to Python's ``eval`` and Python objects are never inspected.

Composite text (``compile_expression``)
    * no ``${``/``#{``: a literal, returned stripped (``PT1S``, ``kermit``);
    * exactly one ``${...}`` or ``#{...}`` (whitespace around allowed): its native value;
    * anything else, e.g. ``Review ${applicant.name}``: a string, each value converted
      as JUEL does (null -> '', booleans -> 'true'/'false', dates -> ISO text);
    * ``\\${`` is the literal text ``${``;
    * text starting with ``=`` (Camunda 8 FEEL) is refused.

Language inside ``${...}`` (a JUEL subset)
    * literals: ``12``, ``1.5``, ``2e3``, ``'single'``, ``"double"`` (escapes ``\\\\ \\' \\" \\n
      \\t \\r \\uXXXX``), ``true``, ``false``, ``null``;
    * variables: Unicode identifiers such as ``等級``; an unknown one is an error, except
      under ``empty`` where it counts as empty; names starting with ``_`` are refused;
    * ``a.b`` and ``a['b']`` look keys up in dicts (missing -> null), ``a[0]`` indexes
      lists/tuples (out of range -> null); a null base gives null; nothing else is accessible;
    * operators, lowest precedence first: ``? :``; ``||`` ``or``; ``&&`` ``and``;
      ``==`` ``eq`` ``!=`` ``ne``; ``<`` ``lt`` ``>`` ``gt`` ``<=`` ``le`` ``>=`` ``ge``;
      ``+`` ``-``; ``*`` ``/`` ``div`` ``%`` ``mod``; unary ``!`` ``not`` ``-`` ``empty``;
    * ``and``/``or``/``!``/``? :`` coerce to boolean (null and '' are false, 'true'/'false'
      strings are accepted, anything else is an error) and short-circuit;
    * ``==`` follows JUEL: numeric comparison if either side is a number (numeric strings
      are coerced), else boolean, else string; null equals only null;
    * ``< > <= >=`` compare numbers, strings, dates or date-times; null is an error;
    * arithmetic is numeric only (numeric strings coerced); ``/`` is true division;
      ``%`` takes the sign of the dividend (as in Java); division by zero is an error;
    * ``empty x`` is true for null, '', and empty lists/maps;
    * functions (a fixed whitelist): ``date('2026-03-14')``, ``len(x)``, ``str(x)``,
      ``int(x)``, ``contains(list_or_str, item)``; any other call, and method calls such
      as ``a.b()``, are refused at compile time.

Conditions (``compile_condition``) must be exactly one ``${...}`` and must evaluate to a
boolean.  Timer values: ``parse_duration``, ``parse_datetime`` and ``parse_cycle``.
"""

from __future__ import annotations

from .errors import EvaluationError, ExpressionError
from .template import Expression, compile_condition, compile_expression, is_expression
from .timer_values import Cycle, Duration, parse_cycle, parse_datetime, parse_duration

__all__ = [
    "Cycle",
    "Duration",
    "EvaluationError",
    "Expression",
    "ExpressionError",
    "compile_condition",
    "compile_expression",
    "is_expression",
    "parse_cycle",
    "parse_datetime",
    "parse_duration",
]
