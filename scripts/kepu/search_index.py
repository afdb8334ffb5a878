"""Post-build: make Material's search index small for cheap phones.

Material's search plugin writes site/search/search_index.json with every
Chinese character as a `\\uXXXX` escape (6 bytes instead of 3, also for the
U+200B word separators jieba inserts) and keeps <p>/<li> markup in the text.
The index is downloaded by every reader who opens search. This rewrites it
in place: plain text, UTF-8, and each text once. Which pages are indexed at
all is decided by the generators (front matter `search: exclude`, headings
marked `data-search-exclude` for listings of other pages).

Material's client only reads `config` and `docs[].location/title/text/tags/boost`
and renders `text` as HTML, so plain text with HTML entities kept works.
"""
from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

INDEX = Path("search") / "search_index.json"
TAG = re.compile(r"<[^>]*>")
SPACES = re.compile(r"[ \t\r\n]+")
ZW_AROUND_SPACE = re.compile(r"\u200b*( )\u200b*")


@dataclass(frozen=True)
class Compacted:
    before: int  # bytes
    after: int
    entries: int
    dropped_texts: int  # duplicate texts blanked


def plain(text: str) -> str:
    """Markup removed (block boundaries become a space), whitespace collapsed."""
    text = TAG.sub(" ", text)
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


def compact(site_dir: Path) -> Compacted | None:
    """Rewrite site_dir/search/search_index.json in place (None: no index)."""
    path = Path(site_dir) / INDEX
    if not path.is_file():
        return None
    raw = path.read_bytes()
    data, dropped = compact_data(json.loads(raw))
    out = dumps(data)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(out)
    os.replace(tmp, path)
    return Compacted(len(raw), len(out), len(data["docs"]), dropped)
