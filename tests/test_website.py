"""The built website: URLs, pages, navigation, links, and the build's safety rules."""
from __future__ import annotations

import re
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlparse

import pytest
from sitecopy import copy_built

from kepu.build import build
from kepu.content.loader import load_site

TODAY = date(2026, 11, 29)


@pytest.fixture(scope="module")
def own(built, tmp_path_factory):
    """A copy of the built example site that the tests below may change (and restore)."""
    return copy_built(built, tmp_path_factory.mktemp("site"))


def page(root: Path, url: str) -> str:
    return (root / "site" / url / "index.html").read_text(encoding="utf-8")


class Refs(HTMLParser):
    def __init__(self):
        super().__init__()
        self.refs: list[tuple[str, str, str]] = []  # (tag, attr, value)
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        for k, v in attrs:
            if k == "id" and v:
                self.ids.add(v)
            if k in ("href", "src") and v is not None:
                self.refs.append((tag, k, v))


def parse(html: str) -> Refs:
    r = Refs()
    r.feed(html)
    return r


def test_public_url_scheme(built):
    model = load_site(built, today=TODAY).site
    site = built / "site"
    for issue in model.issues:
        assert (site / f"{issue.year:04d}/{issue.month:02d}/index.html").is_file()
    for act in model.activities:
        assert (site / f"{act.date:%Y/%m/%d}-{act.slug}/index.html").is_file()
    for tid in model.topics:
        assert (site / "topics" / tid / "index.html").is_file()
    for year in model.years:
        assert (site / "archive" / str(year) / "index.html").is_file()
    for url in ("", "current/", "archive/", "topics/", "activities/", "about/", "guide/"):
        assert (site / url / "index.html").is_file(), url


def test_issue_page_has_number_panels_with_stable_anchors_and_topic_links(built):
    model = load_site(built, today=TODAY).site
    issue = model.issue(2026, 11)
    html = page(built, "2026/11")
    first = model.issues[0]
    expected_no = (2026 - first.year) * 12 + (11 - first.month) + 1
    assert f"第 {expected_no} 期" in html
    refs = parse(html)
    for n, panel in enumerate(issue.panels, 1):
        assert f"p{n}" in refs.ids
        assert panel.title in html
    topic_links = {v for t, a, v in refs.refs if "/topics/" in urljoin("/2026/11/", v)}
    for panel in issue.panels:
        assert f"../../topics/{panel.topic}/" in topic_links
    prev = model.issues[model.issues.index(issue) - 1]
    assert f"/{prev.year}/{prev.month:02d}/" in {urljoin("/2026/11/", v) for _, _, v in refs.refs}


def test_activity_page_info_block(built):
    model = load_site(built, today=TODAY).site
    act = next(a for a in model.past if a.participants and a.organizer)
    html = page(built, f"{act.date:%Y/%m/%d}-{act.slug}")
    info = re.search(r'<dl class="kp-info.*?</dl>', html, re.S).group(0)
    for text in (f"{act.date.year}年{act.date.month}月{act.date.day}日", act.location, act.organizer, f"{act.participants} 人"):
        assert text in info
    for tid in act.topics:
        assert model.topics[tid].name in info


def test_archive_year_shows_twelve_months_with_gaps(built):
    html = page(built, "archive/2025")
    assert len(re.findall(r'class="kp-month(?: kp-month--empty)?"', html)) == 12
    assert html.count("kp-month--empty") == 11  # the example starts in December 2025
    html = page(built, "archive/2026")
    assert html.count("kp-month--empty") == 1 and "尚未出版" in html  # December not out yet


def test_topic_page_lists_every_panel_and_activity(built):
    model = load_site(built, today=TODAY).site
    for tid in model.topics:
        html = page(built, f"topics/{tid}")
        hrefs = {urljoin(f"/topics/{tid}/", v) for _, _, v in parse(html).refs}
        for issue in model.issues:
            for p in issue.panels:
                if p.topic == tid:
                    assert f"/{issue.year}/{issue.month:02d}/#{p.anchor}" in hrefs
        for a in model.activities:
            if tid in a.topics:
                assert f"/{a.date:%Y/%m/%d}-{a.slug}/" in hrefs


