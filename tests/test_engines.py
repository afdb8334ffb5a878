"""The same site built with both engines (issue 15): MkDocs + Material (the default) and
Zensical, Material's successor. The example is built once per engine; the test compares the
page URLs and the content of every page, runs the search relevance test on the Zensical
site, records every request in a browser (none to another origin) and measures the footer's
text contrast under MkDocs, Zensical `modern` (its default) and Zensical `classic`.

Zensical is installed by `python3 tasks.py test` (requirements-zensical.lock)."""
from __future__ import annotations

import html
import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
from browser import CHROMIUM, browser, needs_chromium, serve_dir
from conftest import TODAY, GOOD_ISSUE
from test_search_browser import QUERIES, relevance

from kepu import engine
from kepu.build import build

pytestmark = pytest.mark.skipif(not engine.available("zensical"),
                                reason="需要 Zensical：python3 tasks.py test 会按 requirements-zensical.lock 安装")

ENGINES = ("mkdocs", "zensical")
ART = re.compile(r'<article class="md-content__inner[^"]*">(.*?)</article>', re.S)
# one page of each kind: home, issue, activity, archive, topic, stats (and the activities list, /current/)
KEY_PAGES = {"index.html": "首页", "2026/11/index.html": "月刊", "2026/07/11-first-aid-training/index.html": "活动",
             "archive/index.html": "往期", "topics/safety/index.html": "专题", "stats/index.html": "统计",
             "activities/index.html": "活动列表", "current/index.html": "本期"}
CONTRAST_JS = """() => {
  const parse = c => (c.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => { const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
                               return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
  const bgOf = el => { for (let e = el; e; e = e.parentElement) { const c = parse(getComputedStyle(e).backgroundColor);
                       if (c.length < 4 || c[3] > 0) return c.slice(0, 3); } return [255, 255, 255]; };
  const out = [];
  for (const el of document.querySelectorAll('.md-footer, .md-footer *, .md-header__topic, .md-tabs__link')) {
    if (![...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim()) || !el.getClientRects().length) continue;
    const bg = bgOf(el);
    let fg = parse(getComputedStyle(el).color).slice(0, 3), op = 1;
    for (let e = el; e && e !== document.body; e = e.parentElement) op *= Number(getComputedStyle(e).opacity);
    fg = fg.map((v, i) => v * op + bg[i] * (1 - op));
    const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x);
    out.push({text: el.textContent.trim().slice(0, 30), ratio: (a + 0.05) / (b + 0.05)});
  }
  return out;
}"""


@pytest.fixture(scope="module")
def sites(built):
    """{engine: site folder} of the example: MkDocs' is the shared `built` site; Zensical builds the
    same generated docs/ into site-zensical/ of the same root (kepu build --engine zensical)."""
    root = built
    assert build(root, today=TODAY, site_dir=root / "site-zensical", engine_name="zensical") == 0
    return {"mkdocs": root / "site", "zensical": root / "site-zensical"}


def pages(site: Path) -> set[str]:
    return {p.relative_to(site).as_posix() for p in site.rglob("*.html") if not p.relative_to(site).as_posix().startswith("assets/")}


def article_text(path: Path) -> str:
    """The text of the page's article (the engine's page around it differs); a page kepu writes
    whole (print posters, the lobby screen) is compared as it is."""
    text = path.read_text(encoding="utf-8")
    m = ART.search(text)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", m.group(1))).split()) if m else text


