"""Soak test of the lobby screen on weak hardware, run by hand (takes minutes):

    .venv/bin/python -m kepu.bench.screen_soak --site site --hours 24 [--offline]

Serves a built site, opens /screen/ in headless Chromium (Debian's, driven by
Playwright, a test dependency) with the CPU slowed down 4x (CDP
Emulation.setCPUThrottlingRate) and Playwright's mocked clock, then runs many
hours of simulated time with a short slide interval. Every simulated hour it
reports main-thread CPU time, JS heap after garbage collection, document nodes,
event listeners, layouts and style recalculations. The figures are in the
volunteer guide (docs/guide/screen.md); tests/test_screen_browser.py runs the
same measurement for a shorter time.

CPU % is the throttled main thread's busy time divided by the simulated time:
what the page costs a CPU four times slower than the test machine's at the
real pace of the slideshow.

--offline: after the online load, waits until the service worker (theme/screen/sw.js) keeps
the build, cuts the network (context.set_offline and the server stopped), reloads from the
offline copy and soaks that; every simulated second the page counts whether a slide with
something on it is showing (blank N/M s in the report)."""
from __future__ import annotations

import argparse
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

NODES_JS = (Path(__file__).with_name("count_nodes.js")).read_text(encoding="utf-8")  # every node of the document
START = datetime(2026, 11, 30, 8, 0, tzinfo=timezone(timedelta(hours=8)))


BLANK_WATCH = (Path(__file__).with_name("blank_watch.js")).read_text(encoding="utf-8")
KEPT_BUILD = (Path(__file__).with_name("kept_build.js")).read_text(encoding="utf-8")


def metrics(page, cdp) -> dict:
    cdp.send("HeapProfiler.collectGarbage")
    m = {x["name"]: x["value"] for x in cdp.send("Performance.getMetrics")["metrics"]}
    m["DocumentNodes"] = page.evaluate(NODES_JS)
    m["Blank"], m["Checks"] = page.evaluate("[window.__blank || 0, window.__checks || 0]")
    return m


def offline_reload(page, timeout_s: float = 60, cut=None) -> float:
    """Wait (real time) until the service worker keeps this page's build, cut the network
    (context.set_offline, and `cut()` e.g. stops the server), reload, and watch for blank
    slides from then on. Returns the seconds the reload took to show a slide."""
    import time

    build = page.evaluate("document.querySelector('meta[name=kepu-build]').content")
    deadline = time.monotonic() + timeout_s
    while page.evaluate(KEPT_BUILD) != build:
        if time.monotonic() > deadline:
            raise RuntimeError("the service worker did not keep the page")
        page.wait_for_timeout(200)
    page.context.set_offline(True)
    if cut:
        cut()
    t0 = time.monotonic()
    page.reload(wait_until="commit")
    page.wait_for_selector(".slide.on .title", timeout=10_000)
    took = time.monotonic() - t0
    if not page.evaluate("document.documentElement.hasAttribute('data-offline-copy')"):
        raise RuntimeError("the reload did not come from the offline copy")
    page.wait_for_timeout(800)
    page.evaluate(BLANK_WATCH)
    return took


def open_throttled(browser, url: str, *, throttle: float = 4, at: datetime = START, size=(1920, 1080),
                   service_workers: str = "allow"):
    """A page of `url` with a paused mocked clock at `at` and the CPU slowed `throttle` times."""
    ctx = browser.new_context(viewport={"width": size[0], "height": size[1]}, timezone_id="Asia/Shanghai",
                              service_workers=service_workers)
    page = ctx.new_page()
    page.clock.install(time=at - timedelta(seconds=1))
    page.clock.pause_at(at)
    cdp = ctx.new_cdp_session(page)
    cdp.send("Performance.enable")
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": throttle})
    page.goto(url)
    page.wait_for_selector(".slide.on")
    page.wait_for_timeout(800)  # the first cross-fade (real time)
    return page, cdp


def soak(page, cdp, *, hours: float, interval: int, slide_count: int, report=None) -> list[dict]:
    """Run `hours` of simulated time in steps of about an hour, each a whole number of
    rounds (so every sample is taken on the same slide). One dict per sample."""
    rounds = max(1, round(3600 / (interval * slide_count)))
    step_ms = rounds * slide_count * interval * 1000
    first = page.evaluate("document.documentElement.dataset.slide")
    samples = [dict(metrics(page, cdp), simulated=0.0, slide=first)]
    t = 0
    while t < hours * 3600 * 1000 - 1:
        page.clock.run_for(step_ms)
        page.wait_for_timeout(700)  # let the last cross-fade finish (real time)
        t += step_ms
        samples.append(dict(metrics(page, cdp), simulated=t / 3_600_000,
                            slide=page.evaluate("document.documentElement.dataset.slide")))
        if report:
            report(summary_line(samples[-2], samples[-1], interval))
    return samples


