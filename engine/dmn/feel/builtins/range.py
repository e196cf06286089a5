"""DMN 1.5 §10.3.4.10 range functions (before, after, meets, met by, overlaps, overlaps before, overlaps
after, finishes, finished by, includes, during, starts, started by, coincides) over points and ranges, and
range(from), which reads a range literal from a string (in range_parse.py).

Each function has one overload per combination the spec lists, named as the spec names them (`point1,
point2`, `point, range`, `range, point`, `range1, range2`); a positional call takes the first overload,
which accepts every listed combination and tells points from ranges by their values. (By name, `point` and
`range` are the (point, range) signature: the spec gives (range, point) the same names.) An unbounded endpoint
(`< 10`) is below (start) or above (end) every point. Endpoints and points that FEEL does not order against
each other (a number and a string) are an error."""
from __future__ import annotations

from typing import Any

from ..semantics import compare, type_name
from ..values import FeelFunction, Range
from ._common import builtin, fail, overloaded
from .range_parse import parse_range

_LOW, _HIGH = object(), object()


def _cmp(a: Any, b: Any) -> int:
    """compare() with _LOW/_HIGH as the ends of unbounded ranges; an error if the two are not ordered."""
    if a is _LOW or b is _HIGH:
        return 0 if a is b else -1
    if a is _HIGH or b is _LOW:
        return 0 if a is b else 1
    c = compare(a, b)
    if c is None:
        fail(f"cannot compare a {type_name(a)} with a {type_name(b)}")
    return c


def _lt(a: Any, b: Any) -> bool:
    return _cmp(a, b) < 0


def _gt(a: Any, b: Any) -> bool:
    return _cmp(a, b) > 0


def _eq(a: Any, b: Any) -> bool:
    return _cmp(a, b) == 0


class _R:
    """A range's endpoints (unbounded ones as _LOW/_HIGH) and inclusivity, in the spec's words."""

    __slots__ = ("e", "ei", "s", "si")

    def __init__(self, r: Range) -> None:
        self.s = _LOW if r.start_unbounded else r.start
        self.e = _HIGH if r.end_unbounded else r.end
        self.si, self.ei = r.start_included, r.end_included
        if self.s is None or self.e is None:
            fail("a range endpoint is null")


def _point(v: Any) -> Any:
    if v is None:
        fail("a point must not be null")
    return v


# --- the spec's definitions, on points (p, q) and ranges (r, t) -----------------------------------------------

def _before_pp(p, q): return _lt(p, q)
def _before_pr(p, t): return _lt(p, t.s) or (_eq(p, t.s) and not t.si)
def _before_rp(r, p): return _lt(r.e, p) or (_eq(r.e, p) and not r.ei)
def _before_rr(r, t): return _lt(r.e, t.s) or ((not r.ei or not t.si) and _eq(r.e, t.s))
def _after_pp(p, q): return _gt(p, q)
def _after_pr(p, t): return _gt(p, t.e) or (_eq(p, t.e) and not t.ei)
def _after_rp(r, p): return _gt(r.s, p) or (_eq(r.s, p) and not r.si)
def _after_rr(r, t): return _gt(r.s, t.e) or ((not r.si or not t.ei) and _eq(r.s, t.e))
def _meets(r, t): return r.ei and t.si and _eq(r.e, t.s)
def _met_by(r, t): return r.si and t.ei and _eq(r.s, t.e)


def _overlaps(r, t):
    return ((_gt(r.e, t.s) or (_eq(r.e, t.s) and r.ei and t.si))
            and (_lt(r.s, t.e) or (_eq(r.s, t.e) and r.si and t.ei)))


def _overlaps_before(r, t):
    return ((_lt(r.s, t.s) or (_eq(r.s, t.s) and r.si and not t.si))
            and (_gt(r.e, t.s) or (_eq(r.e, t.s) and r.ei and t.si))
            and (_lt(r.e, t.e) or (_eq(r.e, t.e) and (not r.ei or t.ei))))


def _overlaps_after(r, t): return _overlaps_before(t, r)
def _finishes_pr(p, t): return t.ei and _eq(t.e, p)


