"""The portal's forms: the online application and the correction answer, checked on the server.

Values come back as the workflow takes them (Japanese choice values such as "2級" or "なし" stay the data;
only their labels are translated), errors as sentences by field in the page's language; the 個人番号 is
checked (12 digits, check digit) and returned apart, never among the values.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from engine.text_rules import is_clean
from handlers.registry.rounds import (  # noqa: F401  (the portal's pages and tests read them from here)
    ANNOUNCEMENT_DAYS,
    EXAM_DAYS,
    FEE_DAYS,
    GRADES,
    PRIOR_PASSES,
    SCHOOLING,
    round_of,
)
from handlers.vault import check_digit, normalize

PREFECTURES = (
    ("01", _l("北海道")), ("02", _l("青森県")), ("03", _l("岩手県")), ("04", _l("宮城県")), ("05", _l("秋田県")), ("06", _l("山形県")),
    ("07", _l("福島県")), ("08", _l("茨城県")), ("09", _l("栃木県")), ("10", _l("群馬県")), ("11", _l("埼玉県")), ("12", _l("千葉県")),
    ("13", _l("東京都")), ("14", _l("神奈川県")), ("15", _l("新潟県")), ("16", _l("富山県")), ("17", _l("石川県")), ("18", _l("福井県")),
    ("19", _l("山梨県")), ("20", _l("長野県")), ("21", _l("岐阜県")), ("22", _l("静岡県")), ("23", _l("愛知県")), ("24", _l("三重県")),
    ("25", _l("滋賀県")), ("26", _l("京都府")), ("27", _l("大阪府")), ("28", _l("兵庫県")), ("29", _l("奈良県")), ("30", _l("和歌山県")),
    ("31", _l("鳥取県")), ("32", _l("島根県")), ("33", _l("岡山県")), ("34", _l("広島県")), ("35", _l("山口県")), ("36", _l("徳島県")),
    ("37", _l("香川県")), ("38", _l("愛媛県")), ("39", _l("高知県")), ("40", _l("福岡県")), ("41", _l("佐賀県")), ("42", _l("長崎県")),
    ("43", _l("熊本県")), ("44", _l("大分県")), ("45", _l("宮崎県")), ("46", _l("鹿児島県")), ("47", _l("沖縄県")),
)
PREFECTURE_NAMES = dict(PREFECTURES)
SEXES = (("1", _l("男")), ("2", _l("女")))
# What the pages show for a choice value (grades, schooling, earlier passes, the exam round): the values
# above go to the workflow unchanged, in Japanese; only these labels follow the page's language.
CHOICE_LABELS = {
    "基礎級": _l("基礎級"), "3級": _l("3級"), "2級": _l("2級"), "1級": _l("1級"), "単一等級": _l("単一等級"),
    "特級": _l("特級"), "なし": _l("なし"), "専門高校": _l("専門高校"), "短大・高専": _l("短大・高専"),
    "大学": _l("大学"), "前期": _l("前期"), "後期": _l("後期"),
}


def choice_label(value: Any) -> Any:
    """The label shown for a stored choice value (the value itself when it is not one of ours)."""
    return CHOICE_LABELS.get(value, value) if isinstance(value, str) else value
# Standard amounts (public): 学科 3,100円, 実技 18,200円. Prefectures set theirs by ordinance and the
# 3級 reduction for those under 23 is not modelled: this is the portal's estimate, the fee request decides.
FEE_WRITTEN, FEE_PRACTICAL = 3_100, 18_200


KANA = re.compile(r"[\u3041-\u3096\u309d\u309e\u30a1-\u30fa\u30fc\u30fb\u30fd\u30fe\u3000 ]+")
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
TRADE_CODE = re.compile(r"[0-9A-Za-z]{1,16}")

def correction_values(form: Mapping[str, str]) -> tuple[dict[str, Any], dict[str, str]]:
    values: dict[str, Any] = {k: (form.get(k) or "").strip() for k in
                              ("experience_years", "schooling", "prior_pass", "correction_note")}
    errors: dict[str, str] = {}
    years(values, errors)
    if values["schooling"] not in SCHOOLING:
        errors["schooling"] = _("学歴を選んでください。")
    if values["prior_pass"] not in PRIOR_PASSES:
        errors["prior_pass"] = _("合格歴を選んでください。")
    if len(values["correction_note"]) > 400:
        errors["correction_note"] = _("%(limit)s文字以内で入力してください。", limit=400)
    refuse_characters(values, ("correction_note",), errors, multiline=True)  # a textarea: line breaks and tabs stay
    return values, errors


def refuse_characters(values: Mapping[str, Any], fields: tuple[str, ...], errors: dict[str, str],
                      multiline: bool = False) -> None:
    """A field holding a control character, a text-direction control or a lone surrogate is refused, whatever
    else is wrong with it (engine/text_rules: a NUL cuts the name in the inbox, CSV and search)."""
    for field in fields:
        if isinstance(values.get(field), str) and not is_clean(values[field], multiline):
            errors[field] = _("使えない文字（制御文字や文字の向きを変える記号）が含まれています。")


def years(values: dict[str, Any], errors: dict[str, str]) -> None:
    raw = values.get("experience_years", "")
    if raw == "":
        errors["experience_years"] = _("実務経験年数を入力してください（ない場合は 0）。")
    elif not re.fullmatch(r"[0-9０-９]{1,2}", raw):
        errors["experience_years"] = _("0〜60の整数（年）で入力してください。")
    else:
        years = int(normalize(raw))
        if years > 60:
            errors["experience_years"] = _("0〜60の整数（年）で入力してください。")
        else:
            values["experience_years"] = years


def check_my_number(raw: str) -> tuple[str | None, str | None]:
    """The 12 ASCII digits, or a sentence saying what is wrong (never echoing the input)."""
    digits = normalize(raw)
    if not digits:
        return None, _("個人番号を入力してください。")
    if not digits.isascii() or not digits.isdigit():
        return None, _("個人番号は数字で入力してください（空白とハイフンは無視します）。")
    if len(digits) != 12:
        return None, _("個人番号は12桁です（入力されたのは%(n)s桁でした）。", n=len(digits))
    if check_digit(digits[:-1]) != int(digits[-1]):
        return None, _("個人番号のチェックデジット（最後の1桁）が合いません。マイナンバーカードの番号をもう一度確認してください。")
    return digits, None


TEXT_FIELDS = ("applicant_name", "name_kana", "birth_date", "sex", "address", "email", "tenant", "grade",
               "trade_code", "trade_name", "task_name", "experience_years", "schooling", "prior_pass")


def application_values(form: Mapping[str, str], today: date) -> tuple[dict[str, Any], dict[str, str]]:
    """The form's values (the 個人番号 not among them) and errors by field."""
    values: dict[str, Any] = {k: (form.get(k) or "").strip() for k in TEXT_FIELDS}
    values["written_exemption_claimed"] = form.get("written_exemption_claimed") == "on"
    values["practical_exemption_claimed"] = form.get("practical_exemption_claimed") == "on"
    errors: dict[str, str] = {}

    def need(field: str, missing: str, too_long: str, limit: int) -> None:
        """A required text field: `missing` when empty, `too_long` (with %(limit)s) when over `limit`."""
        if not values[field]:
            errors[field] = missing
        elif len(values[field]) > limit:
            errors[field] = too_long % {"limit": limit}

    need("applicant_name", _("氏名を入力してください。"), _("氏名は%(limit)s文字以内で入力してください。"), 128)
    need("name_kana", _("ふりがなを入力してください。"), _("ふりがなは%(limit)s文字以内で入力してください。"), 128)
    if "name_kana" not in errors and not KANA.fullmatch(values["name_kana"]):
        errors["name_kana"] = _("ふりがなは、ひらがなかカタカナで入力してください。")
    if not values["birth_date"]:
        errors["birth_date"] = _("生年月日を入力してください。")
    else:
        try:
            born = date.fromisoformat(values["birth_date"])
        except ValueError:
            errors["birth_date"] = _("生年月日は 1990-04-01 の形（年-月-日）で入力してください。")
        else:
            if born > today:
                errors["birth_date"] = _("生年月日が未来の日付になっています。")
            elif born < date(1900, 1, 1):
                errors["birth_date"] = _("生年月日を確認してください。")
    if values["sex"] not in dict(SEXES):
        errors["sex"] = _("性別を選んでください。")
    need("address", _("住所を入力してください。"), _("住所は%(limit)s文字以内で入力してください。"), 300)
    if values["email"] and (len(values["email"]) > 254 or not EMAIL.fullmatch(values["email"])):
        errors["email"] = _("メールアドレスの形式が正しくありません（例: taro@example.jp）。")
    if values["tenant"] not in PREFECTURE_NAMES:
        errors["tenant"] = _("受検する都道府県を選んでください。")
    if values["grade"] not in GRADES:
        errors["grade"] = _("等級を選んでください。")
    if not values["trade_code"]:
        errors["trade_code"] = _("職種コードを入力してください。")
    elif not TRADE_CODE.fullmatch(values["trade_code"]):
        errors["trade_code"] = _("職種コードは半角英数字16文字以内で入力してください。")
    need("trade_name", _("職種名を入力してください。"), _("職種名は%(limit)s文字以内で入力してください。"), 64)
    if len(values["task_name"]) > 64:
        errors["task_name"] = _("作業名は%(limit)s文字以内で入力してください。", limit=64)
    years(values, errors)
    if values["schooling"] not in SCHOOLING:
        errors["schooling"] = _("学歴を選んでください。")
    if values["prior_pass"] not in PRIOR_PASSES:
        errors["prior_pass"] = _("合格歴を選んでください。")
    refuse_characters(values, TEXT_FIELDS, errors)  # every field is one line
    return values, errors


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
