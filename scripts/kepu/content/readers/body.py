"""Read the Markdown body: panels of a monthly issue, image references and
what kepu.core.sanitize will remove (risky HTML, script links), each with its file line number."""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from kepu.core import sanitize
from kepu.core.sanitize import LINK_DEST, LINK_TEXT, MD_IMAGE, MD_LINK  # noqa: F401 - the link syntax lives with the sanitizer

HEADING2 = re.compile(r"^ {0,3}##(?!#)\s*(.*?)\s*#*\s*$")
FULLWIDTH_HEADING = re.compile(r"^ {0,3}＃＃(?!＃)")
HEADING1 = re.compile(r"^ {0,3}#(?!#)\s*\S")
FENCE_OPEN = re.compile(r"^ {0,3}(`{3,}|~{3,})")
TOPIC_PREFIX = re.compile(r"^[【\[]\s*([^】\]]*?)\s*[】\]]\s*(.*)$")
EXPLICIT_ANCHOR = re.compile(r"\s*\{\s*#([A-Za-z][\w-]*)\s*\}\s*$")
# [id]: destination "title"   (not footnotes: [^1]: ...)
REF_DEF = re.compile(r"(?m)^ {0,3}\[(?P<id>[^\]^\n][^\]\n]*)\]:[ \t]*(?:<(?P<angle>[^<>\n]*)>|(?P<dest>\S(?:[^\n]*?\S)?))"
                     r"(?:[ \t]+(?:\"[^\"\n]*\"|'[^'\n]*'|\([^()\n]*\)))?[ \t]*$")
# ![alt][id], ![alt][] and ![alt] / [text][id], [text][] and [text] (when id is defined)
REF_IMAGE = re.compile(r"!\[" + LINK_TEXT + r"\](?:\[(?P<id>[^\]\n]*)\]|(?![(\[:]))")
HTML_IMG = re.compile(r"<img\b[^>]*?\bsrc\s*=\s*(?:\"(?P<dq>[^\"]*)\"|'(?P<sq>[^']*)'|(?P<bare>[^\s>\"']+))", re.I)
HTML_LINK = re.compile(r"<a\b[^>]*?\bhref\s*=\s*(?:\"(?P<dq>[^\"]*)\"|'(?P<sq>[^']*)'|(?P<bare>[^\s>\"']+))", re.I)
CODE_SPAN = re.compile(r"(`+)(?:.+?)\1")


@dataclass(frozen=True)
class ImageRef:
    target: str  # as written
    alt: str
    line: int


@dataclass(frozen=True)
class LinkRef:
    target: str  # destination as written (without <>)
    text: str
    line: int
    kind: str  # "inline" | "reference" (a [id]: definition) | "html"


@dataclass(frozen=True)
class HtmlRisk:
    what: str
    line: int


@dataclass
class RawPanel:
    heading: str  # heading text after "## "
    line: int
    body_lines: list[str] = field(default_factory=list)
    body_line: int = 0  # file line of the first body line

    @property
    def body(self) -> str:
        return "\n".join(self.body_lines).strip("\n")


@dataclass
class Body:
    intro: str
    intro_line: int
    panels: list[RawPanel]
    images: list[ImageRef]
    links: list[LinkRef]
    risks: list[HtmlRisk]
    h1_lines: list[int]
    fullwidth_heading_lines: list[int]
    heading_link_lines: list[int] = field(default_factory=list)  # panel headings with a link or image


def iter_lines(text: str, first_line: int):
    """Yield (file_line, line, in_code) for each line, tracking fenced code blocks."""
    fence = None
    for n, line in enumerate(text.split("\n")):
        m = FENCE_OPEN.match(line)
        if fence is None and m:
            fence = m.group(1)[0] * len(m.group(1))
            yield first_line + n, line, True
            continue
        if fence is not None:
            if line.strip().startswith(fence) and set(line.strip()) == {fence[0]}:
                fence = None
            yield first_line + n, line, True
            continue
        yield first_line + n, line, False


