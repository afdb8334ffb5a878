"""Residents first (issue 14): the built example in a real browser, checked with
axe-core (WCAG 2.1 AA) at phone and desktop widths, plus what axe does not measure:
computed font sizes and tap-target boxes on a 390 px phone.

axe-core comes from npm, pinned in tests/package.json + package-lock.json
(`npm ci --prefix tests`, which `python3 tasks.py test` and .ci/run do)."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from browser import browser, needs_chromium, serve_dir

pytestmark = needs_chromium
AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"

# home, issue, activity, archive, year, topics, topic, activities, stats, print, screen
PAGES = ["", "2026/11/", "2026/11/07-fire-drill/", "archive/", "archive/2026/", "topics/", "topics/health/",
         "activities/", "stats/", "search/?q=流感", "2026/11/print/", "2026/11/07-fire-drill/print/", "screen/"]
READING = PAGES[:10]  # the pages residents read on a phone (print and screen have their own sizes)


def _write_files(out, dest) -> None:
    """Generated files (not built by MkDocs) written as they are, for a print page in the browser."""
    for rel, data in out.files.items():
        (dest / rel).parent.mkdir(parents=True, exist_ok=True)
        (dest / rel).write_bytes(data)


def _need_axe():
    """Install the pinned axe-core if it is missing; skip only when node/npm are not installed
    (never in CI: .ci/run installs them, and a missing axe there is a failure)."""
    if AXE.exists():
        return
    npm = shutil.which("npm")
    if npm:
        subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=AXE.parents[2], check=True)
    elif os.environ.get("CI"):
        pytest.fail("CI 里必须运行无障碍测试：请安装 node 和 npm")
    else:
        pytest.skip("需要 node 和 npm 来安装 axe-core（tests/package.json）；CI 会安装")


@pytest.fixture(scope="module")
def served(built):
    with serve_dir(built / "site", prefix="/kepu/") as base, browser() as b:
        yield base, b


def _page(b, width):
    page = b.new_page(viewport={"width": width, "height": 844 if width < 600 else 900})
    page.clock.set_fixed_time("2026-11-29T10:00:00+08:00")
    return page


def _axe(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("""() => axe.run(document, {runOnly: {type: 'tag',
        values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}, resultTypes: ['violations']})""")
    out = []
    for v in result["violations"]:
        for n in v["nodes"]:
            out.append(f"{v['id']}: {n['target']} {n.get('failureSummary', '').splitlines()[-1:]} {n['html'][:120]}")
    return out


@pytest.mark.parametrize("width", [390, 1280])
def test_axe_reports_no_wcag_21_aa_violations(served, width):
    _need_axe()
    base, b = served
    problems = axe_problems(b, base, width, PAGES)
    assert problems == {}, json.dumps(problems, ensure_ascii=False, indent=1)


def axe_problems(b, base: str, width: int, pages: list[str]) -> dict[str, list[str]]:
    """{page: axe's violations} of the `pages` (relative to `base`) at `width` px (also tests/test_engines.py)."""
    page = _page(b, width)
    problems = {}
    for url in pages:
        page.goto(base + url, wait_until="load")
        if url == "screen/":
            page.wait_for_timeout(1200)  # the first slide fades in (0.6 s): measure its colours, not the fade
        found = _axe(page)
        if found:
            problems[url or "/"] = found
    page.close()
    return problems


SIZES = """() => {
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode, el = node.parentElement, text = node.textContent.trim();
    if (!text || !el) continue;
    const r = el.getBoundingClientRect(), cs = getComputedStyle(el);
    if (!r.width || !r.height || cs.visibility === 'hidden' || el.closest('[hidden], .kp-sr, .md-search, .md-sidebar, svg, .md-tabs')) continue;
    out.push([parseFloat(cs.fontSize), text.length, el.className || el.tagName, text.slice(0, 20)]);
  }
  return out;
}"""


def test_secondary_text_is_at_least_16px_on_a_phone(served):
    base, b = served
    page = _page(b, 390)
    small, share = [], {}
    for url in READING:
        page.goto(base + url, wait_until="load")
        texts = page.evaluate(SIZES)
        total = sum(n for _, n, _, _ in texts)
        under16 = sum(n for size, n, _, _ in texts if size < 15.95)
        share[url or "/"] = round(under16 / total, 3)
        small += [f"{url}: {size}px {cls} {text!r}" for size, _, cls, text in texts if size < 13.95]
        # time, place, weekday and counts of activities are read by everyone: 16 px at least
        for sel in (".kp-act__meta", ".kp-act__date small", ".kp-topic small", ".kp-topic__desc", ".kp-caption"):
            sizes = page.eval_on_selector_all(sel, "els => els.map(e => parseFloat(getComputedStyle(e).fontSize))")
            assert all(s >= 15.95 for s in sizes), f"{url} {sel}: {sizes}"
    page.close()
    assert small == []
    assert max(share.values()) <= 0.2, share


TARGETS = """() => {
  const out = [];
  for (const el of document.querySelectorAll('a[href], button, input, select, summary, [role=button]')) {
    const r = el.getBoundingClientRect(), cs = getComputedStyle(el);
    if (!r.width || !r.height || cs.visibility === 'hidden' || el.closest('[hidden]')) continue;
    // links inside running text are exempt (WCAG 2.5.5 "inline"), like Material's own header/footer chrome we do not own
    if (el.closest('.kp-writeup p, .kp-panel p, .kp-panel li, .kp-intro, .md-content p:not([class]), .md-content li:not([class]) > a, .md-header__title, .md-footer-meta, .md-sidebar, .md-search, .md-tabs, .md-typeset details p')) continue;
    if (r.width < 44 || r.height < 44) out.push(`${Math.round(r.width)}x${Math.round(r.height)} ${el.className || el.tagName} ${el.textContent.trim().slice(0, 15)}`);
  }
  return out;
}"""


def test_tap_targets_are_at_least_44px_on_a_phone(served):
    base, b = served
    page = _page(b, 390)
    small = {}
    for url in READING:
        page.goto(base + url, wait_until="load")
        found = page.evaluate(TARGETS)
        if found:
            small[url or "/"] = found
    page.close()
    assert small == {}, json.dumps(small, ensure_ascii=False, indent=1)


HEADINGS = """() => {
  const levels = [...document.querySelectorAll('h1, h2, h3, h4, h5, h6')]
    .filter(h => !h.closest('.md-sidebar, .md-search, [hidden]')).map(h => +h.tagName[1]);
  const jumps = levels.filter((l, i) => i > 0 && l > levels[i - 1] + 1);
  return {h1: levels.filter(l => l === 1).length, first: levels[0], jumps: jumps.length,
          main: document.querySelectorAll('main, [role=main]').length, lang: document.documentElement.lang};
}"""


def test_one_h1_no_skipped_heading_levels_and_a_main_landmark(served):
    base, b = served
    page = _page(b, 390)
    found = {}
    for url in PAGES[:-1]:  # the lobby screen is a slideshow, not a document
        page.goto(base + url, wait_until="load")
        found[url or "/"] = page.evaluate(HEADINGS)
    # the header buttons are labels: named by their (visually hidden) text, never aria-label, which ARIA
    # forbids on a label (axe aria-prohibited-attr, the Nu checker; issue 25)
    names = page.goto(base, wait_until="load") and page.evaluate("""() => [
        document.querySelector('label.md-header__button[for="__drawer"]').textContent.trim(),
        document.querySelector('label.md-header__button[for="__search"]').textContent.trim(),
        document.querySelector('.md-search').getAttribute('aria-label'),
        document.querySelector('.md-header__button.md-logo img').getAttribute('alt'),
        document.querySelectorAll('label[aria-label]').length,
        document.querySelector('label[for="__drawer"] .kp-sr').getBoundingClientRect().width]""")
    page.close()
    want = {"h1": 1, "first": 1, "jumps": 0, "main": 1, "lang": "zh-CN"}
    assert {u: r for u, r in found.items() if r != want} == {}
    assert names == ["打开菜单", "搜索本站", "搜索本站", "", 0, 1]


FOCUSED = """() => { const el = document.activeElement, r = el.getBoundingClientRect();
  return [el.tagName + '.' + el.className + ' ' + el.textContent.trim().slice(0, 10),
          r.width > 0 && r.height > 0 && r.right > 0 && r.left < innerWidth && r.bottom > 0 && r.top < innerHeight] }"""


def test_every_tab_stop_is_visible_on_a_phone_and_the_menu_still_opens(served):
    base, b = served
    page = _page(b, 390)
    hidden = []
    for url in ("", "2026/11/", "2026/11/07-fire-drill/"):
        page.goto(base + url, wait_until="load")
        for _ in range(14):
            page.keyboard.press("Tab")
            what, visible = page.evaluate(FOCUSED)
            if not visible:
                hidden.append(f"{url}: {what}")
    page.goto(base + "2026/11/", wait_until="load")
    page.click('label.md-header__button[for="__drawer"]')
    page.wait_for_timeout(400)
    menu_visible = page.locator(".md-sidebar--primary .md-nav__link", has_text="往期回顾").first.is_visible()
    page.close()
    assert hidden == []
    assert menu_visible


def test_home_shows_this_issue_and_the_next_activities_on_the_first_screen(served):
    base, b = served
    page = _page(b, 390)
    page.goto(base, wait_until="load")
    issue = page.locator(".kp-feature").bounding_box()
    first_act = page.locator(".kp-acts--upcoming > li, ul.kp-acts > li").first.bounding_box()
    skip = page.get_attribute(".md-skip", "href")
    page.close()
    assert issue["y"] < 844 and first_act["y"] + first_act["height"] <= 844, (issue, first_act)
    assert skip == "#main"


def test_a_poster_with_a_tall_phone_photo_keeps_its_text_size(site, tmp_path, served):
    """Fit-to-page shrinks the photo first: a portrait phone photo must not halve the text."""
    import io

    from PIL import Image as PILImage

    from kepu.build import generate_all

    buf = io.BytesIO()
    PILImage.new("RGB", (900, 1800), (200, 120, 40)).save(buf, "JPEG")
    site.write("bulletins/2026/images/tall.jpg", buf.getvalue())
    text = "冬天用电取暖要注意安全，电热毯不要折叠使用，取暖器周围不要放衣物和纸张。" * 6
    site.write("bulletins/2026/2026-11.md", "---\ntitle: 冬季安全\nsummary: 冬季安全。\n---\n导语。\n\n"
               f"## 【安全】冬季取暖\n\n![取暖器](images/tall.jpg)\n\n{text}\n")
    result = site.load()
    assert not result.problems.errors
    out = generate_all(result.site)
    _write_files(out, tmp_path)
    b = served[1]  # one Playwright per module: a second sync_playwright() cannot start inside it
    with serve_dir(tmp_path) as base:
        page = b.new_page(viewport={"width": 1000, "height": 1400})
        page.goto(base + "2026/11/print/", wait_until="load")
        page.wait_for_timeout(300)
        mm = page.evaluate("() => { const d = document.createElement('div'); d.style.width = '100mm';"
                           " document.body.appendChild(d); return d.getBoundingClientRect().width / 100; }")
        size = page.evaluate("parseFloat(getComputedStyle(document.querySelector('.sheet .text')).fontSize)")
        photo = page.evaluate("document.querySelector('.sheet .pics img').getBoundingClientRect().height")
        too_long = page.evaluate("document.querySelector('.sheet').classList.contains('too-long')")
        page.close()
    assert not too_long
    assert size >= 7.9 * mm  # the text's own 8 mm (A4), not shrunk
    assert photo < 94 * mm  # the photo gave way instead


def test_check_warns_when_a_poster_panel_cannot_fit_and_the_print_page_agrees(site, tmp_path, served):
    from kepu.build import generate_all

    para = "冬天用电取暖要注意安全，电热毯不要折叠使用，取暖器周围不要放衣物和纸张，人离开时要关掉电源。" * 4
    body = "\n\n".join([para] * 10)
    site.write("bulletins/2026/2026-11.md", "---\ntitle: 冬季安全\nsummary: 冬季安全。\n---\n导语。\n\n"
               f"## 【安全】冬季取暖\n\n{body}\n\n## 【健康】多喝水\n\n冬天也要多喝水。\n")
    warnings = [w for w in site.warnings() if "打印" in w]
    assert len(warnings) == 1
    assert warnings[0].startswith("bulletins/2026/2026-11.md:7: 警告: 展板「冬季取暖」的文字太多") and "截掉" in warnings[0]
    out = generate_all(site.load().site)
    _write_files(out, tmp_path)
    b = served[1]  # one Playwright per module: a second sync_playwright() cannot start inside it
    with serve_dir(tmp_path) as base:
        page = b.new_page(viewport={"width": 1000, "height": 1400})
        page.goto(base + "2026/11/print/", wait_until="load")
        marked = page.evaluate("[...document.querySelectorAll('.sheet')].map(s => s.classList.contains('too-long'))")
        page.close()
    assert marked == [True, False]


def test_the_example_posters_fit_without_warnings(example):
    from kepu.views.printing import panel_overflow

    assert all(panel_overflow(p.title, p.body, bool(p.images)) <= 0 for i in example.issues for p in i.panels)