def test_same_page_urls_and_the_same_content_on_every_page(sites):
    m, z = pages(sites["mkdocs"]), pages(sites["zensical"])
    assert m == z and len(m) > 60
    assert set(KEY_PAGES) <= m
    for rel in sorted(m):
        assert article_text(sites["mkdocs"] / rel) == article_text(sites["zensical"] / rel), rel
    # the key content is really there (not two equally empty pages)
    home = article_text(sites["zensical"] / "index.html")
    assert "全国消防日" in home and "活动预告" in home
    assert "家里着火了，先逃生还是先灭火？" in article_text(sites["zensical"] / "2026/11/index.html")
    assert "心肺复苏" in article_text(sites["zensical"] / "2026/07/11-first-aid-training/index.html")
    assert "往期回顾" in article_text(sites["zensical"] / "archive/index.html")
    assert "安全" in article_text(sites["zensical"] / "topics/safety/index.html")
    assert "人次" in article_text(sites["zensical"] / "stats/index.html")
    # what kepu writes itself is byte-identical
    for rel in ("feed.xml", "calendar.ics", "version.json", "screen/index.html", "search/meta.json"):
        assert (sites["mkdocs"] / rel).read_bytes() == (sites["zensical"] / rel).read_bytes(), rel


def test_both_engines_keep_the_held_html_blocks_and_kepu_puts_every_one_back(sites):
    """kepu's HTML blocks go through either engine in <!--kepu:html … --> comments: both copy
    the comments as they are, so after engine/unwrap.py the article HTML is the same bytes
    (only the page around it differs) and no mark is left in any file."""
    from kepu.core.writer import MARKER

    def content(name, rel):  # what the engine made of the generated Markdown: from kepu's do-not-edit comment on
        text = (sites[name] / rel).read_text(encoding="utf-8")
        return text[text.index(MARKER.strip()):text.index("</article>")]

    for name, site in sites.items():
        assert not [p for p in site.rglob("*") if p.is_file() and b"kepu:html" in p.read_bytes()], name
    for rel in KEY_PAGES:
        assert content("mkdocs", rel) == content("zensical", rel), rel
    assert '<dl class="kp-info" data-date="2026-07-11">' in content("zensical", "2026/07/11-first-aid-training/index.html")


def test_404_links_the_feed_once_under_the_site_path(sites):
    for name, site in sites.items():
        page = (site / "404.html").read_text(encoding="utf-8")
        assert re.search(r'type="application/atom\+xml"[^>]*href="/kepu/feed\.xml"', page), name
        assert "//feed.xml" not in page


@pytest.fixture(scope="module")
def served(sites):
    with serve_dir(sites["mkdocs"], prefix="/kepu/") as m, serve_dir(sites["zensical"], prefix="/kepu/") as z, browser() as b:
        yield {"mkdocs": m, "zensical": z}, b


@needs_chromium
def test_search_relevance_on_the_zensical_site(served):
    """The relevance bar of tests/test_search_browser.py, on the site Zensical built."""
    bases, b = served
    base = bases["zensical"]
    hits, contain, shown, _, misses = relevance(b, base)
    assert hits / len(QUERIES) >= 0.95, misses
    assert contain / shown >= 0.90
    page = b.new_page()
    # the header box finds a panel too (typing loads the code and a few index parts)
    page.goto(base + "2026/11/")
    page.keyboard.press("/")
    page.fill("#kp-search-input", "一氧化碳")
    page.dispatch_event("#kp-search-input", "input")
    link = page.locator(".kp-search-drop__item a[href*='2025/12/#p2']").first
    link.wait_for(timeout=15000)
    assert link.is_visible()
    page.close()


@needs_chromium
@pytest.mark.parametrize("name", ENGINES)
def test_no_request_to_another_origin_and_no_index_on_load(served, name):
    bases, b = served
    base = bases[name]
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(base))
    for width in (390, 1280):
        page = b.new_page(viewport={"width": width, "height": 900})
        seen = []
        page.on("request", lambda r: seen.append(r.url))
        for rel in ("", "2026/11/", "2026/07/11-first-aid-training/", "topics/safety/", "stats/", "search/?q=" + quote("地震")):
            page.goto(base + rel)
            page.wait_for_load_state("networkidle")
        page.close()
        outside = [u for u in seen if not u.startswith(origin) and not u.startswith(("data:", "blob:"))]
        assert not outside, outside
        assert not [u for u in seen if u.endswith("search.json") or "search_index" in u], seen  # no engine index


