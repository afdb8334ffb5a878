"""The search index is built once from the model (no theme plugin, no jieba): every panel,
activity, issue and topic is one document with its own link; keys are character
bigrams (plus single Han characters), so any substring of a Chinese word is found."""
from __future__ import annotations

import copy
import json
import os
import random
import re
import shutil

from kepu.views import search_index
from kepu.core import urls
from kepu.core.sanitize import plain_text
from kepu.views.search_index import keys, normalize


def load_index(site_dir):
    folder = site_dir / "search"
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    docs = [json.loads((folder / meta["v"] / f"d{n}.json").read_text(encoding="utf-8")) for n in range(meta["docs"])]
    shards = [json.loads((folder / meta["v"] / f"s{n}.json").read_text(encoding="utf-8")) for n in range(meta["shards"])]
    return meta, docs, shards


def test_every_panel_activity_issue_and_topic_is_one_document(built, example):
    meta, docs, _ = load_index(built / "site")
    assert meta["docs"] == len(docs)
    locations = [d["u"] for d in docs]
    for issue in example.issues:
        assert locations.count(urls.issue(issue)) == 1
        for p in issue.panels:
            assert locations.count(urls.panel(issue, p)) == 1
    for act in example.activities:
        assert locations.count(urls.activity(act)) == 1
    for tid in example.topics:
        assert locations.count(urls.topic(tid)) == 1
    for listing in ("", "archive/", "activities/", "topics/", "current/"):
        assert listing not in locations  # listings repeat other pages' text
    assert not (built / "site" / "search" / "search_index.json").exists()  # no Material index any more


def test_documents_are_plain_text_newest_first_with_issue_and_topic(built, example):
    _, docs, _ = load_index(built / "site")
    issue = example.issue(2026, 11)
    panel = issue.panels[0]
    [doc] = [d for d in docs if d["u"] == urls.panel(issue, panel)]
    assert doc["t"] == panel.title and doc["k"] == "展板"
    assert doc["x"] == plain_text(panel.body) and "<" not in doc["x"] and "**" not in doc["x"]
    assert f"第{issue.number}期" in doc["m"] and example.topics[panel.topic].name in doc["p"]
    dated = [d["d"] for d in docs if d["d"]]
    assert dated == sorted(dated, reverse=True)


