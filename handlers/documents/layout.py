"""Drawing helpers shared by the renderers: a page, text that fits its box, wrapped paragraphs, field tables.

Sizes are in points (1 mm = 2.835 pt). Text never overflows: a line too long for its box is drawn smaller
(down to a floor) and, in paragraphs, wrapped — by character in Japanese, by word in English, never starting
a line with 、。）」 and the like (禁則).
"""
from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from .fonts import GOTHIC, ensure_fonts

NO_LINE_START = set("、。，．・：；？！）」』】〕ーぁぃぅぇぉっゃゅょァィゥェォッャュョ々,.:;!?)]")
_TOKENS = re.compile(r"[\x21-\x7e]+ *| +|.", re.DOTALL)  # an ASCII word (with its spaces), or one character
INK = (0.07, 0.07, 0.07)
RULE = (0.45, 0.45, 0.45)
SHADE = (0.94, 0.94, 0.94)
MAX_SPACING = 0.25  # of the font size


@dataclass(frozen=True)
class Document:
    """A finished PDF: what it is, the file name to save it under, and its bytes."""

    kind: str
    filename: str
    data: bytes
    media_type: str = "application/pdf"


class Sheet:
    """One A4 page on a ReportLab canvas, with the fonts registered and the document's metadata set."""

    def __init__(self, title: str, author: str, *, wide: bool = False, lang: str = "ja-JP") -> None:
        ensure_fonts()
        self.width, self.height = landscape(A4) if wide else A4
        self._buffer = io.BytesIO()
        # invariant: no creation time or random id in the file, so the same data gives the same bytes
        self.canvas = Canvas(self._buffer, pagesize=(self.width, self.height), invariant=1, pageCompression=1,
                             lang=lang, initialFontName=GOTHIC, initialFontSize=10)
        self.canvas.setTitle(title)
        self.canvas.setAuthor(author)
        self.canvas.setCreator("kentei")
        self.canvas.setFillColorRGB(*INK)

    def finish(self) -> bytes:
        self.canvas.showPage()
        self.canvas.save()
        return self._buffer.getvalue()

    def text(self, x: float, y: float, value: str, font: str, size: float, *, align: str = "left",
             width: float | None = None, floor: float = 6.0, spacing: float = 0.0) -> float:
        """Draw one line at baseline y; with `width`, made smaller to fit it. Returns the size used.

        Letter spacing stays within a quarter of the size: wider, and text extraction (pdftotext, search, screen
        readers) reads 受 検 票 as three words instead of 受検票.
        """
        spacing = min(spacing, size * MAX_SPACING)
        size = fitted(value, font, size, width, floor, spacing) if width else size
        c = self.canvas
        c.setFont(font, size)
        drawn = stringWidth(value, font, size) + spacing * max(len(value) - 1, 0)
        left = x - drawn / 2 if align == "center" else x - drawn if align == "right" else x
        if spacing:  # letter-spaced (a title): the spacing is reset with the state, so it goes no further
            c.saveState()
            t = c.beginText(left, y)
            t.setFont(font, size)
            t.setCharSpace(spacing)
            t.textOut(value)
            c.drawText(t)
            c.restoreState()
        else:
            c.drawString(left, y, value)
        return size

    def paragraph(self, x: float, y: float, value: str, font: str, size: float, width: float,
                  leading: float | None = None, align: str = "left") -> float:
        """Draw wrapped text from baseline y down; returns the baseline below the last line."""
        leading = leading or size * 1.7
        for line in wrap(value, font, size, width):
            self.text(x + width / 2 if align == "center" else x, y, line, font, size,
                      align=align, width=width)
            y -= leading
        return y

    def table(self, x: float, y: float, rows: Sequence[tuple[str, str]], font: str, size: float,
              label_width: float, value_width: float, row_height: float | None = None) -> float:
        """A two-column table of label and value, ruled, labels shaded; y is its top. Returns its bottom."""
        c = self.canvas
        row_height = row_height or size * 2.2
        for label, value in rows:
            lines = wrap(value, font, size, value_width - 4 * mm) or [""]
            height = max(row_height, len(lines) * size * 1.4 + size)
            c.setFillColorRGB(*SHADE)
            c.setStrokeColorRGB(*RULE)
            c.setLineWidth(0.6)
            c.rect(x, y - height, label_width, height, stroke=1, fill=1)
            c.rect(x + label_width, y - height, value_width, height, stroke=1, fill=0)
            c.setFillColorRGB(*INK)
            middle = y - height / 2 - size * 0.35
            self.text(x + 3 * mm, middle, label, font, size, width=label_width - 6 * mm)
            first = middle + (len(lines) - 1) * size * 0.7
            for i, line in enumerate(lines):
                self.text(x + label_width + 3 * mm, first - i * size * 1.4, line, font, size,
                          width=value_width - 6 * mm)
            y -= height
        return y

    def rule(self, x1: float, y1: float, x2: float, y2: float, width: float = 0.8) -> None:
        self.canvas.setStrokeColorRGB(*INK)
        self.canvas.setLineWidth(width)
        self.canvas.line(x1, y1, x2, y2)

    def frame(self, inset: float, width: float = 1.0, gap: float = 0.0) -> None:
        """A border `inset` from the page's edges; with `gap`, a second line inside it (a double rule)."""
        c = self.canvas
        c.setStrokeColorRGB(*INK)
        for step in ((0.0, gap) if gap else (0.0,)):
            c.setLineWidth(width if step == 0 else width / 2)
            c.rect(inset + step, inset + step, self.width - 2 * (inset + step), self.height - 2 * (inset + step))


def stringWidth(value: str, font: str, size: float) -> float:
    """The width of a line in points (the fonts registered first)."""
    ensure_fonts()
    return float(pdfmetrics.stringWidth(value, font, size))


def fitted(value: str, font: str, size: float, width: float | None, floor: float = 6.0,
           spacing: float = 0.0) -> float:
    """The largest size ≤ `size` (and ≥ `floor`) at which the line fits `width`."""
    if width is None:
        return size
    natural = stringWidth(value, font, size) + spacing * max(len(value) - 1, 0)
    if natural <= width or natural == 0:
        return size
    return max(floor, size * width / natural)


def wrap(value: str, font: str, size: float, width: float) -> list[str]:
    """Lines of `value` no wider than `width` (a single token wider than that stays whole; `text` shrinks it)."""
    lines: list[str] = []
    for part in value.split("\n"):
        line = ""
        for token in _TOKENS.findall(part):
            candidate = line + token
            if line and stringWidth(candidate.rstrip(), font, size) > width and token[0] not in NO_LINE_START:
                lines.append(line.rstrip())
                line = token.lstrip()
            else:
                line = candidate
        lines.append(line.rstrip())
    return lines


def pdf_name(kind: str, application_no: str) -> str:
    """admission_ticket-13-2026-A000001.pdf: ASCII, safe in any Content-Disposition and file system."""
    return f"{kind}-{re.sub(r'[^0-9A-Za-z-]', '_', application_no)}.pdf"
