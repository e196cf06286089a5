"""handlers/documents without a database: what each document says and when it exists, the layout rules
(text fits its box, 禁則), the romanised name, the signatory, the fonts embedded, and no 個人番号 ever.

pdftotext, pdftoppm and pdffonts (Debian poppler-utils) read the PDFs back; without them the test fails in CI
(CI=true) and is skipped elsewhere, like the PostgreSQL fixture."""
from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from handlers.documents import KINDS, DocumentError, Facts, FontMissing, NotIssued, UnknownKind, available, render
from handlers.documents.fonts import GOTHIC, font_path
from handlers.documents.layout import fitted, pdf_name, wrap
from handlers.documents.romaji import latin_name

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "documents"
IN_CI = os.environ.get("CI", "").lower() == "true"
TODAY = date(2026, 8, 1)
PASSED = Facts(tenant="13", application_no="13-2026-A000001", fiscal_year=2026, round="前期", grade="2級",
               trade_code="0401", trade_name="機械加工", task_name="普通旋盤作業", status="pass", name="青木　明美",
               name_kana="アオキ　アケミ", birth_date=date(1994, 3, 20), examinee_no="132600001",
               practical_no="P132600001", seat_no="0001", exam_date=date(2026, 5, 31), venue="東京都立城南職業能力開発センター",
               announcement_date=date(2026, 7, 30), result="pass", written_passed=True, practical_passed=True,
               ginoshi_no="26-13-000001", certificate_no="第1326000001号", passed_on=date(2026, 7, 30))
RECEIVED = Facts(tenant="13", application_no="13-2026-A000002", fiscal_year=2026, round="後期", grade="3級",
                 trade_code="0401", trade_name="機械加工", task_name=None, status="received", name="森　誠",
                 name_kana="モリ　マコト", birth_date=date(1966, 8, 23))


def tool(name: str) -> str:
    """The path of a poppler tool: missing, a failure in CI and a skip elsewhere."""
    found = shutil.which(name)
    if found is None:
        if IN_CI:
            pytest.fail(f"{name} is required in CI (Debian package poppler-utils)")
        pytest.skip(f"{name} is not installed (Debian package poppler-utils)")
    return found


def pdf_text(data: bytes, tmp_path: Path) -> str:
    source = tmp_path / "text.pdf"
    source.write_bytes(data)
    return subprocess.run([tool("pdftotext"), "-enc", "UTF-8", str(source), "-"], capture_output=True, check=True,
                          text=True, timeout=60).stdout


def pdf_fonts(data: bytes, tmp_path: Path) -> list[list[str]]:
    """pdffonts' rows: name, type, encoding, emb, sub, uni, ..."""
    source = tmp_path / "fonts.pdf"
    source.write_bytes(data)
    out = subprocess.run([tool("pdffonts"), str(source)], capture_output=True, check=True, text=True, timeout=60).stdout
    return [line.split() for line in out.splitlines()[2:]]