def summary_line(a: dict, b: dict, interval: int) -> str:
    sim = (b["simulated"] - a["simulated"]) * 3600
    changes = sim / interval
    return (f"{b['simulated']:5.1f} h  CPU {100 * (b['TaskDuration'] - a['TaskDuration']) / sim:5.2f} %  "
            f"heap {b['JSHeapUsedSize'] / 1e6:5.2f} MB  nodes {b['DocumentNodes']:4.0f}  "
            f"listeners {b['JSEventListeners']:3.0f}  layouts/change {(b['LayoutCount'] - a['LayoutCount']) / changes:4.1f}  "
            f"style recalcs/change {(b['RecalcStyleCount'] - a['RecalcStyleCount']) / changes:4.1f}  slide {b['slide']}"
            + (f"  blank {b['Blank']:.0f}/{b['Checks']:.0f} s" if b["Checks"] else ""))


def quiet_window(page, cdp, seconds: int = 50) -> dict:
    """Layouts and style recalculations while one slide stays (paused with the space
    key) and no minute ticks: what the page does between slide changes."""
    page.keyboard.press(" ")  # pause: no slide change
    now = page.evaluate("Date.now()")
    page.clock.run_for(60_000 - now % 60_000 + 500)  # just past a minute tick
    page.wait_for_timeout(700)
    a = metrics(page, cdp)
    page.clock.run_for(seconds * 1000)
    page.wait_for_timeout(300)
    b = metrics(page, cdp)
    page.keyboard.press(" ")
    return {k: b[k] - a[k] for k in ("LayoutCount", "RecalcStyleCount", "TaskDuration")}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m kepu.bench.screen_soak",
                                 description="大厅大屏在慢速 CPU 上的长时间测试（模拟时钟）")
    ap.add_argument("--site", type=Path, default=Path("site"), help="生成好的网站文件夹（默认 site/）")
    ap.add_argument("--hours", type=float, default=24, help="模拟多少小时（默认 24）")
    ap.add_argument("--interval", type=int, default=10, help="每页停留几秒（默认 10，比实际更频繁地换页）")
    ap.add_argument("--throttle", type=float, default=4, help="CPU 放慢几倍（默认 4）")
    ap.add_argument("--offline", action="store_true", help="先联网打开，再断网（停掉本地服务器）并刷新，测离线播放")
    ap.add_argument("--chromium", default="/usr/bin/chromium")
    args = ap.parse_args(argv)
    import http.server
    import json
    import re
    import threading
    from functools import partial

    from playwright.sync_api import sync_playwright

    page_file = args.site / "screen" / "index.html"
    if not page_file.is_file():
        print(f"找不到 {page_file}：先运行 python3 tasks.py build", file=sys.stderr)
        return 2
    data = json.loads(re.search(r'id="kepu-screen-data">(.*?)</script>', page_file.read_text(encoding="utf-8"), re.S).group(1))
    offline = args.site / "screen" / "offline.json"
    if offline.is_file():  # what the service worker keeps for this build (views/screen: offline_manifest)
        m = json.loads(offline.read_text(encoding="utf-8"))
        films = [f for f in m["files"] if f["url"].endswith(".mp4")]
        print(f"离线副本：{m['bytes'] / 1e6:.2f} MB（页面 {m['page_bytes'] / 1e3:.0f} KB，{len(m['files']) - len(films)} 张图片，"
              f"{len(films)} 段短片；超出预算没存的短片 {len(m['left_out'])} 段）")

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *a):
            pass

    class Server(http.server.ThreadingHTTPServer):
        def handle_error(self, request, client_address):  # the browser hung up (an aborted image): not news
            pass

    server = Server(("127.0.0.1", 0), partial(Quiet, directory=str(args.site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/screen/?interval={args.interval}&night=off"
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=args.chromium, args=["--no-sandbox", "--disable-gpu"])
            page, cdp = open_throttled(browser, url, throttle=args.throttle)
            if args.offline:
                took = offline_reload(page, cut=server.shutdown)
                print(f"断网后刷新：{took:.1f} 秒后重新显示（离线副本）")
            n = len([s for s in data["slides"] if s["kind"] not in ("notice", "film")])
            print(f"{n} 页，每页 {args.interval} 秒，CPU 放慢 {args.throttle:g} 倍，模拟 {args.hours:g} 小时")
            q = quiet_window(page, cdp)
            print(f"不换页的 50 秒里：布局 {q['LayoutCount']:.0f} 次，样式计算 {q['RecalcStyleCount']:.0f} 次")
            samples = soak(page, cdp, hours=args.hours, interval=args.interval, slide_count=n, report=print)
            a, b = samples[1], samples[-1]
            print(f"第 1 小时到最后：堆 {a['JSHeapUsedSize'] / 1e6:.2f} → {b['JSHeapUsedSize'] / 1e6:.2f} MB，"
                  f"节点 {a['DocumentNodes']:.0f} → {b['DocumentNodes']:.0f}，监听器 {a['JSEventListeners']:.0f} → "
                  f"{b['JSEventListeners']:.0f}")
            browser.close()
    finally:
        if not args.offline:
            server.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