def test_every_key_of_every_document_points_back_to_it(built):
    meta, docs, shards = load_index(built / "site")
    for n in (0, len(docs) // 2, len(docs) - 1):
        d = docs[n]
        title_keys = keys(normalize(d["t"]))
        for k in keys(normalize(d["t"] + " " + d["x"])):
            ids = search_index.decode(shards[search_index.shard_of(k, meta["shards"])][k])
            assert n * 2 + (k in title_keys) in ids, k


def test_keys_are_bigrams_single_han_characters_and_latin_digit_runs():
    assert keys(normalize("一氧化碳")) == {"一氧", "氧化", "化碳", "一", "氧", "化", "碳"}
    assert keys(normalize("ＰＭ２．５")) == {"pm", "m2", "5"}  # full-width folded, "." splits
    assert keys(normalize("拨打119")) >= {"打1", "11", "19"}
    # one character for one: offsets into the shown text hold for highlighting
    text = "ＰＭ２．５和İ，一氧化碳℃"
    assert len(normalize(text)) == len(text)


def test_the_index_is_rewritten_when_content_changes_and_old_versions_go(tmp_path, example):
    first = search_index.write_index(tmp_path, example)
    v1 = json.loads((tmp_path / "search" / "meta.json").read_text())["v"]
    assert first.docs > 0 and (tmp_path / "search" / v1).is_dir()
    changed = copy.deepcopy(example)  # the session's example stays as it is
    changed.issues[-1].panels[0].text += " 新加的一句话"  # the index reads the derived plain text
    search_index.write_index(tmp_path, changed)
    v2 = json.loads((tmp_path / "search" / "meta.json").read_text())["v"]
    assert v2 != v1 and not (tmp_path / "search" / v1).exists()
    assert [p.name for p in (tmp_path / "search").iterdir() if re.fullmatch(r"[0-9a-f]{12}", p.name)] == [v2]


def test_rewriting_never_writes_into_a_file_another_build_shares(tmp_path, example, monkeypatch):
    # `kepu serve` may hard-link the last build's files into the next one: a file kepu
    # rewrites must be a new file, never the shared one written in place.
    search_index.write_index(tmp_path / "a", example)
    before = {p: p.read_bytes() for p in (tmp_path / "a" / "search").rglob("*") if p.is_file()}
    shutil.copytree(tmp_path / "a", tmp_path / "b", copy_function=os.link)
    search_index.write_index(tmp_path / "b", example)  # same content: same version folder again
    changed = copy.deepcopy(example)
    changed.issues[-1].panels[0].text += " 新加的一句话"
    search_index.write_index(tmp_path / "b", changed)
    shutil.rmtree(tmp_path / "b")
    shutil.copytree(tmp_path / "a", tmp_path / "b", copy_function=os.link)
    monkeypatch.setattr(shutil, "rmtree", lambda *a, **k: None)  # an old version folder that could not be removed
    search_index.write_index(tmp_path / "b", example)
    assert {p: p.read_bytes() for p in (tmp_path / "a" / "search").rglob("*") if p.is_file()} == before
    assert not [p for p in (tmp_path / "b" / "search").rglob("*.tmp")]


def test_search_page_is_generated_and_works_without_javascript_as_links(built):
    html = (built / "site" / "search" / "index.html").read_text(encoding="utf-8")
    assert 'id="kp-search-page"' in html and 'name="q"' in html
    nojs = re.search(r"<noscript>(.*?)</noscript>", html, re.S)[1]
    assert "JavaScript" in nojs and 'href="../archive/"' in nojs and 'href="../topics/"' in nojs
    home = (built / "site" / "index.html").read_text(encoding="utf-8")
    form = re.search(r'<form[^>]*id="kp-search-form"[^>]*>', home)[0]
    assert 'action="./search/"' in form and 'method="get"' in form
    assert re.search(r'<input[^>]*name="q"[^>]*aria-label="[^"]+"', home)  # labelled
    assert "search_index.json" not in home and "search.js" in home  # loaded on demand only


def test_hand_written_pages_are_searchable_by_section_as_guide_or_note(built):
    """docs/guide/… and docs/about/ are read from the finished HTML (the article region any
    Material-template engine renders), one document per ## section, typed 指南 or 说明."""
    _, docs, _ = load_index(built / "site")
    by_url = {d["u"]: d for d in docs}
    guide = by_url["guide/"]
    assert guide["k"] == "指南" and guide["t"] == "志愿者指南：怎么写月刊和活动"
    section = by_url["guide/#issue"]  # ## 月刊怎么写 {#issue}
    assert section["t"] == "月刊怎么写" and section["k"] == "指南" and "志愿者指南" in section["m"]
    assert "bulletins/2026/2026-11.md" in section["x"] and "<code>" not in section["x"]
    assert 'id="issue"' in (built / "site" / "guide" / "index.html").read_text(encoding="utf-8")
    assert by_url["about/"]["k"] == "说明" and by_url["about/"]["t"] == "关于科普橱窗"
    assert any(u.startswith("guide/preview/#") for u in by_url)
    model = [d for d in docs if d["k"] not in ("指南", "说明")]
    assert docs[:len(model)] == model  # the model's documents first, newest first; pages after them
    html = (built / "site" / "search" / "index.html").read_text(encoding="utf-8")
    kind = re.search(r'<select id="kp-search-kind".*?</select>', html, re.S)[0]
    assert '<option value="指南">' in kind and '<option value="说明">' in kind


def test_article_sections_reads_only_the_article_text():
    html = """<html><body><nav>菜单 不要</nav>
    <article class="md-content__inner md-typeset">
      <a class="md-content__button" href="#">编辑此页</a>
      <h1 id="t">关于<a class="headerlink" href="#t">¶</a></h1><p>开头一段 &amp; 说明。</p>
      <script>var 不要 = 1;</script>
      <h2 id="how">怎么用</h2><p>第一段</p><ul><li>甲</li><li>乙</li></ul>
      <h3 id="sub">小标题</h3><p>小节<br>换行 &lt;br&gt;</p>
      <h2>没有 id</h2><table><tr><td>单元格</td><td>二</td></tr></table>
    </article><footer>页脚 不要</footer></body></html>"""
    docs = search_index.article_sections(html, "about/", "说明")
    assert [(d["u"], d["t"], d["m"]) for d in docs] == [
        ("about/", "关于", ""), ("about/#how", "怎么用", "关于"), ("about/", "没有 id", "关于")]
    assert docs[0]["x"] == "开头一段 & 说明。"
    assert docs[1]["x"] == "第一段 甲 乙 小标题 小节 换行 <br>"  # blocks apart, headings below ## stay in their section
    assert docs[2]["x"] == "单元格 二"
    assert search_index.article_sections("<html><p>没有正文区</p></html>", "x/", "说明") == []
    assert search_index.page_url("guide/index.md") == "guide/" and search_index.page_url("guide/preview.md") == "guide/preview/"
    assert search_index.page_url("performance.md") == "performance/" and search_index.page_url("index.md") == ""


def test_postings_are_compact_varints_and_filters_are_keys():
    values = [0, 1, 2, 31, 32, 33, 1000, 1001, 40000]
    text = search_index.encode(values)
    assert search_index.decode(text) == values
    assert len(search_index.encode([2 * n for n in range(100)])) == 100  # a delta below 32 is one character
    assert json.dumps(text) == f'"{text}"'  # nothing to escape in JSON
    docs = [{"t": "防诈", "x": "冒充客服", "k": "展板", "d": "2026-11", "p": ["反诈法治"]},
            {"t": "指南", "x": "客服", "k": "指南", "d": "", "p": []}]
    post = {k: list(v) for k, v in search_index.postings(docs).items()}  # 4-byte arrays
    assert post["k:展板"] == [0] and post["y:2026"] == [0] and post["p:反诈法治"] == [0] and post["k:指南"] == [2]
    assert post["客服"] == [0, 2] and post["防诈"] == [1]  # doc*2 + in title
    assert not any(k.startswith("y:") and 2 in v for k, v in post.items())  # no date, no year key


def test_a_query_fetches_the_documents_it_shows_not_whole_chunks(built):
    folder = built / "site" / "search"
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    plan = search_index.fetch_plan(folder, "安全")
    docs = [f for f in plan if re.search(r"/d\d+\.json$", f)]
    assert len(docs) == search_index.BATCH  # the example has more than 20 documents with 安全
    assert len(search_index.fetch_plan(folder, "安全", limit=search_index.DROPDOWN)) == 1 + 1 + search_index.DROPDOWN
    assert len([f for f in plan if re.search(r"/s\d+\.json$", f)]) == 1  # one key, one shard
    filtered = search_index.fetch_plan(folder, "安全", filters={"kind": "活动", "year": "2026"})
    ids = [int(m[1]) for f in filtered if (m := re.search(r"/d(\d+)\.json$", f))]
    _, docs_all, _ = load_index(built / "site")
    assert ids and all(docs_all[i]["k"] == "活动" and docs_all[i]["d"].startswith("2026") for i in ids)
    assert not (folder / meta["v"] / "f.json").exists()


def test_bytes_per_query_do_not_grow_with_the_corpus(tmp_path):
    """The design behind the bench's budgets: a query downloads its keys' shards (kept ~2 KB by
    doubling their number) and the 20 documents it shows, so its cost stops growing once a query
    has 20 candidates, while the blog plugin's index grows with every post. Model only, no MkDocs."""
    from kepu.bench import run
    from kepu.bench.corpus import TODAY, CorpusSpec, write_corpus
    from kepu.content.loader import load_site

    costs = {}
    for years in (1, 2):
        com = write_corpus(CorpusSpec(years=years, acts_per_month=5, blog=False), tmp_path / f"y{years}")[0]
        site = load_site(com.kepu, today=TODAY).site
        for rel, data in search_index.build_files(site).items():
            (tmp_path / f"s{years}" / rel).parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / f"s{years}" / rel).write_bytes(data)
        costs[years] = run.kepu_search_cost(tmp_path / f"s{years}")
    small, big = costs[1], costs[2]
    assert len(big.queries) >= 30
    # the costliest query already fetches its 20 documents in one year; a second year adds little
    assert big.max_gz[2] <= 1.3 * small.max_gz[2], (small.max_gz, big.max_gz)
    assert big.median_gz <= 40 * 1024 and big.max_gz[2] <= 60 * 1024  # 10 years: median 19 KB, max 24 KB


