"""The Japanese fonts embedded in every document: IPAex明朝 (certificates) and IPAexゴシック (notices, tickets).

TrueType files, so ReportLab embeds a subset of the glyphs used: the PDF shows the same on every viewer and
printer, with no font of the reader's. Debian ships them as fonts-ipaexfont (IPA Font License v1.0, which
allows embedding). `use_font_dir` (KENTEI_DOCUMENT_FONT_DIR, engine/config.py) names another folder holding
ipaexm.ttf and ipaexg.ttf (then only that one).
"""
from __future__ import annotations

import threading
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from .errors import FontMissing

MINCHO = "IPAexMincho"
GOTHIC = "IPAexGothic"
_FILES = {MINCHO: ("ipaexm.ttf", "ipaexfont-mincho"), GOTHIC: ("ipaexg.ttf", "ipaexfont-gothic")}
_SYSTEM_DIRS = (Path("/usr/share/fonts/opentype"), Path("/usr/share/fonts/truetype"), Path("/usr/share/fonts"))
_lock = threading.Lock()
_ready = False
_chosen: Path | None = None


def use_font_dir(folder: str | Path | None) -> None:
    """Take the fonts from this folder only (None or "": the system's font folders); before the first document."""
    global _chosen
    _chosen = Path(folder) if folder else None


def font_path(name: str) -> Path:
    """Where the font's file is, or FontMissing saying what to install."""
    filename, debian_dir = _FILES[name]
    chosen = _chosen
    candidates = [Path(chosen) / filename] if chosen else \
        [d / debian_dir / filename for d in _SYSTEM_DIRS] + [d / filename for d in _SYSTEM_DIRS]
    for path in candidates:
        if path.is_file():
            return path
    where = f"{chosen}/{filename}" if chosen else f"/usr/share/fonts/opentype/{debian_dir}/{filename}"
    raise FontMissing(f"the Japanese font {filename} is not installed (looked for {where}); "
                      "install the Debian package fonts-ipaexfont or set KENTEI_DOCUMENT_FONT_DIR")


def ensure_fonts() -> None:
    """Register both fonts with ReportLab once per process (thread-safe)."""
    global _ready
    if _ready:
        return
    with _lock:
        registered = set(pdfmetrics.getRegisteredFontNames())
        for name in _FILES:
            if name not in registered:
                pdfmetrics.registerFont(TTFont(name, str(font_path(name))))
        _ready = True
