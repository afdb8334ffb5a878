"""Link previews (WeChat, other chat apps): the picture each page shares.

An issue or activity shares its cover, or else its first photo, as a small
JPEG/PNG rendition that the photo pipeline (media.py) already publishes. Without
a photo it shares a card drawn here with Pillow in the colours of its topics;
every other page shares the site's card. No text on the cards (the chat app
shows the title next to them), no fonts, no other service."""
from __future__ import annotations

import hashlib
import io
import zlib
from functools import lru_cache

from kepu.core.memo import memo
from kepu.media.publish import Media

CARD = "assets/generated/share.png"  # site-relative; overrides/main.html falls back to it
SHARE_WIDTH = 480  # chat previews are thumbnails: the smallest rendition is plenty


def image_for(media: Media, *images, colors: list[str] | None = None) -> str:
    """Site-relative URL of the share picture: the first of `images` that exists, else a card
    in `colors` (the page's topic colours; published once per set of colours), else the site card."""
    for image in images:
        if image is not None:
            pub = media.publish(image)
            return pub.rendition_url(pub.fallback(SHARE_WIDTH))
    colors = list(dict.fromkeys(colors or []))[:3]
    if not colors:
        return CARD
    rel = f"assets/generated/share/{hashlib.sha1(','.join(colors).encode()).hexdigest()[:12]}.png"
    if rel not in media.out.files:
        media.out.add(rel, card_png(colors))
    return rel


def card_png(colors: list[str]) -> bytes:
    """A 500×500 card: the warm header colour, a cream 'display window' with one
    coloured panel per topic colour (up to three), like the bulletin board itself.

    Drawn as a palette image (the card has no anti-aliasing, so a handful of exact
    colours): the same pixels as an RGB drawing, half the bytes, a tenth of the encoding time.
    Remembered per set of colours: `kepu serve` makes every page again on each save."""
    return _card_png(tuple(colors))


FIXED_INKS = ("#b4411b", "#fffaf2", "#8f3212", "#ffffff", "#eadcc8")  # in the order the drawing first uses them


@memo(1024)
def _card_png(colors: tuple[str, ...]) -> bytes:
    from PIL import ImageColor

    panels = (list(colors) or ["#d17149", "#50a06e", "#567ae2"])[:3]
    palette: dict[tuple, int] = {}
    for color in FIXED_INKS + tuple(panels):
        palette.setdefault(ImageColor.getrgb(color)[:3], len(palette))
    layout = tuple(palette[ImageColor.getrgb(c)[:3]] for c in panels)
    # the pixels depend only on which palette entry each panel uses: drawn and compressed
    # once per layout, and only the palette (PLTE chunk) is put in for these colours
    return _with_palette(_card_layout(layout, len(palette)), bytes(v for rgb in palette for v in rgb))


@lru_cache(maxsize=64)
def _card_layout(layout: tuple[int, ...], colors: int) -> bytes:
    """The card PNG with panel i in palette entry layout[i] (FIXED_INKS are entries 0-4),
    and a placeholder palette of `colors` entries."""
    from PIL import Image, ImageDraw

    size = 500
    bg, cream, header, white, line = range(len(FIXED_INKS))
    im = Image.new("P", (size, size), bg)
    d = ImageDraw.Draw(im)
    d.rounded_rectangle((50, 70, 450, 430), radius=28, fill=cream)
    d.rectangle((50, 70, 450, 120), fill=header)
    d.rounded_rectangle((50, 70, 450, 130), radius=28, fill=header)
    d.rectangle((50, 110, 450, 130), fill=cream)
    n = len(layout)
    gap, left, right = 20, 80, 420
    w = (right - left - gap * (n - 1)) // n
    for i, ink in enumerate(layout):
        x = left + i * (w + gap)
        d.rounded_rectangle((x, 150, x + w, 400), radius=12, fill=white, outline=line, width=3)
        d.rectangle((x, 150, x + w, 170), fill=ink)
        for j in range(4):
            y = 200 + j * 45
            d.rounded_rectangle((x + 16, y, x + w - 16 - (j % 2) * 24, y + 16), radius=8, fill=line)
    im.putpalette(bytes(3 * colors))
    buf = io.BytesIO()
    im.save(buf, "PNG", compress_level=6)  # level 9 is 4× the time for 8 % fewer bytes
    return buf.getvalue()


def _with_palette(png: bytes, rgb: bytes) -> bytes:
    """`png` with its PLTE chunk's data replaced by `rgb` (of the same length)."""
    at = png.index(b"PLTE") - 4
    length = int.from_bytes(png[at:at + 4], "big")
    if length != len(rgb):
        raise ValueError("palette length changed")
    chunk = b"PLTE" + rgb
    return png[:at + 4] + chunk + zlib.crc32(chunk).to_bytes(4, "big") + png[at + 12 + length:]


def generate(site, out, media) -> None:
    colors = [t.color for t in site.topics.values()]
    out.add(CARD, card_png(colors))
