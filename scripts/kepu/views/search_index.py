"""Site search: a small sharded index built from the model, fetched piece by piece.

Nothing is downloaded when a page opens. When a reader types, the browser
(docs/assets/kepu/search.js) fetches `search/meta.json`, then only the
posting shards that hold the query's keys and the documents it shows (the
first 20 candidates on the search page, 8 in the header drop-down; more on
demand). Any engine that copies static files serves it (MkDocs, Zensical,
`kepu serve`): no theme plugin is involved.

Keys are character bigrams of every run of Han characters, Latin letters and
digits (一氧化碳 → 一氧, 氧化, 化碳), plus single Han characters (for one-character
queries) and one-character Latin/digit runs (the 5 of PM2.5). A query's keys
must all occur (AND); the browser then checks the real substring in the
document text, so 氧化碳 finds 一氧化碳 and 一氧化碳 never finds a page that only
has 一. No dictionary (no jieba), no word that can be split wrongly.
Filters are keys too (`k:展板`, `y:2026`, `p:<专题>`), ANDed like words.

Synonyms (kepu.content.synonyms: kepu's table and bulletins/search-synonyms.yml) widen a
query in the browser, not the index: meta.json carries the table (~1 KB gzip), and each
word of a query also matches its alternatives (expand(): 防诈 → 反诈, 诈骗; 煤气中毒 → 燃气中毒,
一氧化碳 …), each one more shard or two. Index-time expansion would copy the postings of every
synonym into the others' keys (a bigger index for every query) and could no longer tell an
exact match from a synonym's; here exact matches are ranked and fetched first, and the page
says what else it searched for ("也搜索了：反诈").

Documents: every panel, activity, issue and topic from the model, and every
hand-written page of docs/ (guide, about …) from its finished HTML, one
document per `##` section, typed 指南 or 说明.

Layout under search/<version>/ (version = hash of the content, so a cached
meta.json never mixes two builds):
  s<N>.json  shard N: {key: postings}; the shard of a key is FNV-1a(code points) mod shard count.
             postings: the ascending values doc*2 + (1 if the key is in the title), delta-coded,
             each delta a little-endian base-32 varint written with DIGITS (a digit >= 32 means
             "more digits follow"): a delta below 32 is one character.
  d<N>.json  document N (newest first): {u: url, t: title, k: kind, d: date, m: meta line, p: [topics], x: text}
and search/meta.json: {v: version, shards, docs, syn: [[words], [also]] (normalized; also optional)}.
"""
from __future__ import annotations

import hashlib
import json
import operator
import os
import re
import shutil
import unicodedata
from array import array
from collections import defaultdict, deque
from dataclasses import dataclass
from functools import partial
from html.parser import HTMLParser
from itertools import chain, repeat
from pathlib import Path

from kepu.core import urls
from kepu.core.sanitize import plain_text

FOLDER = "search"
META = "meta.json"
SHARD_BYTES = 2000  # aimed raw size of one posting shard (a query fetches one per key)
BATCH = 20  # documents the search page shows (and fetches) first; "显示更多" fetches the next BATCH
DROPDOWN = 8  # documents the header drop-down shows (and fetches)
DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_"  # no JSON escaping needed
RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaffa-z0-9]+")
HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
RUN_CHAR = re.compile(RUN.pattern[:-1])  # one character of a run
KINDS = {"panel": "展板", "activity": "活动", "issue": "月刊", "topic": "专题"}
GUIDE, NOTE = "指南", "说明"  # hand-written pages: docs/guide/… and the others (about …)
FILTERS = {"kind": "k:", "year": "y:", "topic": "p:"}  # filter keys: never a text key (":" is not in RUN)
MAX_ALTS = 8  # alternatives of one query word at most (each costs a shard or two): search.js MAX_ALTS


@dataclass(frozen=True)
class Written:
    docs: int
    shards: int
    pages: int  # of them: sections of hand-written pages
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