def footer_ratios(b, base: str, width: int) -> list[dict]:
    page = b.new_page(viewport={"width": width, "height": 900})
    page.goto(base + "2026/11/")
    page.wait_for_load_state("networkidle")
    ratios = page.evaluate(CONTRAST_JS)
    page.close()
    return ratios


@needs_chromium
def test_footer_and_header_are_readable_under_every_look(served, sites, tmp_path):
    """WCAG AA (4.5:1) for every text in the footer, the header title and the tabs: MkDocs/Material,
    Zensical's default `modern` look, and Zensical `classic` (a second Zensical build)."""
    bases, b = served
    root = sites["zensical"].parent
    classic = root / "site-classic"
    config = root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    try:
        config.write_text(text.replace("theme:\n", "theme:\n  variant: classic\n", 1), encoding="utf-8")
        assert engine.build("zensical", root, classic)
    finally:
        config.write_text(text, encoding="utf-8")
    assert "classic/main." in (classic / "index.html").read_text(encoding="utf-8")
    assert "modern/main." in (sites["zensical"] / "index.html").read_text(encoding="utf-8")
    with serve_dir(classic, prefix="/kepu/") as classic_base:
        for look, base in (("mkdocs", bases["mkdocs"]), ("zensical modern", bases["zensical"]), ("zensical classic", classic_base)):
            for width in (390, 1280):
                ratios = footer_ratios(b, base, width)
                texts = " ".join(r["text"] for r in ratios)
                assert "科普橱窗" in texts and "联系" in texts, (look, ratios)
                low = [r for r in ratios if r["ratio"] < 4.5]
                assert not low, (look, width, low)


def test_first_visit_stays_under_100_kb_on_either_engine(sites):
    """Issue 25: HTML + the CSS and JS a page loads, gzipped, on a first visit (photos aside), at most
    100 KB on each page type under both engines. Zensical's own bundle (a Preact search dialog that
    kepu's search replaces) made its home page 105 KB; its pages load Material's bundle instead."""
    from kepu.bench.run import page_weight
    from kepu.engine import zensical

    heavy = {}
    for name, site in sites.items():
        for rel in [*KEY_PAGES, "search/index.html"]:
            w = page_weight(site, rel)
            if w.total_gz > 100 * 1024 or w.external:
                heavy[f"{name} {rel}"] = (w.total_gz, w.external)
    assert not heavy, heavy
    home = (sites["zensical"] / "index.html").read_text(encoding="utf-8")
    scripts = re.findall(r'<script src="([^"]+)"', home)
    assert scripts == ["./" + zensical.BUNDLE, "./assets/kepu/kepu.js"], scripts
    bundle = (sites["zensical"] / zensical.BUNDLE).read_bytes()
    assert bundle.rstrip().endswith(b"})();") and b"sourceMappingURL" not in bundle
    assert bundle.rstrip() == zensical.material_bundle().read_bytes().split(b"\n//# sourceMappingURL")[0].rstrip()


# Zensical's own markup outside every block an override can replace, beside Material's (test_checkers.MATERIAL)
ZENSICAL = [
    ("The “aria-hidden” attribute must not be used on any “label” element", 'class="md-overlay" for="__drawer" aria-hidden',
     "Zensical's base.html: the drawer's overlay label is aria-hidden (outside every block)"),
]


