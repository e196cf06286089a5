"""合格者受検番号の公表 in Chromium, as anyone would read it (no sign-in): choose the prefecture, the round, read the
numbers, download the CSV; a round not announced yet is the page that says there is none."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

from tests.integration.test_published_results import DAY, Rows


def test_anyone_reads_the_passers_numbers_and_downloads_the_csv(engine, clock, web, browser, shots):  # type: ignore[no-untyped-def]
    rows = Rows(engine)
    lathe = sorted(rows.add(examinee_no=f"1326{n:05d}") for n in (12, 3, 45, 7, 30, 18, 26, 9, 41, 1, 33, 22))
    first = rows.add(grade="1級", examinee_no="132600050")
    rows.add(status="partial_written", examinee_no="132600051")
    rows.add(status="fail", examinee_no="132600052")
    rows.add(trade_code="0801", trade_name="建築大工", task_code="080101", task_name="大工工事作業", grade="3級",
             examinee_no="132600060")
    rows.add(round="後期", examinee_no="132600070", announced=DAY + timedelta(days=200))  # not yet
    clock.now = datetime(2026, 8, 30, 1, 0, tzinfo=timezone.utc)  # 10:00 JST on the 合格発表日
    page = browser.new_page(locale="ja-JP", accept_downloads=True)
    page.goto(f"{web.url}/results/")
    assert page.locator("#prefectures a").count() == 47 and page.locator("#prefectures th").count() == 7
    shots(page, "01-prefectures")
    page.click("#prefecture-13")
    assert page.locator("#rounds tbody tr").count() == 1  # 後期 is not announced: not listed
    assert "14 名" in page.locator("#round-2026-zenki").inner_text()
    shots(page, "02-rounds")
    page.click("#round-2026-zenki a >> nth=0")
    assert page.locator("#round-title").inner_text() == "令和8年度前期 技能検定 合格者受検番号（東京都）"
    assert page.locator(".pass-list").count() == 3 and page.locator("#csv").is_visible()
    assert page.locator("#list-1 h2").inner_text() == "1級 機械加工（普通旋盤作業）"
    assert page.locator("#list-1 .number").all_inner_texts() == [first]
    assert page.locator("#list-2 .number").all_inner_texts() == lathe
    assert page.locator("#list-3 h2").inner_text() == "3級 建築大工（大工工事作業）"
    text = page.locator("main").inner_text()
    assert "132600051" not in text and "132600052" not in text and "公表 太郎" not in text
    shots(page, "03-round")
    with page.expect_download() as download:
        page.click("#csv")
    data = Path(download.value.path()).read_bytes()
    assert download.value.suggested_filename == "results-13-2026-zenki.csv"
    assert data.startswith(b"\xef\xbb\xbf") and data.decode("utf-8-sig").splitlines()[0] == "職種コード,職種,作業,級,受検番号"
    assert len(data.decode("utf-8-sig").splitlines()) == 1 + 14
    page.click("#lang-switch")
    assert page.locator("html").get_attribute("lang") == "en" and "First round" in page.locator("#round-title").inner_text()
    shots(page, "04-round-en")
    page.click("#lang-switch")
    page.goto(f"{web.url}/results/13/2026/koki")  # announced in 200 days: the page of a round that does not exist
    assert page.locator("h1").inner_text() == "合格者発表が見つかりません"
    shots(page, "05-not-yet")
    page.close()