# ---- synonyms (kepu.content.synonyms + search_index.expand; search.js expand() is compared in the browser tests)

def _table(*rows):
    return search_index.normalized_table([list(map(list, r)) for r in rows])


def test_kepus_synonym_table_reads_cleanly_and_is_small():
    import gzip

    from kepu.content.problems import Problems
    from kepu.content.synonyms import DEFAULTS, builtin, read_groups

    problems = Problems(DEFAULTS.parent)
    groups = read_groups(DEFAULTS, problems)
    assert not problems.items, [p.format() for p in problems.items]
    assert groups == builtin() and len(groups) >= 30
    table = search_index.synonym_table(groups)
    raw = json.dumps(table, ensure_ascii=False, separators=(",", ":")).encode()
    assert len(gzip.compress(raw)) < 1500  # part of meta.json, fetched with every first search of a page
    words = [w for row in search_index.normalized_table(table) for part in row for w in part]
    assert all(len(w) >= 2 and keys(w) for w in words)


def test_expand_finds_the_words_residents_type_for_what_panels_say():
    from kepu.content.synonyms import builtin

    table = search_index.normalized_table(search_index.synonym_table(builtin()))
    ex = lambda w: search_index.expand(normalize(w), table)  # noqa: E731
    assert {"反诈", "诈骗"} <= set(ex("防诈"))
    assert {"防诈", "诈骗"} <= set(ex("反诈"))  # 防诈 also finds every 防诈骗
    assert "垃圾分类" in ex("垃圾分拣") and "垃圾分拣" in ex("垃圾分类")
    assert {"心肺复苏", "aed"} <= set(ex("急救")) and "急救" not in ex("心肺复苏")  # also: one way only
    assert "卒中" in ex("中风") and "中风" in ex("卒中")
    assert {"认知症", "阿尔茨海默"} <= set(ex("老年痴呆"))
    assert {"燃气", "天然气"} <= set(ex("煤气"))
    assert "一氧化碳" in ex("煤气中毒")  # the longest word of the table wins over 煤气
    assert {"电信诈骗", "网络诈骗"} <= set(ex("手机诈骗"))
    assert "燃气灶" in ex("煤气灶") and "脑卒中" in ex("脑中风")  # a part of a longer word is replaced
    assert ex("急救电话") == []  # `also` only for the whole word: no 心肺复苏电话
    assert ex("安全") == [] and ex("诈骗") == []