class _Mask(dict):
    """code point -> the character if it can be in a run, else GAP (see _masked_keys)."""

    def __init__(self, fold: bool):
        super().__init__()
        self.fold = fold  # normalize first: _FOLD_MASK reads raw text as _MASK reads normalize(text)

    def __missing__(self, code: int) -> str:
        c = _FOLDS[code] if self.fold else chr(code)
        self[code] = out = c if RUN_CHAR.fullmatch(c) else GAP
        return out


GAP = "\0"
_MASK, _FOLD_MASK = _Mask(False), _Mask(True)
_NOT_HAN = frozenset("abcdefghijklmnopqrstuvwxyz0123456789" + GAP)
_LONE = re.compile(f"(?<![^{GAP}])[a-z0-9](?![^{GAP}])")  # a one-character Latin/digit run


def keys(text: str) -> set[str]:
    """Pure: the index keys of a normalized text (the browser's keysOf does the same for a query)."""
    return _masked_keys(text.translate(_MASK))


def _masked_keys(t: str) -> set[str]:
    """keys() of a text whose characters outside runs are all GAP, without a loop over runs in
    Python: every two neighbouring characters less those with a GAP (the bigrams of every run),
    every Han character (alone or in a longer run), the one-character Latin/digit runs."""
    out = set(map(operator.add, t, t[1:]))
    chars = set(t)
    out.difference_update(map(GAP.__add__, chars), map(operator.add, chars, repeat(GAP)))
    out.update(chars - _NOT_HAN)
    out.update(_LONE.findall(t))
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
                         "p": [topic_name(p.topic)] if p.topic else [], "x": p.text})
        intro = plain_text(" ".join(x for x in (issue.summary, issue.intro) if x))
        docs.append({"u": urls.issue(issue), "t": issue.title, "k": "issue", "d": date, "m": label, "p": [], "x": intro})
    for act in site.activities:
        when = f"{act.date.year}年{act.date.month}月{act.date.day}日"
        docs.append({"u": urls.activity(act), "t": act.title, "k": "activity", "d": act.date.isoformat(),
                     "m": f"{when} · {act.location}" if act.location else when,
                     "p": [topic_name(t) for t in act.topics], "x": act.text})
    for t in site.topics.values():
        docs.append({"u": urls.topic(t.id), "t": t.name, "k": "topic", "d": "", "m": "专题",
                     "p": [], "x": " ".join(x for x in (t.description, *t.aliases) if x)})
    order = {"panel": 0, "activity": 0, "issue": 1, "topic": 2}
    docs.sort(key=lambda d: order[d["k"]])
    docs.sort(key=lambda d: d["d"], reverse=True)  # stable: newest first, kinds kept in order within a date
    for d in docs:
        d["k"] = KINDS[d["k"]]
    return docs


def page_entries(site_dir: Path, docs_dir: Path) -> list[dict]:
    """Hand-written pages of docs/ (not kepu's generated area), read from the finished site's
    HTML: the article region both MkDocs and Zensical render with Material's templates
    (`<article class="md-content__inner …">`), one document per `##` section."""
    from kepu.core.writer import is_generated_path

    out: list[dict] = []
    for rel in _handwritten_md(docs_dir):
        url = page_url(rel)
        html = next((p for p in (Path(site_dir) / url / "index.html", Path(site_dir) / (rel[:-3] + ".html"))
                     if url is not None and p.is_file()), None)
        if html is None:
            continue
        kind = GUIDE if rel.startswith("guide/") else NOTE
        out += article_sections(html.read_text(encoding="utf-8", errors="replace"), url, kind)
    return out


def page_url(rel: str) -> str | None:
    """Directory URL MkDocs and Zensical give a Markdown file (use_directory_urls)."""
    if not rel.endswith(".md"):
        return None
    stem = rel[:-3]
    if stem == "index" or stem.endswith("/index"):
        return stem[:-5]
    return stem + "/"


