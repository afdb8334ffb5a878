"""Turn a volunteer's Markdown into Markdown for a generated page: image
paths point at published media, links to other bulletin files point at
their pages, and risky HTML is dropped (the checker already warned)."""
from __future__ import annotations

import html
import re
from pathlib import Path
from urllib.parse import unquote

from kepu import urls
from kepu.model import Image, Site
from kepu.readers import body as body_reader
from kepu.readers.body import CODE_SPAN, HTML_IMG, HTML_LINK, MD_IMAGE, MD_LINK, REF_DEF, REF_IMAGE

RISKY_BLOCK = re.compile(r"<\s*(script|iframe|object|embed|frameset|frame)\b.*?(</\s*\1\s*>|/>|$)", re.I | re.S)
EVENT_ATTR = re.compile(r"\s+on[a-z]+\s*=\s*(\"[^\"]*\"|'[^']*'|[^\s>]+)", re.I)
REMOTE = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|//)", re.I)


def rewrite(markdown: str, source: Path, images: list[Image], page_url: str, site: Site, media) -> str:
    """Images (inline, reference-style, raw <img>) become the published renditions;
    links to bulletin files become links to their pages. The same parser as the
    checker (readers.body) finds them, so what the check accepted is what is rewritten."""
    by_written = {i.written.replace("\\", "/"): i for i in images}
    defs = body_reader.reference_definitions(markdown)

    def picture(written: str, alt: str, whole: str) -> str:
        img = by_written.get(written.replace("\\", "/"))
        if img is None:  # remote (the check warned) stays; anything else the check rejected
            return whole if REMOTE.match(written) else ""
        # a <picture> with WebP/JPEG srcsets and width/height; the alt text doubles as a caption
        pic = media.img(img, page_url, alt=alt, sizes="(min-width: 61em) 40rem, 100vw")
        caption = f'<span class="kp-caption">{html.escape(alt)}</span>' if alt.strip() else ""
        return f'<span class="kp-figure">{pic}{caption}</span>'

    def image(m):
        return picture(body_reader.destination(m), m.group("text"), m.group(0))

    def ref_image(m):
        target = defs.get(body_reader.ref_id(m))
        return m.group(0) if target is None else picture(target, m.group("text"), m.group(0))

    def html_img(m):
        img = by_written.get(body_reader.html_value(m).replace("\\", "/"))
        if img is None:
            return m.group(0)
        value = html.escape(media.url(img, page_url))
        return m.group(0)[: m.start(_group(m)) - m.start()].rstrip("\"'") + f'"{value}"'

    def target_url(target: str) -> str | None:
        """Where a link or reference definition should point on the site (None: unchanged)."""
        img = by_written.get(target.replace("\\", "/"))
        if img is not None:
            return media.url(img, page_url, width=10_000)
        page = _bulletin_page(target, source, site)
        return None if page is None else urls.relative(page_url, page)

    def link(m):
        url = target_url(body_reader.destination(m))
        return m.group(0) if url is None else f"[{m.group('text')}]({url})"

    def html_link(m):
        url = target_url(body_reader.html_value(m))
        return m.group(0) if url is None else m.group(0)[: m.start(_group(m)) - m.start()].rstrip("\"'") + f'"{html.escape(url)}"'

    def ref_def(m):
        url = target_url(body_reader.destination(m))
        return m.group(0) if url is None else f"[{m.group('id')}]: {url}"

    def inline(segment: str) -> str:
        segment = MD_IMAGE.sub(image, segment)
        segment = REF_IMAGE.sub(ref_image, segment) if defs else segment
        segment = HTML_IMG.sub(html_img, segment)
        segment = HTML_LINK.sub(html_link, segment)
        return MD_LINK.sub(link, segment)

    lines = []
    for _, line, in_code in body_reader.iter_lines(markdown, 1):
        if not in_code:
            if m := REF_DEF.match(line):
                line = ref_def(m)
            else:
                line = _outside_code_spans(line, inline)
        lines.append(line)
    text = "\n".join(lines)
    text = RISKY_BLOCK.sub("", text)
    text = EVENT_ATTR.sub("", text)
    return text


def _group(m: re.Match) -> str:
    return next(g for g in ("dq", "sq", "bare") if m.group(g) is not None)


def _outside_code_spans(line: str, fn) -> str:
    out, pos = [], 0
    for m in CODE_SPAN.finditer(line):
        out += [fn(line[pos:m.start()]), m.group(0)]
        pos = m.end()
    out.append(fn(line[pos:]))
    return "".join(out)


def bulletin_target(target: str) -> tuple[str, str] | None:
    """(path, anchor) of a link that points at a .md file, with %-escapes decoded; None otherwise."""
    if REMOTE.match(target) or target.startswith("#"):
        return None
    path, _, anchor = target.replace("\\", "/").partition("#")
    path = unquote(path.split("?")[0])
    return (path, anchor) if path.lower().endswith(".md") else None


def _bulletin_page(target: str, source: Path, site: Site) -> str | None:
    found = bulletin_target(target)
    if found is None:
        return None
    path, anchor = found
    full = (source.parent / path).resolve()
    for issue in site.issues:
        if issue.source.resolve() == full:
            return urls.issue(issue) + (f"#{anchor}" if anchor else "")
    for act in site.activities:
        if act.source.resolve() == full:
            return urls.activity(act) + (f"#{anchor}" if anchor else "")
    return None


MD_ANY_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
MD_LINK_TEXT = re.compile(r"\[([^\]]*)\]\([^)]*\)")
MD_BLOCK_MARKS = re.compile(r"^\s{0,3}(?:#{1,6}\s*|>\s?|[-+*]\s+|\d+(?:[.)]\s+|、))", re.M)
MD_INLINE = re.compile(r"<[^>]+>|\{[:#.][^}]*\}|[*_`~]+")


def plain_text(markdown: str) -> str:
    """Readable plain text of volunteer Markdown, for excerpts, slides and search:
    images dropped, links kept as their text, markup and HTML tags removed."""
    text = MD_ANY_IMAGE.sub("", markdown)
    text = MD_LINK_TEXT.sub(r"\1", text)
    text = MD_BLOCK_MARKS.sub(" ", text)
    text = MD_INLINE.sub("", text.replace("|", " "))
    return re.sub(r"\s+", " ", text).strip()


def demote_headings(markdown: str) -> str:
    """Activity write-ups sit under the page title: keep their headings below it."""
    return re.sub(r"^(#{1,5})(?=\s)", lambda m: "#" * max(len(m.group(1)), 2), markdown, flags=re.M)
