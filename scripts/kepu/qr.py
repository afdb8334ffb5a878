"""QR codes (SVG, via segno) for issue, panel and activity URLs.

Used by pages, the lobby screen and printed posters. Needs site_url: a QR
code must hold an absolute URL that works when scanned from a poster."""
from __future__ import annotations

import functools

import segno


@functools.lru_cache(maxsize=4096)
def qr_svg(url: str, *, scale: int = 4, border: int = 4, dark: str = "#000", light: str = "#fff") -> str:
    """An inline SVG (no XML declaration) with a quiet zone of `border` modules."""
    q = segno.make(url, error="m", micro=False)
    return q.svg_inline(scale=scale, border=border, dark=dark, light=light, omitsize=True)