def test_expand_never_returns_what_can_find_nothing_more():
    table = _table([["甲乙", "丙丁", "丙丁戊", "甲乙己"], ["庚辛"]], [["壬癸", "子丑"]])
    assert search_index.expand("甲乙", table) == ["丙丁", "庚辛"]  # 丙丁戊 holds 丙丁; 甲乙己 holds the word
    assert search_index.expand("甲乙子", table) == ["丙丁子", "丙丁戊子", "甲乙己子"]  # `also` not for a part
    assert search_index.expand("壬癸甲乙", table) == ["子丑甲乙", "壬癸丙丁"]  # each part in turn
    many = _table([[f"词{i:02d}" for i in range(20)]])
    assert len(search_index.expand("词00", many)) == search_index.MAX_ALTS
    assert search_index.expand("", table) == [] and search_index.expand("甲乙", []) == []
    # the table is spelt as written in meta.json, matched normalized
    assert search_index.expand("aed", _table([["AED", "除颤仪"]])) == ["除颤仪"]
    assert search_index.expand("除颤仪", _table([["AED", "除颤仪"]])) == ["aed"]


def test_meta_json_carries_the_table_and_exact_matches_are_fetched_first(built):
    folder = built / "site" / "search"
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    assert ["反诈", "防诈", "反诈骗", "防诈骗", "防骗"] in [row[0] for row in meta["syn"]]
    _, docs, _ = load_index(built / "site")
    shards, order, also = search_index.candidates(folder, meta, "防诈")
    shown = [docs[i] for i in order]
    exact = [("防诈" in normalize(d["t"] + " " + d["x"])) for d in shown]
    assert exact[0] and sum(exact) < len(exact) and exact == sorted(exact, reverse=True)  # exact first, then synonyms
    assert "反诈" in also and any("反诈" in d["t"] for d in shown)
    _, order, also = search_index.candidates(folder, meta, "电瓶车")  # not in the example: only synonyms
    assert also == ["电动自行车"] and "2026/06/#p2" in [docs[i]["u"] for i in order[:3]]
    assert search_index.candidates(folder, meta, "安全")[2] == []


