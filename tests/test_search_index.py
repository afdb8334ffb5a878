"""The search index is built once from the model: every panel and activity is an
entry with its own link, each text once, plain UTF-8, cut into words like
Material does; a rebuild segments no text it has seen before."""
from __future__ import annotations

import json
import re

from kepu import search_index, urls
from kepu.generate.content import plain_text


def test_every_panel_activity_and_topic_has_one_entry(built, example):
    data = json.loads((built / "site" / "search" / "search_index.json").read_text(encoding="utf-8"))
    locations = [d["location"] for d in data["docs"]]
    for issue in example.issues:
        assert urls.issue(issue) in locations
        for p in issue.panels:
            assert locations.count(urls.panel(issue, p)) == 1
    for act in example.activities:
        assert locations.count(urls.activity(act)) == 1
    for tid in example.topics:
        assert urls.topic(tid) in locations
    # listing pages repeat other pages' text: they are not indexed at all
    for listing in ("", "archive/", "activities/", "topics/", "current/", "2026/11/print/"):
        assert not [loc for loc in locations if loc == listing or loc.startswith(listing + "#")] or listing == ""
    assert "" not in locations


def test_index_is_plain_utf8_text_segmented_into_words(built, example):
    raw = (built / "site" / "search" / "search_index.json").read_bytes()
    data = json.loads(raw)
    docs_raw = raw[raw.index(b'"docs"'):]  # the config's separator regex legitimately spells \u200b
    assert not re.search(rb"\\u[0-9a-fA-F]{4}", docs_raw)  # no \uXXXX escapes of Chinese
    panel = example.issue(2026, 11).panels[0]
    [entry] = [d for d in data["docs"] if d["location"] == urls.panel(example.issue(2026, 11), panel)]
    assert "<" not in entry["text"] and "**" not in entry["text"] and "##" not in entry["text"]
    assert "\u200b" in entry["text"]  # words separated the way Material's client expects
    assert entry["text"].replace("\u200b", "")[:12] in plain_text(panel.body)


def test_segmentation_memo_means_a_rebuild_segments_nothing_new(tmp_path, example):
    cache = tmp_path / "words.json"
    first = search_index.Segmenter(cache)
    entries = search_index.model_entries(example, first)
    first.save()
    assert first.new > 0
    again = search_index.Segmenter(cache)
    assert search_index.model_entries(example, again) == entries
    assert again.new == 0


def test_plain_text_keeps_words_and_drops_markup():
    md = "### 小标题\n\n- **提**：提起灭火器 ![图](a.jpg) [详见](x.md)\n\n<b>粗</b> `码`"
    assert plain_text(md) == "小标题 提：提起灭火器 详见 粗 码"
