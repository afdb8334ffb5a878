"""Site search: a small sharded index built from the model, fetched piece by piece.

Nothing is downloaded when a page opens. When a reader types, the browser
(docs/assets/kepu/search.js) fetches `search/meta.json`, then only the
posting shards that hold the query's keys and the document chunks of the
best candidates. Any engine that copies static files serves it (MkDocs,
Zensical, `kepu serve`): no theme plugin is involved.

Keys are character bigrams of every run of Han characters, Latin letters and
digits (一氧化碳 → 一氧, 氧化, 化碳), plus single Han characters (for one-character
queries) and one-character Latin/digit runs (the 5 of PM2.5). A query's keys
must all occur (AND); the browser then checks the real substring in the
document text, so 氧化碳 finds 一氧化碳 and 一氧化碳 never finds a page that only
has 一. No dictionary (no jieba), no word that can be split wrongly.

Layout under search/<version>/ (version = hash of the content, so a cached
meta.json never mixes two builds):
  s<N>.json  shard N: {key: [delta-coded doc*2 + in-title flag, …]}
             the shard of a key is FNV-1a(code points) mod shard count
  d<N>.json  chunk N: documents N*CHUNK … (newest first), each
             {u: url, t: title, k: kind, d: date, m: meta line, p: [topics], x: text}
  f.json     [kind, year, [topics]] of every document, for the search page's filters
and search/meta.json: {v: version, shards, chunk, docs}.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import unicodedata
from array import array
from dataclasses import dataclass
from pathlib import Path

from kepu import urls
from kepu.generate.content import plain_text

FOLDER = "search"
META = "meta.json"
CHUNK = 4  # documents per chunk file (small: a query fetches the chunks of ~20 scattered candidates)
SHARD_BYTES = 6000  # aimed raw size of one posting shard
RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaffa-z0-9]+")
HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
KINDS = {"panel": "展板", "activity": "活动", "issue": "月刊", "topic": "专题"}


@dataclass(frozen=True)
class Written:
    docs: int
    shards: int
    chunks: int
    bytes: int  # all index files together


def fold_char(c: str) -> str:
    n = unicodedata.normalize("NFKC", c).lower() if ord(c) <= 0xFFFF else c
    return n if len(n) == 1 else c


class _Folds(dict):
    """code point -> folded character, filled on first use (str.translate looks each one up in C)."""

    def __missing__(self, code: int) -> str:
        c = chr(code)
        self[code] = folded = c if c.isascii() and not c.isupper() else fold_char(c)
        return folded


_FOLDS = _Folds()


def normalize(text: str) -> str:
    """What both sides match on, one character for one (so offsets into the shown text hold):
    full-width letters and digits as ASCII (ＰＭ２．５ → pm2.5), lower case. search.js's norm() is the same."""
    return text.translate(_FOLDS)


def keys(text: str) -> set[str]:
    """Pure: the index keys of a normalized text (the browser's keysOf does the same for a query)."""
    out: set[str] = set()
    for run in RUN.findall(text):
        if len(run) == 1:
            out.add(run)
            continue
        out.update(run[i:i + 2] for i in range(len(run) - 1))
        out.update(HAN.findall(run))
    return out


def shard_of(key: str, shards: int) -> int:
    """FNV-1a over code points, as search.js computes it."""
    h = 0x811C9DC5
    for ch in key:
        h ^= ord(ch)
        h = (h * 0x01000193) & 0xFFFFFFFF
    return h % shards


def model_entries(site) -> list[dict]:
    """Pure: one entry per panel, activity, issue and topic, newest first (ties: panels and activities first)."""
    docs: list[dict] = []
    topic_name = lambda tid: site.topics[tid].name if tid in site.topics else tid  # noqa: E731
    for issue in site.issues:
        when = f"{issue.year}年{issue.month}月"
        label = f"第{issue.number}期 · {when}"
        date = f"{issue.year:04d}-{issue.month:02d}"
        for p in issue.panels:
            docs.append({"u": urls.panel(issue, p), "t": p.title, "k": "panel", "d": date, "m": label,
                         "p": [topic_name(p.topic)] if p.topic else [], "x": plain_text(p.body)})
        intro = plain_text(" ".join(x for x in (issue.summary, issue.intro) if x))
        docs.append({"u": urls.issue(issue), "t": issue.title, "k": "issue", "d": date, "m": label, "p": [], "x": intro})
    for act in site.activities:
        when = f"{act.date.year}年{act.date.month}月{act.date.day}日"
        docs.append({"u": urls.activity(act), "t": act.title, "k": "activity", "d": act.date.isoformat(),
                     "m": f"{when} · {act.location}" if act.location else when,
                     "p": [topic_name(t) for t in act.topics], "x": plain_text(act.body)})
    for t in site.topics.values():
        docs.append({"u": urls.topic(t.id), "t": t.name, "k": "topic", "d": "", "m": "专题",
                     "p": [], "x": " ".join(x for x in (t.description, *t.aliases) if x)})
    order = {"panel": 0, "activity": 0, "issue": 1, "topic": 2}
    docs.sort(key=lambda d: order[d["k"]])
    docs.sort(key=lambda d: d["d"], reverse=True)  # stable: newest first, kinds kept in order within a date
    for d in docs:
        d["k"] = KINDS[d["k"]]
    return docs


