"""The plain-text part of a notice mail, derived from its HTML so the two always say the same."""
from __future__ import annotations

import re
from html.parser import HTMLParser

_BLOCKS = frozenset({"p", "div", "section", "article", "header", "footer", "main", "h1", "h2", "h3", "h4",
                     "h5", "h6", "table", "tr", "ul", "ol", "li", "dl", "dt", "dd", "br", "hr", "address"})
_SKIPPED = frozenset({"style", "script", "head", "title"})
_CELLS = frozenset({"th", "td"})


class _TextParser(HTMLParser):
    """Collects visible text: blocks become lines, table cells are separated by a full-width space."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.line: list[str] = []
        self.skipping = 0

    def _break(self) -> None:
        """End the current line."""
        text = re.sub(r"[ \t\r\n]+", " ", "".join(self.line))
        text = re.sub(r" ?\u3000 ?", "\u3000", text).strip()
        if text:
            self.lines.append(text)
        self.line = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Open a block, a cell or a skipped element."""
        if tag in _SKIPPED:
            self.skipping += 1
        elif tag in _BLOCKS:
            self._break()
        elif tag in _CELLS and "".join(self.line).strip():
            self.line.append("\u3000")
        if tag == "li":
            self.line.append("・")

    def handle_endtag(self, tag: str) -> None:
        """Close a block or a skipped element."""
        if tag in _SKIPPED:
            self.skipping = max(0, self.skipping - 1)
        elif tag in _BLOCKS:
            self._break()

    def handle_data(self, data: str) -> None:
        """Keep text outside skipped elements."""
        if not self.skipping:
            self.line.append(data)


def html_to_text(html: str) -> str:
    """The visible text of an HTML notice, one block per line."""
    parser = _TextParser()
    parser.feed(html)
    parser.close()
    parser._break()
    return "\n".join(parser.lines) + "\n"