def read_body(text: str, first_line: int, *, split_panels: bool) -> Body:
    intro: list[str] = []
    panels: list[RawPanel] = []
    images: list[ImageRef] = []
    links: list[LinkRef] = []
    heading_lines = {n for n, line, in_code in iter_lines(text, first_line)
                     if split_panels and not in_code and HEADING2.match(line)}
    for f in scan(text):
        if first_line + f.line in heading_lines:
            continue  # a panel heading is shown as plain text: nothing in it is a link or an image
        if f.kind.endswith("image"):
            images.append(ImageRef(f.target, f.text, first_line + f.line))
        else:
            links.append(LinkRef(f.target, f.text, first_line + f.line, LINK_KINDS[f.kind]))
    risks: list[HtmlRisk] = []
    h1: list[int] = []
    fullwidth: list[int] = []
    heading_links: list[int] = []
    for lineno, line, in_code in iter_lines(text, first_line):
        if not in_code:
            if split_panels and (m := HEADING2.match(line)):
                panels.append(RawPanel(m.group(1), lineno, body_line=lineno + 1))
                plain = blank_code_spans(line)
                if MD_LINK.search(plain) or MD_IMAGE.search(plain) or REF_IMAGE.search(plain) or re.search(r"<[A-Za-z/!]", plain):
                    heading_links.append(lineno)
                continue
            if HEADING1.match(line):
                h1.append(lineno)
            if FULLWIDTH_HEADING.match(line):
                fullwidth.append(lineno)
        (panels[-1].body_lines if panels else intro).append(line)
    # exactly what the build removes from each part it renders (remote photos are reported as images)
    for part, line in [("\n".join(intro), first_line)] + [("\n".join(p.body_lines), p.body_line) for p in panels]:
        risks += [HtmlRisk(r.what, r.line) for r in sanitize.clean(part, line).removed]
    return Body("\n".join(intro).strip("\n"), first_line, panels, images, links, risks, h1, fullwidth, heading_links)


@dataclass(frozen=True)
class Found:
    """An image or link in a Markdown text, with where it is (offsets into the text)."""

    kind: str  # image | ref-image | html-image | link | ref-def | html-link
    start: int  # the whole construct
    end: int
    dest_start: int  # the destination as written, with its <> or quotes (what a rewrite replaces)
    dest_end: int
    target: str  # the destination without <> or quotes
    text: str  # alt text, link text or reference id
    line: int  # 0-based line in the text (of the destination)


NEWLINE = re.compile("\n")
NOT_NEWLINE = re.compile("[^\n]")
LINK_KINDS = {"link": "inline", "ref-def": "reference", "html-link": "html"}


