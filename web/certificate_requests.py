"""Certificate requests after a pass (再交付, 合格証明書): staff pages for paper requests and the requests' list."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("certificate_requests", __name__)