def test_the_nu_checker_finds_no_error_in_kepus_markup_under_zensical(sites):
    """The Nu HTML Checker on one page of each kind the Zensical build makes (the MkDocs build: every
    page, tests/test_checkers.py)."""
    import json
    import shutil

    from test_checkers import MATERIAL, VNU

    if not VNU.is_file() or not shutil.which("java"):
        pytest.skip("需要 tests/node_modules 里的 vnu-jar 和 Java（.ci/run 会安装）")
    site = sites["zensical"]
    pages = [str(site / rel) for rel in [*KEY_PAGES, "search/index.html", "about/index.html", "404.html"]]
    proc = subprocess.run(["java", "-jar", str(VNU), "--errors-only", "--format", "json", *pages],
                          capture_output=True, text=True, encoding="utf-8")
    messages = json.loads(proc.stderr)["messages"]
    assert not any(m.get("type") == "non-document-error" for m in messages), messages[:3]
    known = MATERIAL + ZENSICAL
    ours = [f"{m['url'].split('/site-zensical/')[-1]}:{m.get('lastLine')}: {m['message']} | {m.get('extract', '').strip()[:120]}"
            for m in messages if not any(m["message"].startswith(msg) and part in m.get("extract", "") for msg, part, _ in known)]
    assert ours == [], "\n".join(ours[:20])


@needs_chromium
@pytest.mark.parametrize("width", [390, 1280])
def test_axe_reports_no_violation_on_the_zensical_site(served, width):
    """axe-core (WCAG 2.1 AA) on the pages residents read, as Zensical builds them (MkDocs: test_a11y.py)."""
    from test_a11y import READING, _need_axe, axe_problems

    _need_axe()
    bases, b = served
    problems = axe_problems(b, bases["zensical"], width, READING)
    assert problems == {}, problems


def test_without_material_the_zensical_site_keeps_zensicals_own_bundle(tmp_path, monkeypatch):
    from kepu.engine import zensical

    own = tmp_path / "assets" / "javascripts" / "bundle.77dd0ce9.min.js"
    own.parent.mkdir(parents=True)
    own.write_bytes(b"(()=>{zensical})();\n//# sourceMappingURL=bundle.77dd0ce9.min.js.map\n")
    monkeypatch.setattr(zensical, "material_bundle", lambda: None)
    assert zensical.write_bundle(tmp_path)
    assert (tmp_path / zensical.BUNDLE).read_bytes() == b"(()=>{zensical})();\n"
    own.unlink()
    assert not zensical.write_bundle(tmp_path)  # neither bundle: the build fails rather than ship a page without its script


BEHAVIOUR_JS = """() => ({
  js: document.documentElement.classList.contains('js'),
  top: document.querySelector('.md-top') ? !document.querySelector('.md-top').hidden : null,
  shadow: document.querySelector('.md-header').classList.contains('md-header--shadow'),
  title: document.querySelector('.md-header__title').classList.contains('md-header__title--active'),
  active: [...document.querySelectorAll('.md-sidebar--secondary .md-nav__link--active')].map(a => a.textContent.trim()),
})"""


@needs_chromium
def test_the_engine_script_does_the_same_on_either_engine(served):
    """What Material's bundle does on a page (header shadow and title, the table of contents that follows
    the reading, the back-to-top button, the header search box) behaves the same on the Zensical site,
    with no script error."""
    bases, b = served
    seen = {}
    for name, base in bases.items():
        page = b.new_page(viewport={"width": 1280, "height": 800})
        errors = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(base + "2026/11/")
        page.wait_for_load_state("networkidle")
        start = page.evaluate(BEHAVIOUR_JS)
        page.mouse.wheel(0, 3000)
        page.wait_for_timeout(500)
        page.mouse.wheel(0, -400)
        page.wait_for_function("() => document.querySelector('.md-top') && !document.querySelector('.md-top').hidden")
        after = page.evaluate(BEHAVIOUR_JS)
        page.set_viewport_size({"width": 390, "height": 800})
        page.goto(base)
        page.click("label.md-header__button[for=__search]")
        page.wait_for_function("() => document.activeElement && document.activeElement.id === 'kp-search-input'")
        page.close()
        assert start["js"] and not start["shadow"] and not start["top"], (name, start)
        assert after["shadow"] and after["title"] and after["top"] and after["active"], (name, after)
        assert not errors, (name, errors)
        seen[name] = after
    assert seen["mkdocs"] == seen["zensical"], seen


