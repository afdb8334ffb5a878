"""Turn a volunteer's Markdown into Markdown for a generated page: risky HTML
and script links are removed by kepu.sanitize (the checker reported the same
removals), image paths point at published media, links to other bulletin
files point at their pages."""
from __future__ import annotations

import re
from pathlib import Path

from kepu import sanitize, urls
from kepu.escape import text as escape_text
from kepu.model import Image, Site
from kepu.readers.body import HTML_IMG, MD_IMAGE

MD_LINK = re.compile(r"(?<!!)\[([^\]]*)\]\(\s*<?([^)\s>]+)>?\s*\)")


def rewrite(markdown: str, source: Path, images: list[Image], page_url: str, site: Site, media) -> str:
    by_written = {i.written: i for i in images}

    def image(m):
        img = by_written.get(m.group(2).replace("\\", "/"))
        if img is None:
            return "" if not re.match(r"^(https?:)?//", m.group(2)) else m.group(0)
        # a <picture> with WebP/JPEG srcsets and width/height; the alt text doubles as a caption
        pic = media.img(img, page_url, alt=m.group(1), sizes="(min-width: 61em) 40rem, 100vw")
        caption = f'<span class="kp-caption">{escape_text(m.group(1))}</span>' if m.group(1).strip() else ""
        return f'<span class="kp-figure">{pic}{caption}</span>'


    def html_img(m):
        img = by_written.get(m.group(1).replace("\\", "/"))
        return m.group(0).replace(m.group(1), media.url(img, page_url)) if img else m.group(0)

    def link(m):
        target = m.group(2)
        page = _bulletin_page(target, source, site)
        if page is None:
            return m.group(0)
        return f"[{m.group(1)}]({urls.relative(page_url, page)})"

    text = sanitize.clean(markdown).text  # first: kepu's own markup below is trusted
    text = MD_IMAGE.sub(image, text)
    text = HTML_IMG.sub(html_img, text)
    text = MD_LINK.sub(link, text)
    return text


def _bulletin_page(target: str, source: Path, site: Site) -> str | None:
    if re.match(r"^[a-z]+:", target) or not target.split("#")[0].endswith(".md"):
        return None
    path, _, anchor = target.partition("#")
    full = (source.parent / path).resolve()
    for issue in site.issues:
        if issue.source.resolve() == full:
            return urls.issue(issue) + (f"#{anchor}" if anchor else "")
    for act in site.activities:
        if act.source.resolve() == full:
            return urls.activity(act)
    return None


MD_ANY_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
MD_LINK_TEXT = re.compile(r"\[([^\]]*)\]\([^)]*\)")
MD_BLOCK_MARKS = re.compile(r"^\s{0,3}(?:#{1,6}\s*|>\s?|[-+*]\s+|\d+(?:[.)]\s+|、))", re.M)
MD_INLINE = re.compile(r"\{[:#.][^}]*\}|[*_`~]+")


def plain_text(markdown: str) -> str:
    """Readable plain text of volunteer Markdown, for excerpts, slides and search:
    images dropped, links kept as their text, Markdown marks removed, HTML tags
    removed by parsing (so `儿童<6岁、体温>38℃` keeps its < and >), entities decoded.
    It is text, not HTML: every view escapes it for where it goes."""
    text = MD_ANY_IMAGE.sub("", markdown)
    text = MD_LINK_TEXT.sub(r"\1", text)
    text = MD_BLOCK_MARKS.sub(" ", text)
    text = MD_INLINE.sub("", text.replace("|", " "))
    text = sanitize.html_to_text(text)
    return re.sub(r"\s+", " ", text).strip()


def demote_headings(markdown: str) -> str:
    """Activity write-ups sit under the page title: keep their headings below it."""
    return re.sub(r"^(#{1,5})(?=\s)", lambda m: "#" * max(len(m.group(1)), 2), markdown, flags=re.M)
