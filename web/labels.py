"""The field's words for process variables: a label, the group a person looks for it in, the unit of a
number, and the names of coded values — in the page's language.

A variable's label comes, in order, from the form field of that id in the process (the analyst's own
word; on an English page only when it is English), from this table, from the registry's 別添1 label
(handlers/registry/models.py, on Japanese pages), else the variable name itself (made readable).
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from flask_babel import get_locale, pgettext
from flask_babel import lazy_gettext as _l

from handlers.registry import models as registry

# the groups of the data table, in the order a case is worked
GROUPS: dict[str, Any] = {
    "application": _l("申請"), "applicant": _l("受検者"), "identity": _l("本人確認"), "review": _l("受検資格審査"),
    "fee": _l("手数料"), "exam": _l("試験"), "scoring": _l("採点"), "result": _l("合否"), "passer": _l("合格者"),
    "change": _l("訂正・変更・取消"), "notices": _l("通知・連携"), "other": _l("その他"),
}
# units of numbers: "yen" 21,300円, "points" 65点, "years" 3年, "count" 1件, "copies" 2通
_ENTRIES: tuple[tuple[str, Any, str, str | None], ...] = (
    ("application_id", _l("申請受付ID"), "application", None),
    ("channel", _l("申請経路"), "application", None),
    ("fiscal_year", _l("年度"), "application", None),
    ("round", _l("期別"), "application", None),
    ("grade", _l("級"), "application", None),
    ("trade_code", _l("職種コード"), "application", None),
    ("trade_name", _l("職種"), "application", None),
    ("task_code", _l("作業コード"), "application", None),
    ("task_name", _l("作業"), "application", None),
    ("experience_years", _l("実務経験年数"), "application", "years"),
    ("schooling", _l("学歴"), "application", None),
    ("prior_pass", _l("合格歴"), "application", None),
    ("written_exemption_claimed", _l("学科免除の申請"), "application", None),
    ("practical_exemption_claimed", _l("実技免除の申請"), "application", None),
    ("written_exempt", _l("学科免除"), "application", None),
    ("practical_exempt", _l("実技免除"), "application", None),
    ("applicant_name", _l("氏名"), "applicant", None),
    ("name_kana", _l("ふりがな"), "applicant", None),
    ("birth_date", _l("生年月日"), "applicant", None),
    ("sex", _l("性別"), "applicant", None),
    ("postal_code", _l("郵便番号"), "applicant", None),
    ("address", _l("住所"), "applicant", None),
    ("address_extra", _l("方書"), "applicant", None),
    ("phone", _l("電話番号"), "applicant", None),
    ("email", _l("メールアドレス"), "applicant", None),
    ("employer_name", _l("事業所名"), "applicant", None),
    ("nationality", _l("国籍"), "applicant", None),
    ("vault_ref", _l("個人番号"), "applicant", None),
    ("pseudonym_id", _l("資格仮名ID"), "applicant", None),
    ("portal_pseudonym_id", _l("マイナポータル仮名ID"), "applicant", None),
    ("applicant_id", _l("受検者番号（登録簿）"), "applicant", None),
    ("juki_outcome", _l("住基ネット照会結果"), "identity", None),
    ("juki_hit_count", _l("該当件数"), "identity", "count"),
    ("juki_checked_name", _l("住基ネット上の氏名"), "identity", None),
    ("juki_status", _l("住民の状態"), "identity", None),
    ("juki_resident_code", _l("住民票コード"), "identity", None),
    ("juki_mismatch_fields", _l("一致しなかった項目"), "identity", None),
    ("identity_confirmed", _l("本人と確認できた"), "identity", None),
    ("identity_note", _l("確認内容"), "identity", None),
    ("entry_confirmed", _l("入力内容を確認した"), "identity", None),
    ("eligibility", _l("受検資格の判定（判定表）"), "review", None),
    ("eligible", _l("受検資格"), "review", None),
    ("eligibility_reason", _l("理由"), "review", None),
    ("required_years", _l("必要な実務経験年数"), "review", "years"),
    ("basis", _l("根拠"), "review", None),
    ("decision", _l("審査結果"), "review", None),
    ("review_comment", _l("審査コメント"), "review", None),
    ("reviewDueDate", _l("審査期限"), "review", None),
    ("correctionPeriod", _l("補正期間"), "review", None),
    ("correction_deadline", _l("補正期限"), "review", None),
    ("correction_note", _l("補正の内容"), "review", None),
    ("correction_submitted_by", _l("補正の提出者"), "review", None),
    ("fee_amount", _l("手数料額"), "fee", "yen"),
    ("feeDeadline", _l("納付期限"), "fee", None),
    ("fee_paid_amount", _l("納付額"), "fee", "yen"),
    ("fee_paid_on", _l("納付日"), "fee", None),
    ("fee_written", _l("学科手数料"), "fee", "yen"),
    ("fee_practical", _l("実技手数料"), "fee", "yen"),
    ("amount", _l("金額"), "fee", "yen"),
    ("payment_method", _l("納付方法"), "fee", None),
    ("examDate", _l("試験日"), "exam", None),
    ("exam_session", _l("試験回"), "exam", None),
    ("exam_room", _l("試験室"), "exam", None),
    ("exam_site_address", _l("試験場の所在地"), "exam", None),
    ("venue", _l("試験場"), "exam", None),
    ("examinee_no", _l("受検番号"), "exam", None),
    ("practical_no", _l("実技番号"), "exam", None),
    ("seat_no", _l("座席番号"), "exam", None),
    ("seat_moved", _l("座席の振替"), "exam", None),
    ("written_attended", _l("学科出欠（出席）"), "scoring", None),
    ("written_score", _l("学科得点"), "scoring", "points"),
    ("practical_attended", _l("実技出欠（出席）"), "scoring", None),
    ("practical_components", _l("実技試験の構成"), "scoring", None),
    ("code", _l("区分"), "scoring", None),
    ("name", _l("試験"), "scoring", None),
    ("points", _l("配点"), "scoring", "points"),
    ("component_name", _l("試験区分"), "scoring", None),
    ("component_points", _l("配点"), "scoring", "points"),
    ("component_score", _l("得点（100点満点）"), "scoring", "points"),
    ("practical_component_scores", _l("実技得点（試験区分別）"), "scoring", "points"),
    ("practical_score", _l("実技得点"), "scoring", "points"),
    ("written_passed", _l("学科合格"), "result", None),
    ("practical_passed", _l("実技合格"), "result", None),
    ("result", _l("合否"), "result", None),
    ("result_approved", _l("判定の承認"), "result", None),
    ("approval_comment", _l("決裁コメント"), "result", None),
    ("result_recorded", _l("合否の登録"), "result", None),
    ("announcementDate", _l("合格発表日"), "result", None),
    ("ginoshi_no", _l("技能士番号"), "passer", None),
    ("certificate_no", _l("合格証書番号"), "passer", None),
    ("passed_on", _l("合格日"), "passer", None),
    ("change_kind", _l("届出の種類"), "change", None),
    ("applied_change", _l("反映した変更"), "change", None),
    ("revocation_reason", _l("合格取消理由"), "change", None),
    ("revocation_date", _l("合格取消日"), "change", None),
    ("deletion_reason", _l("削除理由"), "change", None),
    ("request_no", _l("交付申請番号"), "passer", None),
    ("request_kind", _l("交付申請の種類"), "passer", None),
    ("language", _l("言語"), "passer", None),
    ("medium", _l("交付方法"), "passer", None),
    ("copies", _l("部数"), "passer", "copies"),
    ("fee_per_copy", _l("1通あたりの手数料"), "fee", "yen"),
    ("fee_basis", _l("手数料の根拠"), "fee", None),
    ("requester_name", _l("申請書の氏名"), "passer", None),
    ("requester_birth_date", _l("申請書の生年月日"), "passer", None),
    ("passer_birth_date", _l("合格者の生年月日"), "passer", None),
    ("refusal_code", _l("不交付の区分"), "passer", None),
    ("refusal_reason", _l("不交付の理由"), "passer", None),
    ("package_id", _l("到達番号（e-Gov）"), "application", None),
    ("fee_refund", _l("還付額"), "fee", "yen"),
    ("national_sync_status", _l("国家資格システム連携"), "notices", None),
    ("national_version", _l("国家資格システム連携版数"), "notices", None),
    ("notice_fee_request_id", _l("通知ID（手数料納付依頼）"), "notices", None),
    ("notice_admission_ticket_id", _l("通知ID（受検票）"), "notices", None),
    ("notice_pass_notice_id", _l("通知ID（合格通知）"), "notices", None),
    ("notice_certificate_id", _l("通知ID（合格証書）"), "notices", None),
    ("notice_refund_notice_id", _l("通知ID（手数料還付のお知らせ）"), "notices", None),
    ("notice_correction_request_id", _l("通知ID（補正依頼）"), "notices", None),
    ("notice_fail_notice_id", _l("通知ID（不合格通知）"), "notices", None),
    ("notice_partial_pass_notice_id", _l("通知ID（一部合格通知）"), "notices", None),
)
LABELS: dict[str, Any] = {key: label for key, label, _group, _unit in _ENTRIES}
GROUP_OF: dict[str, str] = {key: group for key, _label, group, _unit in _ENTRIES}
UNITS: dict[str, str] = {key: unit for key, _label, _group, unit in _ENTRIES if unit}
ORDER: dict[str, int] = {key: n for n, (key, *_rest) in enumerate(_ENTRIES)}

# coded values and their names (an enum field's camunda:value names come first, from the process)
CODES: dict[str, dict[Any, Any]] = {
    "channel": {"online": _l("オンライン"), "paper": _l("紙"), "egov": _l("e-Gov")},
    "sex": {"1": _l("男"), "2": _l("女"), 1: _l("男"), 2: _l("女")},
    "juki_outcome": {"one_hit": _l("1件一致"), "no_hit": _l("該当なし"), "several_hits": _l("複数該当"),
                     "mismatch": _l("不一致")},
    "juki_status": {"active": _l("住民"), "deceased": _l("死亡")},
    "juki_mismatch_fields": {"name": _l("氏名"), "birth_date": _l("生年月日")},
    "result": {"pass": _l("合格"), "partial_written": _l("一部合格（学科）"), "partial_practical": _l("一部合格（実技）"),
               "fail": _l("不合格"), "absent": _l("欠席")},
    "national_sync_status": {"created": _l("登録済み"), "updated": _l("更新済み"), "unchanged": _l("変更なし"),
                             "deleted": _l("削除済み"), "revoked": _l("取消済み")},
    "eligibility_reason": {"受検資格あり": _l("受検資格あり"), "受検資格なし: 実務経験年数が不足": _l("受検資格なし: 実務経験年数が不足"),
                           "受検資格なし: 該当する経路がない": _l("受検資格なし: 該当する経路がない"),
                           "特級: 1級合格が必要": _l("特級: 1級合格が必要")},
    "decision": {"approve": _l("受検資格あり"), "reject": _l("受検資格なし"), "request_correction": _l("補正依頼")},
    "change_kind": {"correction": _l("訂正"), "change": _l("変更"), "deletion": _l("削除")},
    "request_kind": {"reissue": _l("合格証書の再交付"), "certificate_of_pass": _l("合格証明書")},
    "language": {"ja": _l("日本語"), "en": _l("英文")},
    "medium": {"paper": _l("紙（郵送・窓口）"), "electronic": _l("電子（ポータルでPDF）")},
}
# choice values that are Japanese words in the data (grades, schooling, rounds): translated for English pages
WORDS: dict[str, Any] = {
    "基礎級": _l("基礎級"), "3級": _l("3級"), "2級": _l("2級"), "1級": _l("1級"), "単一等級": _l("単一等級"),
    "特級": _l("特級"), "専門高校": _l("専門高校"), "短大・高専": _l("短大・高専"), "大学": _l("大学"),
    "前期": _l("前期"), "後期": _l("後期"),
}
_JAPANESE = re.compile(r"[\u3000-\u303f\u3040-\u30ff\u4e00-\u9fff\uff00-\uffef]")


def _registry_labels() -> dict[str, str]:
    found: dict[str, str] = {}
    for table in (registry.Applicant, registry.Application, registry.ExamRecord, registry.Passer):
        for column in table.__table__.columns:
            found.setdefault(column.key, column.info.get("ja", ""))
    found.pop("name", None)  # the registry's 氏名 is the applicant_name of the process
    return {k: v for k, v in found.items() if v}


REGISTRY = _registry_labels()


def english() -> bool:
    return str(get_locale() or "ja") != "ja"


def readable(name: str) -> str:
    """A variable name as words: feeDeadline, fee_deadline -> Fee deadline."""
    words = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", name).replace("_", " ").strip().lower()
    return words[:1].upper() + words[1:] if words else name


def label(name: str, fields: Mapping[str, Mapping[str, Any]] | None = None) -> str:
    """What a person calls the variable `name` on this page (see the module's docstring)."""
    form_label = str(((fields or {}).get(name) or {}).get("label") or "").strip()
    if form_label and not (english() and _JAPANESE.search(form_label)):
        return form_label
    if name in LABELS:
        return str(LABELS[name])
    if not english() and name in REGISTRY:
        return REGISTRY[name]
    return readable(name) if english() else name


def code_name(name: str, value: Any, fields: Mapping[str, Mapping[str, Any]] | None = None) -> str | None:
    """The name of a coded value (an enum field's value name, else this module's tables), or None."""
    for option in ((fields or {}).get(name) or {}).get("values") or []:
        if option.get("id") == value and option.get("name"):
            shown = str(option["name"])
            if not (english() and _JAPANESE.search(shown)):
                return shown
    table = CODES.get(name, {})
    try:
        found = table.get(value)
    except TypeError:  # an unhashable value is no code
        return None
    if found is not None:
        return str(found)
    if value == "なし":  # "none" as a choice (schooling, earlier passes) reads as no value does
        return pgettext("no value", "なし")
    if isinstance(value, str) and value in WORDS:
        return str(WORDS[value])
    return None


def sort_key(name: str) -> tuple[int, int, str]:
    """Variables by group, then in the table's order, then by name."""
    group = GROUP_OF.get(name, "other")
    return list(GROUPS).index(group), ORDER.get(name, len(ORDER)), name
