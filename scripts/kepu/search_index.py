"""The search index: built from the model, not from rendered pages.

Generated pages carry `search: exclude: true`, so Material's search plugin
neither parses their HTML nor runs jieba on them (that was about half of
MkDocs' time). After MkDocs, `write_index` adds one entry per issue, panel,
activity and topic from the model (each text once, plain text, cut into
words with jieba the way Material does), memoised on disk so a rebuild only
segments new text. Hand-written pages (about/, guide/) are still indexed by
the plugin and kept.

The merged index is written compactly, because every reader downloads it:
Material writes each Chinese character as a `\\uXXXX` escape (6 bytes
instead of 3, also for the U+200B word separators) and keeps <p>/<li>
markup; here it is plain UTF-8 text, each text once.

Material's client only reads `config` and `docs[].location/title/text/tags/boost`
and renders `title` and `text` as HTML: every title and text here is plain text
escaped for HTML (`儿童&lt;6岁` shows as 儿童<6岁; a title never becomes markup).
"""
from __future__ import annotations

import hashlib
import html
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

from kepu import urls
from kepu.generate.content import plain_text
from kepu.sanitize import html_to_text

INDEX = Path("search") / "search_index.json"
SPACES = re.compile(r"[ \t\r\n]+")
ZW_AROUND_SPACE = re.compile(r"\u200b*( )\u200b*")


@dataclass(frozen=True)
class Compacted:
    before: int  # bytes
    after: int
    entries: int
    dropped_texts: int  # duplicate texts blanked


def plain(text: str) -> str:
    """HTML -> the same text as escaped HTML without tags: real tags removed by parsing
    (each becomes a space), `<` and `>` of the text kept (as &lt; &gt;), whitespace collapsed."""
    text = html.escape(html_to_text(text, " "), quote=False)
    text = SPACES.sub(" ", text)
    text = ZW_AROUND_SPACE.sub(r"\1", text)
    return text.strip(" \u200b")


def compact_data(data: dict) -> tuple[dict, int]:
    """Pure: the compacted index and how many duplicated texts were blanked."""
    seen: set[str] = set()
    docs, dropped = [], 0
    for doc in data.get("docs", []):
        doc = dict(doc)
        doc["title"] = plain(str(doc.get("title", "")))
        text = plain(str(doc.get("text", "")))
        if text and text in seen:
            text, dropped = "", dropped + 1
        seen.add(text)
        doc["text"] = text
        docs.append(doc)
    return {**data, "docs": docs}, dropped


def dumps(data: dict) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


# ------------------------------------------------------------------ from the model

HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")

class Segmenter:
    """Cuts Han runs into words joined by U+200B, exactly as Material's search plugin
    does, with a memo that the build keeps on disk between runs."""

    def __init__(self, cache_path: Path | None = None):
        self.cache_path = cache_path
        self.memo: dict[str, str] = {}
        self.new = 0
        self._jieba = None
        if cache_path:
            try:
                data = json.loads(cache_path.read_text(encoding="utf-8"))
                self.memo = data if isinstance(data, dict) else {}
            except (OSError, ValueError):
                self.memo = {}

    def __call__(self, text: str) -> str:
        return HAN.sub(self._cut, text).strip("\u200b")

    def _cut(self, match) -> str:
        run = match.group(0)
        if len(run) < 3:
            return f"\u200b{run}\u200b"
        key = hashlib.blake2b(run.encode("utf-8"), digest_size=12).hexdigest()
        cut = self.memo.get(key)
        if cut is None:
            if self._jieba is None:
                import jieba

                self._jieba = jieba
            cut = "\u200b".join(self._jieba.cut(run))
            self.memo[key] = cut
            self.new += 1
        return f"\u200b{cut}\u200b"

    def save(self) -> None:
        if not self.cache_path or not self.new:
            return
        self.cache_path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.cache_path.with_name(self.cache_path.name + ".tmp")
        tmp.write_text(json.dumps(self.memo, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
        os.replace(tmp, self.cache_path)


def model_entries(site, segment=lambda t: t) -> list[dict]:
    """Pure: search entries for everything the generators publish from the model."""
    docs: list[dict] = []

    def add(location: str, title: str, text: str) -> None:
        esc = lambda s: html.escape(s, quote=False)  # noqa: E731 - Material shows these as HTML
        docs.append({"location": location, "title": segment(esc(title)), "text": segment(esc(text))})

    for issue in site.issues:
        add(urls.issue(issue), issue.title, plain_text(" ".join(x for x in (issue.summary, issue.intro) if x)))
        for p in issue.panels:
            add(urls.panel(issue, p), p.title, plain_text(p.body))
    for act in site.activities:
        where = f"{act.date.year}年{act.date.month}月{act.date.day}日 {act.location}"
        add(urls.activity(act), act.title, f"{where} {plain_text(act.body)}")
    for t in site.topics.values():
        add(urls.topic(t.id), t.name, " ".join((t.description, *t.aliases)))
    return docs


def write_index(site_dir: Path, site, cache_path: Path | None = None) -> Compacted | None:
    """Merge the model's entries into the plugin's index (hand-written pages), compactly."""
    path = Path(site_dir) / INDEX
    if not path.is_file():
        return None  # search is switched off in mkdocs.yml
    raw = path.read_bytes()
    data = json.loads(raw)
    segment = Segmenter(cache_path)
    data["docs"] = list(data.get("docs", [])) + model_entries(site, segment)
    segment.save()
    data, dropped = compact_data(data)
    out = dumps(data)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(out)
    os.replace(tmp, path)
    return Compacted(len(raw), len(out), len(data["docs"]), dropped)
