"""Publish images referenced by the content and render <img> tags for pages.

Interim version: originals are copied by content hash. The image pipeline
issue replaces `publish` with resizing, metadata stripping and WebP.
"""
from __future__ import annotations

import hashlib
import html
from dataclasses import dataclass

from kepu import urls
from kepu.generate.writer import Output
from kepu.model import Image

MEDIA_DIR = "assets/generated/media/"


@dataclass(frozen=True)
class Published:
    url: str  # site-relative
    width: int | None = None
    height: int | None = None


class Media:
    def __init__(self, out: Output):
        self.out = out
        self._done: dict[str, Published] = {}

    def publish(self, image: Image) -> Published:
        key = str(image.source)
        if key not in self._done:
            data = image.source.read_bytes()
            digest = hashlib.sha256(data).hexdigest()[:12]
            rel = f"{MEDIA_DIR}{digest}{image.source.suffix.lower()}"
            self.out.add(rel, data)
            self._done[key] = Published(rel)
        return self._done[key]

    def url(self, image: Image, page_url: str, width: int | None = None) -> str:
        """Relative URL of a rendition at most `width` px wide (None: the default size)."""
        return urls.relative(page_url, self.publish(image).url)

    def img(self, image: Image, page_url: str, *, alt: str = "", cls: str = "", lazy: bool = True,
            sizes: str = "100vw") -> str:
        pub = self.publish(image)
        attrs = [f'src="{html.escape(urls.relative(page_url, pub.url))}"', f'alt="{html.escape(alt or image.alt)}"']
        if pub.width and pub.height:
            attrs += [f'width="{pub.width}"', f'height="{pub.height}"']
        if lazy:
            attrs.append('loading="lazy" decoding="async"')
        if cls:
            attrs.append(f'class="{cls}"')
        return f"<img {' '.join(attrs)}>"
