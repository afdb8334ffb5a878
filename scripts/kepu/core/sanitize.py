"""The one sanitizer for volunteer bodies, and the one report of what it removed.

A body is Markdown that MkDocs renders later, so it is sanitized as Markdown:

- fenced code blocks (found by pymdownx.superfences itself) are left alone;
- raw HTML blocks (found by Python-Markdown's own HTML block extractor) and
  every paragraph with inline HTML are parsed by nh3 (html5ever) and kept
  only as far as the allow-list below goes; the result is re-serialized so
  that no attribute value can be read as Markdown or end a tag early;
- Markdown links, images and reference definitions whose URL is script
  (javascript:, vbscript:, data: ... in any spelling) become their plain text,
  remote Markdown images become their alt text (the reader's browser never
  asks another site for anything);
- attribute lists `{: onclick=… }` (attr_list) are shown as text.

`clean(markdown, first_line)` returns the cleaned Markdown and every removal
with its file line: `kepu check` reports exactly what the build removes.
kepu's own generated markup is added after this and is not sanitized.
"""
from __future__ import annotations

import difflib
import html
import re
import threading
from dataclasses import dataclass, field
from functools import lru_cache
from html.parser import HTMLParser

import nh3

from kepu.core.memo import memo

# A link destination as volunteers write it: <...>, or a path that may contain
# spaces and balanced parentheses (a photo named "IMG_1234 (1).jpg"), then an
# optional "title". Group "dest" holds the plain form, "angle" the <...> form.
LINK_PAREN = r"\((?:[^()\\\n]|\\.)*\)"
LINK_DEST = (r"(?:<(?P<angle>[^<>\n]*)>|(?P<dest>(?:[^()\s\\]|\\.|" + LINK_PAREN + r")(?:[^()\\\n]|\\.|" + LINK_PAREN + r")*?))?"
         r"(?:\s+(?:\"[^\"\n]*\"|'[^'\n]*'))?\s*\)")
# link text / alt: one level of [brackets] and line breaks inside a paragraph (not a blank line)
LINK_TEXT = r"(?P<text>(?:[^\[\]\n]|\n(?![ \t]*\n)|\[[^\[\]\n]*\])*)"
MD_IMAGE = re.compile(r"!\[" + LINK_TEXT + r"\]\(\s*" + LINK_DEST)
MD_LINK = re.compile(r"(?<![!\\])\[" + LINK_TEXT + r"\]\(\s*" + LINK_DEST)

TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "col", "colgroup", "dd", "del", "details",
    "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins",
    "kbd", "li", "mark", "ol", "p", "pre", "q", "rp", "rt", "ruby", "s", "samp", "small", "span", "strong", "sub",
    "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul", "var",
}
ATTRIBUTES = {
    "*": {"title", "lang", "markdown"},  # markdown="1": md_in_html parses the inside as Markdown
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan", "align"},
    "th": {"colspan", "rowspan", "align"},
    "col": {"span"},
    "colgroup": {"span"},
    "ol": {"start", "type"},
    "details": {"open"},
}
URL_SCHEMES = {"http", "https", "mailto", "tel"}
URL_ATTRS = {"href", "src"}
# whose content is dropped with the tag (everything else not allowed keeps its text)
CONTENT_TAGS = {"script", "style", "noscript", "template", "iframe", "object", "embed", "title", "textarea",
                "select", "math", "svg", "frameset", "noembed", "noframes", "xmp", "plaintext"}

SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):")
CONTROL_OR_SPACE = re.compile(r"[\x00-\x20\x7f]+")
MD_PUNCT_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")


def url_scheme(url: str) -> str:
    """The scheme a browser would see in `url` ('' for a relative URL): entities
    decoded, Markdown backslash escapes, tabs, newlines and control characters removed."""
    u = html.unescape(html.unescape(url or ""))
    u = MD_PUNCT_ESCAPE.sub(r"\1", u)
    u = CONTROL_OR_SPACE.sub("", u).lower()
    m = SCHEME.match(u)
    return m.group(1) if m else ""


def is_safe_url(url: str) -> bool:
    scheme = url_scheme(url)
    return not scheme or scheme in URL_SCHEMES


def is_remote(url: str) -> bool:
    """Loading it would ask another site (or is not a plain relative path at all)."""
    u = CONTROL_OR_SPACE.sub("", html.unescape(url or "")).replace("\\", "/")
    return bool(url_scheme(url)) or u.startswith("//")


def _attribute_filter(tag: str, attr: str, value: str) -> str | None:
    if tag == "img" and attr == "src" and (is_remote(value) or value.strip().startswith(("/", "\\"))):
        return None  # only the volunteer's own photos, by relative path
    return value


