"""How 4情報 are compared: width-folded (NFKC), spaces ignored."""
from __future__ import annotations

import unicodedata


def fold(text: str) -> str:
    """NFKC-fold `text` (全角 digits, letters and spaces become 半角) and drop every space."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def same_name(left: str, right: str) -> bool:
    """Whether two names are the same once widths are folded and spaces ignored."""
    return fold(left) == fold(right)


def address_matches(query: str, address: str) -> bool:
    """Whether `address` lies within the (possibly partial) `query` address: a prefix match."""
    wanted = fold(query)
    return bool(wanted) and fold(address).startswith(wanted)
