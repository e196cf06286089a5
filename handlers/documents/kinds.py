"""The kinds of document, by name and title (no drawing code here: the CLI lists them without loading ReportLab)."""
from __future__ import annotations

TITLES: dict[str, str] = {
    "admission_ticket": "受検票",
    "pass_notice": "合格通知書",
    "fail_notice": "不合格通知",
    "certificate": "合格証書",
    "certificate_of_pass_ja": "合格証明書",
    "certificate_of_pass_en": "合格証明書（英文）",
}
KINDS: tuple[str, ...] = tuple(TITLES)
