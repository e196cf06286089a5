"""The account rules' sentences (engine/identity speaks Japanese and knows no languages) in the page's."""
from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l

# (the engine's sentence as a pattern, the same sentence as a msgid with named places)
_SENTENCES = [
    (r"パスワードは(\d+)文字以上にしてください。", _l("パスワードは%(n)s文字以上にしてください。"), "n"),
    (r"パスワードは(\d+)文字以下にしてください。", _l("パスワードは%(n)s文字以下にしてください。"), "n"),
    (r"英小文字・英大文字・数字・記号のうち(\d+)種類以上を使ってください。",
     _l("英小文字・英大文字・数字・記号のうち%(n)s種類以上を使ってください。"), "n"),
    (r"パスワードにユーザー名を含めないでください。", _l("パスワードにユーザー名を含めないでください。"), None),
    (r"このパスワードは公開されている（デモ用や漏えいしたもの）ため使えません。",
     _l("このパスワードは公開されている（デモ用や漏えいしたもの）ため使えません。"), None),
    (r"今のパスワードとは違うパスワードにしてください。", _l("今のパスワードとは違うパスワードにしてください。"), None),
    (r"ユーザー名は英小文字・数字・._- の3〜64文字で、英数字で始めてください。",
     _l("ユーザー名は英小文字・数字・._- の3〜64文字で、英数字で始めてください。"), None),
    (r"都道府県コードは01〜47の2桁です。", _l("都道府県コードは01〜47の2桁です。"), None),
    (r"役割は (.+) から1つ以上選んでください。", _l("役割は %(roles)s から1つ以上選んでください。"), "roles"),
    (r"氏名を入力してください。", _l("職員の氏名を入力してください。"), None),
    (r"氏名に使えない文字（制御文字や文字の向きを変える記号）が含まれています。",
     _l("職員の氏名に使えない文字（制御文字や文字の向きを変える記号）が含まれています。"), None),
    (r"ユーザー名 (\S+) は使われています。", _l("ユーザー名 %(name)s は使われています。"), "name"),
    (r"役割 (.+) は全国共通の役割で、運用担当がコマンドで付与します。",
     _l("役割 %(roles)s は全国共通の役割で、運用担当がコマンドで付与します。"), "roles"),
]


def localized(sentence: str) -> str:
    """One engine sentence in the request's language (unchanged if no pattern knows it)."""
    for pattern, message, place in _SENTENCES:
        m = re.fullmatch(pattern, sentence)
        if m:
            return str(message % {place: m.group(1)}) if place else str(message)
    return sentence
