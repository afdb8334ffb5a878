"""The lobby screen's offline copy (theme/screen/sw.js) in headless Chromium: a reload
without the network shows the slides again, a new build replaces the kept one, the stale
marker for the staff, and hours of offline playback (mocked clock) stay flat.

The site is served by a local server that can be switched to another build or cut off
(it then drops every connection: what a TV sees when the router is down), on top of
Playwright's context.set_offline."""
from __future__ import annotations

import functools
import http.server
import json
import re
import shutil
import threading
import time
from datetime import timedelta

import pytest
from browser import needs_chromium
from conftest import EXAMPLE  # noqa: F401 - the fixture site's topics (via test_screen_browser)
from PIL import Image as PILImage
from test_screen_browser import ISSUE, DAY, POLL, TODAY, browser, built, go_to, key, make_clip, needs_ffmpeg, run, settled  # noqa: F401 - fixtures

from kepu.checks import load_and_check
from kepu.core.writer import Output, write
from kepu.media.publish import Media
from kepu.views.screen import build_slides, generate

pytestmark = needs_chromium


class Site:
    """A static server of one built site (docs/) that can be switched to another or cut off."""

    def __init__(self, docs):
        self.docs, self.down, self.requests = docs, False, []
        site = self

        class Handler(http.server.SimpleHTTPRequestHandler):
            def __init__(self, *a, **kw):
                super().__init__(*a, directory=str(site.docs), **kw)

            def handle_one_request(self):
                if site.down:  # the network is gone: no answer at all
                    self.close_connection = True
                    try:
                        self.rfile.readline(65537)
                    except OSError:
                        pass
                    site.requests.append("(down)")
                    return
                super().handle_one_request()

            def log_request(self, *a):
                site.requests.append(self.path)

            def log_message(self, *a):
                pass

        class Server(http.server.ThreadingHTTPServer):
            def handle_error(self, *a):
                pass

        self.server = Server(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.origin = f"http://127.0.0.1:{self.server.server_address[1]}"

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def site(built):
    s = Site(built["docs"])
    yield s
    s.close()


def build_id(docs) -> str:
    return json.loads((docs / "screen" / "offline.json").read_text(encoding="utf-8"))["screen"]


KEPT = """async () => { const out = {};
  for (const n of await caches.keys()) out[n] = (await (await caches.open(n)).keys()).map(r => r.url);
  return out; }"""


def kept(page) -> dict:
    return page.evaluate(KEPT)


def wait_kept(page, docs, timeout: float = 60) -> dict:
    """Wait (real time) until the service worker keeps every file of the build in `docs`."""
    m = json.loads((docs / "screen" / "offline.json").read_text(encoding="utf-8"))
    base = page.url.split("/screen/")[0] + "/screen/"
    want = {base} | {_resolve(base, f["url"]) for f in m["files"]}
    deadline = time.monotonic() + timeout
    while True:
        caches = kept(page)
        got = set(caches.get("kepu-screen-" + m["screen"], []))
        meta = caches.get("kepu-screen-meta", [])
        if want <= got and meta:
            current = page.evaluate("""async () => (await (await (await caches.open('kepu-screen-meta'))
              .match(new URL('__kepu_current__', location.href.split('?')[0]).href)).json()).screen""")
            if current == m["screen"]:
                return caches
        assert time.monotonic() < deadline, (sorted(want - got), caches)
        page.wait_for_timeout(200)


def _resolve(base: str, rel: str) -> str:
    from urllib.parse import urljoin

    return urljoin(base, rel)


def open_online(browser, site, *, w=1920, h=1080, query="?night=off", at=DAY):
    ctx = browser.new_context(viewport={"width": w, "height": h}, timezone_id="Asia/Shanghai")
    page = ctx.new_page()
    navigations: list[str] = []
    page.on("framenavigated", lambda f: navigations.append(f.url) if f == page.main_frame else None)
    page.clock.install(time=at - timedelta(seconds=1))
    page.clock.pause_at(at)
    page.goto(f"{site.origin}/screen/{query}")
    page.wait_for_selector(".slide.on .title")
    return page, navigations


def go_offline(page, site):
    page.context.set_offline(True)
    site.down = True


SHOWS = """() => { const s = document.querySelector('.slide.on');
  return !!s && s.getBoundingClientRect().height > 0 && s.innerText.trim().length > 0
    && getComputedStyle(s).opacity === '1' && !document.documentElement.classList.contains('night'); }"""


def shows_a_slide(page) -> bool:
    """A slide with text on screen, once its cross-fade (0.6 s, real time) is over: never a blank screen."""
    try:
        page.wait_for_function(SHOWS, timeout=5000)
    except Exception:  # noqa: BLE001 - playwright's TimeoutError
        return False
    return True


def no_error_page(page, navigations) -> None:
    assert not [u for u in navigations if not u.startswith("http://127.0.0.1")], navigations
    assert "kepu-build" in page.content()


def test_reload_without_network_shows_the_slides_again_and_they_keep_turning(browser, built, site):
    page, navigations = open_online(browser, site)
    run(page, 60_000)  # a minute of playback
    wait_kept(page, built["docs"])
    go_offline(page, site)
    t0 = time.monotonic()
    page.reload(wait_until="commit")
    page.wait_for_selector(".slide.on .title", timeout=10_000)
    assert time.monotonic() - t0 < 10
    assert page.evaluate("document.documentElement.hasAttribute('data-offline-copy')")
    no_error_page(page, navigations)
    # every slide comes round, photos decoded and QR codes drawn, from the kept copy
    seen, pictures, codes = set(), 0, 0
    total = sum(s.seconds for s in built["slides"])
    for _ in range(total // 5 + 2):  # one round of the slides in 5 s steps of the mocked clock
        if key(page) not in seen:
            page.wait_for_function("""() => [...document.querySelectorAll('.slide.on img')]
              .every(i => i.complete && i.naturalWidth > 0)""", timeout=10_000)
            seen.add(key(page))
            pictures += page.locator(".slide.on img").count()
            codes += page.locator(".slide.on .qr svg").count()
            assert shows_a_slide(page)
        run(page, 5_000)
        page.wait_for_timeout(50)
    assert seen >= {s.key for s in built["slides"]}, seen
    assert pictures >= len([s for s in built["slides"] if s.image]) and codes >= len(built["slides"]) - 1
    assert not page.locator("#stale").is_visible()  # offline for minutes, not a day
    no_error_page(page, navigations)
    page.context.close()


def test_new_build_replaces_the_kept_one_and_the_old_files_are_gone(browser, built, site, tmp_path):
    # build B: another photo for the fire drill (a new hashed file; the old one unused)
    root = tmp_path / "b"
    shutil.copytree(built["root"] / "bulletins", root / "bulletins")
    shutil.copy(built["root"] / "mkdocs.yml", root / "mkdocs.yml")
    PILImage.new("RGB", (1200, 800), (30, 160, 60)).save(root / "bulletins" / "2026" / "images" / "drill.jpg", "JPEG")
    result = load_and_check(root, today=TODAY)
    out = Output()
    generate(result.site, out, Media(out))
    write(out, root / "docs")
    old, new = build_id(built["docs"]), build_id(root / "docs")
    assert old != new
    old_files = {f["url"] for f in json.loads((built["docs"] / "screen" / "offline.json").read_text())["files"]}
    new_files = {f["url"] for f in json.loads((root / "docs" / "screen" / "offline.json").read_text())["files"]}
    gone = old_files - new_files
    assert gone  # the old drill photo

    page, navigations = open_online(browser, site)
    before = wait_kept(page, built["docs"])
    assert "kepu-screen-" + old in before
    site.docs = root / "docs"  # deployed
    next_poll(page)  # it sees the new version.json
    run(page, 61_000)  # the slide boundary: the screen switches to the new page
    page.wait_for_selector(".slide.on .title")
    assert page.evaluate("document.querySelector('meta[name=kepu-build]').content") == new
    after = wait_kept(page, root / "docs")
    assert sorted(after) == ["kepu-screen-" + new, "kepu-screen-meta"], sorted(after)
    urls = after["kepu-screen-" + new]
    assert not [u for u in urls if any(u.endswith(g.lstrip("./")) for g in gone)], urls
    assert len(urls) == 1 + len(new_files)  # the page and exactly the new build's files
    no_error_page(page, navigations)
    page.context.close()


def next_poll(page) -> None:
    """Run the mocked clock in 1 s steps until the page asks for version.json, then let the
    answers in (the poll's 10 s timeout must not pass meanwhile)."""
    asked = []

    def on(r):
        if "version.json" in r.url:
            asked.append(r.url)
    page.on("request", on)

    def step():
        for _ in range(POLL // 1000 + 2):
            run(page, 1000)
            if asked:
                return
        raise AssertionError("no poll")
    try:
        settled(page, step)
    finally:
        page.remove_listener("request", on)


def stale_text(page):
    return page.locator("#stale").inner_text() if page.locator("#stale").is_visible() else None


def test_stale_marker_after_a_day_without_updates_and_gone_when_they_arrive(browser, built, site):
    page, _ = open_online(browser, site, query="?interval=600&night=off")
    wait_kept(page, built["docs"])
    go_offline(page, site)
    page.reload(wait_until="commit")  # the kept copy keeps the time of the last update
    page.wait_for_selector(".slide.on .title", timeout=10_000)
    run(page, 24 * 3600_000 - 2 * 60_000 - page.evaluate("Date.now()") + int(DAY.timestamp() * 1000))
    assert stale_text(page) is None  # 23 h 58 min: nothing for residents to see
    run(page, 4 * 60_000)
    assert stale_text(page) == "内容更新于 11月29日"
    box = page.evaluate("(() => { const r = document.getElementById('stale').getBoundingClientRect();"
                        " return [r.left, r.top, r.right, r.bottom, parseFloat(getComputedStyle(document.getElementById('stale')).fontSize)]; })()")
    assert box[2] <= 1920 * 0.95 and box[3] <= 1080 * 0.95 and box[4] < 48  # small, inside the safe area
    assert shows_a_slide(page)
    page.context.set_offline(False)
    site.down = False
    next_poll(page)
    assert stale_text(page) is None
    page.context.close()


def test_no_copy_without_a_service_worker_and_the_page_still_plays(browser, built, site):
    ctx = browser.new_context(viewport={"width": 1920, "height": 1080}, service_workers="block")
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{site.origin}/screen/?night=off")
    page.wait_for_selector(".slide.on .title")
    page.wait_for_timeout(1500)
    assert kept(page) == {}
    assert errors == []
    ctx.close()


def round_of(page) -> dict:
    """key -> countdown text (or "") of every slide in one round, stepping with the arrow key."""
    seen: dict = {}
    for _ in range(40):
        k = key(page)
        if k in seen:
            break
        seen[k] = page.evaluate("(document.querySelector('.slide.on .count') || {}).textContent || ''")
        page.keyboard.press("ArrowRight")
        page.wait_for_timeout(20)
    return seen


def test_offline_the_screen_follows_the_date_countdowns_and_preview_to_report(browser, built, tmp_path):
    """Days without the network (the kept copy of a build of 11月29日): 还有 N 天 counts down,
    the talk's 预告 shows on its day and its 纪实 from the day after, by the screen's clock."""
    root = tmp_path / "talk"
    shutil.copytree(built["root"] / "bulletins", root / "bulletins")
    shutil.copy(built["root"] / "mkdocs.yml", root / "mkdocs.yml")
    talk = root / "bulletins" / "2026" / "2026-12-05-gas-talk.md"
    talk.write_text(talk.read_text(encoding="utf-8").replace("欢迎报名。", "欢迎报名。\n\n![讲座](images/ext.jpg)"),
                    encoding="utf-8")
    result = load_and_check(root, today=TODAY)
    out = Output()
    generate(result.site, out, Media(out))
    write(out, root / "docs")
    s = Site(root / "docs")
    try:
        page, navigations = open_online(browser, s)
        wait_kept(page, root / "docs")
        online = round_of(page)
        assert online["upcoming-2026-12-05-gas-talk"] == "还有 6 天" and "recent-2026-12-05-gas-talk" not in online
        go_offline(page, s)
        for day, talk_shown, report_shown, camp in ((5, "就在今天", False, "还有 14 天"), (6, None, True, "还有 13 天")):
            page.clock.set_system_time(DAY.replace(day=day, month=12))
            page.reload(wait_until="commit")
            page.wait_for_selector(".slide.on .title", timeout=10_000)
            assert page.evaluate("document.documentElement.hasAttribute('data-offline-copy')")
            shown = round_of(page)
            assert shown.get("upcoming-2026-12-05-gas-talk") == talk_shown, (day, shown)
            assert ("recent-2026-12-05-gas-talk" in shown) == report_shown, (day, shown)
            assert shown["upcoming-2026-12-19-science-camp"] == camp
        no_error_page(page, navigations)
        page.context.close()
    finally:
        s.close()


SOAK_HOURS = 3  # kepu.bench.screen_soak --offline measures 24 h


@pytest.mark.alone  # measures time (conftest.py)
def test_hours_offline_on_a_slow_cpu_stay_flat_and_never_blank(browser, built, site, capsys):
    """The kept copy, without the network, on a CPU 4x slower: SOAK_HOURS of mocked time
    (kepu.bench.screen_soak --offline runs it longer)."""
    from kepu.bench.screen_soak import offline_reload, open_throttled, soak

    interval = 60
    page, cdp = open_throttled(browser, f"{site.origin}/screen/?interval={interval}&night=off", at=DAY)
    took = offline_reload(page, cut=lambda: setattr(site, "down", True))
    lines: list[str] = []
    samples = soak(page, cdp, hours=SOAK_HOURS, interval=interval, slide_count=len(built["slides"]), report=lines.append)
    with capsys.disabled():
        print(f"\n[screen offline soak, CPU 4x slower] reload from the kept copy {took:.1f} s", *lines, sep="\n  ")
    first, last = samples[1], samples[-1]
    assert took < 10
    assert last["simulated"] >= SOAK_HOURS
    assert last["Checks"] >= SOAK_HOURS * 3600 - 5 and last["Blank"] == 0  # a slide on screen every second
    assert len({s["slide"] for s in samples}) == 1
    assert last["DocumentNodes"] == first["DocumentNodes"]
    assert last["JSEventListeners"] <= first["JSEventListeners"]
    assert last["JSHeapUsedSize"] - first["JSHeapUsedSize"] < 1_000_000
    assert page.evaluate("document.documentElement.hasAttribute('data-offline-copy')")
    page.context.close()


@needs_ffmpeg
def test_offline_a_film_plays_from_the_kept_copy_then_the_next_slide(browser, built, tmp_path):
    """A <video> asks for byte ranges: the worker answers them from the kept file."""
    root = tmp_path / "film"
    shutil.copytree(built["root"] / "bulletins", root / "bulletins")
    shutil.copy(built["root"] / "mkdocs.yml", root / "mkdocs.yml")
    issue = root / "bulletins" / "2026" / "2026-11.md"
    issue.write_text(ISSUE.replace("厨余垃圾要沥干水分再投放。", "厨余垃圾要沥干水分再投放。\n\n![垃圾怎么分](videos/sort.mp4)"),
                     encoding="utf-8")
    make_clip(root / "bulletins" / "2026" / "videos" / "sort.mp4", 1.5)
    result = load_and_check(root, today=TODAY)
    out = Output()
    generate(result.site, out, Media(out))
    write(out, root / "docs")
    film = [s.key for s in build_slides(result.site) if s.kind == "film"][0]
    manifest = json.loads((root / "docs" / "screen" / "offline.json").read_text(encoding="utf-8"))
    assert [f for f in manifest["files"] if f["url"].endswith(".mp4")] and manifest["left_out"] == []
    s = Site(root / "docs")
    try:
        page, navigations = open_online(browser, s)
        wait_kept(page, root / "docs")
        go_offline(page, s)
        page.reload(wait_until="commit")
        page.wait_for_selector(".slide.on .title", timeout=10_000)
        page.evaluate("window.__played = 0; document.addEventListener('ended', () => window.__played++, true)")
        go_to(page, film)
        page.wait_for_function("window.__played > 0", timeout=15_000)  # played to its end, offline
        page.wait_for_function(f"document.documentElement.dataset.slide !== '{film}'", timeout=5_000)
        assert shows_a_slide(page)
        no_error_page(page, navigations)
        page.context.close()
    finally:
        s.close()