def _finishes_rr(r, t):
    return (r.ei == t.ei and _eq(r.e, t.e)
            and (_gt(r.s, t.s) or (_eq(r.s, t.s) and (not r.si or t.si))))


def _finished_by_rp(r, p): return _finishes_pr(p, r)
def _finished_by_rr(r, t): return _finishes_rr(t, r)


def _includes_rp(r, p):
    return (_lt(r.s, p) and _gt(r.e, p)) or (_eq(r.s, p) and r.si) or (_eq(r.e, p) and r.ei)


def _includes_rr(r, t):
    return ((_lt(r.s, t.s) or (_eq(r.s, t.s) and (r.si or not t.si)))
            and (_gt(r.e, t.e) or (_eq(r.e, t.e) and (r.ei or not t.ei))))


def _during_pr(p, t): return _includes_rp(t, p)
def _during_rr(r, t): return _includes_rr(t, r)
def _starts_pr(p, t): return t.si and _eq(t.s, p)


def _starts_rr(r, t):
    return (r.si == t.si and _eq(r.s, t.s)
            and (_lt(r.e, t.e) or (_eq(r.e, t.e) and (not r.ei or t.ei))))


def _started_by_rp(r, p): return _starts_pr(p, r)
def _started_by_rr(r, t): return _starts_rr(t, r)
def _coincides_pp(p, q): return _eq(p, q)
def _coincides_rr(r, t): return r.si == t.si and r.ei == t.ei and _eq(r.s, t.s) and _eq(r.e, t.e)


# --- declaring them ---------------------------------------------------------------------------------------------

_NAMES = {"pp": "point1, point2", "pr": "point, range", "rp": "range, point", "rr": "range1, range2"}


def _kind(v: Any) -> str:
    return "r" if isinstance(v, Range) else "p"


def _range_function(name: str, rules: dict[str, Any]) -> FeelFunction:
    """The overloads of one range function: rules maps a combination ('pp', 'pr', 'rp', 'rr') to its rule."""
    def dispatch(a: Any, b: Any, expected: str | None) -> bool:
        combo = _kind(a) + _kind(b)
        if combo not in rules or (expected is not None and combo != expected):
            words = {"p": "a point", "r": "a range"}
            fail(f"does not take {words[combo[0]]} and {words[combo[1]]}")
        x = _R(a) if combo[0] == "r" else _point(a)
        y = _R(b) if combo[1] == "r" else _point(b)
        return bool(rules[combo](x, y))

    def impl_for(expected: str | None):
        return lambda ctx, a, b: dispatch(a, b, expected)

    combos = list(rules)
    first = builtin(name, _NAMES[combos[0]], impl_for(None))
    return overloaded(first, *(builtin(name, _NAMES[c], impl_for(c)) for c in combos[1:]))


def _range(ctx, text: Any) -> Range:
    if not isinstance(text, str):
        fail(f"from must be a string, not {type_name(text)}")
    return parse_range(text)


FUNCTIONS: list[FeelFunction] = [
    _range_function("before", {"pp": _before_pp, "pr": _before_pr, "rp": _before_rp, "rr": _before_rr}),
    _range_function("after", {"pp": _after_pp, "pr": _after_pr, "rp": _after_rp, "rr": _after_rr}),
    _range_function("meets", {"rr": _meets}),
    _range_function("met by", {"rr": _met_by}),
    _range_function("overlaps", {"rr": _overlaps}),
    _range_function("overlaps before", {"rr": _overlaps_before}),
    _range_function("overlaps after", {"rr": _overlaps_after}),
    _range_function("finishes", {"pr": _finishes_pr, "rr": _finishes_rr}),
    _range_function("finished by", {"rp": _finished_by_rp, "rr": _finished_by_rr}),
    _range_function("includes", {"rp": _includes_rp, "rr": _includes_rr}),
    _range_function("during", {"pr": _during_pr, "rr": _during_rr}),
    _range_function("starts", {"pr": _starts_pr, "rr": _starts_rr}),
    _range_function("started by", {"rp": _started_by_rp, "rr": _started_by_rr}),
    _range_function("coincides", {"pp": _coincides_pp, "rr": _coincides_rr}),
    builtin("range", "from", _range),
]
