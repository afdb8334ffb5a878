"""The lobby screen (大屏): a self-contained full-screen slideshow at /screen/.

`generate(site, out, media)` writes screen/index.html (slide data embedded),
version.json, which running screens poll to pick up a new build, and the
offline copy: screen/sw.js (a service worker scoped to /screen/, from
theme/screen/sw.js) with screen/offline.json, the exact files this build's
screen shows (see `offline_manifest`)."""
from __future__ import annotations

import hashlib
import json

from kepu.media import qr
from kepu.core import urls
from kepu.core.templating import asset
from kepu.views.screen.page import render
from kepu.views.screen.settings import ScreenSettings, parse  # noqa: F401 - re-exported
from kepu.views.screen.slogans import check_slogans, load_slogans  # noqa: F401 - re-exported
from kepu.views.screen.slides import Slide, build_slides, check_panels, urgent_data  # noqa: F401 - re-exported

PAGE = urls.SCREEN + "index.html"
VERSION = "version.json"
WORKER = urls.SCREEN + "sw.js"
OFFLINE = urls.SCREEN + "offline.json"
IMAGE_WIDTH = 1600
# The offline copy's storage budget: the page and every picture it shows are always kept
# (a few MB: the screen shows one issue's panels and a few activities, however old the
# site); films are kept in slide order while all kept films together stay within
# FILM_BUDGET bytes. A film left out plays online and is skipped offline (never a blank slide).
FILM_BUDGET = 60_000_000


def slide_data(slide: Slide, media) -> dict:
    return {
        "kind": slide.kind, "key": slide.key, "kicker": slide.kicker, "title": slide.title, "text": slide.text,
        "facts": [list(f) for f in slide.facts], "topics": list(slide.topics), "color": slide.color,
        "date": slide.date, "seconds": slide.seconds, "url": slide.qr_url,
        "start": slide.start, "end": slide.end, "level": slide.level,
        **({"from": slide.shown_from} if slide.shown_from else {}),
        **({"parents": list(slide.parents)} if slide.parents else {}),
        "img": media.url(slide.image, urls.SCREEN, width=IMAGE_WIDTH) if slide.image else "",
        "qr": qr.qr_svg(slide.qr_url, border=4) if slide.qr_url else "",
        **(dict(zip(("video", "poster"), media.video_urls(slide.video, urls.SCREEN))) if slide.video else {}),
    }


def page_data(site, s: ScreenSettings, slides: list[Slide], media, slogans=()) -> dict:
    return {
        "tz": site.settings.timezone, "night": list(s.night) if s.night else None, "reloadAt": s.reload_at,
        "pollMinutes": s.poll_minutes, "caps": {"recent": s.recent_count}, "topics": {t.id: t.name for t in site.topics.values()},
        "slides": [slide_data(sl, media) for sl in slides],
        "urgent": urgent_data(site),
        "slogans": [x.text for x in slogans],
    }


def generate(site, out, media) -> None:
    s = parse(site.settings)
    slogans = load_slogans(site.settings.root)
    slides = build_slides(site, s, slogans)
    data = page_data(site, s, slides, media, slogans)
    page, build = render(data, title=s.title, community=site.settings.community_name)
    out.text(PAGE, page)
    out.text(WORKER, asset("screen/sw.js"))
    out.text(OFFLINE, json.dumps(offline_manifest(build, data["slides"], out), ensure_ascii=False, indent=1) + "\n")
    # "content" hashes every file generated so far (all pages of the site when the
    # screen runs last); "screen" is what running screens compare with their own id.
    digest = hashlib.sha256()
    for rel in sorted(out.files):
        digest.update(rel.encode() + b"\0" + bytes.fromhex(out.digest(rel)))  # the writer's SHA-256, not a re-read
    out.text(VERSION, json.dumps({"screen": build, "content": digest.hexdigest()[:16]}) + "\n")


def offline_manifest(build: str, slides: list[dict], out) -> dict:
    """What the service worker keeps for build `build`: the page ("./", its slide data and
    QR codes are inside it) and the exact URLs (relative to /screen/) of the photos, posters
    and films the slides show, with their sizes. Films beyond FILM_BUDGET are listed in
    "left_out" (they play online only)."""
    def size(url: str) -> int:
        rel = urls.SCREEN + url
        parts: list[str] = []
        for part in rel.split("/"):
            if part == "..":
                parts.pop()
            elif part not in ("", "."):
                parts.append(part)
        data = out.files.get("/".join(parts))
        return len(data) if data is not None else 0

    files: list[dict] = []
    left_out: list[dict] = []
    seen: set[str] = set()
    film_bytes = 0
    for sl in slides:
        for field in ("img", "poster", "video"):
            url = sl.get(field) or ""
            if not url or url in seen:
                continue
            seen.add(url)
            entry = {"url": url, "bytes": size(url)}
            if field == "video":
                if film_bytes + entry["bytes"] > FILM_BUDGET:
                    left_out.append(entry)
                    continue
                film_bytes += entry["bytes"]
            files.append(entry)
    page_bytes = size("index.html")
    return {"screen": build, "page": "./", "page_bytes": page_bytes, "files": files, "left_out": left_out,
            "bytes": page_bytes + sum(f["bytes"] for f in files), "film_budget": FILM_BUDGET}
