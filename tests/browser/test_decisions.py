"""The decisions page in a real browser: an admin tries the pass decision and reads the rules that matched."""
from __future__ import annotations

from pathlib import Path

from tests.browser.conftest import login

WORKFLOWS = Path(__file__).resolve().parents[2] / "workflows"


def test_an_admin_tries_the_pass_decision(engine, staff, web, browser, shots):  # type: ignore[no-untyped-def]
    engine.deploy([(p.name, p.read_bytes()) for p in sorted(WORKFLOWS.glob("*.dmn"))])
    staff("admin1-13", "13", "admin")
    page = browser.new_context(locale="ja-JP").new_page()
    login(page, web.url, "admin1-13")
    page.goto(f"{web.url}/admin/decisions")
    shots(page, "01-decisions")
    page.click("#try-pass_decision")
    for name, value in (("written_score", "70"), ("practical_score", "58"), ("written_exempt", "false"),
                        ("practical_exempt", "false")):
        page.fill(f"[id='in-{name}']", value)
    page.click("#evaluate")
    assert page.locator("#result").inner_text() == '"partial_written"'
    assert "r_written_only" in page.locator("table.trace").inner_text()
    shots(page, "02-pass-decision-tried")
