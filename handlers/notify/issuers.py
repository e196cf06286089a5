"""Who a notice is from, by tenant (都道府県コード) and kind, unless the caller says."""
from __future__ import annotations

# JIS X 0401 都道府県コード.
PREFECTURES: dict[str, str] = dict(zip(
    [f"{n:02d}" for n in range(1, 48)],
    ("北海道 青森県 岩手県 宮城県 秋田県 山形県 福島県 茨城県 栃木県 群馬県 埼玉県 千葉県 東京都 神奈川県 "
     "新潟県 富山県 石川県 福井県 山梨県 長野県 岐阜県 静岡県 愛知県 三重県 滋賀県 京都府 大阪府 兵庫県 "
     "奈良県 和歌山県 鳥取県 島根県 岡山県 広島県 山口県 徳島県 香川県 愛媛県 高知県 福岡県 佐賀県 長崎県 "
     "熊本県 大分県 宮崎県 鹿児島県 沖縄県").split(),
    strict=True))

# 特級・1級・単一等級 certificates bear the minister's name, 2級・3級 (and 基礎級) the governor's.
MINISTER_GRADES = frozenset({"特級", "1級", "１級", "単一等級"})
MINISTER = "厚生労働大臣"
FALLBACK = "技能検定実施機関"


def default_issuer(tenant: str, kind: str, grade: object = None) -> str:
    """The issuer printed on a notice: the prefecture's 職業能力開発協会, or on a certificate the grade's signatory."""
    prefecture = PREFECTURES.get(tenant)
    if kind == "certificate":
        if grade in MINISTER_GRADES:
            return MINISTER
        return f"{prefecture}知事" if prefecture else FALLBACK
    return f"{prefecture}職業能力開発協会" if prefecture else FALLBACK
