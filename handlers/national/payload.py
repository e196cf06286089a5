"""What leaves for the national system: record ids, versions and payloads built from whitelisted task-data fields."""
from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from .errors import InvalidField
from .guard import find_my_number
from .schema import MAX_TEXT, check_kind, check_record_id, check_tenant, check_version

# Task-data key -> the 別添1 item it carries (合格者データ / 受検申請者情報), for a person from the field.
COMMON_FIELDS: Mapping[str, str] = {
    "qualification_pseudonym_id": "資格仮名ID",
    "fiscal_year": "年度",
    "round": "期別",
    "grade": "級",
    "trade_code": "職種コード",
    "trade_name": "職種名称",
    "task_code": "作業コード",
    "task_name": "作業名称",
    "examinee_no": "受検番号",
    "applicant_name": "氏名",
    "name_kana": "ふりがな",
    "birth_date": "生年月日",
    "result": "合否判定",
    "announcementDate": "合格発表日",
}
APPLICANT_FIELDS: Mapping[str, str] = {
    "application_id": "申請受付ID",
    **COMMON_FIELDS,
    "application_date": "申請入力完了日",
}
PASSER_FIELDS: Mapping[str, str] = {
    "ginoshi_no": "技能士番号",
    **COMMON_FIELDS,
    "certificate_no": "合格証書シリアル番号",
    "written_result": "学科合否区分",
    "practical_result": "実技合否区分",
    "passed_on": "合格日付",
    "certificate_issue_date": "合格証書交付日",
    "expiry_date": "有効期限",
}
FIELDS: Mapping[str, Mapping[str, str]] = {"applicant": APPLICANT_FIELDS, "passer": PASSER_FIELDS}
# The task-data key that identifies each kind of record.
ID_FIELDS: Mapping[str, str] = {"applicant": "application_id", "passer": "ginoshi_no"}
VERSION_FIELD = "national_version"
REVOCATION_DATE_FIELD = "revocation_date"  # 合格取消日
REVOCATION_REASON_FIELD = "revocation_reason"  # 合格取消理由


def record_id(kind: str, tenant: str, data: Mapping[str, Any]) -> str:
    """The national record id: prefecture, kind and the 申請受付ID or 技能士番号, e.g. '13-passer-A123'."""
    key = ID_FIELDS[check_kind(kind)]
    ident = data.get(key)
    if isinstance(ident, bool) or not isinstance(ident, (str, int)) or str(ident) == "":
        raise InvalidField(key, "is required to identify the record")
    return check_record_id(f"{check_tenant(tenant)}-{kind}-{ident}", key)


def version_of(data: Mapping[str, Any]) -> int:
    """The record version from task data (an integer, or digits as text), 1 when absent."""
    value = data.get(VERSION_FIELD, 1)
    if isinstance(value, str) and value.isascii() and value.isdigit():
        value = int(value)
    return check_version(value, VERSION_FIELD)


def build_payload(kind: str, data: Mapping[str, Any]) -> dict[str, Any]:
    """The payload of `kind`: whitelisted fields only, scalars only, nothing that looks like a 個人番号."""
    payload = {key: _scalar(key, data[key]) for key in FIELDS[check_kind(kind)] if data.get(key) is not None}
    where = find_my_number(payload)
    if where is not None:
        raise InvalidField(where, "looks like a 個人番号, which is never sent to the national system")
    return payload


def _scalar(key: str, value: Any) -> str | int | float | bool:
    """A value fit for the payload: text, a number, a flag, or a date written YYYY-MM-DD."""
    if isinstance(value, date):
        return value.isoformat()[:10]
    if isinstance(value, str):
        if len(value) > MAX_TEXT:
            raise InvalidField(key, f"must be at most {MAX_TEXT} characters")
        return value
    if isinstance(value, (bool, int, float)):
        return value
    # Nested objects could smuggle keys past the whitelist.
    raise InvalidField(key, "must be text, a number, a flag or a date")
