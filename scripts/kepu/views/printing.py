"""Printable posters for the physical 科普橱窗, and one-page activity records.

The generator writes HTML pages (inline CSS and JS from theme/print/, images
from the published renditions, QR codes drawn in the browser by ONE shared
script, assets/generated/print/qr-<hash>.js, linked relatively) into the
generated area:

- /<YYYY>/<MM>/print/            one panel per sheet, A4 or A3 portrait (extra.print.paper)
- /<YYYY>/<MM>/<DD>-<slug>/print/ a one-page A4 activity record

Printing them from a browser's print dialog gives exactly one sheet per
panel (`@page { size: A4|A3; margin: 0 }`, fixed-size sheets). `kepu print
2026-11 --pdf` renders the same page to PDF with a local Chromium.
"""
from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
from functools import lru_cache
from pathlib import Path

from kepu.media import qr
from kepu.views import share
from kepu.core import urls
from kepu.core.escape import html_text
from kepu.views.pages.components import cn_date, cn_month, issue_label, time_text
from kepu.core.writer import Output
from kepu.content.model import Activity, Image, Issue, Site
from kepu.content.readers.body import MD_IMAGE
from kepu.core.templating import markdown_html, render, trusted

e = html_text
PAPERS = {"A4": (210, 297), "A3": (297, 420)}
QR_SCRIPT_DIR = "assets/generated/print/"  # the shared QR drawing script (qr_script_file)
MD_LINK = re.compile(r"(?<!!)\[([^\]]*)\]\([^)]*\)")


# ---------------------------------------------------------------------------
# settings
# ---------------------------------------------------------------------------

def paper(settings) -> str:
    """The sheet size, "A4" or "A3": extra.print.paper, checked by kepu.content.config.load_settings."""
    return settings.values["print"]["paper"]


def check_settings(site: Site, problems) -> None:
    """The print feature's check (in kepu.checks.SITE_CHECKS): extra.print itself is
    checked with the rest of mkdocs.yml by kepu.content.config; a missing site_url (no QR codes) too."""
    check_fit(site, problems)


# Sheet geometry in mm on A4 (A3 is the same layout scaled), from theme/print/print.css.
TEXT_WIDTH = 210 - 2 * 14
SHEET_ROOM = 297 - 6 - 12 - 10 - 10 - 50  # border, paddings, head, foot with the QR code
MIN_FONT, LINE = 3.4, 1.65  # the smallest text the fit script allows, and its line height
MIN_PHOTO = 30 + 5  # photos shrink to 30 mm tall (+ margin) before the text does