_CLEANER = nh3.Cleaner(tags=TAGS, clean_content_tags=CONTENT_TAGS, attributes=ATTRIBUTES, url_schemes=URL_SCHEMES,
                       attribute_filter=_attribute_filter, strip_comments=True, link_rel=None)


# ---------------------------------------------------------------- HTML

ATTR_ESCAPES = {c: f"&#{ord(c)};" for c in "&<>\"'`\\[]{}"}


class _Serializer(HTMLParser):
    """Re-serialize nh3's output: text stays as it is, attribute values are written
    so that Markdown (links, code spans) can never see into them and Python-Markdown's
    inline HTML pattern (`<[^<>]*>`) always takes the whole tag."""

    def __init__(self, kept: list[str]):
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.kept = kept  # protected Markdown pieces: raw in text, escaped in attributes

    def _tag(self, tag, attrs, close=""):
        parts = [tag] + [k if v is None else f'{k}="{"".join(ATTR_ESCAPES.get(c, c) for c in _restore(v, self.kept))}"'
                         for k, v in attrs]
        self.out.append("<" + " ".join(parts) + close + ">")

    def handle_starttag(self, tag, attrs):
        self._tag(tag, attrs)

    def handle_startendtag(self, tag, attrs):
        self._tag(tag, attrs)

    def handle_endtag(self, tag):
        self.out.append(f"</{tag}>")

    def handle_data(self, data):
        self.out.append(_restore(html.escape(data, quote=False), self.kept))


def clean_html(fragment: str, kept: list[str] | None = None) -> str:
    """An HTML fragment reduced to the allow-list (parsed by html5ever, not by patterns).
    `kept`: pieces that _protect took out, put back (escaped inside attribute values)."""
    s = _Serializer(kept or [])
    s.feed(_CLEANER.clean(fragment))
    s.close()
    return "".join(s.out)


