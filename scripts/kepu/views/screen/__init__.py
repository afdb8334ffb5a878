"""The lobby screen (大屏): a self-contained full-screen slideshow at /screen/.

`generate(site, out, media)` writes screen/index.html (slide data embedded)
and version.json, which running screens poll to pick up a new build."""
from __future__ import annotations

import hashlib
import json

from kepu.media import qr
from kepu.core import urls
from kepu.views.screen.page import render
from kepu.views.screen.settings import ScreenSettings, parse  # noqa: F401 - re-exported
from kepu.views.screen.slogans import check_slogans, load_slogans  # noqa: F401 - re-exported
from kepu.views.screen.slides import Slide, build_slides, check_panels, urgent_data  # noqa: F401 - re-exported

PAGE = urls.SCREEN + "index.html"
VERSION = "version.json"
IMAGE_WIDTH = 1600


def slide_data(slide: Slide, media) -> dict:
    return {
        "kind": slide.kind, "key": slide.key, "kicker": slide.kicker, "title": slide.title, "text": slide.text,
        "facts": [list(f) for f in slide.facts], "topics": list(slide.topics), "color": slide.color,
        "date": slide.date, "seconds": slide.seconds, "url": slide.qr_url,
        "start": slide.start, "end": slide.end, "level": slide.level,
        "img": media.url(slide.image, urls.SCREEN, width=IMAGE_WIDTH) if slide.image else "",
        "qr": qr.qr_svg(slide.qr_url, border=4) if slide.qr_url else "",
        **(dict(zip(("video", "poster"), media.video_urls(slide.video, urls.SCREEN))) if slide.video else {}),
    }


def page_data(site, s: ScreenSettings, slides: list[Slide], media, slogans=()) -> dict:
    return {
        "tz": site.settings.timezone, "night": list(s.night) if s.night else None, "reloadAt": s.reload_at,
        "pollMinutes": s.poll_minutes, "topics": {t.id: t.name for t in site.topics.values()},
        "slides": [slide_data(sl, media) for sl in slides],
        "urgent": urgent_data(site),
        "slogans": [x.text for x in slogans],
    }


def generate(site, out, media) -> None:
    s = parse(site.settings)
    slogans = load_slogans(site.settings.root)
    slides = build_slides(site, s, slogans)
    page, build = render(page_data(site, s, slides, media, slogans), title=s.title, community=site.settings.community_name)
    out.text(PAGE, page)
    # "content" hashes every file generated so far (all pages of the site when the
    # screen runs last); "screen" is what running screens compare with their own id.
    digest = hashlib.sha256()
    for rel in sorted(out.files):
        digest.update(rel.encode() + b"\0" + bytes.fromhex(out.digest(rel)))  # the writer's SHA-256, not a re-read
    out.text(VERSION, json.dumps({"screen": build, "content": digest.hexdigest()[:16]}) + "\n")
