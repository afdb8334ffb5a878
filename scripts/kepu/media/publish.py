"""Publish images referenced by the content and render them for pages.

Each original goes through the image pipeline (kepu.media.images): oriented,
metadata stripped, resized to a few widths, WebP + JPEG/PNG fallback, cached
by content hash. Only the renditions are published, under
assets/generated/media/<key>-<width>.<ext>; the originals never are.
"""
from __future__ import annotations

from dataclasses import dataclass

from kepu.core import urls
from kepu.core.templating import render
from kepu.core.writer import Output
from kepu.media.images import DEFAULT_WIDTH, ImageCache, Processed, Rendition, Stats
from kepu.content.model import Image

MEDIA_DIR = "assets/generated/media/"


@dataclass(frozen=True)
class Published:
    url: str  # site-relative URL of the default (fallback format) rendition
    width: int | None = None  # of that rendition
    height: int | None = None
    processed: Processed | None = None

    def rendition_url(self, r: Rendition) -> str:
        return f"{MEDIA_DIR}{self.processed.key}-{r.width}.{r.ext}"

    def fallback(self, width: int | None = None) -> Rendition:
        """The widest fallback rendition not wider than `width` (the smallest if none is)."""
        rends = self.processed.of_format(self.processed.fallback_format)
        limit = width or DEFAULT_WIDTH
        fitting = [r for r in rends if r.width <= limit]
        return fitting[-1] if fitting else rends[0]


class Media:
    def __init__(self, out: Output, cache: ImageCache | None = None):
        self.out = out
        self.cache = cache
        self.stats = Stats()  # this build's image work: a rebuild with nothing changed processes 0
        self._done: dict[str, Published] = {}
        self._films: dict[str, tuple[str, str]] = {}

    def publish(self, image: Image) -> Published:
        key = str(image.source)
        if key not in self._done:
            cache = self.cache or ImageCache.for_source(image.source, self.stats)
            cache.stats = self.stats
            processed, files = cache.get(image.source)
            pub = Published("", processed=processed)
            for r in processed.renditions:
                self.out.add(pub.rendition_url(r), files[r.name])
            default = pub.fallback()
            self._done[key] = Published(pub.rendition_url(default), default.width, default.height, processed)
        return self._done[key]

    def url(self, image: Image, page_url: str, width: int | None = None) -> str:
        """Relative URL of a JPEG/PNG rendition at most `width` px wide (None: the default size)."""
        pub = self.publish(image)
        return urls.relative(page_url, pub.rendition_url(pub.fallback(width)))

    def srcset(self, image: Image, page_url: str, fmt: str | None = None) -> str:
        pub = self.publish(image)
        rends = pub.processed.of_format(fmt or pub.processed.fallback_format)
        return ", ".join(f"{urls.relative(page_url, pub.rendition_url(r))} {r.width}w" for r in rends)

    def img(self, image: Image, page_url: str, *, alt: str | None = None, cls: str = "", lazy: bool = True,
            sizes: str = "100vw") -> str:
        """A <picture> (theme/media/picture.html): WebP and JPEG/PNG srcsets, width/height,
        lazy loading unless the image is near the top of the page. `alt` None: the image's own
        alt text; "": none (a caption beside it says the same)."""
        pub = self.publish(image)
        return render("media/picture.html", src=urls.relative(page_url, pub.url), srcset=self.srcset(image, page_url),
                      webp=self.srcset(image, page_url, "webp"), sizes=sizes, alt=image.alt if alt is None else alt,
                      width=pub.width, height=pub.height, lazy=lazy, cls=cls)

    # ---- short films (宣传短片): published as they are, beside the images, named by content hash

    def publish_video(self, video) -> tuple[str, str]:
        """(site-relative URL of the MP4, of its poster frame or "" when ffmpeg is not there)."""
        key = str(video.source)
        if key not in self._films:
            import hashlib

            from kepu.media.films import poster_frame

            data = video.source.read_bytes()
            name = hashlib.sha256(data).hexdigest()[:16]
            src = f"{MEDIA_DIR}{name}.mp4"
            self.out.add(src, data)
            poster = poster_frame(video.source)
            if poster:
                self.out.add(f"{MEDIA_DIR}{name}-poster.jpg", poster)
            self._films[key] = (src, f"{MEDIA_DIR}{name}-poster.jpg" if poster else "")
        return self._films[key]

    def video_urls(self, video, page_url: str) -> tuple[str, str]:
        """(film URL, poster URL or "") relative to `page_url`."""
        src, poster = self.publish_video(video)
        return urls.relative(page_url, src), urls.relative(page_url, poster) if poster else ""

    def video(self, video, page_url: str, *, title: str = "") -> str:
        """A <video> for a site page (theme/media/video.html): controls, nothing downloaded before play."""
        src, poster = self.video_urls(video, page_url)
        return render("media/video.html", src=src, poster=poster, label=title or video.title)
