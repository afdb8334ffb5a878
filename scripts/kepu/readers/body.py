"""Read the Markdown body: panels of a monthly issue, image references and
what kepu.sanitize will remove (risky HTML, script links), each with its file line number."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from kepu import sanitize

HEADING2 = re.compile(r"^ {0,3}##(?!#)\s*(.*?)\s*#*\s*$")
FULLWIDTH_HEADING = re.compile(r"^ {0,3}＃＃(?!＃)")
HEADING1 = re.compile(r"^ {0,3}#(?!#)\s*\S")
FENCE_OPEN = re.compile(r"^ {0,3}(`{3,}|~{3,})")
TOPIC_PREFIX = re.compile(r"^[【\[]\s*([^】\]]*?)\s*[】\]]\s*(.*)$")
EXPLICIT_ANCHOR = re.compile(r"\s*\{\s*#([A-Za-z][\w-]*)\s*\}\s*$")
MD_IMAGE = re.compile(r"!\[([^\]]*)\]\(\s*<?([^)\s>]+)>?(?:\s+[\"'][^\"']*[\"'])?\s*\)")
HTML_IMG = re.compile(r"<img\b[^>]*?\bsrc\s*=\s*[\"']([^\"']+)[\"']", re.I)


@dataclass(frozen=True)
class ImageRef:
    target: str  # as written
    alt: str
    line: int


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
    risks: list[HtmlRisk]
    h1_lines: list[int]
    fullwidth_heading_lines: list[int]


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
    risks: list[HtmlRisk] = []
    h1: list[int] = []
    fullwidth: list[int] = []
    for lineno, line, in_code in iter_lines(text, first_line):
        if not in_code:
            if split_panels and (m := HEADING2.match(line)):
                panels.append(RawPanel(m.group(1), lineno, body_line=lineno + 1))
                continue
            if HEADING1.match(line):
                h1.append(lineno)
            if FULLWIDTH_HEADING.match(line):
                fullwidth.append(lineno)
            for m in MD_IMAGE.finditer(line):
                images.append(ImageRef(m.group(2), m.group(1), lineno))
            for m in HTML_IMG.finditer(line):
                images.append(ImageRef(m.group(1), "", lineno))
        (panels[-1].body_lines if panels else intro).append(line)
    # exactly what the build removes from each part it renders (remote photos are reported as images)
    for part, line in [("\n".join(intro), first_line)] + [("\n".join(p.body_lines), p.body_line) for p in panels]:
        risks += [HtmlRisk(r.what, r.line) for r in sanitize.clean(part, line).removed]
    return Body("\n".join(intro).strip("\n"), first_line, panels, images, risks, h1, fullwidth)


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