class _Inventory(HTMLParser):
    """Tags and attributes of a fragment, with the line each first appears on."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: dict[str, int] = {}
        self.tag_lines: dict[str, int] = {}
        self.tag_urls: dict[str, str] = {}  # first src/href/data of each tag, to name it in the report
        self.attrs: dict[tuple[str, str, str], int] = {}  # (tag, attribute, value) -> count
        self.attr_lines: dict[tuple[str, str, str], int] = {}

    def handle_starttag(self, tag, attrs):
        line = self.getpos()[0]
        self.tags[tag] = self.tags.get(tag, 0) + 1
        self.tag_lines.setdefault(tag, line)
        for k, v in attrs:
            if k in ("src", "href", "data", "action") and v:
                self.tag_urls.setdefault(tag, v)
        for k, v in attrs:
            key = (tag, k, v or "")
            self.attrs[key] = self.attrs.get(key, 0) + 1
            self.attr_lines.setdefault(key, line)

    handle_startendtag = handle_starttag


def _inventory(fragment: str) -> _Inventory:
    inv = _Inventory()
    try:
        inv.feed(fragment)
        inv.close()
    except Exception:  # noqa: BLE001 - a report must never stop the build
        pass
    return inv


def _short(text: str, limit: int = 40) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _html_removals(before: str, after: str) -> list[tuple[str, int]]:
    """What clean_html took out of `before` (line offsets are 1-based within it)."""
    a, b = _inventory(before), _inventory(after)
    out: list[tuple[str, int]] = []
    for tag, n in a.tags.items():
        if b.tags.get(tag, 0) < n:
            url = a.tag_urls.get(tag)
            out.append((f"<{tag}> 标签" + (f"（{_short(url)}）" if url else ""), a.tag_lines[tag]))
    for (tag, attr, value), n in a.attrs.items():
        line = a.attr_lines[(tag, attr, value)]
        if b.attrs.get((tag, attr, value), 0) >= n or tag not in TAGS or b.tags.get(tag, 0) == 0:
            continue
        if attr.startswith("on"):
            out.append((f"事件属性 {attr}=", line))
        elif attr in URL_ATTRS:
            if tag == "img" and is_remote(value) and not url_scheme(value) in ("javascript", "vbscript"):
                continue  # a remote photo: the loader already reports it as an image
            out.append((f"不安全的地址 {attr}=\"{_short(value)}\"", line))
        else:
            out.append((f"{attr} 属性（<{tag}>）", line))
    if not out and html_to_text(before).split() != html_to_text(after).split():
        out.append(("HTML 代码", 1))  # parsed differently than the inventory saw it (e.g. odd comments)
    return sorted(out, key=lambda x: x[1])


# ---------------------------------------------------------------- Markdown

@dataclass(frozen=True)
class Removal:
    what: str
    line: int


@dataclass
class Cleaned:
    text: str
    removed: list[Removal] = field(default_factory=list)


HTML_START = re.compile(r"<[A-Za-z/!?]")
BLANK_SPLIT = re.compile(r"(\n[ \t]*\n)")
PROTECT = re.compile(
    r"<(?:[Hh][Tt][Tt][Pp][Ss]?|[Ff][Tt][Pp])://[^<>\s\"']*>"  # autolink
    r"|<[^<>\s!@\"']+@[^@<>\s\"']+>"  # automail
    r"|\]\(\s*<[^<>\n]*>"  # [text](<destination>)
    r"|^ {0,3}\[[^\]\n]+\]:[ \t]*<[^<>\n]*>"  # [id]: <destination>
    r"|^[ \t]*(?:>[ \t]?)+",  # blockquote markers
    re.M)
PUA = re.compile("[\ue000\ue001]")
# a code span as Python-Markdown reads it (its BACKTICK_RE only finds the opening backticks)
CODE_SPAN = re.compile(r"(?<![\\`])(`+)(?!`)(.+?)(?<!`)\1(?!`)", re.S)
ATTR_LIST = re.compile(r"\{\:?[ ]*([^\}\n ][^\n]*?)[ ]*\}")
SAFE_ATTR_LIST = re.compile(r"^\{\s*#[A-Za-z][\w-]*\s*\}$")


@lru_cache(maxsize=1)
def _md():
    import markdown

    from markdown.blockprocessors import ReferenceProcessor
    from markdown.inlinepatterns import (IMAGE_LINK_RE, LINK_RE, ImageInlineProcessor,
                                         LinkInlineProcessor)

    md = markdown.Markdown(extensions=["pymdownx.superfences"])
    plain = markdown.Markdown()
    plain.treeprocessors["inline"].stashed_nodes = {}  # the link parser looks here for stashed code spans
    return {
        "fences": md.preprocessors["fenced_code_block"],
        "stash": md.htmlStash,
        "plain": plain,
        "link": (re.compile(LINK_RE), LinkInlineProcessor(LINK_RE, plain)),
        "image": (re.compile(IMAGE_LINK_RE), ImageInlineProcessor(IMAGE_LINK_RE, plain)),
        "reference": ReferenceProcessor.RE,
    }


def _code_lines(lines: list[str]) -> set[int]:
    """Indexes of the lines pymdownx.superfences takes as fenced code."""
    if not any(("```" in ln or "~~~" in ln) for ln in lines):
        return set()
    m = _md()
    m["stash"].reset()
    out = m["fences"].run(list(lines))
    code: set[int] = set()
    sm = difflib.SequenceMatcher(None, lines, out, autojunk=False)
    for op, i1, i2, _, _ in sm.get_opcodes():
        if op in ("replace", "delete"):
            code.update(range(i1, i2))
    return code


def _html_blocks(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets of the raw HTML blocks Python-Markdown finds in `text`."""
    if "<" not in text:
        return []
    plain = _md()["plain"]
    plain.htmlStash.reset()
    plain.preprocessors["html_block"].run(text.split("\n"))
    spans, pos = [], 0
    for raw in plain.htmlStash.rawHtmlBlocks:
        raw = raw if isinstance(raw, str) else ""
        at = text.find(raw, pos) if raw else -1
        if at < 0:
            return [(0, len(text))]  # cannot place it: treat the whole text as HTML
        spans.append((at, at + len(raw)))
        pos = at + len(raw)
    return spans


def _protect(text: str) -> tuple[str, list[str]]:
    kept: list[str] = []

    def keep(m):
        kept.append(m.group(0))
        return f"\ue000{len(kept) - 1}\ue001"
    return PROTECT.sub(keep, text), kept


def _restore(text: str, kept: list[str]) -> str:
    if not kept:
        return text
    return re.sub("\ue000(\\d+)\ue001", lambda m: kept[int(m.group(1))] if int(m.group(1)) < len(kept) else "", text)


def _clean_chunk(chunk: str, is_block: bool) -> tuple[str, list[tuple[str, int]]]:
    if not HTML_START.search(chunk):
        return chunk, []
    if is_block:
        out = clean_html(chunk)
        return out, _html_removals(chunk, out)
    guarded, kept = _protect(chunk)
    return clean_html(guarded, kept), _html_removals(guarded, clean_html(guarded))


def _line_at(text: str, pos: int) -> int:
    return text.count("\n", 0, pos)


