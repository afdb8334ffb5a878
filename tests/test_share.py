"""Residents first (issue 14): link previews in WeChat (og:title/description/image on
every page, a picture that exists and is small), one site name in titles, and phone
numbers that are one tap to call."""
from __future__ import annotations

import re
from html import unescape
from urllib.parse import urlparse

import pytest

from kepu.views.pages.components import tel_links
from kepu.views.share import card_png

SITE_URL = "https://guiyuan-kepu.github.io/kepu/"


def _meta(html: str, prop: str) -> str | None:
    m = re.search(rf'<meta property="{prop}" content="([^"]*)"', html)
    return unescape(m.group(1)) if m else None


def _theme_pages(built):
    pages = sorted((built / "site").rglob("index.html"))
    # MkDocs pages (the print sheets and the lobby screen are standalone documents, noindex)
    return [p for p in pages if 'class="md-content"' in p.read_text(encoding="utf-8")]


def test_every_page_has_a_link_preview_with_a_small_picture(built):
    pages = _theme_pages(built)
    assert len(pages) > 50
    for page in pages:
        html = page.read_text(encoding="utf-8")
        rel = page.relative_to(built / "site").as_posix()
        title, desc, image = _meta(html, "og:title"), _meta(html, "og:description"), _meta(html, "og:image")
        assert title and desc and image, rel
        assert image.startswith(SITE_URL), (rel, image)
        file = built / "site" / urlparse(image).path.removeprefix("/kepu/")
        assert file.is_file(), (rel, image)
        assert file.stat().st_size <= 300_000, (rel, file.stat().st_size)
        assert 'telephone=no' not in html, rel


def test_print_pages_have_a_description_and_a_link_preview(built):
    for rel in ("2026/11/print/index.html", "2026/11/07-fire-drill/print/index.html"):
        html = (built / "site" / rel).read_text(encoding="utf-8")
        assert re.search(r'<meta name="description" content="[^"]+">', html), rel
        image = _meta(html, "og:image")
        assert _meta(html, "og:title") and _meta(html, "og:description") and image.startswith(SITE_URL), rel
        assert (built / "site" / urlparse(image).path.removeprefix("/kepu/")).is_file(), rel


def test_activity_with_a_photo_shares_it_and_describes_when_and_where(built):
    html = (built / "site" / "2026/11/07-fire-drill/index.html").read_text(encoding="utf-8")
    assert "/assets/generated/media/" in _meta(html, "og:image")
    desc = _meta(html, "og:description")
    assert "2026年11月7日" in desc and "09:30" in desc


def test_issue_without_a_photo_shares_a_card_in_its_topic_colours(built, example):
    html = (built / "site" / "2026/11/index.html").read_text(encoding="utf-8")
    image = _meta(html, "og:image")
    assert "/assets/generated/share/" in image
    from PIL import Image as PILImage

    with PILImage.open(built / "site" / urlparse(image).path.removeprefix("/kepu/")) as im:
        assert im.size == (500, 500)
        [issue] = [i for i in example.issues if (i.year, i.month) == (2026, 11)]
        first = example.topics[issue.panels[0].topic].color.lstrip("#")
        assert im.convert("RGB").getpixel((100, 160)) == tuple(int(first[i:i + 2], 16) for i in (0, 2, 4))
    home = (built / "site" / "index.html").read_text(encoding="utf-8")
    assert _meta(home, "og:image").endswith("/assets/generated/share.png")


def test_titles_name_the_site_once(built):
    home = (built / "site" / "index.html").read_text(encoding="utf-8")
    assert re.search(r"<title>([^<]*)</title>", home).group(1) == "桂园社区科普橱窗"
    issue = (built / "site" / "2026/11/index.html").read_text(encoding="utf-8")
    assert re.search(r"<title>([^<]*)</title>", issue).group(1).count("桂园社区科普橱窗") == 1
    assert '<html lang="zh-CN"' in home


def test_share_card_is_a_small_png():
    data = card_png(["#d17149", "#50a06e"])
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) < 300_000


def test_share_card_draws_the_topic_colours_in_a_few_exact_colours():
    import io

    from PIL import Image

    im = Image.open(io.BytesIO(card_png(["#123456", "#abcdef", "#50a06e"])))
    assert im.size == (500, 500) and im.mode == "P"  # a palette image: cheap to encode, small file
    colours = {c for _, c in im.convert("RGB").getcolors(256)}
    assert {(0x12, 0x34, 0x56), (0xab, 0xcd, 0xef), (0x50, 0xa0, 0x6e), (0xb4, 0x41, 0x1b), (0xff, 0xfa, 0xf2)} <= colours
    assert len(colours) == 8  # no anti-aliasing: only the drawn colours