def postings(docs: list[dict]) -> dict[str, array]:
    """Pure: key -> ascending doc*2 + (1 if the key is in the title). Arrays of 4-byte
    integers, not lists of int objects: ten years hold ~700,000 postings (3 MB, not 25)."""
    out: dict[str, array] = {}
    for n, d in enumerate(docs):
        in_title = keys(normalize(d["t"]))
        for k in keys(normalize(d["t"] + " " + d["x"])):
            post = out.get(k)
            if post is None:
                out[k] = post = array("I")
            post.append(n * 2 + (1 if k in in_title else 0))
    return out


def delta(values: list[int]) -> list[int]:
    return [v - (values[i - 1] if i else 0) for i, v in enumerate(values)]


def dumps(data) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def build_files(site) -> dict[str, bytes]:
    """Pure: relative path (under search/) -> bytes of every index file."""
    docs = model_entries(site)
    post = postings(docs)
    total = sum(len(k.encode()) + 6 + len(json.dumps(delta(v))) for k, v in post.items())
    shards = 1
    while total / shards > SHARD_BYTES:
        shards *= 2
    grouped: list[dict[str, list[int]]] = [{} for _ in range(shards)]
    for k in sorted(post):
        grouped[shard_of(k, shards)][k] = delta(post[k])
    body: dict[str, bytes] = {}
    for n, g in enumerate(grouped):
        body[f"s{n}.json"] = dumps(g)
    chunks = (len(docs) + CHUNK - 1) // CHUNK
    # filters (类型, 年份, 专题) for every document, fetched only when the reader sets one
    body["f.json"] = dumps([[d["k"], int(d["d"][:4]) if d["d"] else 0, d["p"]] for d in docs])
    for n in range(chunks):
        body[f"d{n}.json"] = dumps(docs[n * CHUNK:(n + 1) * CHUNK])
    h = hashlib.blake2b(digest_size=6)
    for name in sorted(body):
        h.update(name.encode() + b"\0" + body[name])
    version = h.hexdigest()
    files = {f"{version}/{name}": data for name, data in body.items()}
    files[META] = dumps({"v": version, "shards": shards, "chunk": CHUNK, "docs": len(docs)})
    return files


def write_index(site_dir: Path, site) -> Written:
    """Write the index into the built site (after MkDocs)."""
    files = build_files(site)
    folder = Path(site_dir) / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    for child in folder.iterdir():  # an older build's index (site/ is normally fresh)
        if child.is_dir() and re.fullmatch(r"[0-9a-f]{12}", child.name):
            shutil.rmtree(child, ignore_errors=True)
    for rel, data in files.items():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_bytes(data)
        os.replace(tmp, path)
    meta = json.loads(files[META])
    return Written(meta["docs"], meta["shards"], len(files) - 2 - meta["shards"], sum(len(b) for b in files.values()))


# ------------------------------------------------------------------ what a query costs (bench, tests)

BATCH = 20  # candidates whose chunks the search page fetches in its first round (search.js BATCH)


def fetch_plan(folder: Path, query: str) -> list[str]:
    """The index files (relative to search/) that search.js fetches for `query`, in a fresh
    browser: meta.json, the shard of every key, and the chunks of the first BATCH candidates
    (all keys in the title first, then newest). A port of search.js's search(), tested against it."""
    folder = Path(folder)
    meta = json.loads((folder / META).read_text(encoding="utf-8"))
    words = list(dict.fromkeys(w for w in re.split(r"[\s\u3000]+", normalize(query)) if w))
    all_keys = list(dict.fromkeys(k for w in words for k in _query_keys(w)))
    plan = [META]
    if not all_keys:
        return plan
    shards = list(dict.fromkeys(shard_of(k, meta["shards"]) for k in all_keys))
    plan += [f"{meta['v']}/s{s}.json" for s in shards]
    loaded = {s: json.loads((folder / meta["v"] / f"s{s}.json").read_text(encoding="utf-8")) for s in shards}
    cand: dict[int, int] | None = None
    for k in all_keys:
        lst = loaded[shard_of(k, meta["shards"])].get(k)
        if lst is None:
            cand = {}
            break
        v, nxt = 0, {}
        for step in lst:
            v += step
            if cand is None:
                nxt[v >> 1] = v & 1
            elif (v >> 1) in cand:
                nxt[v >> 1] = cand[v >> 1] & v & 1
        cand = nxt
    ids = sorted(cand or {}, key=lambda i: (-cand[i], i))[:BATCH]
    plan += [f"{meta['v']}/d{c}.json" for c in dict.fromkeys(i // meta["chunk"] for i in ids)]
    return plan


def _query_keys(word: str) -> list[str]:
    out: list[str] = []
    for run in RUN.findall(word):
        out += [run] if len(run) == 1 else [run[i:i + 2] for i in range(len(run) - 1)]
    return out


def sample_queries(folder: Path, n: int = 30) -> list[str]:
    """Deterministic queries a reader might type, taken from the index's own titles:
    two to four Han characters from evenly spaced documents' titles."""
    folder = Path(folder)
    meta = json.loads((folder / META).read_text(encoding="utf-8"))
    chunks = (meta["docs"] + meta["chunk"] - 1) // meta["chunk"]
    titles = [d["t"] for c in range(chunks)
              for d in json.loads((folder / meta["v"] / f"d{c}.json").read_text(encoding="utf-8"))]
    out: list[str] = []
    step = max(1, len(titles) // n)
    for i, t in enumerate(titles[::step][:n]):
        runs = [r for r in HAN_RUN.findall(t) if len(r) >= 2]
        if runs:
            run = max(runs, key=len)
            size = 2 + i % 3
            out.append(run[:size])
    return out


HAN_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
