"""Submitting to the e-Gov simulator as an applicant would (over HTTP), for tests and the demo's tests."""
from __future__ import annotations

import base64
import urllib.request
from typing import Any

import orjson


def submit(url: str, prefecture: str, form: Any, attachments: list[dict[str, Any]] | None = None) -> str:
    """File a package; its 到達番号."""
    body = {"prefecture": prefecture, "form": form,
            "attachments": attachments if attachments is not None else
            [{"name": "実務経験証明書.pdf", "content_type": "application/pdf",
              "data": base64.b64encode(b"%PDF-1.4 experience").decode()}]}
    req = urllib.request.Request(url + "/v1/packages", data=orjson.dumps(body), method="POST",
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=5) as resp:
        return str(orjson.loads(resp.read())["package_id"])


def form_of(person: dict[str, Any], **over: Any) -> dict[str, Any]:
    """An application form as e-Gov's 申請書 carries it, for a resident of the Juki-net simulator."""
    form = {"applicant_name": person["name"], "name_kana": person["name_kana"], "birth_date": person["birth_date"],
            "sex": person["sex"], "address": person["address"], "grade": "2級", "trade_code": "0401",
            "trade_name": "機械加工", "task_name": "普通旋盤作業", "experience_years": 3, "schooling": "なし",
            "prior_pass": "なし", "email": "egov-applicant@example.jp"}
    form.update(over)
    return {k: v for k, v in form.items() if v is not None}
