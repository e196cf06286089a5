"""(being written: see the module list in routes.py)"""
from __future__ import annotations