def pdf_png(data: bytes, name: str, tmp_path: Path) -> Path:
    """The PDF's first page as test-artifacts/documents/NAME.png (100 dpi), to look at."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    source = tmp_path / f"{name}.pdf"
    source.write_bytes(data)
    subprocess.run([tool("pdftoppm"), "-png", "-r", "100", "-singlefile", str(source), str(ARTIFACTS / name)],
                   check=True, timeout=60)
    return ARTIFACTS / f"{name}.png"


def test_the_kinds_and_when_each_exists() -> None:
    assert KINDS == ("admission_ticket", "pass_notice", "fail_notice", "certificate", "certificate_of_pass_ja",
                     "certificate_of_pass_en")
    assert available(PASSED, TODAY) == ["admission_ticket", "pass_notice", "certificate", "certificate_of_pass_ja",
                                        "certificate_of_pass_en"]
    assert available(PASSED, date(2026, 7, 29)) == ["admission_ticket", "certificate", "certificate_of_pass_ja",
                                                    "certificate_of_pass_en"]  # the result is told from 7/30
    assert available(RECEIVED, TODAY) == []
    partial = replace(PASSED, result="partial_written", practical_passed=False, ginoshi_no=None, certificate_no=None,
                      passed_on=None)
    assert available(partial, TODAY) == ["admission_ticket", "fail_notice"]
    revoked = replace(PASSED, revoked_on=date(2026, 9, 1))
    assert available(revoked, TODAY) == ["admission_ticket"]


@pytest.mark.parametrize(("facts", "kind", "says"), [
    (RECEIVED, "admission_ticket", "has no admission ticket yet: its exam is not scheduled"),
    (RECEIVED, "pass_notice", "has no result yet"),
    (replace(PASSED, announcement_date=date(2026, 9, 1)), "pass_notice", "is announced on 2026-09-01"),
    (PASSED, "fail_notice", "did not fail (its result is pass)"),
    (RECEIVED, "certificate", "has no certificate yet: no pass is registered"),
    (replace(PASSED, revoked_on=date(2026, 9, 1)), "certificate_of_pass_en", "its pass was revoked on 2026-09-01"),
])
def test_a_document_not_issued_is_a_sentence(facts: Facts, kind: str, says: str) -> None:
    with pytest.raises(NotIssued) as raised:
        render(facts, kind, TODAY)
    assert says in str(raised.value) and facts.application_no in str(raised.value)
    assert "\n" not in str(raised.value)


def test_an_unknown_kind_names_the_kinds() -> None:
    with pytest.raises(UnknownKind, match="the kinds are admission_ticket, pass_notice"):
        render(PASSED, "receipt", TODAY)


def test_a_twelve_digit_value_never_reaches_a_page() -> None:
    """Defence in depth: facts never read the vault, and a number shaped like a 個人番号 in any field is refused."""
    with pytest.raises(DocumentError, match="12-digit") as raised:
        render(replace(PASSED, venue="1234 5678 9018"), "admission_ticket", TODAY)
    assert "9018" not in str(raised.value)
    assert not {"vault_ref", "my_number"} & set(Facts.__dataclass_fields__)


@pytest.mark.parametrize(("kana", "latin"), [
    ("アオキ　アケミ", "AOKI Akemi"), ("コンドウ　サクラ", "KONDO Sakura"), ("オオノ ジュンイチ", "ONO Junichi"),
    ("なんば　しゅうへい", "NAMBA Shuhei"), ("ハットリ　ショウタ", "HATTORI Shota"), ("ホッチ　ユウコ", "HOTCHI Yuko"),
    ("キンジョウ　マコト", "KINJO Makoto"), ("ｻｲﾄｳ ﾀﾛｳ", "SAITO Taro"), ("Smith", None), ("", None), (None, None),
])
def test_the_romanised_name_is_passport_hepburn(kana: str | None, latin: str | None) -> None:
    assert latin_name(kana) == latin


def test_lines_wrap_by_character_without_starting_a_line_with_a_stop() -> None:
    text = "あなたは職業能力開発促進法による2級機械加工技能検定に合格したので、これを証します。"
    lines = wrap(text, GOTHIC, 12, 100)
    assert "".join(lines) == text and len(lines) > 3
    assert not any(line[0] in "、。）" for line in lines)
    english = wrap("This is to certify that the person named above passed", GOTHIC, 12, 120)
    assert " ".join(english) == "This is to certify that the person named above passed"
    assert fitted("短い", GOTHIC, 12, 100) == 12
    assert fitted("とても長い試験場の名前" * 4, GOTHIC, 12, 100) < 12


def test_a_missing_font_says_what_to_install(tmp_path: Path) -> None:
    from handlers.documents.fonts import use_font_dir
    use_font_dir(tmp_path)  # KENTEI_DOCUMENT_FONT_DIR naming a folder without the fonts
    try:
        with pytest.raises(FontMissing, match="fonts-ipaexfont"):
            font_path("IPAexMincho")
    finally:
        use_font_dir(None)


def test_the_file_name_is_ascii() -> None:
    assert pdf_name("certificate", "13-2026-A000001") == "certificate-13-2026-A000001.pdf"
    assert pdf_name("certificate", "13/../x") == "certificate-13____x.pdf"


def test_each_document_says_what_it_must_and_embeds_its_fonts(tmp_path: Path) -> None:
    one_kyu = replace(PASSED, grade="1級", name_kana="ギノウ　タロウ")
    expected = {
        "admission_ticket": ("受検票", "132600001", "P132600001", "0001", "青木", "明美", "令和8年5月31日（日）",
                             "東京都立城南職業能力開発センター", "2級 機械加工（普通旋盤作業）", "東京都職業能力開発協会"),
        "pass_notice": ("合格通知書", "132600001", "青木", "令和8年7月30日", "26-13-000001"),
        "certificate": ("合格証書", "第1326000001号", "26-13-000001", "平成6年3月20日生", "2級", "機械加工",
                        "普通旋盤作業", "技能士", "令和8年7月30日", "東京都知事"),
        "certificate_of_pass_ja": ("合格証明書", "26-13-000001", "平成6年3月20日", "令和8年8月1日", "東京都知事"),
        "certificate_of_pass_en": ("CERTIFICATE OF PASS", "AOKI Akemi", "20 March 1994", "Grade 2", "Machining",
                                   "30 July 2026", "1 August 2026", "Governor of Tokyo"),
    }
    for kind, words in expected.items():
        document = render(PASSED, kind, TODAY)
        assert document.data.startswith(b"%PDF-") and document.filename == f"{kind}-13-2026-A000001.pdf"
        text = pdf_text(document.data, tmp_path)
        missing = [w for w in words if w not in text]
        assert not missing, (kind, missing, text)
        fonts = pdf_fonts(document.data, tmp_path)
        assert fonts and all(row[-5] == "yes" for row in fonts), fonts  # every font embedded (a subset)
        assert render(PASSED, kind, TODAY).data == document.data  # reproducible: no time stamp inside
    partial = replace(PASSED, result="partial_written", practical_passed=False)
    text = pdf_text(render(partial, "fail_notice", TODAY).data, tmp_path)
    assert "不合格通知" in text and "学科試験には合格しています" in text
    assert "厚生労働大臣" in pdf_text(render(one_kyu, "certificate", TODAY).data, tmp_path)
    english = pdf_text(render(one_kyu, "certificate_of_pass_en", TODAY).data, tmp_path)
    assert "GINO Taro" in english and "Minister of Health, Labour and Welfare" in english


def test_long_values_shrink_to_fit_and_are_looked_at(tmp_path: Path) -> None:
    """The worst case a prefecture may have: long names, venue and task. Rendered for a look (unit-*.png)."""
    long = replace(PASSED, name="長谷川　左衛門三郎太", venue="東京都立城南職業能力開発センター大田校 第二実習棟 三階 機械加工実習室",
                   task_name="数値制御旋盤作業（ＮＣ旋盤のプログラミングを含む）", trade_name="機械加工")
    for kind in ("admission_ticket", "certificate", "certificate_of_pass_en"):
        png = pdf_png(render(long, kind, TODAY).data, f"unit-long-{kind}", tmp_path)
        assert png.stat().st_size > 10_000