def test_activities_page_upcoming_first_then_past(built):
    model = load_site(built, today=TODAY).site
    html = page(built, "activities")
    up = html.index('id="upcoming"')
    past = html.index('id="past"')
    for a in model.upcoming:
        assert up < html.index(a.title) < past
    for a in model.past:
        assert html.index(a.title) > past


def test_navigation_has_constant_size(built):
    """Every page carries the same small nav: the top-level sections of mkdocs.yml's nav,
    each linking to its section, never the hundreds of generated pages."""
    config = (built / "mkdocs.yml").read_text(encoding="utf-8")
    sections = re.findall(r"^  - (\S+): (\S+)$", config.split("\nnav:\n", 1)[1].split("\n\n", 1)[0], re.M)
    assert len(sections) == 7
    for url in ("", "2026/11", "topics/health", "archive/2026", "activities", "2026/11/07-fire-drill"):
        nav = re.search(r'<nav class="md-tabs".*?</nav>', page(built, url), re.S).group(0)
        links = re.findall(r'<a href="([^"]*)" class="md-tabs__link[^"]*">\s*(.*?)\s*</a>', nav, re.S)
        assert [name for _, name in links] == [name for name, _ in sections], url
        base = "https://example.org/" + (url + "/" if url else "")
        targets = [urljoin(base, href) for href, _ in links]
        assert targets == ["https://example.org/" + src.removesuffix("index.md") for _, src in sections], url


def test_every_internal_link_and_anchor_resolves(built):
    site = built / "site"
    # 404.html uses absolute links under site_url's path by design; every other page is relative
    pages = {p: p.read_text(encoding="utf-8") for p in site.rglob("*.html") if p.name != "404.html"}
    parsed = {p: parse(h) for p, h in pages.items()}
    broken = []
    for path, refs in parsed.items():
        base = "/" + path.parent.relative_to(site).as_posix() + "/"
        for tag, attr, value in refs.refs:
            if value.startswith(("mailto:", "tel:", "javascript:", "data:")) or value.startswith("#") and not value[1:]:
                continue
            url = urlparse(urljoin(base.replace("//", "/"), value))
            if url.scheme or url.netloc:
                continue  # absolute links (e.g. canonical) are not requests; checked elsewhere
            target = site / unquote(url.path).lstrip("/")
            if target.is_dir():
                target = target / "index.html"
            if not target.exists():
                broken.append(f"{path.relative_to(site)}: {value}")
                continue
            if url.fragment and target.suffix == ".html" and target in parsed and url.fragment not in parsed[target].ids:
                broken.append(f"{path.relative_to(site)}: {value} (no anchor)")
    assert broken == []


def test_no_held_html_block_is_left_in_the_built_site(built):
    """kepu's own HTML blocks pass through the engine in <!--kepu:html … --> comments
    (templating.html_block) and engine/unwrap.py puts every one back: no mark is left in
    any file of the site, raw or escaped, and the blocks are real HTML again."""
    generated = (built / "docs" / "2026" / "07" / "11-first-aid-training" / "index.md").read_text(encoding="utf-8")
    assert '<!--kepu:html <dl class="kp-info' in generated  # held in the Markdown the engine reads
    assert "markdown>" not in generated  # no md_in_html wrapper: the write-up is plain Markdown between marks
    from kepu.core.writer import is_generated_path

    for md in (built / "docs").rglob("*.md"):  # no block of kepu's fell back to raw HTML (html_block refused it)
        if is_generated_path(md.relative_to(built / "docs").as_posix()):
            text = re.sub(r"<!--.*?-->", "", md.read_text(encoding="utf-8"), flags=re.S)
            # photos in a write-up stay inline HTML in the volunteer's Markdown paragraph
            assert not re.search(r"^\s*</?[a-z](?!pan class=\"kp-figure\")", text, re.M), md
    files = [p for p in (built / "site").rglob("*") if p.is_file()]
    assert len(files) > 300
    left = [p.relative_to(built).as_posix() for p in files if b"kepu:html" in p.read_bytes()]
    assert left == []
    page = (built / "site" / "2026" / "07" / "11-first-aid-training" / "index.html").read_text(encoding="utf-8")
    assert '<dl class="kp-info" data-date="2026-07-11"><div><dt>日期</dt>' in page
    assert re.search(r'<div class="kp-writeup">\n<p>.*?</p>.*?\n</div>', page, re.S)  # the write-up is Markdown inside
    issue = (built / "site" / "2026" / "11" / "index.html").read_text(encoding="utf-8")
    assert re.search(r'<section class="kp-panel" style="--kp-c:#[0-9a-f]{6}">\n<h2 id="p1">', issue)