# ------------------------------------------------------------------ kepu's checks, either engine

BROKEN = GOOD_ISSUE.replace("接种流感疫苗是预防流感最有效的手段。",
                            "接种流感疫苗是预防流感最有效的手段。\n\n详见[上期](2026-13.md)。\n\n![合影](images/没有这张.jpg)")


def _copy_theme(root: Path) -> None:
    from sitecopy import copy_theme_and_pages

    copy_theme_and_pages(root)


@pytest.mark.parametrize("name", ENGINES)
def test_broken_link_and_image_are_kepu_errors_with_path_line_on_either_engine(site, capsys, name):
    _copy_theme(site.root)
    path = site.write("bulletins/2026/2026-11.md", BROKEN)
    assert build(site.root, today=TODAY, engine_name=name) == 1
    out = capsys.readouterr()
    text = out.out + out.err
    lines = path.read_text(encoding="utf-8").split("\n")
    link_line = next(n for n, ln in enumerate(lines, 1) if "2026-13.md" in ln)
    image_line = next(n for n, ln in enumerate(lines, 1) if "没有这张" in ln)
    assert re.search(rf"^bulletins/2026/2026-11\.md:{link_line}: 错误: .*2026-13", text, re.M), text
    assert re.search(rf"^bulletins/2026/2026-11\.md:{image_line}: 错误: .*没有这张", text, re.M), text
    assert not re.search(r"Warning|Traceback|Error|WARNING|does not exist", text), text
    assert not (site.root / "site").exists()


def test_a_zensical_warning_the_check_missed_reaches_the_volunteer_in_chinese(site, capsys, monkeypatch):
    """The safety net: with kepu's link check switched off, Zensical's own warning stops the build
    and the volunteer sees the bulletin and line in Chinese, never Zensical's English or a traceback."""
    import kepu.content.loader

    monkeypatch.setattr(kepu.content.loader, "_check_links", lambda *args: None)
    _copy_theme(site.root)
    path = site.write("bulletins/2026/2026-11.md", GOOD_ISSUE + "\n看[下期](2026-13.md)\n")
    assert build(site.root, today=TODAY, engine_name="zensical") == 1
    out = capsys.readouterr()
    text = out.out + out.err
    line = next(n for n, ln in enumerate(path.read_text(encoding="utf-8").split("\n"), 1) if "2026-13.md" in ln)
    assert f"bulletins/2026/2026-11.md:{line}: 错误: 网站生成时发现链接「2026-13.md」" in text, text
    assert not re.search(r"Warning|Traceback|Aborted|RuntimeError|does not exist", text), text
    assert not (site.root / "site").exists() and not list(site.root.glob(".kepu-zensical*"))


def test_zensical_output_is_parsed_and_anything_unknown_goes_to_a_log(tmp_path, capsys):
    from kepu.engine import zensical

    sample = ("Build started\n\x1b[33mWarning:\x1b[0m page does not exist\n   ╭─[ 2026/11/index.md:7:12 ]\n   │\n"
              " 7 │ 详见[上期](2026-13.md)。\n   │ ───┬───\n───╯\n1 issue found\nTraceback (most recent call last):\n"
              '  File "x", line 1, in <module>\nRuntimeError: Aborted because --strict flag is set\n')
    broken, unknown = zensical.parse_output(sample)
    assert broken == [("2026/11/index.md", "2026-13.md")] and unknown == []
    broken, unknown = zensical.parse_output("Traceback (most recent call last):\n  File \"x\"\nValueError: boom\n")
    assert broken == [] and "ValueError: boom" in unknown[0]
    lines = engine.report(tmp_path, [], unknown, None, "zensical", zensical.LOG_NAME)
    assert "boom" not in " ".join(lines) and "技术志愿者" in lines[0]
    assert "ValueError: boom" in (tmp_path / ".kepu-cache" / "logs" / zensical.LOG_NAME).read_text(encoding="utf-8")


