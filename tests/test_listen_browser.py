"""听一听 (issue 25) in a real Chromium: the read-aloud button of panels and activities shows only
where the browser has a Chinese voice, reads the panel's own text, pauses and goes on.
Debian's headless Chromium has no voices, so the page gets a recording speechSynthesis."""
from __future__ import annotations

import pytest

from browser import browser, needs_chromium, serve_dir

pytestmark = needs_chromium

# A stand-in for the browser's speech engine: records what is spoken; a sentence "ends" on __end().
FAKE_SPEECH = """
(function (voices) {
  var spoken = [], pending = [];
  window.__spoken = spoken;
  window.__cancels = 0;
  window.SpeechSynthesisUtterance = function (text) { this.text = text; };
  var synth = {
    getVoices: function () { return voices; },
    speak: function (u) { spoken.push({ text: u.text, lang: u.lang, rate: u.rate }); pending.push(u); },
    cancel: function () { window.__cancels++; var p = pending.splice(0); p.forEach(function (u) { u.onerror && u.onerror({}); }); },
    pause: function () {}, resume: function () {}, addEventListener: function () {}
  };
  Object.defineProperty(window, "speechSynthesis", { value: synth, configurable: true });
  window.__end = function () { var u = pending.shift(); if (u && u.onend) u.onend({}); return !!u; };
})(%s);
"""
ZH = '[{"lang": "en-US", "name": "English", "localService": true}, {"lang": "zh-CN", "name": "婷婷", "localService": true}]'


@pytest.fixture(scope="module")
def served(built):
    with serve_dir(built / "site") as base, browser() as b:
        yield base, b


def open_page(served, path, voices):
    base, b = served
    page = b.new_page(viewport={"width": 390, "height": 844})
    page.add_init_script(FAKE_SPEECH % voices)
    page.goto(base + path)
    page.wait_for_load_state("load")
    return page


def test_no_chinese_voice_no_button(served):
    page = open_page(served, "2026/11/", '[{"lang": "en-US", "name": "English", "localService": true}]')
    assert page.locator(".kp-listen-row").count() >= 3
    assert page.locator(".kp-listen:visible").count() == 0
    page.close()


def test_a_panel_is_read_aloud_then_paused_and_continued(served):
    page = open_page(served, "2026/11/", ZH)
    buttons = page.locator(".kp-listen:visible")
    assert buttons.count() == page.locator(".kp-panel").count() >= 3
    box = buttons.first.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 44  # large enough for an old finger
    first = buttons.first
    first.click()
    spoken = page.evaluate("__spoken")
    panel_title = page.locator(".kp-panel h2").first.inner_text().strip()
    assert spoken and spoken[0]["lang"] == "zh-CN" and spoken[0]["rate"] < 1
    assert panel_title.rstrip("¶ ") in spoken[0]["text"]
    assert first.inner_text() == "暂停" and first.get_attribute("aria-pressed") == "true"
    page.evaluate("__end()")  # the first sentence ends: the next one starts
    assert len(page.evaluate("__spoken")) == 2
    first.click()  # 暂停
    assert first.inner_text() == "继续" and page.evaluate("__cancels") >= 1
    n = len(page.evaluate("__spoken"))
    first.click()  # 继续: the interrupted sentence again
    after = page.evaluate("__spoken")
    assert len(after) == n + 1 and after[-1]["text"] == after[-2]["text"] and first.inner_text() == "暂停"
    everything = ""
    while page.evaluate("__end()"):
        everything += page.evaluate("__spoken")[-1]["text"]
    assert first.inner_text() == "听一听" and first.get_attribute("aria-pressed") == "false"
    text = " ".join(s["text"] for s in page.evaluate("__spoken"))
    assert "听一听" not in text and "展板 1/" not in text  # not the button or the topic line
    second_title = page.locator(".kp-panel h2").nth(1).inner_text().strip().rstrip("¶ ")
    assert second_title not in text  # only this panel
    page.close()


def test_an_activity_is_read_from_its_title_and_write_up(served):
    page = open_page(served, "2026/11/07-fire-drill/", ZH)
    button = page.locator(".kp-listen:visible")
    assert button.count() == 1
    button.click()
    while page.evaluate("__end()"):
        pass
    text = "".join(s["text"] for s in page.evaluate("__spoken"))
    assert "全国消防日社区消防疏散演练" in text and "楼道里" in text
    assert "同专题的其他活动" not in text and "打印活动记录" not in text
    page.close()