def scan(text: str) -> list[Found]:
    """Every image and link outside code, in text order. The checker and the page
    generator both use this, so what the check accepted is exactly what is rewritten."""
    masked = mask_code(text)
    md_view = mask_tag_attributes(masked)  # Markdown inside an HTML attribute is not Markdown
    newlines = [m.start() for m in NEWLINE.finditer(masked)]

    def line(pos: int) -> int:
        return bisect.bisect_left(newlines, pos)

    def dest_span(m: re.Match) -> tuple[int, int]:
        if m.group("angle") is not None:
            return m.start("angle") - 1, m.end("angle") + 1
        if m.group("dest") is not None:
            return m.span("dest")
        return m.end() - 1, m.end() - 1  # empty ()

    def html_span(m: re.Match) -> tuple[int, int]:
        g = next(g for g in ("dq", "sq", "bare") if m.group(g) is not None)
        return (m.start(g), m.end(g)) if g == "bare" else (m.start(g) - 1, m.end(g) + 1)

    found: list[Found] = []

    def blank(source: str) -> str:  # hide what was found, so a link's parser does not see an image's ](
        parts, last = [], 0
        for start, end in sorted((f.start, f.end) for f in found):
            start = max(start, last)  # found spans may overlap
            if end > start:
                parts += [source[last:start], NOT_NEWLINE.sub(" ", source[start:end])]
                last = end
        return "".join(parts) + source[last:]

    for m in MD_IMAGE.finditer(md_view):
        found.append(Found("image", m.start(), m.end(), *dest_span(m), destination(m), text[slice(*m.span("text"))],
                           line(m.start())))
    defs = reference_definitions(masked)
    if defs:
        for m in REF_IMAGE.finditer(blank(md_view)):
            target = defs.get(ref_id(m))
            if target is not None:
                found.append(Found("ref-image", m.start(), m.end(), m.start(), m.end(), target,
                                   text[slice(*m.span("text"))], line(m.start())))
    for m in HTML_IMG.finditer(masked):
        found.append(Found("html-image", m.start(), m.end(), *html_span(m), html_value(m), "", line(m.start())))
    rest, md_rest = blank(masked), blank(md_view)
    for m in MD_LINK.finditer(md_rest):
        span = dest_span(m)
        found.append(Found("link", m.start(), m.end(), *span, destination(m), text[slice(*m.span("text"))], line(span[0])))
    for m in REF_DEF.finditer(md_rest):
        found.append(Found("ref-def", m.start(), m.end(), *dest_span(m), destination(m), m.group("id"), line(m.start())))
    for m in HTML_LINK.finditer(rest):
        found.append(Found("html-link", m.start(), m.end(), *html_span(m), html_value(m), "", line(m.start())))
    return sorted(found, key=lambda f: (f.start, f.dest_start))


HTML_TAG = re.compile(r"<[A-Za-z][\w-]*(?P<attrs>(?:\s+[^\s=>/]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s>\"']+))?)*)\s*/?>")


def mask_tag_attributes(text: str) -> str:
    """The text with the attributes of HTML tags blanked out (same length and lines)."""
    return HTML_TAG.sub(lambda m: m.group(0)[:m.start("attrs") - m.start()]
                        + re.sub(r"[^\n]", " ", m.group("attrs")) + m.group(0)[m.end("attrs") - m.start():], text)


def mask_code(text: str) -> str:
    """The text with fenced code blocks and `code spans` blanked out (same length and lines)."""
    return "\n".join(re.sub(r".", " ", line) if in_code else blank_code_spans(line)
                     for _, line, in_code in iter_lines(text, 0))


def destination(m: re.Match) -> str:
    """The destination of an MD_IMAGE / MD_LINK / REF_DEF match, without <>."""
    angle = m.group("angle")
    return (angle if angle is not None else m.group("dest") or "").strip()


def html_value(m: re.Match) -> str:
    return next(v for v in (m.group("dq"), m.group("sq"), m.group("bare")) if v is not None)


def ref_id(m: re.Match) -> str:
    """The normalised label an REF_IMAGE (or reference link) refers to."""
    label = m.group("id") or m.group("text")
    return " ".join(label.split()).lower()


def blank_code_spans(line: str) -> str:
    """The line with `code spans` blanked out (same length), so their content is not parsed."""
    return CODE_SPAN.sub(lambda m: " " * len(m.group(0)), line) if "`" in line else line


def reference_definitions(text: str) -> dict[str, str]:
    """{normalised id: destination} of the [id]: definitions outside code blocks."""
    defs: dict[str, str] = {}
    for m in REF_DEF.finditer(mask_code(text)):
        defs.setdefault(" ".join(m.group("id").split()).lower(), destination(m))
    return defs


def split_heading(heading: str) -> tuple[str | None, str, str | None]:
    """`【健康】冬季流感怎么防 {#flu}` -> ("健康", "冬季流感怎么防", "flu")."""
    anchor = None
    m = EXPLICIT_ANCHOR.search(heading)
    if m:
        anchor = m.group(1)
        heading = heading[: m.start()]
    m = TOPIC_PREFIX.match(heading.strip())
    if not m:
        return None, heading.strip(), anchor
    return m.group(1), m.group(2).strip(), anchor
