"""The built site in a real browser: under a sub-path, on a phone, with no
request to another origin, and with dates relative to the day it is read."""
from __future__ import annotations


import pytest
from browser import browser, needs_chromium, serve_dir


pytestmark = needs_chromium
PAGES = ["", "current/", "2026/11/", "2026/11/07-fire-drill/", "archive/", "archive/2026/", "topics/",
         "topics/health/", "activities/", "guide/"]


@pytest.fixture(scope="module")
def served(built):
    with serve_dir(built / "site", prefix="/kepu/") as base, browser() as b:
        yield base, b


def test_pages_load_under_a_sub_path_without_errors_or_foreign_requests(served):
    base, b = served
    page = b.new_page(viewport={"width": 390, "height": 844}, device_scale_factor=1)
    failures, foreign = [], []
    # ERR_ABORTED is the browser cancelling a page's pending loads when we navigate on
    page.on("requestfailed", lambda r: failures.append(f"{r.url} {r.failure}") if "ABORTED" not in (r.failure or "") else None)
    page.on("response", lambda r: failures.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    page.on("request", lambda r: foreign.append(r.url) if not r.url.startswith(base.split("/kepu/")[0]) else None)
    page.clock.set_fixed_time("2026-11-29T10:00:00+08:00")  # the example's TODAY, not the real date
    for url in PAGES:
        page.goto(base + url, wait_until="load")
        # no sideways scrolling on a 390 px phone
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{url} is {overflow}px too wide"
    page.close()
    assert failures == []
    assert foreign == []


def test_text_is_large_enough_on_a_phone(served):
    base, b = served
    page = b.new_page(viewport={"width": 390, "height": 844})
    page.goto(base + "2026/11/")
    size = page.evaluate("parseFloat(getComputedStyle(document.querySelector('.kp-panel p:not(.kp-panel__topic)')).fontSize)")
    page.close()
    assert size >= 17


def test_upcoming_becomes_past_on_the_day_it_is_read(served):
    base, b = served
    page = b.new_page()
    page.clock.set_fixed_time("2026-12-10T10:00:00+08:00")  # after 12-05, before 12-19
    page.goto(base + "activities/")
    upcoming = page.locator(".kp-acts--upcoming > li:not([hidden]) .kp-act__title").all_inner_texts()
    later = page.locator(".kp-acts--later > li:not([hidden]) .kp-act__title").all_inner_texts()
    countdown = page.locator(".kp-acts--upcoming > li:not([hidden]) [data-kp-countdown]").all_inner_texts()
    page.close()
    assert len(upcoming) == 1 and "12月19" not in upcoming[0]
    assert any("燃气" in t for t in later)
    assert countdown == ["还有 9 天"]


def test_reading_day_is_taken_in_the_community_time_zone(served):
    """At 20:00 UTC on 12-04 it is already 12-05 in Shanghai: the 12-05 talk is 今天."""
    base, b = served
    ctx = b.new_context(timezone_id="Europe/London")
    page = ctx.new_page()
    page.clock.set_fixed_time("2026-12-04T20:00:00Z")
    page.goto(base + "activities/")
    first = page.locator(".kp-acts--upcoming > li:not([hidden]) [data-kp-countdown]").first.inner_text()
    ctx.close()
    assert first == "今天"
