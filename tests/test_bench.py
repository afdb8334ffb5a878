"""Benchmark (issue 7): size budgets only (sizes are deterministic; timings never asserted)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from kepu import search_index
from kepu.bench import run
from kepu.bench.corpus import CorpusSpec, write_corpus


@pytest.fixture(scope="module", autouse=True)
def frozen_project(tmp_path_factory):
    """The corpus takes mkdocs.yml and topics.yml from the project: in tests, from the frozen example."""
    from sitecopy import copy_site

    from kepu.bench import corpus

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(corpus, "PROJECT", copy_site(tmp_path_factory.mktemp("project")))
        yield

def tree_bytes(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_corpus_is_deterministic_and_both_sites_have_the_same_items(tmp_path):
    spec = CorpusSpec(years=1, acts_per_month=2, seed=7)
    a = write_corpus(spec, tmp_path / "a")[0]
    b = write_corpus(spec, tmp_path / "b")[0]
    c = write_corpus(CorpusSpec(years=1, acts_per_month=2, seed=8), tmp_path / "c")[0]
    assert tree_bytes(a.kepu / "bulletins") == tree_bytes(b.kepu / "bulletins")
    assert tree_bytes(a.blog / "docs") == tree_bytes(b.blog / "docs")
    assert tree_bytes(a.kepu / "bulletins") != tree_bytes(c.kepu / "bulletins")
    posts = list((a.blog / "docs" / "blog" / "posts").rglob("*.md"))
    assert len(posts) == a.issues + a.activities and a.issues == 12
    from kepu.loader import load_site
    from kepu.bench.corpus import TODAY

    result = load_site(a.kepu, today=TODAY)
    assert not result.problems.errors, [p.format() for p in result.problems.errors]
    assert len(result.site.issues) == a.issues and len(result.site.activities) == a.activities
    assert len(result.site.upcoming) == spec.upcoming
    panels = [p for i in result.site.issues for p in i.panels]
    assert all(150 <= p.body_chars <= 1200 for p in panels)


def test_compact_index_removes_markup_escapes_and_repeated_text():
    data = {"config": {"separator": "[\\s\\u200b]+"}, "docs": [
        {"location": "2026/11/", "title": "流感\u200b怎么\u200b防", "text": "<p>接种\u200b疫苗</p>\n<ul><li>勤\u200b洗手</li></ul>"},
        {"location": "current/", "title": "本期", "text": "<p>接种\u200b疫苗</p><ul><li>勤\u200b洗手</li></ul>"},
        {"location": "x/", "title": "a &amp; b", "text": "1 &lt; 2"},
    ]}
    out, dropped = search_index.compact_data(data)
    assert [d["text"] for d in out["docs"]] == ["接种\u200b疫苗 勤\u200b洗手", "", "1 &lt; 2"]
    assert dropped == 1
    raw = search_index.dumps(out)
    assert "流感".encode() in raw and b"\\u" not in raw.split(b'"docs"')[1]
    assert json.loads(raw)["config"] == data["config"]


@pytest.fixture(scope="module")
def quick_report(tmp_path_factory):
    return run.bench(run.QUICK, rounds=1, work=tmp_path_factory.mktemp("bench"), full=False, log=lambda m: None)


def test_quick_bench_meets_every_size_budget(quick_report):
    rep = quick_report
    text = run.render(rep)
    failed = run.failed_size_budgets(rep)
    assert not failed, text
    by_line = {b.line: b for b in rep.budgets}
    assert by_line["首页传输量（gzip，不含照片）"].ok
    assert by_line["没有超过 100 KB 的 HTML 页面"].ok
    assert rep.kepu_stats.index_escapes == 0 and rep.kepu_stats.index_markup == 0
    assert rep.blog_stats.index_escapes > 0  # the baseline really is escaped: the check can see escapes
    assert rep.kepu_stats.index_gz <= rep.blog_stats.index_gz
    assert "| 搜索索引（gzip） |" in text and "| 预算 | 实测 | 要求 | 结果 |" in text


def test_one_changed_activity_rewrites_only_its_own_files(quick_report):
    written = quick_report.rebuild_written
    assert written, "the changed activity was not regenerated"
    assert any(w.endswith("/index.md") and "-" in w.split("/")[-2] for w in written), written
    assert len(written) <= max(5, quick_report.rebuild_files // 50), written


def test_weights_count_css_and_js_the_page_loads(tmp_path):
    site = tmp_path / "site"
    (site / "a").mkdir(parents=True)
    (site / "assets").mkdir()
    (site / "assets" / "x.css").write_text("body{color:red}" * 500)
    (site / "assets" / "x.js").write_text("console.log(1);" * 500)
    (site / "a" / "index.html").write_text('<link rel="stylesheet" href="../assets/x.css?v=1">'
                                           '<script src="../assets/x.js"></script><script src="https://cdn.example/x.js"></script>')
    w = run.page_weight(site, "a/index.html")
    assert w.assets_gz == run.gz((site / "assets" / "x.css").read_bytes()) + run.gz((site / "assets" / "x.js").read_bytes())
    assert w.external == ["https://cdn.example/x.js"]


def test_material_search_finds_chinese_in_the_compacted_index(built):
    """The compacted index still works with Material's own client search.

    In about one headless page load in fifteen, Material's client never leaves
    "键入以开始搜索" (its worker does not report ready), with or without our
    index; a reader would reload. So the test allows up to three page loads,
    and fails if none of them finds 流感."""
    from browser import browser, serve_dir

    raw = (built / "site" / "search" / "search_index.json").read_bytes()
    assert "流感".encode() in raw and b"<p>" not in raw
    found = ""
    with serve_dir(built / "site") as base, browser() as b:
        for _load in range(3):
            page = b.new_page(viewport={"width": 1280, "height": 900})
            with page.expect_response(lambda r: r.url.endswith("search/search_index.json") and r.ok, timeout=60000):
                page.goto(base)
            page.click("input.md-search__input")
            items = page.locator(".md-search-result__item")
            for _ in range(40):  # the worker loads the index in the background; retype until it answers
                page.fill("input.md-search__input", "")
                page.keyboard.type("流感")
                page.wait_for_timeout(500)
                if items.count():
                    found = page.locator(".md-search-result").inner_text()
                    break
            page.close()
            if found:
                break
    assert "流感" in found