def test_no_resource_from_another_origin(built):
    site = built / "site"
    offenders = []
    for path in site.rglob("*.html"):
        html = path.read_text(encoding="utf-8")
        for m in re.finditer(r"<(script|img|iframe|source|video|audio)\b[^>]*\bsrc=[\"']((?:https?:)?//[^\"']+)", html):
            offenders.append(f"{path.name}: {m.group(2)}")
        for m in re.finditer(r"<link\b[^>]*>", html):
            tag = m.group(0)
            if re.search(r"rel=[\"']?(stylesheet|preconnect|preload|icon|modulepreload|dns-prefetch)", tag) and \
                    re.search(r"href=[\"']?(https?:)?//", tag):
                offenders.append(f"{path.name}: {tag}")
    for path in list(site.rglob("*.css")) + list(site.rglob("*.js")):
        text = path.read_text(encoding="utf-8", errors="replace")
        for m in re.finditer(r"@import\s+url\(\s*[\"']?(https?:)?//|fonts\.googleapis|fonts\.gstatic", text):
            offenders.append(f"{path.name}: {m.group(0)}")
    assert offenders == []


def test_build_refuses_when_the_check_fails_and_keeps_the_old_site(own, capsys):
    before = page(own, "2026/11")
    bad = own / "bulletins" / "2026" / "2026-11.md"
    original = bad.read_bytes()
    try:
        bad.write_text(original.decode("utf-8").replace("【", "【不存在的专题", 1), encoding="utf-8")
        assert build(own, today=TODAY) == 1
        out = capsys.readouterr()
        assert "bulletins/2026/2026-11.md" in out.out and "网站没有生成" in out.err
        assert page(own, "2026/11") == before
    finally:
        bad.write_bytes(original)


def test_hand_written_files_are_never_touched(own, capsys):
    hand = own / "docs" / "archive" / "extra.md"
    hand_dir = own / "docs" / "topics" / "index.md"
    guide = own / "docs" / "guide" / "index.md"
    guide_before = guide.read_bytes()
    hand.write_text("# 手写\n", encoding="utf-8")
    original = hand_dir.read_bytes()
    hand_dir.unlink()
    hand_dir.write_text("# 我自己写的专题页\n", encoding="utf-8")
    try:
        assert build(own, today=TODAY) == 1
        assert "留给自动生成的页面" in capsys.readouterr().out
        assert hand_dir.read_text(encoding="utf-8") == "# 我自己写的专题页\n"
        assert hand.read_text(encoding="utf-8") == "# 手写\n"
        assert guide.read_bytes() == guide_before
    finally:
        hand_dir.write_bytes(original)
        hand.unlink()


def test_stale_generated_pages_are_removed_and_sources_kept(own):
    act = next((own / "bulletins" / "2026").glob("2026-0[1-9]-*.md"))
    data = act.read_bytes()
    url = f"{act.stem[:4]}/{act.stem[5:7]}/{act.stem[8:]}"
    assert (own / "docs" / url / "index.md").is_file()
    act.unlink()
    try:
        assert build(own, today=TODAY) == 0
        assert not (own / "docs" / url).exists()
        assert not (own / "site" / url).exists()
    finally:
        act.write_bytes(data)
        assert build(own, today=TODAY) == 0


def test_generated_area_is_git_ignored():
    from sitecopy import REPO
    import subprocess

    rels = ["docs/index.md", "docs/2026/11/index.md", "docs/topics/health/index.md", "docs/archive/index.md",
            "docs/activities/index.md", "docs/current/index.md", "docs/assets/generated/media/x.jpg"]
    r = subprocess.run(["git", "check-ignore", *rels], cwd=REPO, capture_output=True, text=True)
    assert r.stdout.split() == rels
    r = subprocess.run(["git", "check-ignore", "docs/guide/index.md", "docs/about/index.md"], cwd=REPO, capture_output=True)
    assert r.returncode == 1  # hand-written pages are tracked