def _markdown_pass(text: str) -> tuple[str, list[tuple[str, int]]]:
    """Script URLs in Markdown links/images/definitions become text; attr lists become text."""
    m = _md()
    found: list[tuple[str, int]] = []
    if not any(c in text for c in "[{"):
        return text, found
    # code spans first, as Python-Markdown does
    spans: list[str] = []

    def hide(mm):
        spans.append(mm.group(0))
        return f"\ue000{len(spans) - 1}\ue001"
    work = CODE_SPAN.sub(hide, text)

    def definition(mm):
        url = mm.group(2).lstrip("<").rstrip(">")
        if is_safe_url(url):
            return mm.group(0)
        found.append((f"不安全的链接 {_short(url)}", _line_at(work, mm.start())))
        return ""
    work = m["reference"].sub(definition, work)

    for kind in ("image", "link"):
        pattern, proc = m[kind]
        out, pos = [], 0
        for mm in pattern.finditer(work):
            if mm.start() < pos:
                continue
            try:
                el, start, end = proc.handleMatch(mm, work)
            except Exception:  # noqa: BLE001
                el = None
            if el is None:
                continue
            url = el.get("src" if kind == "image" else "href") or ""
            if kind == "image":
                if is_safe_url(url) and not is_remote(url):
                    continue
                scheme = url_scheme(url)
                if scheme not in ("", "http", "https", "data"):  # remote and data: images: the loader reports them
                    found.append((f"不安全的图片地址 {_short(url)}", _line_at(work, start)))
                replacement = el.get("alt") or ""
            else:
                if is_safe_url(url):
                    continue
                found.append((f"不安全的链接 {_short(url)}", _line_at(work, start)))
                replacement = work[mm.end():end].split("](", 1)[0] if "](" in work[mm.end():end] else (el.text or "")
            out.append(work[pos:start] + replacement)
            pos = end
        work = "".join(out) + work[pos:]

    def attr_list(mm):
        if SAFE_ATTR_LIST.match(mm.group(0)):
            return mm.group(0)
        found.append((f"属性写法 {_short(mm.group(0))}", _line_at(work, mm.start())))
        return "&#123;" + mm.group(0)[1:]
    work = ATTR_LIST.sub(attr_list, work)
    return _restore(work, spans), found


_LOCK = threading.Lock()  # the Markdown parsers in _md() keep state between calls


def fenced_code_lines(lines: list[str]) -> set[int]:
    """Indexes of the lines pymdownx.superfences takes as fenced code (for kepu's own rewrites
    after the sanitizer: views/pages/phones.py)."""
    with _LOCK:
        return _code_lines(lines)