def test_share_cards_with_the_same_layout_differ_only_in_their_colours():
    """Cards are drawn once per layout and get their palette put in: each is a valid PNG
    (PIL checks the chunk CRCs) with exactly its own colours in the right places."""
    import io

    from PIL import Image

    def pixels(colors):
        im = Image.open(io.BytesIO(card_png(colors)))
        im.load()
        return im.convert("RGB")

    a, b = pixels(["#123456", "#abcdef"]), pixels(["#50a06e", "#ffffff"])  # "#ffffff" is also the panel body
    assert a.getpixel((100, 160)) == (0x12, 0x34, 0x56) and b.getpixel((100, 160)) == (0x50, 0xa0, 0x6e)
    assert a.getpixel((300, 160)) == (0xab, 0xcd, 0xef) and b.getpixel((300, 160)) == (0xff, 0xff, 0xff)
    assert a.getpixel((90, 380)) == b.getpixel((90, 380)) == (0xff, 0xff, 0xff)
    assert card_png(["#123456", "#abcdef"]) != card_png(["#123456", "#abcdee"])


@pytest.mark.parametrize("text, links", [
    ("社区居委会 0571-8800 0000", ["tel:057188000000"]),
    ("文明实践站电话：0571-86120378（工作日9:00—17:00）", ["tel:057186120378"]),
    ("王老师 138 0000 0000", ["tel:13800000000"]),
    ("有事拨打 12345，着火打119", ["tel:12345", "tel:119"]),
    ("2026年11月9日 09:30-11:00，120 人参加，第 12 期", []),
    ("桂园路 88 号 7号楼", []),
])
def test_phone_numbers_become_tel_links(text, links):
    html = tel_links(text)
    assert re.findall(r'href="(tel:\d+)"', html) == links
    assert re.sub(r"<[^>]+>", "", html) == text.replace("&", "&amp;")


def test_tel_links_escape_volunteer_text():
    import html

    out = tel_links('<b>居委会</b> 110')
    assert out.endswith(' <a class="kp-tel" href="tel:110" aria-label="拨打 110">110</a>')
    assert "<b>" not in out and html.unescape(out.split(" <a ")[0]) == "<b>居委会</b>"


def test_footer_contact_calls_with_one_tap(built):
    home = (built / "site" / "index.html").read_text(encoding="utf-8")
    assert '<a class="kp-tel" href="tel:057188000000">社区居委会 0571-8800 0000</a>' in home


@pytest.mark.parametrize("name", ["桂园社区科普橱窗", "桂园*社区*_科普_ <橱窗> & {x} #1 [a](b) ~~c~~ | d"])
def test_home_heading_shows_the_site_name_as_written(name):
    import markdown

    import html

    from kepu.core.escape import text

    out = markdown.markdown(f"# {text(name)} {{#main}}", extensions=["attr_list", "tables", "pymdownx.tilde"])
    assert out.startswith('<h1 id="main">') and out.endswith("</h1>")
    inner = out[len('<h1 id="main">'):-len("</h1>")]
    assert "<" not in inner and html.unescape(inner) == name


def test_signup_of_an_upcoming_activity_is_one_tap_to_call(site):
    from conftest import GOOD_ACTIVITY

    from kepu.build import generate_all

    site.write("bulletins/2026/2026-12-12-gas-talk.md", GOOD_ACTIVITY.replace("participants: 86\n", "signup: 打电话 0571-8612 0378 报名，额满为止\n"))
    site.write("bulletins/2026/2026-11-09-fire-drill.md", GOOD_ACTIVITY.replace("participants: 86\n", "participants: 86\nsignup: 已结束\n"))
    assert site.errors() == []
    out = generate_all(site.load().site)
    page = out.files["2026/12/12-gas-talk/index.md"].decode("utf-8")
    assert ('<div><dt>报名</dt><dd>打电话 <a class="kp-tel" href="tel:057186120378" aria-label="拨打 0571-8612 0378">'
            '0571-8612 0378</a> 报名，额满为止</dd></div>') in page
    assert "<dt>报名</dt>" not in out.files["2026/11/09-fire-drill/index.md"].decode("utf-8")  # held: no signing up


def test_lobby_screen_has_a_description_and_a_link_preview(built):
    html = (built / "site" / "screen" / "index.html").read_text(encoding="utf-8")
    assert re.search(r'<meta name="description" content="[^"]+">', html)
    assert _meta(html, "og:title") and _meta(html, "og:description")
    assert (built / "site" / "screen" / _meta(html, "og:image")).resolve().is_file()
