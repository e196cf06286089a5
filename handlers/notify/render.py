"""Notices rendered from the Jinja2 templates under templates/, autoescaped, never with a 個人番号."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined

from .issuers import FALLBACK
from .kinds import check_fields, notice_kind
from .privacy import refuse_my_number
from .text import html_to_text
from .wareki import wareki


@dataclass(frozen=True)
class Rendered:
    """A rendered notice: subject, HTML (portal and mail) and the plain text derived from it."""

    kind: str
    subject: str
    html: str
    text: str


def yen(value: int) -> str:
    """3,100円."""
    return f"{value:,}円"


@lru_cache(maxsize=1)
def environment() -> Environment:
    """The templates' environment, built on first use (nothing is built at import time)."""
    env = Environment(loader=PackageLoader("handlers.notify", "templates"), autoescape=True,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["wareki"] = wareki
    env.filters["yen"] = yen
    return env


def render(kind: str, context: Mapping[str, Any]) -> Rendered:
    """Render a notice of `kind`; ValueError for a 個人番号-like key or value, an unknown kind or bad fields."""
    refuse_my_number(context)  # first, so no template ever sees such a context
    spec = notice_kind(kind)
    values = check_fields(spec, context)
    if values["issuer"] is None:
        values["issuer"] = FALLBACK
    html = environment().get_template(spec.template).render(values, notice_title=spec.title)
    return Rendered(kind=spec.name, subject=spec.subject, html=html, text=html_to_text(html))
