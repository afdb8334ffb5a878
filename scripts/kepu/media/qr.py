"""QR codes (SVG, via segno) for issue, panel and activity URLs.

Used by pages, the lobby screen and printed posters. Needs site_url: a QR
code must hold an absolute URL that works when scanned from a poster.

Choosing the best mask makes segno take ~3 ms a code; a ten-year site has
over a thousand. Results are memoised, and the build keeps the memo on disk
(`load_cache`/`save_cache`, .kepu-cache/qr.json) so a rebuild makes only
the codes for new URLs.
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import segno

_memo: dict[str, str] = {}
_dirty = False


def qr_svg(url: str, *, scale: int = 4, border: int = 4, dark: str = "#000", light: str = "#fff") -> str:
    """An inline SVG (no XML declaration) with a quiet zone of `border` modules."""
    global _dirty
    key = f"{scale}|{border}|{dark}|{light}|{url}"
    svg = _memo.get(key)
    if svg is None:
        q = segno.make(url, error="m", micro=False)
        svg = q.svg_inline(scale=scale, border=border, dark=dark, light=light, omitsize=True)
        _memo[key] = svg
        _dirty = True
    return svg


def load_cache(path: Path) -> None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return
    if isinstance(data, dict) and data.get("segno") == segno.__version__:
        _memo.update({k: v for k, v in data.get("codes", {}).items() if isinstance(v, str)})


def save_cache(path: Path) -> None:
    global _dirty
    if not _dirty:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps({"segno": segno.__version__, "codes": _memo}, ensure_ascii=False), encoding="utf-8")
    tmp.replace(path)
    _dirty = False


def browser_script() -> str:
    """The inline <script> that print pages include once, at the end of <body>: it
    draws every placeholder `<div class="qr" data-qr="URL">` as an SVG in the browser
    (theme/qr/: qrcode-generator, MIT, and draw.js), so a build computes no QR code
    for the ~1,100 print pages. Comment lines and indentation are dropped (the file
    is inlined into every print page); the code itself is unchanged."""
    return _browser_script()


@lru_cache(maxsize=1)
def _browser_script() -> str:
    from kepu.core.templating import asset

    lines = []
    for name in ("qr/qrcode.js", "qr/draw.js"):
        for line in asset(name).splitlines():
            line = line.strip()
            if line and not line.startswith("//"):
                lines.append(line)
    code = "\n".join(lines)
    if "</" in code:
        raise ValueError("a QR script must not contain '</'")
    return "<script>/* qrcode-generator 2.0.4 © 2009 Kazuhiko Arase, MIT licence */\n" + code + "\n</script>"
