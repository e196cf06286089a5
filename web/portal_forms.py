"""The portal's forms: the online application and the correction answer, checked on the server.

Values come back as the workflow takes them, errors as Japanese sentences by field; the 個人番号 is
checked (12 digits, check digit) and returned apart, never among the values.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Any

from handlers.vault import check_digit, normalize

PREFECTURES = (
    ("01", "北海道"), ("02", "青森県"), ("03", "岩手県"), ("04", "宮城県"), ("05", "秋田県"), ("06", "山形県"),
    ("07", "福島県"), ("08", "茨城県"), ("09", "栃木県"), ("10", "群馬県"), ("11", "埼玉県"), ("12", "千葉県"),
    ("13", "東京都"), ("14", "神奈川県"), ("15", "新潟県"), ("16", "富山県"), ("17", "石川県"), ("18", "福井県"),
    ("19", "山梨県"), ("20", "長野県"), ("21", "岐阜県"), ("22", "静岡県"), ("23", "愛知県"), ("24", "三重県"),
    ("25", "滋賀県"), ("26", "京都府"), ("27", "大阪府"), ("28", "兵庫県"), ("29", "奈良県"), ("30", "和歌山県"),
    ("31", "鳥取県"), ("32", "島根県"), ("33", "岡山県"), ("34", "広島県"), ("35", "山口県"), ("36", "徳島県"),
    ("37", "香川県"), ("38", "愛媛県"), ("39", "高知県"), ("40", "福岡県"), ("41", "佐賀県"), ("42", "長崎県"),
    ("43", "熊本県"), ("44", "大分県"), ("45", "宮崎県"), ("46", "鹿児島県"), ("47", "沖縄県"),
)
PREFECTURE_NAMES = dict(PREFECTURES)
GRADES = ("基礎級", "3級", "2級", "1級", "単一等級", "特級")
SCHOOLING = ("なし", "専門高校", "短大・高専", "大学")  # the values eligibility.dmn reads
PRIOR_PASSES = ("なし", "3級", "2級", "1級")
SEXES = (("1", "男"), ("2", "女"))
# Standard amounts (public): 学科 3,100円, 実技 18,200円. Prefectures set theirs by ordinance and the
# 3級 reduction for those under 23 is not modelled: this is the portal's estimate, the fee request decides.
FEE_WRITTEN, FEE_PRACTICAL = 3_100, 18_200
FEE_DAYS, EXAM_DAYS, ANNOUNCEMENT_DAYS = 20, 60, 120  # from the filing day, as the lifecycle tests use


KANA = re.compile(r"[\u3041-\u3096\u309d\u309e\u30a1-\u30fa\u30fc\u30fb\u30fd\u30fe\u3000 ]+")
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
TRADE_CODE = re.compile(r"[0-9A-Za-z]{1,16}")

def correction_values(form: Mapping[str, str]) -> tuple[dict[str, Any], dict[str, str]]:
    values: dict[str, Any] = {k: (form.get(k) or "").strip() for k in
                              ("experience_years", "schooling", "prior_pass", "correction_note")}
    errors: dict[str, str] = {}
    years(values, errors)
    if values["schooling"] not in SCHOOLING:
        errors["schooling"] = "学歴を選んでください。"
    if values["prior_pass"] not in PRIOR_PASSES:
        errors["prior_pass"] = "合格歴を選んでください。"
    if len(values["correction_note"]) > 400:
        errors["correction_note"] = "400文字以内で入力してください。"
    return values, errors


def years(values: dict[str, Any], errors: dict[str, str]) -> None:
    raw = values.get("experience_years", "")
    if raw == "":
        errors["experience_years"] = "実務経験年数を入力してください（ない場合は 0）。"
    elif not re.fullmatch(r"[0-9０-９]{1,2}", raw):
        errors["experience_years"] = "0〜60の整数（年）で入力してください。"
    else:
        years = int(normalize(raw))
        if years > 60:
            errors["experience_years"] = "0〜60の整数（年）で入力してください。"
        else:
            values["experience_years"] = years


def check_my_number(raw: str) -> tuple[str | None, str | None]:
    """The 12 ASCII digits, or a Japanese sentence saying what is wrong (never echoing the input)."""
    digits = normalize(raw)
    if not digits:
        return None, "個人番号を入力してください。"
    if not digits.isascii() or not digits.isdigit():
        return None, "個人番号は数字で入力してください（空白とハイフンは無視します）。"
    if len(digits) != 12:
        return None, f"個人番号は12桁です（入力されたのは{len(digits)}桁でした）。"
    if check_digit(digits[:-1]) != int(digits[-1]):
        return None, "個人番号のチェックデジット（最後の1桁）が合いません。マイナンバーカードの番号をもう一度確認してください。"
    return digits, None


TEXT_FIELDS = ("applicant_name", "name_kana", "birth_date", "sex", "address", "email", "tenant", "grade",
               "trade_code", "trade_name", "task_name", "experience_years", "schooling", "prior_pass")


def application_values(form: Mapping[str, str], today: date) -> tuple[dict[str, Any], dict[str, str]]:
    """The form's values (the 個人番号 not among them) and errors by field."""
    values: dict[str, Any] = {k: (form.get(k) or "").strip() for k in TEXT_FIELDS}
    values["written_exemption_claimed"] = form.get("written_exemption_claimed") == "on"
    values["practical_exemption_claimed"] = form.get("practical_exemption_claimed") == "on"
    errors: dict[str, str] = {}

    def need(field: str, label: str, limit: int) -> None:
        if not values[field]:
            errors[field] = f"{label}を入力してください。"
        elif len(values[field]) > limit:
            errors[field] = f"{label}は{limit}文字以内で入力してください。"

    need("applicant_name", "氏名", 128)
    need("name_kana", "ふりがな", 128)
    if "name_kana" not in errors and not KANA.fullmatch(values["name_kana"]):
        errors["name_kana"] = "ふりがなは、ひらがなかカタカナで入力してください。"
    if not values["birth_date"]:
        errors["birth_date"] = "生年月日を入力してください。"
    else:
        try:
            born = date.fromisoformat(values["birth_date"])
        except ValueError:
            errors["birth_date"] = "生年月日は 1990-04-01 の形（年-月-日）で入力してください。"
        else:
            if born > today:
                errors["birth_date"] = "生年月日が未来の日付になっています。"
            elif born < date(1900, 1, 1):
                errors["birth_date"] = "生年月日を確認してください。"
    if values["sex"] not in dict(SEXES):
        errors["sex"] = "性別を選んでください。"
    need("address", "住所", 300)
    if values["email"] and (len(values["email"]) > 254 or not EMAIL.fullmatch(values["email"])):
        errors["email"] = "メールアドレスの形式が正しくありません（例: taro@example.jp）。"
    if values["tenant"] not in PREFECTURE_NAMES:
        errors["tenant"] = "受検する都道府県を選んでください。"
    if values["grade"] not in GRADES:
        errors["grade"] = "等級を選んでください。"
    if not values["trade_code"]:
        errors["trade_code"] = "職種コードを入力してください。"
    elif not TRADE_CODE.fullmatch(values["trade_code"]):
        errors["trade_code"] = "職種コードは半角英数字16文字以内で入力してください。"
    need("trade_name", "職種名", 64)
    if len(values["task_name"]) > 64:
        errors["task_name"] = "作業名は64文字以内で入力してください。"
    years(values, errors)
    if values["schooling"] not in SCHOOLING:
        errors["schooling"] = "学歴を選んでください。"
    if values["prior_pass"] not in PRIOR_PASSES:
        errors["prior_pass"] = "合格歴を選んでください。"
    return values, errors


