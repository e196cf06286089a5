"""The applicant's certificate requests in the portal (再交付, 合格証明書 in Japanese or English)."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("portal_certificates", __name__, url_prefix="/portal")