def test_zensical_clean_does_not_delete_kepus_caches(sites):
    """`zensical build --clean` empties .cache/ (Zensical's own, fixed name); kepu's images and QR
    codes are in .kepu-cache/ and survive it."""
    root = sites["zensical"].parent
    cache = engine.cache_dir(root)
    before = sorted(p.relative_to(cache).as_posix() for p in cache.rglob("*") if p.is_file())
    assert "qr.json" in before and any(p.startswith("images/") for p in before)
    config = root / ".kepu-zensical-clean-test.yml"
    config.write_text("INHERIT: mkdocs.yml\nsite_dir: site-clean\n", encoding="utf-8")
    try:
        proc = subprocess.run([sys.executable, "-m", "zensical", "build", "--clean", "-f", str(config)],
                              cwd=root, capture_output=True, env={**os.environ, "NO_COLOR": "1"})
    finally:
        config.unlink()
    assert proc.returncode == 0, proc.stderr[-2000:]
    after = sorted(p.relative_to(cache).as_posix() for p in cache.rglob("*") if p.is_file())
    assert set(before) <= set(after)


# ------------------------------------------------------------------ choosing the engine

def test_extra_engine_is_checked_with_a_did_you_mean(site):
    yml = site.root / "mkdocs.yml"
    yml.write_text(yml.read_text(encoding="utf-8") + "  engine: zensicla\n", encoding="utf-8")
    errors = site.errors()
    assert [e for e in errors if e.startswith("mkdocs.yml:") and "zensicla" in e and "你是不是想写「zensical」" in e], errors
    yml.write_text(yml.read_text(encoding="utf-8").replace("zensicla", "Zensical"), encoding="utf-8")
    assert not [e for e in site.errors() if "engine" in e]
    assert site.load().site.settings.engine == "zensical"


def test_engine_on_the_command_line_is_checked_in_chinese(capsys):
    from kepu.cli import main

    with pytest.raises(SystemExit):
        main(["build", "--engine", "zensicl"])
    err = capsys.readouterr().err
    assert "你是不是想写 zensical" in err and "invalid choice" not in err


def test_a_missing_engine_says_how_to_install_it(site, capsys, monkeypatch):
    _copy_theme(site.root)
    site.write("bulletins/2026/2026-11.md", GOOD_ISSUE)
    monkeypatch.setattr(engine, "available", lambda name: name != "zensical")
    assert build(site.root, today=TODAY, engine_name="zensical") == 1
    err = capsys.readouterr().err
    assert "tasks.py setup --engine zensical" in err and "没有安装 Zensical" in err
    assert not (site.root / "site").exists()


def test_nothing_imports_material_or_zensical_for_data():
    """Topic icons are vendored (scripts/kepu/data/icons/); checking and generating never import
    an engine's package, so either engine (or a newer one that moved its icons) works."""
    code = ("import sys; from datetime import date; from pathlib import Path\n"
            "from kepu.build import generate_all; from kepu.content.loader import load_site\n"
            f"r = load_site(Path({str(Path(__file__).parent / 'fixtures' / 'example')!r}), today=date(2026, 11, 29))\n"
            "assert not r.problems.errors\n"
            "from kepu.content.topics import icon_svg; assert icon_svg('material/heart-pulse').startswith('<svg')\n"
            "bad = [m for m in sys.modules if m.split('.')[0] in ('material', 'zensical', 'mkdocs')]\n"
            "assert not bad, bad\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-2000:]


def test_unknown_icon_lists_the_available_names(site):
    topics = site.root / "bulletins" / "topics.yml"
    topics.write_text(topics.read_text(encoding="utf-8").replace("material/heart-pulse", "material/heart-pulse-x", 1),
                      encoding="utf-8")
    errors = [e for e in site.errors() if "heart-pulse-x" in e]
    assert errors and "material/heart-pulse" in errors[0] and "material/recycle" in errors[0] and "material/virus" in errors[0]
