"""合格者受検番号の公表: the passers' 受検番号 per trade and grade, from the announcement date (page and CSV)."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("published", __name__)
