"""合格者受検番号の公表: the passers' 受検番号 per trade and grade, from the announcement date (page and CSV).

Public, as the 職業能力開発協会 post it: no sign-in, the same page for everyone. Per prefecture, year and round
(前期/後期); numbers only (handlers/registry/published.py reads nothing else about the person). A round that is not
announced yet (by the engine's clock, in JST) gets the very answer of a round that does not exist, and so does an
unknown prefecture: a 404 page that names neither.
"""
from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, render_template
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from handlers.notify.process_fields import exam_round
from handlers.registry.published import PassList, pass_lists, published_rounds

from . import csv_safe
from .auth import engine
from .portal_forms import PREFECTURE_NAMES, choice_label

bp = Blueprint("published", __name__, url_prefix="/results")

# the round in the address: ASCII, so links and file names stay plain
ROUND_SLUGS = {"zenki": "前期", "koki": "後期"}
SLUG_OF = {half: slug for slug, half in ROUND_SLUGS.items()}
# the chooser's rows: each region's prefectures by 都道府県コード (01–07 北海道・東北, …)
REGIONS = ((_l("北海道・東北"), 1, 7), (_l("関東"), 8, 14), (_l("中部"), 15, 23), (_l("近畿"), 24, 30),
           (_l("中国"), 31, 35), (_l("四国"), 36, 39), (_l("九州・沖縄"), 40, 47))
CSV_HEADER = ("職種コード", "職種", "作業", "級", "受検番号")  # the same in every language: a file for programs too


def _today() -> date:
    """The prefecture's day (JST) by the engine's clock: a round is public from its 合格発表日 on."""
    eng = engine()
    return eng.now().astimezone(eng.tz).date()


def _round_name(fiscal_year: int, half: str) -> str:
    """令和8年度前期 in Japanese (as the notices name a round); FY2026 First round in English."""
    if str(get_locale() or "ja") == "ja":
        return exam_round({"fiscal_year": fiscal_year, "round": half}) or f"{fiscal_year}年度{half}"
    return _("%(year)s年度%(round)s", year=fiscal_year, round=choice_label(half))


def _not_published() -> Any:
    """One answer for an unknown prefecture, a round not announced yet and a round that does not exist."""
    return render_template("published_missing.html", title=_("合格者発表が見つかりません"),
                           message=_("お探しの合格者発表はありません。合格発表日の前は公表されません。")), 404


def _lists(tenant: str, fiscal_year: int, slug: str) -> list[PassList] | None:
    half = ROUND_SLUGS.get(slug)
    if tenant not in PREFECTURE_NAMES or half is None:
        return None
    with engine().reading() as s:
        return pass_lists(s, tenant, fiscal_year, half, _today())


@bp.get("/")
def prefectures() -> Any:
    """Choose a prefecture."""
    regions = [(label, [(f"{n:02d}", PREFECTURE_NAMES[f"{n:02d}"]) for n in range(first, last + 1)])
               for label, first, last in REGIONS]
    return render_template("published_prefectures.html", regions=regions)


@bp.get("/<tenant>/")
def rounds(tenant: str) -> Any:
    """The prefecture's announced rounds, newest first, each with its page and CSV."""
    if tenant not in PREFECTURE_NAMES:
        return _not_published()
    with engine().reading() as s:
        found = published_rounds(s, tenant, _today())
    return render_template("published_rounds.html", tenant=tenant, prefecture=PREFECTURE_NAMES[tenant],
                           rounds=[{"name": _round_name(r.fiscal_year, r.round), "fiscal_year": r.fiscal_year,
                                    "slug": SLUG_OF[r.round], "announced_on": r.announced_on, "passers": r.passers}
                                   for r in found])


@bp.get("/<tenant>/<int:fiscal_year>/<slug>")
def round_page(tenant: str, fiscal_year: int, slug: str) -> Any:
    """The round's passers' 受検番号, by trade, task and grade."""
    lists = _lists(tenant, fiscal_year, slug)
    if lists is None:
        return _not_published()
    return render_template("published_round.html", tenant=tenant, prefecture=PREFECTURE_NAMES[tenant],
                           fiscal_year=fiscal_year, slug=slug, round_name=_round_name(fiscal_year, ROUND_SLUGS[slug]),
                           lists=lists, passers=sum(len(g.examinee_nos) for g in lists), choice_label=choice_label)


@bp.get("/<tenant>/<int:fiscal_year>/<slug>.csv")
def round_csv(tenant: str, fiscal_year: int, slug: str) -> Any:
    """The same as CSV (UTF-8 with BOM): 職種コード,職種,作業,級,受検番号, one passer a line."""
    lists = _lists(tenant, fiscal_year, slug)
    if lists is None:
        return _not_published()
    rows = ((g.trade_code, g.trade_name, g.task_name, g.grade, number) for g in lists for number in g.examinee_nos)
    return csv_safe.download(f"results-{tenant}-{fiscal_year}-{slug}.csv", CSV_HEADER, rows)
