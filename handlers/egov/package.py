"""The check of one e-Gov package at intake: what goes to the workflow, what goes to the vault, or why it is refused.

A refusal reason is a Japanese sentence sent back to e-Gov in the 返戻 notice; it names the field, never its
value (the value may be a 個人番号).
"""
from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from datetime import date
from typing import Any

from handlers.national.guard import find_my_number
from handlers.registry.rounds import GRADES, PRIOR_PASSES, SCHOOLING, SEXES
from handlers.vault import InvalidMyNumber
from handlers.vault.check_digit import validate_my_number

NUMBER_KEYS = ("my_number", "個人番号")
REQUIRED = {"applicant_name": "氏名", "name_kana": "ふりがな", "birth_date": "生年月日", "sex": "性別",
            "address": "住所", "grade": "等級", "trade_code": "職種コード", "trade_name": "職種名",
            "experience_years": "実務経験年数", "schooling": "学歴", "prior_pass": "合格歴"}
TEXT = {"applicant_name": 128, "name_kana": 128, "address": 300, "trade_code": 16, "trade_name": 64,
        "task_name": 64, "postal_code": 8, "phone": 20, "email": 254, "employer_name": 128}
FLAGS = ("written_exemption_claimed", "practical_exemption_claimed", "enrolled_student", "employed")
CHOICES = {"grade": GRADES, "schooling": SCHOOLING, "prior_pass": PRIOR_PASSES, "sex": SEXES}
MAX_ATTACHMENTS, MAX_ATTACHMENT_BYTES = 10, 2 * 1024 * 1024


class PackageRefused(Exception):
    """The package cannot be taken; `reason` is the 返戻理由."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Intake:
    """A package as kentei keeps it: the form without the number, the number apart, the attachments checked."""

    form: dict[str, Any]
    my_number: str | None
    attachments: list[dict[str, Any]]


def check(package: Any, prefecture: str) -> Intake:
    """The package's intake for `prefecture`, or PackageRefused with the first reason found."""
    if not isinstance(package, dict) or not isinstance(package.get("package_id"), str):
        raise PackageRefused("申請データの形式が正しくありません（到達番号がありません）。")
    if package.get("prefecture") != prefecture:
        raise PackageRefused("この申請は他の都道府県あてです。受検する都道府県の職業能力開発協会に申請してください。")
    form = package.get("form")
    if not isinstance(form, dict):
        raise PackageRefused("申請データの形式が正しくありません（申請書の内容がありません）。")
    values = dict(form)
    if values.pop("exam_prefecture", prefecture) != prefecture:  # 受検都道府県 on the form, if the applicant gave one
        raise PackageRefused("この申請は他の都道府県あてです。受検する都道府県の職業能力開発協会に申請してください。")
    number = _number(values)
    if find_my_number(values) is not None:  # a number typed where it does not belong is not kept anywhere
        raise PackageRefused("個人番号と思われる番号が個人番号欄以外に記載されています。")
    for key, label in REQUIRED.items():
        if values.get(key) in (None, ""):
            raise PackageRefused(f"{label}が入力されていません。")
    for key, limit in TEXT.items():
        value = values.get(key)
        if value is not None and (not isinstance(value, str) or len(value) > limit):
            raise PackageRefused(f"{_label(key)}は{limit}文字以内の文字で入力してください。")
    for key, allowed in CHOICES.items():
        if values[key] not in allowed:
            raise PackageRefused(f"{_label(key)}の値が選択肢にありません。")
    _birth_date(values["birth_date"])
    years = values["experience_years"]
    if isinstance(years, bool) or not isinstance(years, int) or not 0 <= years <= 60:
        raise PackageRefused("実務経験年数は0から60までの整数で入力してください。")
    for key in FLAGS:
        if not isinstance(values.get(key, False), bool):
            raise PackageRefused(f"{_label(key)}は「はい」か「いいえ」で入力してください。")
    unknown = sorted(set(values) - set(REQUIRED) - set(TEXT) - set(FLAGS))
    if unknown:
        raise PackageRefused(f"申請書に未知の項目があります: {', '.join(unknown)[:80]}。")
    return Intake(values, number, _attachments(package.get("attachments", [])))


def _number(values: dict[str, Any]) -> str | None:
    """Take the 個人番号 out of the form (it never stays there); None when the package has none."""
    found = [values.pop(key) for key in NUMBER_KEYS if key in values]
    found = [v for v in found if v not in (None, "")]
    if not found:
        return None
    try:
        digits = {validate_my_number(v) for v in found}
    except InvalidMyNumber:
        raise PackageRefused("個人番号が正しくありません（桁数またはチェックデジット）。") from None
    if len(digits) > 1:
        raise PackageRefused("個人番号が二つ記載されています。")
    return digits.pop()


def _birth_date(value: Any) -> None:
    try:
        born = date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        born = None
    if born is None or not date(1900, 1, 1) <= born <= date.today():
        raise PackageRefused("生年月日が正しくありません（例: 1990-04-01）。")


def _attachments(items: Any) -> list[dict[str, Any]]:
    """Each attachment decoded once to check it, kept with its size and SHA-256."""
    if not isinstance(items, list) or len(items) > MAX_ATTACHMENTS:
        raise PackageRefused(f"添付書類は{MAX_ATTACHMENTS}件までです。")
    kept = []
    for i, item in enumerate(items, start=1):
        try:
            name, kind, data = item["name"], item["content_type"], base64.b64decode(item["data"], validate=True)
        except (KeyError, TypeError, ValueError):
            raise PackageRefused(f"添付書類{i}件目の形式が正しくありません。") from None
        if not isinstance(name, str) or not isinstance(kind, str) or not 0 < len(data) <= MAX_ATTACHMENT_BYTES:
            raise PackageRefused(f"添付書類{i}件目の形式が正しくありません（2MBまで）。")
        kept.append({"name": name[:128], "content_type": kind[:64], "size": len(data),
                     "sha256": hashlib.sha256(data).hexdigest(), "data": item["data"]})
    return kept


def _label(key: str) -> str:
    return REQUIRED.get(key) or {"task_name": "作業名", "postal_code": "郵便番号", "phone": "電話番号", "email": "メールアドレス",
                                 "employer_name": "事業所名", "written_exemption_claimed": "学科免除",
                                 "practical_exemption_claimed": "実技免除", "enrolled_student": "在校生",
                                 "employed": "在職者"}.get(key, key)
