"""Turn a volunteer's Markdown into Markdown for a generated page: risky HTML
and script links are removed by kepu.core.sanitize (the checker reported the same
removals), image paths point at published media, links to other bulletin
files point at their pages, phone numbers in the text become tap-to-call links (phones.py)."""
from __future__ import annotations

import html
import re
from pathlib import Path
from urllib.parse import unquote

from kepu.core import sanitize, urls
from kepu.views.pages.components import macro
from kepu.views.pages.phones import link_phones
from kepu.content.model import Image, Site
from kepu.content.readers import body as body_reader
from kepu.core.templating import trusted

REMOTE = urls.REMOTE


def rewrite(markdown: str, source: Path, images: list[Image], page_url: str, site: Site, media, videos=()) -> str:
    """Images (inline, reference-style, raw <img>) become the published renditions;
    links to bulletin files become links to their pages. The same parser as the
    checker (readers.body.scan) finds them, so what the check accepted is what is rewritten."""
    by_written = {i.written.replace("\\", "/"): i for i in images}

    films = {v.written.replace("\\", "/"): v for v in videos}

    def picture(written: str, alt: str, whole: str) -> str:
        film = films.get(written.replace("\\", "/"))
        if film is not None:  # a short film: ![标题](videos/x.mp4)
            alt = " ".join(alt.split())
            return str(macro("figure")(trusted(media.video(film, page_url, title=alt)), alt))  # kepu's own <video>
        img = by_written.get(written.replace("\\", "/"))
        if img is None:  # remote (the check warned) stays; anything else the check rejected
            return whole if REMOTE.match(written) else ""
        # a <picture> with WebP/JPEG srcsets and width/height; the alt text doubles as a caption
        alt = " ".join(alt.split())
        # the caption shows the alt text: the image itself gets none, so it is not read twice
        pic = media.img(img, page_url, alt="" if alt.strip() else None, sizes="(min-width: 61em) 40rem, 100vw")
        return str(macro("figure")(trusted(pic), alt))  # the <picture> is kepu's own (media.img escapes the alt)

    def target_url(target: str) -> str | None:
        """Where a link should point on the site (None: leave it as written)."""
        img = by_written.get(target.replace("\\", "/"))
        if img is not None:
            return media.url(img, page_url, width=10_000)
        page = _bulletin_page(target, source, site)
        return None if page is None else urls.relative(page_url, page)

    markdown = sanitize.clean(markdown).text  # first: kepu's own markup below is trusted
    markdown = link_phones(markdown)  # before kepu's own markup goes in (its digits are not phone numbers)
    edits: list[tuple[int, int, str]] = []
    for f in body_reader.scan(markdown):
        if f.kind in ("image", "ref-image"):
            edits.append((f.start, f.end, picture(f.target, f.text, markdown[f.start:f.end])))
        elif f.kind == "html-image":
            img = by_written.get(f.target.replace("\\", "/"))
            if img is not None:
                edits.append((f.dest_start, f.dest_end, f'"{html.escape(media.url(img, page_url))}"'))
        elif (url := target_url(f.target)) is not None:
            edits.append((f.dest_start, f.dest_end, f'"{html.escape(url)}"' if f.kind == "html-link" else url))
    out, pos = [], 0
    for start, end, replacement in sorted(edits):
        if start >= pos:  # nested constructs never overlap; skip defensively if they did
            out += [markdown[pos:start], replacement]
            pos = end
    out.append(markdown[pos:])
    text = "".join(out)
    return text


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


def demote_headings(markdown: str) -> str:
    """Activity write-ups sit under the page title: keep their headings below it."""
    return re.sub(r"^(#{1,5})(?=\s)", lambda m: "#" * max(len(m.group(1)), 2), markdown, flags=re.M)
