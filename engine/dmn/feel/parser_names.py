"""Names with spaces and extra characters: which names the parser knows, and how it finds them in the text.

FEEL names may contain spaces (`Monthly Salary`, `date and time`) and the characters `.` `/` `-` `'` `+`
`*` (`Mr.Smith`, `x+y`), so `a-b` is a subtraction or one name depending on what is in scope. The parser
resolves this with the names it knows at that point of the text: the names given to the compiler, the
built-in functions, and the context entries, parameters and iteration variables around (NameIndex).

The rule at a name's first word (parser.py, Parser.name):
1. the longest known name written at this point wins; between its words any run of whitespace matches the
   single space of the known name (so `date and\\n time` is `date and time`), while its other characters
   must be written exactly as in the name, without spaces around them where the name has none
   (`x+y` is the name `x+y`; `x + y` is an addition);
2. after it (or after the first word, when no known name fits), the following words are joined to it
   greedily, one space apart, until a token that is not a word or is one of the keywords that may follow
   an expression (BREAK_WORDS: `and`, `or`, `in`, `between`, `instance`, `then`, `else`, `return`,
   `satisfies`); two names side by side are never valid FEEL, so this only ever names an unknown entry
   (`Employees[dept name = "x"]`, where `dept name` is a key of the elements).
After a `.` (a path) only rule 2 applies.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from .lexer import is_name_part, is_name_start

BREAK_WORDS = frozenset({"and", "or", "in", "between", "instance", "then", "else", "return", "satisfies"})


class _Entry:
    """A known name and the regular expression that finds it in FEEL text."""

    __slots__ = ("name", "pattern", "needs_boundary")

    def __init__(self, name: str) -> None:
        self.name = name
        pieces = [r"\s+" if part.isspace() else re.escape(part) for part in re.split(r"(\s+)", name) if part]
        self.pattern = re.compile("".join(pieces))
        self.needs_boundary = is_name_part(name[-1])

    def match_end(self, text: str, pos: int) -> int | None:
        """The offset where this name ends if it is written at pos, else None."""
        found = self.pattern.match(text, pos)
        if found is None:
            return None
        end = found.end()
        if self.needs_boundary and end < len(text) and is_name_part(text[end]):
            return None
        return end


def first_word(name: str) -> str | None:
    """The leading word of a name (what the lexer reads as its first NAME token), None if it has none."""
    if not name or not is_name_start(name[0]):
        return None
    end = 1
    while end < len(name) and is_name_part(name[end]):
        end += 1
    return name[:end]


def _needs_index(name: str) -> bool:
    """Tell whether a name is more than one word (only those need finding; one word is always one token)."""
    word = first_word(name)
    return word is not None and word != name.strip()


class NameIndex:
    """The known names that are more than one token, by first word; names pushed while parsing a construct
    (context entries, parameters, iteration variables) are popped when it ends."""

    def __init__(self, names: Iterable[str] = ()) -> None:
        self._by_word: dict[str, list[_Entry]] = {}
        self._pushed: list[tuple[str, _Entry] | None] = []
        for name in names:
            self._add(name)

    def _add(self, name: str) -> tuple[str, _Entry] | None:
        if not _needs_index(name):
            return None
        word = first_word(name)
        assert word is not None
        entries = self._by_word.setdefault(word, [])
        if any(entry.name == name for entry in entries):
            return None
        entry = _Entry(name)
        entries.append(entry)
        return word, entry

    def push(self, name: str) -> None:
        """Make a name known until the matching pop()."""
        self._pushed.append(self._add(name))

    def pop(self, count: int = 1) -> None:
        """Forget the last `count` pushed names."""
        for _ in range(count):
            added = self._pushed.pop()
            if added is not None:
                word, entry = added
                self._by_word[word].remove(entry)

    def longest(self, text: str, pos: int, word: str) -> tuple[str, int] | None:
        """The longest known name written at pos (whose first word is `word`) and its end offset."""
        best: tuple[str, int] | None = None
        for entry in self._by_word.get(word, ()):
            end = entry.match_end(text, pos)
            if end is not None and (best is None or end > best[1]):
                best = (entry.name, end)
        return best

    def copy(self) -> NameIndex:
        """An independent index with the same names (the cached indexes are copied before use)."""
        clone = NameIndex()
        clone._by_word = {word: list(entries) for word, entries in self._by_word.items()}
        return clone


#: The DMN 1.5 built-in functions whose names are more than one word (known even before builtins loads).
SPEC_BUILTIN_NAMES = (
    "date and time", "years and months duration", "string length", "upper case", "lower case",
    "substring before", "substring after", "starts with", "ends with", "string join", "list contains",
    "list replace", "insert before", "index of", "distinct values", "round up", "round down", "round half up",
    "round half down", "get value", "get entries", "context put", "context merge", "day of year",
    "day of week", "month of year", "week of year", "last day of month", "started by", "finished by",
    "overlaps before", "overlaps after", "met by", "is defined",
)


def builtin_names() -> tuple[str, ...]:
    """The built-in functions' names: SPEC_BUILTIN_NAMES and builtins.BUILTINS (imported on first use)."""
    try:
        from .builtins import BUILTINS  # noqa: PLC0415 - lazy: builtins import this package's modules
    except ImportError:
        return SPEC_BUILTIN_NAMES
    return SPEC_BUILTIN_NAMES + tuple(BUILTINS)


#: Type names of more than one word, known after `instance of` and `:` in a parameter.
TYPE_NAMES = ("date and time", "days and time duration", "years and months duration")


@lru_cache(maxsize=256)
def _cached_index(names: tuple[str, ...], builtins: tuple[str, ...]) -> NameIndex:
    """The index of a set of names with the built-ins (compiling a model's cells reuses one)."""
    return NameIndex(names + builtins)


def index_for(names: Iterable[str]) -> NameIndex:
    """A fresh NameIndex of the given names plus the built-in function names."""
    return _cached_index(tuple(sorted(set(names))), builtin_names()).copy()