def round_of(moment: datetime) -> tuple[int, str]:
    """年度 and 期別 of a filing: April–September 前期; October–March 後期 of the fiscal year (April start)."""
    if 4 <= moment.month <= 9:
        return moment.year, "前期"
    return (moment.year if moment.month >= 10 else moment.year - 1), "後期"


def start_data(values: Mapping[str, Any], ref: str, pseudonym: str, now: datetime, tz: Any) -> dict[str, Any]:
    """The application process's start data: the vault reference, never the number."""
    fiscal_year, exam_round = round_of(now.astimezone(tz))
    fee = (0 if values["written_exemption_claimed"] else FEE_WRITTEN) + \
          (0 if values["practical_exemption_claimed"] else FEE_PRACTICAL)
    data = {
        "channel": "online", "vault_ref": ref, "pseudonym_id": pseudonym,
        "applicant_name": values["applicant_name"], "name_kana": values["name_kana"],
        "birth_date": values["birth_date"], "sex": values["sex"], "address": values["address"],
        "fiscal_year": fiscal_year, "round": exam_round, "grade": values["grade"],
        "trade_code": values["trade_code"], "trade_name": values["trade_name"],
        "task_name": values["task_name"] or None, "experience_years": values["experience_years"],
        "schooling": values["schooling"], "prior_pass": values["prior_pass"],
        "written_exemption_claimed": values["written_exemption_claimed"],
        "practical_exemption_claimed": values["practical_exemption_claimed"], "fee_amount": fee,
        "feeDeadline": (now + timedelta(days=FEE_DAYS)).isoformat(),
        "examDate": (now + timedelta(days=EXAM_DAYS)).isoformat(),
        "announcementDate": (now + timedelta(days=ANNOUNCEMENT_DAYS)).isoformat(),
    }
    if values["email"]:
        data["email"] = values["email"]
    return data