class _Article(HTMLParser):
    """Text of the article region split at h1/h2: [(level, id, heading, text)]."""
    SKIP = {"script", "style", "template", "svg", "button", "noscript"}
    SKIP_CLASS = ("headerlink", "md-content__button", "md-source-file")
    BLOCK = {"p", "li", "tr", "td", "th", "pre", "div", "h3", "h4", "h5", "h6", "dt", "dd", "blockquote", "br",
             "table", "ul", "ol", "figcaption", "summary", "details"}
    VOID = {"br", "img", "hr", "input", "meta", "link", "source", "wbr", "col", "area", "base", "embed", "param", "track"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.depth = 0  # inside the article
        self.skip = 0  # depth inside a skipped element
        self.heading: list[str] | None = None
        self.sections: list[list] = [[0, "", [], []]]  # level, id, heading parts, text parts

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if not self.depth:
            if tag == "article" and "md-content__inner" in (a.get("class") or "").split():
                self.depth = 1
            return
        if tag in self.VOID:
            if tag == "br":
                self._text(" ")
            return
        if self.skip or tag in self.SKIP or any(c in (a.get("class") or "").split() for c in self.SKIP_CLASS):
            self.skip += 1
            return
        if tag == "article":
            self.depth += 1
        if tag in ("h1", "h2"):
            self.sections.append([int(tag[1]), a.get("id") or "", [], []])
            self.heading = self.sections[-1][2]
        elif tag in self.BLOCK:
            self._text(" ")

    def handle_endtag(self, tag):
        if not self.depth or tag in self.VOID:
            return
        if self.skip:
            self.skip -= 1
            return
        if tag == "article":
            self.depth -= 1
        if tag in ("h1", "h2"):
            self.heading = None
        elif tag in self.BLOCK:
            self._text(" ")

    def handle_data(self, data):
        if self.depth and not self.skip:
            self._text(data)

    def _text(self, data):
        (self.heading if self.heading is not None else self.sections[-1][3]).append(data)


def article_sections(html: str, url: str, kind: str) -> list[dict]:
    """Pure: the documents of one finished hand-written page (see page_entries)."""
    parser = _Article()
    parser.feed(html)
    parser.close()
    clean = lambda parts: re.sub(r"\s+", " ", "".join(parts)).strip()  # noqa: E731
    title = next((clean(h) for lvl, _, h, _ in parser.sections if lvl == 1), "")
    intro = clean(" ".join(" ".join(text) for lvl, _, _, text in parser.sections if lvl < 2))
    if not title and not intro and len(parser.sections) == 1:
        return []  # no article region: not a page we can read
    docs = [{"u": url, "t": title or url, "k": kind, "d": "", "m": "", "p": [], "x": intro}]
    for level, anchor, heading, text in parser.sections:
        if level == 2 and clean(heading):
            docs.append({"u": url + (f"#{anchor}" if anchor else ""), "t": clean(heading), "k": kind, "d": "",
                         "m": title, "p": [], "x": clean(text)})
    return docs


def _handwritten_md(docs_dir: Path) -> list[str]:
    """Relative paths of the hand-written Markdown files of docs/, in path order (as sorted
    Paths). Generated folders (the year folders, current/, topics/ …) are not walked at all:
    at ten years they hold ~1,500 folders and none of these files."""
    from kepu.core.writer import is_generated_path

    out: list[str] = []
    root = os.fspath(docs_dir)
    for top, dirs, files in os.walk(root):  # like Path.rglob: symbolic links to folders not followed
        base = os.path.relpath(top, root).replace(os.sep, "/")
        base = "" if base == "." else base + "/"
        dirs[:] = [d for d in dirs if not is_generated_path(base + d)]
        out += [base + f for f in files if f.endswith(".md") and not is_generated_path(base + f)]
    return sorted(out, key=lambda r: r.split("/"))


def handwritten_kinds(docs_dir: Path) -> list[str]:
    """The kinds of hand-written pages docs/ has (for the search page's 类型 filter)."""
    rels = _handwritten_md(docs_dir)
    return [k for k, has in ((GUIDE, any(r.startswith("guide/") for r in rels)),
                             (NOTE, any(not r.startswith("guide/") for r in rels))) if has]


def postings(docs: list[dict]) -> dict[str, array]:
    """Pure: key -> ascending doc*2 + (1 if the key is in the title), filter keys included. Arrays
    of 4-byte integers, not lists of int objects: ten years hold ~700,000 postings (3 MB, not 25)."""
    out: defaultdict[str, array] = defaultdict(partial(array, "I"))
    for n, d in enumerate(docs):
        # The keys of normalize(title + " " + text): no run crosses the space, so they are the
        # title's and the text's, each computed once (_FOLD_MASK: normalize() and keys()'s mask in one pass).
        in_title = _masked_keys(d["t"].translate(_FOLD_MASK))
        rest = _masked_keys(d["x"].translate(_FOLD_MASK))
        rest -= in_title
        # Filter keys (":" is in no text key) as a list: two topics of one name post twice, as always.
        for ks, v in ((in_title, n * 2 + 1), (rest, n * 2), (filter_keys(d), n * 2)):
            deque(map(array.append, map(out.__getitem__, ks), repeat(v)), maxlen=0)  # out[k].append(v), in C
    return dict(out)


def filter_keys(doc: dict) -> list[str]:
    out = [FILTERS["kind"] + doc["k"]]
    if doc["d"]:
        out.append(FILTERS["year"] + str(int(doc["d"][:4])))
    out += [FILTERS["topic"] + t for t in doc["p"]]
    return out


def encode(values: list[int]) -> str:
    """Pure: ascending values as delta-coded base-32 varints (search.js decode() reads them)."""
    return "".join(map(_VARINT.__getitem__, map(operator.sub, values, chain((0,), values))))


class _Varints(dict):
    """delta -> its digits, filled on first use (the join in encode() looks each one up in C)."""

    def __missing__(self, d: int) -> str:
        out, n = [], d
        while n >= 32:
            out.append(DIGITS[32 + (n & 31)])
            n >>= 5
        out.append(DIGITS[n])
        self[d] = text = "".join(out)
        return text


_VARINT = _Varints()


def decode(text: str) -> list[int]:
    out, v, acc, mul = [], 0, 0, 1
    for ch in text:
        c = DIGITS.index(ch)
        if c >= 32:
            acc += (c - 32) * mul
            mul *= 32
        else:
            v += acc + c * mul
            out.append(v)
            acc, mul = 0, 1
    return out


def dumps(data) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def synonym_table(groups) -> list[list[list[str]]]:
    """Pure: the synonym groups (kepu.content.synonyms.Group) as meta.json carries them:
    [[words], [also]] ([words] alone without also), spelt as written (the page shows
    "也搜索了：AED"); both sides match on normalized_table(). Repeated groups dropped."""
    out, seen = [], set()
    for g in groups:
        row = [list(g.words), list(g.also)] if g.also else [list(g.words)]
        key = json.dumps(normalized_table([row]), ensure_ascii=False)
        if key not in seen:
            seen.add(key)
            out.append(row)
    return out


def normalized_table(table) -> list:
    """Pure: meta.json's synonym table normalized like the text (search.js does the same on load)."""
    return [[[normalize(w) for w in part] for part in row] for row in table]


def expand(word: str, table) -> list[str]:
    """Pure: what else a normalized query word searches for (search.js expand() is the same).
    The word is read left to right, taking at each place the longest word of the table
    (防诈骗知识 → 防诈骗 + 知识); each such part is replaced in turn by the other words of
    its groups (反诈知识, 防骗知识 …). When the whole word is a word of a group, that group's
    `also` words are searched too. Left out: anything holding the word itself or another
    alternative (it can find nothing more), and words without a key; at most MAX_ALTS."""
    groups: dict[str, list] = {}
    for row in table:
        for t in row[0]:
            groups.setdefault(t, []).append(row)
    longest = max(map(len, groups), default=0)
    alts: list[str] = []
    i = 0
    while i < len(word):
        t = next((word[i:i + n] for n in range(min(longest, len(word) - i), 1, -1) if word[i:i + n] in groups), None)
        if t is None:
            i += 1
            continue
        for row in groups[t]:
            alts += [word[:i] + x + word[i + len(t):] for x in row[0] if x != t]
            if t == word and len(row) > 1:
                alts += row[1]
        i += len(t)
    alts = [a for a in dict.fromkeys(alts) if word not in a and _query_keys(a)]
    return [a for a in alts if not any(b != a and b in a for b in alts)][:MAX_ALTS]


def build_files(site, pages: list[dict] = (), synonyms=None) -> dict[str, bytes]:
    """Pure: relative path (under search/) -> bytes of every index file.
    `pages`: documents of hand-written pages (page_entries), after the model's.
    `synonyms`: groups for meta.json (default: the model's, read and checked at load)."""
    if synonyms is None:
        synonyms = site.synonyms
    docs = model_entries(site) + list(pages)
    post = {k: encode(v) for k, v in postings(docs).items()}
    total = sum(len(k.encode()) + len(v) + 6 for k, v in post.items())
    shards = 1
    while total / shards > SHARD_BYTES:
        shards *= 2
    grouped: list[dict[str, str]] = [{} for _ in range(shards)]
    for k in sorted(post):
        grouped[shard_of(k, shards)][k] = post[k]
    body: dict[str, bytes] = {}
    for n, g in enumerate(grouped):
        body[f"s{n}.json"] = dumps(g)
    for n, d in enumerate(docs):
        body[f"d{n}.json"] = dumps(d)
    h = hashlib.blake2b(digest_size=6)
    for name in sorted(body):
        h.update(name.encode() + b"\0" + body[name])
    version = h.hexdigest()
    files = {f"{version}/{name}": data for name, data in body.items()}
    files[META] = dumps({"v": version, "shards": shards, "docs": len(docs), "syn": synonym_table(synonyms)})
    return files


def write_index(site_dir: Path, site, pages: list[dict] | None = None) -> Written:
    """Write the index into the built site (after MkDocs or Zensical): the model's documents
    and the hand-written pages of the project's docs/ as that engine rendered them (`pages`:
    page_entries read before, kepu serve)."""
    if pages is None:
        pages = page_entries(site_dir, Path(site.settings.root) / "docs")
    files = build_files(site, pages)
    folder = os.path.join(site_dir, FOLDER)
    os.makedirs(folder, exist_ok=True)
    with os.scandir(folder) as it:  # an older build's index (site/ is normally fresh)
        old = [e.path for e in it if e.is_dir() and re.fullmatch(r"[0-9a-f]{12}", e.name)]
    for path in old:
        shutil.rmtree(path, ignore_errors=True)
    meta = json.loads(files[META])
    try:
        os.mkdir(os.path.join(folder, meta["v"]))
        fresh = True  # every file of the version folder is new: written in place
    except FileExistsError:
        fresh = False  # left over (it could not be removed): replace each file
    for rel, data in files.items():
        _write(os.path.join(folder, rel), data, new=fresh and rel != META)
    return Written(meta["docs"], meta["shards"], len(pages), sum(len(b) for b in files.values()))


def _write(path: str, data: bytes, new: bool) -> None:
    """Never into an existing file (`kepu serve`'s folders share files through hard links):
    a new file is created (O_EXCL: fails rather than open one that exists), any other is a
    temporary file, then os.replace."""
    target, path = path, (path if new else path + ".tmp")
    flags = os.O_WRONLY | os.O_CREAT | (os.O_EXCL if new else os.O_TRUNC) | getattr(os, "O_BINARY", 0)
    fd = os.open(path, flags, 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
    finally:
        os.close(fd)
    if not new:
        os.replace(path, target)


# ------------------------------------------------------------------ what a query costs (bench, tests)

def fetch_plan(folder: Path, query: str, limit: int = BATCH, filters: dict | None = None) -> list[str]:
    """The index files (relative to search/) that search.js fetches for `query` in a fresh
    browser: meta.json, the shard of every key of every word and of its synonyms (expand),
    and of every filter key, and the documents of the first `limit` candidates (exact
    matches first, then all keys in the title, then newest). A port of search.js's
    search(), tested against it."""
    folder = Path(folder)
    meta = json.loads((folder / META).read_text(encoding="utf-8"))
    ranked = candidates(folder, meta, query, filters)
    if ranked is None:
        return [META]
    shards, ids, _ = ranked
    return [META] + [f"{meta['v']}/s{s}.json" for s in shards] + [f"{meta['v']}/d{i}.json" for i in ids[:limit]]


def candidates(folder: Path, meta: dict, query: str, filters: dict | None = None):
    """(shards fetched, candidate ids in fetch order, alternatives that found something) or None
    for a query without keys: search.js's search() up to the fetching of documents."""
    words = list(dict.fromkeys(w for w in re.split(r"[\s\u3000]+", normalize(query)) if w))
    table = normalized_table(meta.get("syn", []))
    variants = [[w] + expand(w, table) for w in words]
    if not any(_query_keys(w) for w in words):
        return None
    fkeys = [FILTERS[name] + str(v) for name, v in (filters or {}).items() if v]
    all_keys = list(dict.fromkeys([k for vs in variants for v in vs for k in _query_keys(v)] + fkeys))
    shards = list(dict.fromkeys(shard_of(k, meta["shards"]) for k in all_keys))
    loaded = {s: json.loads((folder / meta["v"] / f"s{s}.json").read_text(encoding="utf-8")) for s in shards}
    post = lambda k: loaded[shard_of(k, meta["shards"])].get(k)  # noqa: E731

    def matches(keys_):  # id -> 1 when every key is in the title
        out = None
        for k in keys_:
            lst = post(k)
            if lst is None:
                return {}
            nxt = {}
            for v in decode(lst):
                if out is None:
                    nxt[v >> 1] = v & 1
                elif (v >> 1) in out:
                    nxt[v >> 1] = out[v >> 1] & (v & 1)
            out = nxt
        return out or {}

    cand: dict[int, list[int]] | None = None  # id -> [exact, title]
    per_alt = []
    for vs in variants:
        if not _query_keys(vs[0]):  # no key (punctuation only): checked on the text
            per_alt.append([])
            continue
        sets = [matches(_query_keys(v)) for v in vs]
        per_alt.append(sets)
        word: dict[int, list[int]] = {i: [1, t] for i, t in sets[0].items()}
        for m in sets[1:]:
            for i, t in m.items():
                if i not in word:
                    word[i] = [0, t]
                elif not word[i][0]:
                    word[i][1] |= t
        cand = word if cand is None else {i: [cand[i][0] & e, cand[i][1] & t] for i, (e, t) in word.items() if i in cand}
    cand = cand or {}
    for k in fkeys:
        ids = {v >> 1 for v in decode(post(k) or "")}
        cand = {i: c for i, c in cand.items() if i in ids}
    order = sorted(cand, key=lambda i: (-cand[i][0], -cand[i][1], i))
    also = [v for vs, sets in zip(variants, per_alt) if sets for v, m in zip(vs[1:], sets[1:])
            if any(i in cand and i not in sets[0] for i in m)]
    return shards, order, list(dict.fromkeys(also))


def _query_keys(word: str) -> list[str]:
    out: list[str] = []
    for run in RUN.findall(word):
        out += [run] if len(run) == 1 else [run[i:i + 2] for i in range(len(run) - 1)]
    return out


# What residents type most (posters, WeChat, the lobby screen): common words found in hundreds
# of documents, the costliest queries. Part of every bench's query set.
COMMON_QUERIES = ["疫苗", "垃圾分类", "防诈", "诈骗", "一氧化碳", "安全", "老人", "燃气", "手机", "健康", "119",
                  "社区 活动"]


def sample_queries(folder: Path, n: int = 30) -> list[str]:
    """Deterministic queries a reader might type: two to four Han characters from n evenly
    spaced documents' titles, then COMMON_QUERIES."""
    folder = Path(folder)
    meta = json.loads((folder / META).read_text(encoding="utf-8"))
    step = max(1, meta["docs"] // n)
    out: list[str] = []
    for i, d in enumerate(range(0, meta["docs"], step)):
        if len(out) >= n:
            break
        t = json.loads((folder / meta["v"] / f"d{d}.json").read_text(encoding="utf-8"))["t"]
        runs = [r for r in HAN_RUN.findall(t) if len(r) >= 2]
        if runs:
            out.append(max(runs, key=len)[:2 + i % 3])
    return out + COMMON_QUERIES


HAN_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
