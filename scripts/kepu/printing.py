"""Printable posters for the physical 科普橱窗, and one-page activity records.

The generator writes self-contained HTML pages (inline CSS, inline QR SVGs,
images from the published renditions) into the generated area:

- /<YYYY>/<MM>/print/            one panel per sheet, A4 or A3 portrait (extra.print.paper)
- /<YYYY>/<MM>/<DD>-<slug>/print/ a one-page A4 activity record

Printing them from a browser's print dialog gives exactly one sheet per
panel (`@page { size: A4|A3; margin: 0 }`, fixed-size sheets). `kepu print
2026-11 --pdf` renders the same page to PDF with a local Chromium.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import markdown as md

from kepu import sanitize, share, urls
from kepu.escape import html_text
from kepu.generate.components import cn_date, cn_month, issue_label, time_text
from kepu.generate.writer import Output
from kepu.model import Activity, Image, Issue, Site
from kepu.qr import browser_script
from kepu.readers.body import MD_IMAGE

e = html_text
PAPERS = {"A4": (210, 297), "A3": (297, 420)}
DEFAULT_PAPER = "A4"
PRINT_KEYS = {"paper": "纸张大小：A4 或 A3（竖版）"}
MD_LINK = re.compile(r"(?<!!)\[([^\]]*)\]\([^)]*\)")


# ---------------------------------------------------------------------------
# settings
# ---------------------------------------------------------------------------

def paper(settings) -> str:
    raw = (settings.extra.get("print") or {}) if isinstance(settings.extra.get("print"), dict) else {}
    value = str(raw.get("paper") or DEFAULT_PAPER).strip().upper()
    return value if value in PAPERS else DEFAULT_PAPER


def check_settings(site: Site, problems) -> None:
    """Check `extra.print` in mkdocs.yml (called from kepu.images.check_images)."""
    settings = site.settings
    path = settings.root / "mkdocs.yml"
    line = settings.extra_lines.get("print", 0)
    raw = settings.extra.get("print")
    if raw is not None:
        if not isinstance(raw, dict):
            problems.error(path, line, "extra.print 应包含 paper 等设置", "写成两行：print: 换行后缩进两格写 paper: A4")
        else:
            for key in raw:
                if key not in PRINT_KEYS:
                    problems.error(path, line, f"extra.print 里没有「{key}」这个设置", "可用的有：paper（A4 或 A3）")
            value = str(raw.get("paper") or "").strip()
            if "paper" in raw and value.upper() not in PAPERS:
                problems.error(path, line, f"extra.print.paper「{value}」不是支持的纸张", "写 A4 或 A3（竖版打印）")
    # a missing site_url (no QR codes) is reported once, by kepu.config
    check_fit(site, problems)


# Sheet geometry in mm on A4 (A3 is the same layout scaled), from the CSS in _document.
TEXT_WIDTH = 210 - 2 * 14
SHEET_ROOM = 297 - 6 - 12 - 10 - 10 - 50  # border, paddings, head, foot with the QR code
MIN_FONT, LINE = 3.4, 1.65  # the smallest text the fit script allows, and its line height
MIN_PHOTO = 30 + 5  # photos shrink to 30 mm tall (+ margin) before the text does


def panel_overflow(title: str, body: str, has_photos: bool) -> float:
    """Estimated text height (mm) that cannot fit on the sheet even with the photos
    and the text at their smallest: > 0 means the end will be cut off when printed."""
    from kepu.generate.content import plain_text
    from kepu.screen.slides import width

    title_lines = max(1, -(-int(width(title) * 13) // int(TEXT_WIDTH - 6.5)))
    room = SHEET_ROOM - (title_lines * 13 * 1.25 + 11) - (MIN_PHOTO if has_photos else 0)
    need = 0.0
    for block in re.split(r"\n\s*\n|\n(?=\s*(?:[-*+]|\d+[.)])\s)", body.strip()):
        text = plain_text(block)
        if text:
            lines = -(-int(width(text) * MIN_FONT) // int(TEXT_WIDTH))
            need += lines * MIN_FONT * LINE + 0.55 * MIN_FONT
    return need - room


def check_fit(site: Site, problems) -> None:
    """Warn when a poster panel of the current or a coming issue cannot fit on its sheet:
    the print page would cut its end off (older issues are not printed any more)."""
    for issue in site.shown_issues:
        for p in issue.panels:
            over = panel_overflow(p.title, p.body, bool(p.images))
            if over > 0:
                lines = int(over / (MIN_FONT * LINE)) + 1
                problems.warning(issue.source, p.line,
                                 f"展板「{p.title}」的文字太多，打印时一张{paper(site.settings)}纸放不下，末尾大约 {lines} 行会被截掉",
                                 "精简文字，或者把这块展板分成两块（再写一个 ## 【专题】标题）")


# ---------------------------------------------------------------------------
# URLs
# ---------------------------------------------------------------------------

def issue_print_url(issue: Issue) -> str:
    return urls.issue(issue) + "print/"


def activity_print_url(act: Activity) -> str:
    return urls.activity(act) + "print/"


# ---------------------------------------------------------------------------
# rendering
# ---------------------------------------------------------------------------

def _body_html(markdown_text: str) -> str:
    """Volunteer Markdown -> HTML for paper: images taken out (placed separately),
    links reduced to their text, risky HTML dropped."""
    text = sanitize.clean(markdown_text).text
    text = MD_IMAGE.sub("", text)
    text = re.sub(r"<img\b[^>]*>", "", text, flags=re.I)
    text = MD_LINK.sub(r"\1", text)
    return md.markdown(text, extensions=["tables", "def_list", "sane_lists"], output_format="html")


def _qr(site: Site, url: str, caption: str) -> str:
    absolute = urls.absolute(site.settings.site_url, url)
    if not absolute:
        return ""
    # a placeholder: qr.browser_script() draws it in the browser (no QR code computed in the build)
    return f'<div class="qr" data-qr="{e(absolute)}"><small>{e(caption)}</small></div>'


def _photo(media, image: Image, page_url: str, cls: str = "") -> str:
    pub = media.publish(image)
    r = pub.fallback(1600)
    src = urls.relative(page_url, pub.rendition_url(r))
    return (f'<img class="{cls}" src="{e(src)}" width="{r.width}" height="{r.height}" '
            f'alt="{e(image.alt)}">')


def render_issue(site: Site, issue: Issue, media, page_url: str | None = None) -> str:
    page_url = page_url or issue_print_url(issue)
    size = paper(site.settings)
    label, month = issue_label(issue), cn_month(issue.year, issue.month)
    sheets = []
    for p in issue.panels:
        t = site.topics.get(p.topic)
        pics = list(dict.fromkeys(p.images))  # each photo once
        figure = ""
        if pics:
            figure = ('<figure class="pics pics--%d">' % min(len(pics), 3)
                      + "".join(_photo(media, img, page_url) for img in pics[:3]) + "</figure>")
        sheets.append(
            f'<section class="sheet" style="--c:{t.color if t else "#444"}" id="{e(p.anchor)}">'
            f'<header class="head"><span class="topic">{e(t.name if t else "")}</span>'
            f'<span class="count">{e(site.settings.site_name)} · 展板 {p.index}/{len(issue.panels)}</span></header>'
            f'<h2 class="title">{e(p.title)}</h2>{figure}'
            f'<div class="fit"><div class="text">{_body_html(p.body)}</div></div>'
            f'<footer class="foot">{_qr(site, urls.panel(issue, p), "扫码看网页版")}'
            f'<div class="who"><b>{e(site.settings.community_name)}</b>'
            f'<span>{e(label)} · {e(month)}</span><span class="issue-title">{e(issue.title)}</span></div></footer>'
            f'</section>')
    back = urls.relative(page_url, urls.issue(issue))
    note = f"{label}（{month}）共 {len(issue.panels)} 块展板，每块一张 {size} 纸。"
    image = share.image_for(media, issue.cover, *issue.images, *(i for p in issue.panels for i in p.images),
                            colors=[site.topics[p.topic].color for p in issue.panels if p.topic in site.topics])
    return _document(f"{issue.title}｜{label}打印版", size, back, "".join(sheets), note,
                     _share_head(site, page_url, f"{issue.title}｜{label}打印版", note, image))


def render_activity(site: Site, act: Activity, media, page_url: str | None = None) -> str:
    page_url = page_url or activity_print_url(act)
    upcoming = act.is_upcoming(site.today)
    who = act.organizer + (f"；协办：{'、'.join(act.partners)}" if act.partners else "")
    people = ("（预告，尚未举行）" if upcoming else
              (f"{act.participants} 人" if act.participants is not None else "未登记"))
    rows = [("日期", cn_date(act.date)), ("时间", time_text(act)), ("地点", act.location), ("参加人数", people),
            ("主办", who or "—"), ("专题", "、".join(site.topics[t].name for t in act.topics if t in site.topics))]
    cells = [f"<th>{e(k)}</th><td>{e(v)}</td>" for k, v in rows]
    table = "".join("<tr>" + "".join(cells[i:i + 2]) + "</tr>" for i in range(0, len(cells), 2))
    pics: list[Image] = []
    for img in ([act.cover] if act.cover else []) + list(act.images):
        if all(img.source != p.source for p in pics):
            pics.append(img)
    figure = ""
    if pics:
        figure = ('<figure class="pics pics--%d">' % min(len(pics), 3)
                  + "".join(_photo(media, img, page_url) for img in pics[:3]) + "</figure>")
    sheet = (f'<section class="sheet record">'
             f'<header class="head"><span class="topic">活动记录</span>'
             f'<span class="count">{e(site.settings.site_name)}</span></header>'
             f'<h2 class="title">{e(act.title)}</h2><table class="info">{table}</table>{figure}'
             f'<div class="fit"><div class="text">{_body_html(act.body)}</div></div>'
             f'<footer class="foot">{_qr(site, urls.activity(act), "扫码看活动网页")}'
             f'<div class="who"><b>{e(site.settings.community_name)}</b><span>{e(cn_date(act.date))}</span>'
             f'<span class="sign">经办人：＿＿＿＿＿＿　　日期：＿＿＿＿＿＿</span></div></footer></section>')
    back = urls.relative(page_url, urls.activity(act))
    note = "一页 A4 活动记录，可附在工作报告里。"
    image = share.image_for(media, act.cover, *act.images,
                            colors=[site.topics[t].color for t in act.topics if t in site.topics])
    return _document(f"{act.title}｜活动记录打印版", "A4", back, sheet, note,
                     _share_head(site, page_url, f"{act.title}｜活动记录打印版", note, image))


def _share_head(site: Site, page_url: str, title: str, description: str, image: str) -> str:
    """Description and link preview (WeChat) of a print page, like overrides/main.html gives web pages."""
    root = site.settings.site_url
    src = (root.rstrip("/") + "/" + image) if root else urls.relative(page_url, image)
    return (f'<meta name="description" content="{e(description)}">\n'
            f'<meta property="og:title" content="{e(title)}">\n'
            f'<meta property="og:description" content="{e(description)}">\n'
            f'<meta property="og:image" content="{e(src)}">\n')


def _document(title: str, size: str, back: str, sheets: str, note: str, head: str = "") -> str:
    w, h = PAPERS[size]
    scale = w / 210  # A3 is A4 scaled by √2: everything is sized in "u" = 1 mm on A4
    return f"""<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
{head}<title>{e(title)}</title>
<style>
@page {{ size: {size} portrait; margin: 0; }}
:root {{ --u: {scale:.4f}mm; --w: {w}mm; --h: {h}mm; }}
* {{ box-sizing: border-box; }}
html, body {{ margin: 0; padding: 0; }}
body {{ font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", "Hiragino Sans GB", sans-serif;
  color: #1a1a1a; -webkit-print-color-adjust: exact; print-color-adjust: exact; }}
.sheet {{ width: var(--w); height: var(--h); overflow: hidden; position: relative; background: #fff;
  padding: calc(var(--u) * 12) calc(var(--u) * 14) calc(var(--u) * 10); display: flex; flex-direction: column;
  border-top: calc(var(--u) * 6) solid var(--c, #444); break-after: page; page-break-after: always; }}
.sheet:last-of-type {{ break-after: auto; page-break-after: auto; }}
.head {{ display: flex; justify-content: space-between; align-items: center; gap: calc(var(--u) * 4); }}
.topic {{ background: var(--c, #444); color: #fff; font-weight: 700; font-size: calc(var(--u) * 7);
  padding: calc(var(--u) * 1.2) calc(var(--u) * 5); border-radius: calc(var(--u) * 2); letter-spacing: .1em; }}
.count {{ color: #555; font-size: calc(var(--u) * 4); }}
.title {{ font-size: calc(var(--u) * 13); line-height: 1.25; margin: calc(var(--u) * 6) 0 calc(var(--u) * 5);
  color: #111; font-weight: 900; border-left: calc(var(--u) * 2.5) solid var(--c, #444); padding-left: calc(var(--u) * 4); }}
.pics {{ margin: 0 0 calc(var(--u) * 5); display: flex; gap: calc(var(--u) * 3); justify-content: center;
  flex-wrap: wrap; flex: none; }}
.pics img {{ display: block; max-width: 100%; height: auto; max-height: var(--pic-h, calc(var(--u) * 95));
  width: auto; object-fit: contain; border-radius: calc(var(--u) * 2); }}
.pics--2 img, .pics--3 img {{ max-width: calc(50% - var(--u) * 2); }}
.pics--3 img {{ max-width: calc(33% - var(--u) * 2); }}
.fit {{ flex: 1 1 auto; min-height: 0; overflow: hidden; }}
.text {{ font-size: var(--fs, calc(var(--u) * 8)); line-height: 1.65; text-align: justify; }}
.text p, .text ul, .text ol {{ margin: 0 0 .55em; }}
.text ul, .text ol {{ padding-left: 1.4em; }}
.text h2, .text h3, .text h4 {{ font-size: 1.12em; margin: .7em 0 .3em; color: var(--c, #444); }}
.text strong {{ color: #000; }}
.text table {{ border-collapse: collapse; margin: .4em 0; }}
.text th, .text td {{ border: 1px solid #999; padding: .15em .5em; }}
.foot {{ display: flex; align-items: center; gap: calc(var(--u) * 6); border-top: 1px solid #ccc;
  padding-top: calc(var(--u) * 4); margin-top: calc(var(--u) * 4); flex: none; }}
.qr {{ text-align: center; flex: none; }}
.qr svg {{ width: calc(var(--u) * 36); height: calc(var(--u) * 36); display: block; }}
.qr small {{ display: block; font-size: calc(var(--u) * 3.6); color: #333; }}
.who {{ display: flex; flex-direction: column; gap: calc(var(--u) * 1.5); font-size: calc(var(--u) * 4.6); color: #333; }}
.who b {{ font-size: calc(var(--u) * 6.4); color: #111; }}
.issue-title {{ color: #666; }}
.record .title {{ font-size: calc(var(--u) * 10); }}
.sr-only {{ position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }}
.info {{ border-collapse: collapse; width: 100%; font-size: calc(var(--u) * 4.8); margin-bottom: calc(var(--u) * 4); flex: none; }}
.info th {{ width: calc(var(--u) * 22); text-align: left; background: #f2f2f2; white-space: nowrap; }}
.info th, .info td {{ border: 1px solid #888; padding: calc(var(--u) * 1.6) calc(var(--u) * 3); }}
.record .text {{ --fs: calc(var(--u) * 4.6); }}
.record .pics {{ --pic-h: calc(var(--u) * 58); }}
.record .qr svg {{ width: calc(var(--u) * 28); height: calc(var(--u) * 28); }}
.sign {{ margin-top: calc(var(--u) * 2); }}
.bar {{ font: 15px/1.6 system-ui, sans-serif; background: #fffbe6; border-bottom: 1px solid #e6d8a6; padding: 10px 14px; }}
.bar button {{ font-size: 16px; padding: 6px 18px; margin-right: 10px; }}
@media screen {{
  body {{ background: #8a8a8a; }}
  .sheet {{ margin: 16px auto; box-shadow: 0 2px 10px rgba(0,0,0,.35); }}
}}
@media screen and (max-width: 900px) {{ .sheet {{ zoom: .42; }} }}
.too-long::after {{ content: "这张内容太多，打印时末尾会被截掉：请精简文字或分成两块展板"; position: absolute; left: 0; right: 0;
  bottom: 0; background: #b91c1c; color: #fff; font: 16px/1.6 sans-serif; padding: 6px 12px; }}
@media print {{ .bar, .too-long::after {{ display: none; }} }}
</style></head>
<body class="paper-{size.lower()}">
<div class="bar"><button type="button" onclick="window.print()">打印</button>
<a href="{e(back)}">返回网页版</a> · {e(note)}
打印时选择：纸张 {size}、纵向、边距「无」、勾选「背景图形」、缩放 100%。</div>
<main><h1 class="sr-only">{e(title)}</h1>
{sheets}
</main>
<script>
/* Fit each sheet: shrink the photos first (a tall phone photo must not halve the text),
   then the text down to a readable minimum; if it still does not fit, mark the sheet
   (on screen only) so volunteers shorten it. */
(function () {{
  var probe = document.createElement('div');
  probe.style.cssText = 'position:absolute;visibility:hidden;width:calc(var(--u) * 100)';
  document.body.appendChild(probe);
  var u = probe.getBoundingClientRect().width / 100;
  document.body.removeChild(probe);
  function over(box, text) {{ return text.scrollHeight > box.clientHeight + 1; }}
  function fit(sheet) {{
    var box = sheet.querySelector('.fit'), text = sheet.querySelector('.text'), pics = sheet.querySelector('.pics');
    if (!box || !text) return;
    var ph = pics ? parseFloat(getComputedStyle(pics.querySelector('img')).maxHeight) : 0;
    while (pics && over(box, text) && ph > 30 * u) {{ ph *= 0.9; pics.style.setProperty('--pic-h', ph + 'px'); }}
    var fs = parseFloat(getComputedStyle(text).fontSize), min = (sheet.classList.contains('record') ? 2.5 : 3.4) * u;
    while (over(box, text) && fs > min) {{ fs = Math.max(min, fs * 0.96); text.style.fontSize = fs + 'px'; }}
    if (over(box, text)) sheet.classList.add('too-long');
  }}
  function fitAll() {{
    var sheets = document.querySelectorAll('.sheet');
    for (var i = 0; i < sheets.length; i++) fit(sheets[i]);
  }}
  if (document.readyState === 'complete') fitAll(); else window.addEventListener('load', fitAll);  /* after photos */
}})();
</script>
{browser_script()}
</body></html>
"""


def generate(site: Site, out: Output, media) -> None:
    for issue in site.issues:
        if issue.panels:
            out.text(urls.source_of(issue_print_url(issue)).replace("index.md", "index.html"),
                     render_issue(site, issue, media))
    for act in site.activities:
        out.text(urls.source_of(activity_print_url(act)).replace("index.md", "index.html"),
                 render_activity(site, act, media))


# ---------------------------------------------------------------------------
# kepu print
# ---------------------------------------------------------------------------

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome", "msedge")
CHROMIUM_PATHS = (r"C:\Program Files\Google\Chrome\Application\chrome.exe",
                  r"C:\Program Files (x86)\Google\Chrome\Application\chrome.exe",
                  r"C:\Program Files (x86)\Microsoft\Edge\Application\msedge.exe",
                  "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome")
CHROMIUM_HELP = ("没有找到 Chromium 浏览器，无法直接生成 PDF — Debian/Ubuntu 上运行 sudo apt install chromium fonts-noto-cjk；"
                 "也可以不加 --pdf，用浏览器打开生成的打印页，按 Ctrl+P，目标选「另存为 PDF」")


def find_chromium() -> str | None:
    env = os.environ.get("KEPU_CHROMIUM")
    if env is not None:
        return env if env and Path(env).is_file() else None
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return next((p for p in CHROMIUM_PATHS if Path(p).is_file()), None)


def print_to_pdf(html_file: Path, pdf: Path, chromium: str, timeout: int = 120) -> None:
    """Render a local HTML file to PDF with headless Chromium (no network: it only loads local files)."""
    with tempfile.TemporaryDirectory(prefix="kepu-chromium-") as profile:
        cmd = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--no-first-run", "--disable-extensions", f"--user-data-dir={profile}",
               "--no-pdf-header-footer", "--run-all-compositor-stages-before-draw", "--virtual-time-budget=10000",
               f"--print-to-pdf={pdf}", html_file.resolve().as_uri()]
        proc = subprocess.run(cmd, capture_output=True, timeout=timeout)
    if proc.returncode != 0 or not pdf.is_file() or pdf.stat().st_size == 0:
        tail = proc.stderr.decode("utf-8", "replace").strip().splitlines()[-3:]
        raise RuntimeError("\n".join(tail))


def _find_target(site: Site, key: str):
    m = re.fullmatch(r"(\d{4})-(\d{1,2})", key)
    if m:
        return site.issue(int(m.group(1)), int(m.group(2)))
    return next((a for a in site.activities if a.key == key), None)


def cli_main(args) -> int:
    from kepu.cli import _today, print_problems
    from kepu.loader import load_site
    from kepu.media import Media

    root = Path(args.root).resolve()
    result = load_site(root, today=_today(args.today))
    if result.problems.errors:
        print_problems(result.problems)
        print("\n有错误，没有生成打印版。请按上面的提示修改后重新运行。", file=sys.stderr)
        return 1
    site = result.site
    target = _find_target(site, args.month.strip())
    if target is None:
        months = "、".join(i.key for i in site.issues[-6:]) or "（还没有月刊）"
        print(f"kepu: 找不到「{args.month}」 — 写月刊的年月，例如 {site.issues[-1].key if site.issues else '2026-11'}"
              f"（最近的几期：{months}），或活动的日期加短名，例如 2026-11-07-fire-drill", file=sys.stderr)
        return 1
    is_issue = isinstance(target, Issue)
    if is_issue and not target.panels:
        print(f"kepu: {target.key} 这期月刊没有展板，没有可打印的内容", file=sys.stderr)
        return 1
    out = Output()
    media = Media(out)
    page_url = issue_print_url(target) if is_issue else activity_print_url(target)
    html_text = render_issue(site, target, media) if is_issue else render_activity(site, target, media)
    rel_html = urls.source_of(page_url).replace("index.md", "index.html")
    out.text(rel_html, html_text)
    want_pdf = args.pdf or bool(args.output and args.output.lower().endswith(".pdf"))
    folder = root / "build" / "print" / target.key
    if want_pdf and not args.output:
        pdf = root / "build" / "print" / f"{target.key}.pdf"
    elif want_pdf:
        pdf = Path(args.output).resolve()
    elif args.output:
        folder = Path(args.output).resolve()
    shutil.rmtree(folder, ignore_errors=True)
    for rel, data in out.files.items():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    html_file = folder / rel_html
    what = f"{issue_label(target)}（{len(target.panels)} 块展板，{paper(site.settings)} 纸）" if is_issue else f"活动「{target.title}」的记录"
    if not want_pdf:
        print(f"已生成{what}的打印页：{html_file}\n用浏览器打开它，按 Ctrl+P 打印"
              f"（纸张 {paper(site.settings) if is_issue else 'A4'}、纵向、边距「无」、勾选「背景图形」）。")
        return 0
    chromium = find_chromium()
    if chromium is None:
        print(f"kepu: {CHROMIUM_HELP}", file=sys.stderr)
        print(f"打印页已生成：{html_file}", file=sys.stderr)
        return 1
    pdf.parent.mkdir(parents=True, exist_ok=True)
    try:
        print_to_pdf(html_file, pdf, chromium)
    except (RuntimeError, OSError, subprocess.TimeoutExpired) as exc:
        print(f"kepu: Chromium 没能生成 PDF（{str(exc).strip() or type(exc).__name__}） — "
              f"可以用浏览器打开 {html_file}，按 Ctrl+P 另存为 PDF", file=sys.stderr)
        return 1
    print(f"已生成{what}的 PDF：{pdf}")
    return 0