def test_a_community_adds_synonyms_in_bulletins_and_mistakes_get_path_line_messages(site):
    from kepu.content.synonyms import FILE, builtin, load_synonyms

    site.write("bulletins/2026/2026-11.md", "---\ntitle: 社区\n---\n## 【安全】液化气钢瓶\n\n钢瓶要直立放。\n")
    site.write(str(FILE), "# 同义词\n- words: [煤气罐, 液化气钢瓶]\n- words: [老年大学]\n  also: [老年学校]\n")
    assert site.problems() == []
    groups = load_synonyms(site.root)
    assert groups[:len(builtin())] == builtin() and [g.words for g in groups[len(builtin()):]] == [("煤气罐", "液化气钢瓶"), ("老年大学",)]
    files = search_index.build_files(site.load().site)
    meta = json.loads(files["meta.json"])
    assert [["煤气罐", "液化气钢瓶"]] in meta["syn"] and [["老年大学"], ["老年学校"]] in meta["syn"]
    site.write(str(FILE), "- words: [煤气罐]\n- word: [甲乙, 丙丁]\n- words: [骗, 诈骗]\n- words: [液化 气, 钢瓶]\n"
                          "- 煤气罐\n- words：[老年大学, 老年学校]\n")
    got = "\n".join(site.problems())
    assert "bulletins/search-synonyms.yml:1: 错误: 这一组只有一个词「煤气罐」" in got
    assert "bulletins/search-synonyms.yml:2: 错误: 同义词里没有「word」这个键 — 你是不是想写「words」？" in got
    assert "bulletins/search-synonyms.yml:3: 错误: 「骗」太短" in got
    assert "bulletins/search-synonyms.yml:4: 错误: 「液化 气」中间有空格" in got
    assert "bulletins/search-synonyms.yml:5: 错误: 每组同义词应写成「- words: [词甲, 词乙]」" in got
    assert "bulletins/search-synonyms.yml:6: " in got  # the full-width colon: reported, and repaired
    assert [g.words for g in load_synonyms(site.root)[len(builtin()):]] == [("老年大学", "老年学校")]
    site.write(str(FILE), "words: [甲乙, 丙丁]\n")
    assert site.errors() == ["bulletins/search-synonyms.yml:1: 错误: search-synonyms.yml 应该是一个列表，每组同义词以「- words: 」开头 — "
                             "每组一段，例如：\n- words: [煤气, 燃气, 天然气]"]


def _keys_by_runs(text):  # keys() as first written: one run at a time
    out = set()
    for run in search_index.RUN.findall(text):
        if len(run) == 1:
            out.add(run)
            continue
        out.update(run[i:i + 2] for i in range(len(run) - 1))
        out.update(search_index.HAN.findall(run))
    return out


def test_keys_and_postings_are_the_keys_of_every_run():
    rng = random.Random(20261129)
    alphabet = "一氧化碳防诈骗豈𠀀aZ9０Ｚｚ .:，。\0\nİß²㎏Ⅻ-_"
    texts = ["", "a", "一", "a b", "ab", "a一b", "PM2.5", "\0一\0", "x" * 5] + [
        "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30))) for _ in range(400)]
    for t in texts:
        assert keys(normalize(t)) == _keys_by_runs(normalize(t)), t
    docs = [{"t": a, "x": b, "k": "展板", "d": "", "p": []} for a, b in zip(texts, reversed(texts))]
    want: dict[str, list[int]] = {}
    for n, d in enumerate(docs):
        in_title = _keys_by_runs(normalize(d["t"]))
        for k in sorted(_keys_by_runs(normalize(d["t"] + " " + d["x"]))) + ["k:展板"]:
            want.setdefault(k, []).append(n * 2 + (k in in_title))
    assert {k: list(v) for k, v in search_index.postings(docs).items()} == want


def test_encode_is_the_delta_varint_of_every_value():
    def by_digit(values):
        out, prev = [], 0
        for v in values:
            d, prev = v - prev, v
            while d >= 32:
                out.append(search_index.DIGITS[32 + (d & 31)])
                d >>= 5
            out.append(search_index.DIGITS[d])
        return "".join(out)

    rng = random.Random(7)
    for _ in range(200):
        values = sorted(rng.sample(range(rng.choice([64, 5000, 2 ** 31])), rng.randint(0, 50)))
        assert search_index.encode(values) == by_digit(values)
        assert search_index.decode(search_index.encode(values)) == values


def test_only_hand_written_markdown_is_read_and_generated_folders_are_not_walked(tmp_path, monkeypatch):
    docs = tmp_path / "docs"
    for rel in ("about.md", "guide/index.md", "guide/a b.md", "guide-x/z.md", "assets/notes.md", "index.md",
                "2026/11/p.md", "current/index.md", "topics/x.md", "assets/generated/g.md", "guide/pic.png"):
        (docs / rel).parent.mkdir(parents=True, exist_ok=True)
        (docs / rel).write_text("# x\n", encoding="utf-8")
    walked = []
    real_walk = os.walk
    monkeypatch.setattr(os, "walk", lambda *a, **k: ((walked.append(t) or (t, d, f)) for t, d, f in real_walk(*a, **k)))
    found = search_index._handwritten_md(docs)
    assert found == ["about.md", "assets/notes.md", "guide/a b.md", "guide/index.md", "guide-x/z.md"]  # as sorted Paths
    assert not any(part in w for w in walked for part in ("2026", "current", "topics", "generated"))
    assert search_index.handwritten_kinds(docs) == [search_index.GUIDE, search_index.NOTE]
