"""The search index is built once from the model (no theme plugin, no jieba): every panel,
activity, issue and topic is one document with its own link; keys are character
bigrams (plus single Han characters), so any substring of a Chinese word is found."""
from __future__ import annotations

import copy
import json
import re

from kepu import search_index, urls
from kepu.generate.content import plain_text
from kepu.search_index import keys, normalize


def load_index(site_dir):
    folder = site_dir / "search"
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    docs = []
    for n in range((meta["docs"] + meta["chunk"] - 1) // meta["chunk"]):
        docs += json.loads((folder / meta["v"] / f"d{n}.json").read_text(encoding="utf-8"))
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
            ids, v = [], 0
            for step in shards[search_index.shard_of(k, meta["shards"])][k]:
                v += step
                ids.append(v)
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