def panel_overflow(title: str, body: str, has_photos: bool) -> float:
    """Estimated text height (mm) that cannot fit on the sheet even with the photos
    and the text at their smallest: > 0 means the end will be cut off when printed."""
    from kepu.core.sanitize import display_width, plain_text

    title_lines = max(1, -(-int(display_width(title) * 13) // int(TEXT_WIDTH - 6.5)))
    room = SHEET_ROOM - (title_lines * 13 * 1.25 + 11) - (MIN_PHOTO if has_photos else 0)
    need = 0.0
    for block in re.split(r"\n\s*\n|\n(?=\s*(?:[-*+]|\d+[.)])\s)", body.strip()):
        text = plain_text(block)
        if text:
            lines = -(-int(display_width(text) * MIN_FONT) // int(TEXT_WIDTH))
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

def paper_html(markdown_text: str) -> str:
    """Volunteer Markdown -> HTML for paper, with the website's Markdown extensions
    (admonitions, attribute lists ...): images taken out (placed separately),
    links reduced to their text, risky HTML dropped (kepu.core.templating.markdown_html)."""
    text = MD_IMAGE.sub("", markdown_text)
    text = re.sub(r"<img\b[^>]*>", "", text, flags=re.I)
    text = MD_LINK.sub(r"\1", text)
    return markdown_html(text)


def _qr(site: Site, url: str, caption: str) -> str:
    absolute = urls.absolute(site.settings.site_url, url)
    if not absolute:
        return ""
    # a placeholder: qr.browser_script() draws it in the browser (no QR code computed in the build)
    return f'<div class="qr" data-qr="{e(absolute)}"><small>{e(caption)}</small></div>'


def _photo(media, image: Image, page_url: str) -> dict:
    pub = media.publish(image)
    r = pub.fallback(1600)
    return {"src": urls.relative(page_url, pub.rendition_url(r)), "width": r.width, "height": r.height, "alt": image.alt}


def _photos(media, images, page_url: str) -> list[dict]:
    """Up to three photos, each once (the cover is often also in the text)."""
    pics: list[Image] = []
    for img in images:
        if img is not None and all(img.source != p.source for p in pics):
            pics.append(img)
    return [_photo(media, img, page_url) for img in pics[:3]]


def issue_sheets(site: Site, issue: Issue, media, page_url: str) -> list[dict]:
    """The template values of an issue's poster sheets (print/panel_sheet.html)."""
    label, month = issue_label(issue), cn_month(issue.year, issue.month)
    sheets = []
    for p in issue.panels:
        t = site.topics.get(p.topic)
        sheets.append({
            "color": t.color if t else "#444", "anchor": p.anchor, "topic": t.name if t else "",
            "site_name": site.settings.site_name, "index": p.index, "count": len(issue.panels), "title": p.title,
            "photos": _photos(media, p.images, page_url), "body": trusted(paper_html(p.body)),
            "qr": trusted(_qr(site, urls.panel(issue, p), "扫码看网页版")),
            "community": site.settings.community_name, "label": label, "month": month, "issue_title": issue.title})
    return sheets


def record_sheet(site: Site, act: Activity, media, page_url: str) -> dict:
    """The template values of an activity's one-page record (print/record_sheet.html)."""
    upcoming = act.is_upcoming(site.today)
    who = act.organizer + (f"；协办：{'、'.join(act.partners)}" if act.partners else "")
    people = ("（预告，尚未举行）" if upcoming else
              (f"{act.participants} 人" if act.participants is not None else "未登记"))
    rows = [("日期", cn_date(act.date)), ("时间", time_text(act)), ("地点", act.location), ("参加人数", people),
            ("主办", who or "—"), ("专题", "、".join(site.topics[t].name for t in act.topics if t in site.topics))]
    return {"site_name": site.settings.site_name, "title": act.title, "rows": rows,
            "photos": _photos(media, [act.cover, *act.images], page_url), "body": trusted(paper_html(act.body)),
            "qr": trusted(_qr(site, urls.activity(act), "扫码看活动网页")),
            "community": site.settings.community_name, "date": cn_date(act.date)}


def render_issue(site: Site, issue: Issue, media, page_url: str | None = None) -> str:
    page_url = page_url or issue_print_url(issue)
    size = paper(site.settings)
    label, month = issue_label(issue), cn_month(issue.year, issue.month)
    title = f"{issue.title}｜{label}打印版"
    note = f"{label}（{month}）共 {len(issue.panels)} 块展板，每块一张 {size} 纸。"
    image = share.image_for(media, issue.cover, *issue.images, *(i for p in issue.panels for i in p.images),
                            colors=[site.topics[p.topic].color for p in issue.panels if p.topic in site.topics])
    return render("print/issue.html", sheets=issue_sheets(site, issue, media, page_url),
                  **_page(site, page_url, title, size, urls.issue(issue), note, image))


def render_activity(site: Site, act: Activity, media, page_url: str | None = None) -> str:
    page_url = page_url or activity_print_url(act)
    title = f"{act.title}｜活动记录打印版"
    note = "一页 A4 活动记录，可附在工作报告里。"
    image = share.image_for(media, act.cover, *act.images,
                            colors=[site.topics[t].color for t in act.topics if t in site.topics])
    return render("print/activity.html", r=record_sheet(site, act, media, page_url),
                  **_page(site, page_url, title, "A4", urls.activity(act), note, image))


def _page(site: Site, page_url: str, title: str, size: str, web_url: str, note: str, image: str) -> dict:
    """The values of print/document.html: paper, the way back to the web page, and the
    description and link preview (WeChat) like overrides/main.html gives web pages."""
    w, h = PAPERS[size]
    root = site.settings.site_url
    src = (root.rstrip("/") + "/" + image) if root else urls.relative(page_url, image)
    return {"title": title, "size": size, "w": w, "h": h, "scale": w / 210,  # A3 is A4 scaled by √2
            "back": urls.relative(page_url, web_url), "note": note,
            "share": {"title": title, "description": note, "image": src},
            "qr_script": trusted(f'<script src="{e(urls.relative(page_url, qr_script_file()[0]))}"></script>')}


def qr_script_file() -> tuple[str, bytes]:
    """The QR drawing script (kepu.media.qr.browser_script without its <script> tags) as ONE
    file that every print page loads by a relative URL, instead of ~28 KB inlined into each of
    the ~700 pages of a ten-year site. Named by its content, so a browser never keeps a stale copy."""
    return _script_file(qr.browser_script())


@lru_cache(maxsize=4)  # hashed once per run, not for each of ~700 pages
def _script_file(script: str) -> tuple[str, bytes]:
    code = script.strip().removeprefix("<script>").removesuffix("</script>").strip()
    data = (code + "\n").encode("utf-8")
    return f"{QR_SCRIPT_DIR}qr-{hashlib.sha256(data).hexdigest()[:12]}.js", data


def add_qr_script(out: Output) -> None:
    out.add(*qr_script_file())


def generate(site: Site, out: Output, media) -> None:
    if any(issue.panels for issue in site.issues) or site.activities:
        add_qr_script(out)
    for issue in site.issues:
        rel = urls.source_of(issue_print_url(issue)).replace("index.md", "index.html")
        if issue.panels and not out.unchanged(rel, issue):  # a print page shows only its own bulletin
            out.text(rel, render_issue(site, issue, media))
    for act in site.activities:
        rel = urls.source_of(activity_print_url(act)).replace("index.md", "index.html")
        if not out.unchanged(rel, act):
            out.text(rel, render_activity(site, act, media))


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


def cli_main(args, result, print_problems) -> int:
    """`kepu print`; `result`: the site loaded and checked by kepu.checks.load_and_check."""
    from kepu.media.publish import Media

    root = Path(args.root).resolve()
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
    add_qr_script(out)  # the page loads it from ../../../assets/generated/print/, written beside it below
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
