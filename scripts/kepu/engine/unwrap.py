"""After the engine: kepu's own HTML blocks back out of their comments.

The generated Markdown pages hold kepu's HTML blocks (activity facts, lists, cards,
chips with their icons ...) in HTML comments (kepu.core.templating.html_block), so the
engine copies them without parsing every tag. This pass takes the comment marks off in
every page the engine rendered: one bytes search per page, and for a page that has
blocks one split and join. The same for MkDocs and Zensical.

Only kepu writes the mark: volunteers' Markdown loses every HTML comment in
kepu.core.sanitize, and volunteers' text is escaped (`<` as a character reference)."""
from __future__ import annotations

import os
import time
from pathlib import Path

from kepu.core.templating import HTML_BLOCK_CLOSE, HTML_BLOCK_OPEN

OPEN = HTML_BLOCK_OPEN.encode()
CLOSE = HTML_BLOCK_CLOSE.encode()


def unwrap_page(data: bytes) -> bytes:
    """A built page with its held HTML blocks in place: each mark from OPEN to the first
    CLOSE after it becomes what it holds (which never has CLOSE: html_block checks)."""
    if OPEN not in data:
        return data
    parts = data.split(OPEN)
    out = [parts[0]]
    for part in parts[1:]:
        end = part.find(CLOSE)
        if end < 0:  # not a whole mark (cannot happen in a page the engine built): left as it is
            out += (OPEN, part)
        else:
            out += (part[:end], part[end + len(CLOSE):])
    return b"".join(out)


def unwrap_site(site_dir: Path, docs_dir: Path | None = None, pages: list[str] | None = None) -> tuple[int, float]:
    """Put kepu's HTML blocks back into every built page of `site_dir`; (pages changed, seconds).
    With `docs_dir`, HTML files copied from it as they are (print pages) are not read.
    `pages` (kepu serve's incremental builds): only these pages (site-relative), the ones the
    engine has just made; the others were unwrapped in the build they come from."""
    t0 = time.perf_counter()
    changed = 0
    site_dir = os.fspath(site_dir)
    walked = os.walk(site_dir) if pages is None else _folders(site_dir, pages)
    for dirpath, _dirs, files in walked:
        static = os.path.join(docs_dir, os.path.relpath(dirpath, site_dir)) if docs_dir is not None else None
        for name in files:
            if not name.endswith(".html") or (static is not None and os.path.isfile(os.path.join(static, name))):
                continue  # not a page, or a static file of docs/ (not rendered by the engine)
            path = os.path.join(dirpath, name)
            with open(path, "rb") as f:
                data = f.read()
            if OPEN in data:
                with open(path, "wb") as f:
                    f.write(unwrap_page(data))
                changed += 1
    return changed, time.perf_counter() - t0


def _folders(site_dir: str, pages: list[str]):
    """(folder, [], [file names]) of `pages`, as os.walk gives them."""
    by_folder: dict[str, list[str]] = {}
    for rel in pages:
        folder, name = os.path.split(os.path.join(site_dir, *rel.split("/")))
        if os.path.isfile(os.path.join(folder, name)):
            by_folder.setdefault(folder, []).append(name)
    return [(folder, [], names) for folder, names in sorted(by_folder.items())]