def html_blocks(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets of the raw HTML blocks Python-Markdown finds in `text` (as above)."""
    with _LOCK:
        return _html_blocks(text)


def clean(markdown_text: str, first_line: int = 1) -> Cleaned:
    """Sanitize a volunteer's Markdown; `first_line` is the file line of its first line."""
    text, removed = _clean_once(markdown_text)
    # every removal's line is counted from the text's first line: the same text elsewhere only shifts
    return Cleaned(text, [Removal(r.what, r.line + first_line - 1) for r in removed])


@memo(8192)  # a body is cleaned for the check, its page, its print sheet: once
def _clean_once(markdown_text: str) -> tuple[str, tuple[Removal, ...]]:
    with _LOCK:
        cleaned = _clean(markdown_text, 1)
    return cleaned.text, tuple(cleaned.removed)


def _clean(markdown_text: str, first_line: int) -> Cleaned:
    text = PUA.sub("", markdown_text)
    lines = text.split("\n")
    code = _code_lines(lines)
    result: list[str] = []
    removed: list[Removal] = []
    n = 0
    while n < len(lines):
        start = n
        in_code = n in code
        while n < len(lines) and (n in code) == in_code:
            n += 1
        segment = "\n".join(lines[start:n])
        if in_code:
            result.append(segment)
            continue
        result.append(_clean_segment(segment, first_line + start, removed))
    removed.sort(key=lambda r: r.line)
    return Cleaned("\n".join(result), removed)


def _clean_segment(segment: str, line0: int, removed: list[Removal]) -> str:
    pieces: list[tuple[str, bool, int]] = []  # (text, is_html_block, first line offset)
    pos = 0
    for a, b in _html_blocks(segment):
        _paragraphs(segment[pos:a], _line_at(segment, pos), pieces)
        pieces.append((segment[a:b], True, _line_at(segment, a)))
        pos = b
    _paragraphs(segment[pos:], _line_at(segment, pos), pieces)
    out = []
    for chunk, is_block, offset in pieces:
        cleaned, found = _clean_chunk(chunk, is_block)
        for what, line in found:
            removed.append(Removal(what, line0 + offset + line - 1))
        cleaned, found = _markdown_pass(cleaned)
        for what, line in found:
            removed.append(Removal(what, line0 + offset + line))
        out.append(cleaned)
    return "".join(out)


def _paragraphs(text: str, offset: int, pieces: list) -> None:
    """Split at blank lines, keeping the separators (each piece is sanitized on its own)."""
    line = offset
    for part in BLANK_SPLIT.split(text):
        if part:
            pieces.append((part, False, line))
            line += part.count("\n")


# ---------------------------------------------------------------- plain text

class _Text(HTMLParser):
    SKIP = {"script", "style", "template", "noscript"}

    def __init__(self, sep: str):
        super().__init__(convert_charrefs=True)
        self.sep = sep
        self.out: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.skipping += 1
        elif self.sep:
            self.out.append(self.sep)

    def handle_endtag(self, tag):
        if tag in self.SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif self.sep:
            self.out.append(self.sep)

    def handle_data(self, data):
        if not self.skipping:
            self.out.append(data)


def html_to_text(fragment: str, sep: str = "") -> str:
    """Text of an HTML fragment: real tags removed (parsed, so `体温>38℃` and `<6岁`
    stay), entities decoded. `sep` is put where a tag was."""
    if "<" not in fragment and "&" not in fragment:
        return fragment
    p = _Text(sep)
    p.feed(fragment)
    p.close()
    return "".join(p.out)


# The one plain text of volunteer Markdown. The loader computes it once per
# panel, activity and issue intro (model fields `text`, `lead`, `body_chars`);
# every view (excerpts, cards, feed, search, screen, posters) reads those.

MD_ANY_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
MD_LINK_TEXT = re.compile(r"\[([^\]]*)\]\([^)]*\)")
MD_REF_LINK = re.compile(r"(?<!!)\[([^\]]+)\]\[[^\]]*\]")  # [text][id]
MD_REF_IMAGE = re.compile(r"!\[[^\]]*\]\[[^\]]*\]")
MD_REF_DEF = re.compile(r"^ {0,3}\[[^\]\n]+\]:[ \t]*\S.*$", re.M)  # [id]: https://…
MD_BLOCK_MARKS = re.compile(r"^\s{0,3}(?:#{1,6}\s*|>\s?|[-+*]\s+|\d+(?:[.)]\s+|、))", re.M)
MD_INLINE = re.compile(r"\{[:#.][^}]*\}|[*_`~]+")
HEADING = re.compile(r"#{1,6}\s")
BLANK_LINE = re.compile(r"\n\s*\n")
CJK_OR_WORD = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]|[A-Za-z0-9]+")
_HAN_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
_WORD_RUN = re.compile(r"[A-Za-z0-9]+")


def plain_text(markdown: str) -> str:
    """Readable plain text of volunteer Markdown, for excerpts, slides and search:
    images dropped, links kept as their text, Markdown marks removed, HTML tags
    removed by parsing (so `儿童<6岁、体温>38℃` keeps its < and >; script and style
    content dropped), entities decoded. It is text, not HTML: every view escapes
    it for where it goes."""
    text = MD_IMAGE.sub("", markdown)
    text = MD_LINK.sub(lambda m: m.group("text"), text)
    text = MD_ANY_IMAGE.sub("", text)
    text = MD_LINK_TEXT.sub(r"\1", text)
    text = MD_REF_LINK.sub(r"\1", MD_REF_IMAGE.sub("", MD_REF_DEF.sub("", text)))
    text = MD_BLOCK_MARKS.sub(" ", text)
    text = MD_INLINE.sub("", text.replace("|", " "))
    text = html_to_text(text)
    return re.sub(r"\s+", " ", text).strip()


def lead(markdown: str) -> str:
    """The first paragraph (not a heading) of volunteer Markdown, as plain text."""
    for block in BLANK_LINE.split(markdown.strip()):
        if HEADING.match(block.lstrip().split("\n")[0]):
            continue
        text = plain_text(block)
        if text:
            return text
    return ""


def count_chars(text: str) -> int:
    """Reading length of plain text: Han characters plus Latin words/numbers (what
    CJK_OR_WORD finds), counted without a string object for every Han character."""
    return len(text) - len(_HAN_RUN.sub("", text)) + len(_WORD_RUN.findall(text))


def display_width(text: str) -> float:
    """Display width of plain text, as the screen and the posters lay it out:
    Han and full-width characters 1, ASCII 1/2."""
    return sum(0.5 if ord(ch) < 0x2E80 else 1.0 for ch in text)
