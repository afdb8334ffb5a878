"""QR codes decode to their URL, and the on-disk memo is used and invalidated correctly."""
from __future__ import annotations

import json
import posixpath
import re
import shutil
import subprocess

import pytest
import segno

from kepu.media import qr


@pytest.mark.skipif(not shutil.which("zbarimg") or not shutil.which("chromium"), reason="需要 zbarimg 和 chromium")
def test_svg_decodes_to_the_url(tmp_path):
    url = "https://example.org/kepu/2026/11/#p1"
    svg = qr.qr_svg(url, scale=8)
    (tmp_path / "q.html").write_text(f"<body style='margin:0;background:#fff'>{svg}</body>", encoding="utf-8")
    png = tmp_path / "q.png"
    subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                    f"--user-data-dir={tmp_path / 'profile'}", f"--screenshot={png}", "--window-size=600,600",
                    (tmp_path / "q.html").as_uri()], capture_output=True, timeout=60)
    r = subprocess.run(["zbarimg", "--quiet", "--raw", str(png)], capture_output=True, text=True)
    assert r.stdout.strip() == url


def test_disk_memo_round_trip(tmp_path, monkeypatch):
    monkeypatch.setattr(qr, "_memo", {})
    cache = tmp_path / "qr.json"
    svg = qr.qr_svg("https://example.org/a/")
    qr.save_cache(cache)
    assert json.loads(cache.read_text(encoding="utf-8"))["codes"]
    # a fresh process reads the memo back instead of recomputing
    monkeypatch.setattr(qr, "_memo", {})
    qr.load_cache(cache)
    calls = []
    monkeypatch.setattr(qr.segno, "make", lambda *a, **k: calls.append(a))
    assert qr.qr_svg("https://example.org/a/") == svg
    assert calls == []


def test_memo_from_another_segno_version_is_ignored(tmp_path, monkeypatch):
    monkeypatch.setattr(qr, "_memo", {})
    cache = tmp_path / "qr.json"
    cache.write_text(json.dumps({"segno": "0.0", "codes": {"4|4|#000|#fff|https://x/": "<svg>stale</svg>"}}))
    qr.load_cache(cache)
    assert "stale" not in qr.qr_svg("https://x/")


# ---- print pages: the QR code is drawn in the browser, never computed in the build

def _screenshot_decode(tmp_path, html: str, size: str = "600,600") -> list[str]:
    page = tmp_path / "p.html"
    page.write_text(html, encoding="utf-8")
    png = tmp_path / "p.png"
    subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                    f"--user-data-dir={tmp_path / 'profile'}", f"--screenshot={png}", f"--window-size={size}",
                    page.as_uri()], capture_output=True, timeout=60)
    r = subprocess.run(["zbarimg", "--quiet", "--raw", "-Sbinary", str(png)], capture_output=True)  # bytes, no guessing
    return [r.stdout.decode("utf-8")] if r.stdout else []


@pytest.mark.skipif(not shutil.which("zbarimg") or not shutil.which("chromium"), reason="需要 zbarimg 和 chromium")
@pytest.mark.parametrize("url", ["https://example.org/kepu/2026/11/#p1",
                                 "https://example.org/kepu/2026/11/09-fire-drill/",
                                 "https://社区.example.org/科普/2026/11/#p12"])  # non-ASCII: UTF-8 bytes
def test_browser_drawn_placeholder_decodes_to_the_url(tmp_path, url):
    from kepu.core.escape import html_text

    html = (f"<meta charset='utf-8'><body style='margin:0;background:#fff'><style>.qr svg{{width:300px;height:300px;display:block}}</style>"
            f"<div class='qr' data-qr='{html_text(url)}'><small>扫码</small></div>{qr.browser_script()}</body>")
    assert _screenshot_decode(tmp_path, html) == [url]


@pytest.mark.skipif(not shutil.which("chromium"), reason="需要 chromium")
def test_browser_drawn_svg_has_the_quiet_zone_and_colours(tmp_path):
    """Error correction M and a quiet zone of 2 modules, like segno's codes: the viewBox
    of a version-3 code (29 modules for this URL with level M, as segno makes it) is 33."""
    from playwright.sync_api import sync_playwright

    url = "https://example.org/kepu/2026/11/#p1"
    modules = len(segno.make(url, error="m", micro=False).matrix)
    html = f"<body><div class='qr' data-qr='{url}'></div><div class='qr' data-qr='{url}'></div>{qr.browser_script()}</body>"
    (tmp_path / "p.html").write_text(html, encoding="utf-8")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=["--no-sandbox"])
        page = browser.new_page()
        page.goto((tmp_path / "p.html").as_uri())
        boxes = page.eval_on_selector_all(".qr svg", "els => els.map(e => e.getAttribute('viewBox'))")
        fills = page.eval_on_selector_all(".qr svg path", "els => els.map(e => e.getAttribute('fill'))")
        browser.close()
    assert boxes == [f"0 0 {modules + 4} {modules + 4}"] * 2  # every placeholder, once each
    assert fills == ["#fff", "#000"] * 2


def test_print_pages_hold_placeholders_and_the_script_once_and_no_code_is_computed(site, monkeypatch):
    from conftest import GOOD_ACTIVITY, GOOD_ISSUE

    from kepu.views import printing
    from kepu.build import generate_all
    from kepu.core.writer import Output
    from kepu.media.publish import Media

    site.write("bulletins/2026/2026-11.md", GOOD_ISSUE)
    site.write("bulletins/2026/2026-11-09-fire-drill.md", GOOD_ACTIVITY)
    model = site.load().site
    made = []
    real_make = qr.segno.make
    monkeypatch.setattr(qr, "_memo", {})
    monkeypatch.setattr(qr.segno, "make", lambda url, **kw: made.append(url) or real_make(url, **kw))
    out = Output()
    printing.generate(model, out, Media(out))
    assert made == []  # the print pages computed no QR code at all
    pages = {rel: out.files[rel].decode("utf-8") for rel in ("2026/11/print/index.html", "2026/11/09-fire-drill/print/index.html")}
    for rel, page in pages.items():
        placeholders = re.findall(r'<div class="qr" data-qr="(https://[^"]+)"><small>[^<]+</small></div>', page)
        assert placeholders, rel
        assert "<svg" not in page, rel  # no server-made QR code
        script = printing.qr_script_file()[0]  # one shared file, loaded once after the sheets
        tag = f'<script src="{posixpath.relpath(script, posixpath.dirname(rel))}"></script>'
        assert page.count(tag) == 1 and page.index(tag) > page.index("</main>") and "qrcode" not in page, rel
    assert out.files[printing.qr_script_file()[0]] == printing.qr_script_file()[1]
    generate_all(model)
    assert made  # the site pages and the lobby screen keep their (few) codes made in the build


def test_browser_script_is_inline_and_self_contained():
    script = qr.browser_script()
    assert script.startswith("<script>") and script.endswith("</script>") and script.count("</") == 1
    assert "src=" not in script and "http://" not in script.replace("http://www.w3.org/2000/svg", "")
    assert "MIT" in script  # the licence notice travels with the inlined code
